// forms.js: form controls built from the field registry (GET /api/v1/fields)
// and the picklists, and the one way every form shows a server error —
// beside the field the error envelope names, with a summary at the top.
import { h, uid, clear } from './dom.js';
import { ApiError } from './api.js';
import { t, fieldLabel, labelOf, sortedValues, currentLang } from './i18n.js';

// Arabic-Indic and Persian digits typed in a number field become ASCII
// digits, which is what the API reads.
export function asciiDigits(s) {
  return String(s).replace(/[\u0660-\u0669]/g, d => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, d => String(d.charCodeAt(0) - 0x06F0))
    .replace(/\u066B/g, '.').replace(/\u066C/g, '');
}

const CHECKBOX_LIMIT = 24; // longer multi-select lists get the search-and-add control

// One control for field def f ({name, kind, list, max_length, min, max,
// required}).  values: the picklist's values when f has one.  Returns
// {name, el, get(), set(v), focus(), setError(text)}; get() gives the JSON
// value the API takes (null: unknown).
export function fieldControl(f, values, value, opts = {}) {
  const id = uid('f-' + f.name);
  const label = opts.label || fieldLabel(f.name);
  const errId = id + '-err';
  const hintId = opts.hint ? id + '-hint' : null;
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  const hint = opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null;
  const describedBy = [hintId, errId].filter(Boolean).join(' ');
  const required = opts.required || f.required;
  const labelEl = (forId) => h('label', { for: forId }, label,
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  let control, get, set, wrapper, focusEl;

  switch (f.kind) {
    case 'longtext': {
      control = h('textarea', { id, name: f.name, dir: 'auto', rows: opts.rows || 3,
        maxlength: f.max_length || null, 'aria-describedby': describedBy, required: !!required });
      get = () => (control.value.trim() === '' ? null : control.value);
      set = v => { control.value = v ?? ''; };
      break;
    }
    case 'int':
    case 'real': {
      control = h('input', { id, name: f.name, type: 'text', dir: 'ltr',
        inputmode: f.kind === 'int' ? 'numeric' : 'decimal', class: 'narrow',
        'aria-describedby': describedBy, required: !!required });
      get = () => {
        const s = asciiDigits(control.value).trim();
        if (s === '') return null;
        const num = Number(s);
        if (Number.isFinite(num) && (f.kind === 'real' || Number.isInteger(num))) return num;
        return s; // the API names the field and the value
      };
      set = v => { control.value = v === null || v === undefined ? '' : String(v); };
      break;
    }
    case 'date': {
      control = h('input', { id, name: f.name, type: 'date', class: 'narrow',
        'aria-describedby': describedBy, required: !!required });
      get = () => (control.value === '' ? null : control.value);
      set = v => { control.value = v || ''; };
      break;
    }
    case 'bool': {
      control = h('select', { id, name: f.name, 'aria-describedby': describedBy, required: !!required },
        h('option', { value: '' }, t('widget.unknown')),
        h('option', { value: 'true' }, t('app.yes')),
        h('option', { value: 'false' }, t('app.no')));
      get = () => (control.value === '' ? null : control.value === 'true');
      set = v => { control.value = v === true ? 'true' : v === false ? 'false' : ''; };
      break;
    }
    case 'pick': {
      const options = (opts.only ? values.filter(v => opts.only.includes(v.code)) : sortedValues(values));
      control = h('select', { id, name: f.name, 'aria-describedby': describedBy, required: !!required },
        h('option', { value: '' }, required ? t('widget.choose') : t('widget.unknown')),
        options.map(v => h('option', { value: v.code }, v[currentLang()] || v.en)));
      get = () => (control.value === '' ? null : control.value);
      set = v => { control.value = v || ''; };
      break;
    }
    case 'multi': {
      if (values.length <= CHECKBOX_LIMIT) return checkboxGroup(f, values, value, { label, err, errId, hint, hintId });
      return chipsControl(f, values, value, { label, err, errId, hint, hintId, id });
    }
    default: {
      control = h('input', { id, name: f.name, type: 'text', dir: 'auto', autocomplete: 'off',
        maxlength: f.max_length || null, 'aria-describedby': describedBy, required: !!required });
      get = () => (control.value.trim() === '' ? null : control.value.trim());
      set = v => { control.value = v ?? ''; };
    }
  }
  focusEl = control;
  wrapper = h('div', { class: 'field', 'data-field': f.name }, labelEl(id), hint, control, err);
  set(value);
  return {
    name: f.name, el: wrapper, get, set, focus: () => focusEl.focus(),
    setError: text => showFieldError(wrapper, focusEl, err, text),
  };
}

function showFieldError(wrapper, focusEl, err, text) {
  if (text) {
    err.textContent = text;
    err.hidden = false;
    wrapper.classList.add('invalid');
    focusEl.setAttribute('aria-invalid', 'true');
  } else {
    err.textContent = '';
    err.hidden = true;
    wrapper.classList.remove('invalid');
    focusEl.removeAttribute('aria-invalid');
  }
}

function checkboxGroup(f, values, value, o) {
  const boxes = values.map(v => {
    const cid = uid('c-' + f.name);
    const box = h('input', { type: 'checkbox', id: cid, name: f.name, value: v.code });
    return { code: v.code, box, el: h('div', { class: 'check' }, box, h('label', { for: cid }, v[currentLang()] || v.en)) };
  });
  const fs = h('fieldset', { class: 'field checks', 'data-field': f.name, 'aria-describedby': [o.hintId, o.errId].filter(Boolean).join(' ') },
    h('legend', null, o.label), o.hint, h('div', { class: 'check-grid' }, boxes.map(b => b.el)), o.err);
  const set = v => { const s = new Set(Array.isArray(v) ? v : v ? [v] : []); boxes.forEach(b => { b.box.checked = s.has(b.code); }); };
  set(value);
  return {
    name: f.name, el: fs,
    get: () => { const a = boxes.filter(b => b.box.checked).map(b => b.code); return a.length ? a : null; },
    set,
    focus: () => boxes[0] && boxes[0].box.focus(),
    setError: text => showFieldError(fs, fs, o.err, text),
  };
}

// A long list (countries, languages): type to find a value in a list of
// suggestions, Add, and each chosen value becomes a removable chip.
function chipsControl(f, values, value, o) {
  const listId = uid('dl-' + f.name);
  const lang = currentLang();
  const sorted = sortedValues(values);
  const input = h('input', { id: o.id, type: 'text', list: listId, dir: 'auto', autocomplete: 'off',
    'aria-describedby': [o.hintId, o.errId].filter(Boolean).join(' '), placeholder: t('widget.type_to_find') });
  const datalist = h('datalist', { id: listId }, sorted.map(v => h('option', { value: v[lang] || v.en })));
  const chips = h('ul', { class: 'chips', 'aria-live': 'polite' });
  let chosen = [];
  const render = () => {
    clear(chips);
    for (const code of chosen) {
      const lbl = labelOf(values, code);
      chips.appendChild(h('li', { class: 'chip' }, lbl,
        h('button', { type: 'button', class: 'chip-x', 'aria-label': t('widget.remove_value', { label: lbl }),
          onclick: () => { chosen = chosen.filter(c => c !== code); render(); input.focus(); } }, '×')));
    }
  };
  const find = text => {
    const s = text.trim().toLowerCase();
    if (!s) return null;
    return values.find(v => v.code.toLowerCase() === s || (v.en || '').toLowerCase() === s || (v.ar || '') === text.trim()) || null;
  };
  const add = () => {
    const v = find(input.value);
    if (!v) { if (input.value.trim()) api.setError(t('widget.not_in_list', { value: input.value.trim() })); return; }
    api.setError(null);
    if (!chosen.includes(v.code)) chosen.push(v.code);
    // keep the registry's canonical order (list order) like the API does
    chosen.sort((a, b) => values.findIndex(x => x.code === a) - values.findIndex(x => x.code === b));
    input.value = '';
    render();
  };
  input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  input.addEventListener('change', () => { if (find(input.value)) add(); });
  const wrapper = h('div', { class: 'field', 'data-field': f.name },
    h('label', { for: o.id }, o.label), o.hint,
    h('div', { class: 'chip-input' }, input,
      h('button', { type: 'button', class: 'btn secondary small', onclick: add }, t('widget.add_value'))),
    datalist, chips, o.err);
  const api = {
    name: f.name, el: wrapper,
    get: () => (chosen.length ? [...chosen] : null),
    set: v => { chosen = Array.isArray(v) ? [...v] : v ? [v] : []; render(); },
    focus: () => input.focus(),
    setError: text => showFieldError(wrapper, input, o.err, text),
  };
  api.set(value);
  return api;
}

// A form: sections of controls, a submit button, an error summary.
// sections: [{title, controls: [control]}]; onSubmit(form) may throw an
// ApiError, which is shown.  Returns {el, controls, values(), showError}.
export function makeForm({ sections, submitLabel, onSubmit, extra, secondary, className }) {
  const summary = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const controls = sections.flatMap(s => s.controls);
  const submit = h('button', { type: 'submit', class: 'btn primary' }, submitLabel);
  const form = h('form', { class: 'form ' + (className || ''), novalidate: true },
    summary,
    sections.map(s => (s.title ? h('fieldset', { class: 'section' }, h('legend', null, s.title), s.intro ? h('p', { class: 'hint' }, s.intro) : null, s.controls.map(c => c.el))
      : s.controls.map(c => c.el))),
    extra || null,
    h('div', { class: 'actions' }, submit, secondary || null));
  const obj = {
    el: form, controls,
    control: name => controls.find(c => c.name === name),
    values: () => {
      const out = {};
      for (const c of controls) out[c.name] = c.get();
      return out;
    },
    showError: e => showError(obj, summary, e),
    clearErrors: () => { summary.hidden = true; clear(summary); controls.forEach(c => c.setError(null)); },
  };
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    obj.clearErrors();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(obj);
    } catch (e) {
      obj.showError(e);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return obj;
}

// The words a user reads for an API error: a sentence in their language for
// the error code, then the server's own message (which names the field and
// value, in English).
export function errorText(e) {
  if (!(e instanceof ApiError)) return t('error.other') + (e && e.message ? ': ' + e.message : '');
  if (e.code === 'network') return t('error.network');
  const key = 'error.' + e.code;
  const head = t(key) === key ? t('error.other') : t(key);
  return e.message && e.message !== e.code ? `${head}. ${t('error.server_says')} ${e.message}` : head;
}

function showError(form, summary, e) {
  const text = errorText(e);
  const message = e instanceof ApiError ? e.message || '' : '';
  // the control the error is about: the envelope's "field" (or one a view
  // set on e.field); only when the form has no such control, the one whose
  // name the message mentions first
  let target = e && e.field ? form.controls.find(c => c.name === e.field) || null : null;
  if (!target) {
    let at = Infinity;
    for (const c of form.controls) {
      const m = new RegExp(`(^|[^A-Za-z_])${c.name}([^A-Za-z_]|$)`).exec(message);
      if (m && m.index < at) { target = c; at = m.index; }
    }
  }
  clear(summary);
  summary.appendChild(h('p', null, text));
  summary.hidden = false;
  if (target) {
    target.setError(text);
    target.focus();
  } else {
    summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
}

// Show an error that belongs to no form (a button's action) in a given place.
export function errorBox(e) {
  return h('div', { class: 'form-error', role: 'alert' }, h('p', null, errorText(e)));
}
