// view-case.js: one case, in tabs that follow its lifecycle — overview,
// details, screening and identification, consent, referrals, services and
// support plans, return and reintegration, route, perpetrators, comments,
// closure and reopening, handover.  What the caller may see is decided by
// the server (the case arrives redacted, with "access" naming the view);
// this page shows what arrived and offers only the actions that access and
// role allow.
import { api, ApiError } from './api.js';
import { h, ltr, clear } from './dom.js';
import { t, fmtDate, fmtNumber, labelOf, vocabs, currentLang, fieldLabel } from './i18n.js';
import { ctx, can, go, flash, organisations, orgName, orgNameText, registry } from './state.js';
import { makeForm, fieldControl, errorBox } from './forms.js';
import { sectionsWithRest, LIFECYCLE_FIELDS } from './sections.js';
import { personName } from './views-cases.js';

const FULL = ['write', 'read', 'shared'];

// tab id -> [label key, when it is shown]
const TABS = [
  ['overview', () => true],
  ['edit', c => c.access === 'write' && can('case_update')],
  ['screening', c => FULL.includes(c.access)],
  ['consents', c => FULL.includes(c.access) && (c.case.consents || c.access === 'write')],
  ['referrals', c => FULL.includes(c.access) && (c.case.referrals || c.access === 'write')],
  ['services', c => FULL.includes(c.access) && (c.case.services || c.case.support_plans || writable(c) || c.access === 'shared')],
  ['return', c => c.access === 'write' || ((c.case.services || []).some(s => ['Return', 'Reintegration', 'RiskAssessment'].includes(s.snd_ServiceType)))],
  ['events', c => FULL.includes(c.access) && (c.case.events || c.access === 'write')],
  ['perpetrators', c => FULL.includes(c.access) && (c.case.perpetrators || c.access === 'write')],
  ['comments', c => FULL.includes(c.access) && (c.case.comments || writable(c) || c.access === 'shared')],
  ['closure', c => c.access === 'write' || c.case.cas_Status === 'Closed'],
  ['handover', c => c.access === 'write' && can('case_handover')],
];

function writable(c) { return c.access === 'write'; }
function canAddNotes(c) { return (c.access === 'write' || c.access === 'shared') && can('case_add_note'); }
// Items are changed and removed by the owning organisation only (a receiver
// adds its own); a comment only by its author or a supervisor.
function canEditItems(c) { return c.access === 'write' && can('case_update'); }
function canEditComment(c, it) {
  return canEditItems(c) && (it.snd_CommentAuthor === ctx.me.username || ctx.me.role === 'supervisor');
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function listJoin(items) {
  try { return new Intl.ListFormat(currentLang(), { style: 'short', type: 'conjunction' }).format(items); } catch (e) { return items.join(', '); }
}

// A value of field f as the reader sees it.
function showValue(f, value, v, orgs) {
  if (value === null || value === undefined) return null;
  if (f.name === 'snd_Organisation' || f.name === 'cas_ReferringOrganisation' || f.name === 'cas_ReferredOrganisation' || f.name === 'snd_ConsentRecipient') {
    return orgs && orgs.some(o => o.code === value) ? orgName(orgs, value) : h('span', { dir: 'auto' }, value);
  }
  if (f.name === 'snd_CaseRef' || f.name === 'snd_PreviousCaseRef' || f.name === 'cas_CaseOwner' || f.name === 'snd_CommentAuthor' || f.name === 'prs_Email') return ltr(String(value));
  switch (f.kind) {
    case 'pick': return labelOf(v[f.list], value);
    case 'multi': return listJoin((Array.isArray(value) ? value : [value]).map(c => labelOf(v[f.list], c)));
    case 'bool': return value ? t('app.yes') : t('app.no');
    case 'date': return h('time', { datetime: value }, fmtDate(value));
    case 'int': return fmtNumber(value, { grouping: !/Year/.test(f.name) });
    case 'real': return ltr(String(value));
    case 'longtext': return h('span', { class: 'prose', dir: 'auto' }, value);
    default: return h('span', { dir: 'auto' }, String(value));
  }
}

function dl(fields, record, v, orgs) {
  const rows = fields.filter(f => record[f.name] !== undefined && record[f.name] !== null);
  if (!rows.length) return null;
  return h('dl', { class: 'facts' }, rows.map(f => h('div', { class: 'fact', 'data-field': f.name },
    h('dt', null, fieldLabel(f.name)), h('dd', null, showValue(f, record[f.name], v, orgs)))));
}

// Items of a repeating group as a table with the given columns.
function itemsTable(group, items, columns, v, orgs, opts = {}) {
  if (!items || !items.length) return h('p', { class: 'muted' }, t('app.none_yet'));
  const fields = columns.map(n => group.byName[n]).filter(Boolean);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'items ' + (opts.className || '') },
    opts.caption ? h('caption', { class: 'visually-hidden' }, opts.caption) : null,
    h('thead', null, h('tr', null, opts.idColumn ? h('th', { scope: 'col' }, opts.idColumn.label) : null,
      fields.map(f => h('th', { scope: 'col' }, fieldLabel(f.name))),
      opts.actions ? h('th', { scope: 'col' }, t('users.actions')) : null)),
    h('tbody', null, items.map((it, i) => h('tr', { 'data-item': i + 1 },
      opts.idColumn ? h('th', { scope: 'row' }, opts.idColumn.value(it, i)) : null,
      fields.map(f => h('td', { 'data-field': f.name }, showValue(f, it[f.name], v, orgs) ?? '')),
      opts.actions ? h('td', { class: 'row-actions' }, opts.actions(it, i)) : null)))));
}

// A form adding one item of a group through POST /api/v1/cases/{ref}/{path}.
function itemForm(kase, group, names, v, path, submitLabel, o = {}) {
  const controls = names.map(n => group.byName[n]).filter(Boolean).map(f =>
    fieldControl(f, v[f.list] || [], o.defaults ? o.defaults[f.name] ?? null : null, (o.options && o.options[f.name]) || {}));
  return makeForm({
    sections: [{ title: o.title, controls }],
    submitLabel,
    onSubmit: async form => {
      const body = { ...(o.fixed || {}) };
      for (const [k, val] of Object.entries(form.values())) if (val !== null) body[k] = val;
      await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/${path}`, body);
      flash(o.done || t('app.saved'));
      reload(kase, o.tab);
    },
  });
}

// Edit and Remove for item n (from 1) of a repeating group.  Edit works in
// place: a form with the item's values takes the place of its row until it
// is saved or cancelled.  Remove asks first.  Both send the version the
// page was built from (If-Match): if someone changed the case meanwhile the
// page reloads instead of changing the wrong item.
function itemActions(env, groupName, n, item, names, tab, opts = {}) {
  const { kase, reg, v } = env;
  const g = reg[groupName];
  const path = `/api/v1/cases/${encodeURIComponent(kase.ref)}/${groupName}/${n}`;
  const wrap = h('div', { class: 'item-actions' });
  const stale = e => {
    if (e instanceof ApiError && e.code === 'conflict') { flash(t('case.conflict'), 'warn'); reload(kase, tab); return true; }
    return false;
  };
  const editBtn = h('button', { type: 'button', class: 'btn secondary small', 'data-edit-item': `${groupName}/${n}`,
    'aria-label': t('items.edit_n', { n }) }, t('items.edit'));
  const removeBtn = h('button', { type: 'button', class: 'btn danger small', 'data-remove-item': `${groupName}/${n}`,
    'aria-label': t('items.remove_n', { n }) }, t('items.remove'));
  editBtn.addEventListener('click', () => {
    const host = editBtn.closest(opts.host || 'tr');
    const controls = names.map(nm => g.byName[nm]).filter(f => f && !f.system)
      .map(f => fieldControl(f, v[f.list] || [], item[f.name] ?? null, (opts.options && opts.options[f.name]) || {}));
    const cancel = h('button', { type: 'button', class: 'btn secondary' }, t('items.cancel'));
    cancel.addEventListener('click', () => reload(kase, tab));
    const form = makeForm({
      sections: [{ title: t('items.editing', { n }), controls }],
      submitLabel: t('items.save'),
      secondary: cancel,
      className: 'item-edit',
      onSubmit: async f => {
        const changes = {};
        for (const [k, val] of Object.entries(f.values())) {
          if (JSON.stringify(val) !== JSON.stringify(item[k] ?? null)) changes[k] = val;
        }
        if (!Object.keys(changes).length) { flash(t('case.no_changes')); reload(kase, tab); return; }
        try {
          await api('PATCH', path, changes, { ifMatch: kase.version });
        } catch (e) {
          if (stale(e)) return;
          throw e;
        }
        flash(t('app.saved'));
        reload(kase, tab);
      },
    });
    const editHost = host.tagName === 'TR'
      ? h('tr', { class: 'editing', 'data-editing': `${groupName}/${n}` }, h('td', { colspan: host.children.length }, form.el))
      : h(host.tagName.toLowerCase(), { class: 'editing', 'data-editing': `${groupName}/${n}` }, form.el);
    host.hidden = true;
    host.after(editHost);
    if (controls[0]) controls[0].focus();
  });
  removeBtn.addEventListener('click', () => {
    clear(wrap);
    const yes = h('button', { type: 'button', class: 'btn danger small', 'data-confirm-remove': `${groupName}/${n}` }, t('items.remove'));
    const no = h('button', { type: 'button', class: 'btn secondary small' }, t('app.back'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api('DELETE', path, undefined, { ifMatch: kase.version });
        flash(t('items.removed'));
        reload(kase, tab);
      } catch (e) {
        if (stale(e)) return;
        wrap.appendChild(errorBox(e));
        yes.disabled = false;
      }
    });
    no.addEventListener('click', () => reload(kase, tab));
    wrap.appendChild(h('div', { role: 'alert', class: 'confirm' }, h('p', null, t('items.remove_confirm', { n })), yes, ' ', no));
    yes.focus();
  });
  wrap.appendChild(editBtn);
  wrap.appendChild(document.createTextNode(' '));
  wrap.appendChild(removeBtn);
  return wrap;
}

function reload(kase, tab) {
  go(`/cases/${encodeURIComponent(kase.ref)}${tab ? '/' + tab : ''}`, { replace: true });
}

export async function viewCase(el, [ref, tab]) {
  tab = tab || 'overview';
  const reg = await registry();
  let kase;
  try {
    kase = await api('GET', `/api/v1/cases/${encodeURIComponent(ref)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      el.appendChild(h('h1', null, t('error.not_found')));
      el.appendChild(h('p', null, t('case.not_found', { ref }), ''));
      return;
    }
    throw e;
  }
  const lists = Object.values(reg).flatMap(g => g.fields.filter(f => f.list).map(f => f.list));
  const [v, orgs] = await Promise.all([vocabs(lists), organisations()]);
  const c = kase.case;
  const name = personName(c);

  // header
  el.appendChild(h('div', { class: 'case-head' },
    h('h1', null, name ? h('span', { dir: 'auto' }, name) : t('case.name_unknown'), ' ', h('span', { class: 'case-ref' }, ltr(kase.ref))),
    h('div', { class: 'badges' },
      c.snd_Stage ? h('span', { class: 'badge stage' }, labelOf(v.case_stage, c.snd_Stage)) : null,
      c.cas_Status ? h('span', { class: 'badge ' + (c.cas_Status === 'Closed' || c.cas_Status === 'ClosedReferred' ? 'closed' : 'status') }, labelOf(v.case_status, c.cas_Status)) : null,
      c.vic_TraffickingStatus ? h('span', { class: 'badge victim' }, labelOf(v.trafficking_status, c.vic_TraffickingStatus)) : null,
      h('span', { class: 'badge access access-' + kase.access }, t('access.' + kase.access))),
    h('p', { class: 'case-meta' },
      c.snd_Organisation ? [t('case.org'), ': ', orgName(orgs, c.snd_Organisation)] : null,
      c.cas_CaseOwner ? [' · ', t('case.owner'), ': ', ltr(c.cas_CaseOwner)] : null,
      c.snd_NextFollowUpDate ? [' · ', fieldLabel('snd_NextFollowUpDate'), ': ', fmtDate(c.snd_NextFollowUpDate)] : null)));
  if (['referral', 'liaison', 'shared'].includes(kase.access)) {
    el.appendChild(h('p', { class: 'notice access-note' }, t('access.explain.' + kase.access)));
  }

  // tabs
  const tabs = TABS.filter(([, show]) => show(kase)).map(([id]) => id);
  if (!tabs.includes(tab)) tab = 'overview';
  el.appendChild(h('nav', { class: 'tabs', 'aria-label': t('case.tabs') }, h('ul', null, tabs.map(id =>
    h('li', null, h('a', { href: `/cases/${encodeURIComponent(kase.ref)}${id === 'overview' ? '' : '/' + id}`,
      'aria-current': id === tab ? 'page' : null, 'data-tab': id }, t('case.tab.' + id)))))));
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'panel-title' });
  el.appendChild(panel);
  const env = { kase, c, reg, v, orgs, panel };
  const views = { overview, edit, screening, consents, referrals, services, return: returnTab, events, perpetrators, comments, closure, handover };
  return views[tab](env);
}

function panelTitle(panel, key) {
  panel.appendChild(h('h2', { id: 'panel-title' }, t(key)));
}

function overview({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'case.tab.overview');
  const g = reg.case;
  for (const s of sectionsWithRest(g.fields)) {
    const fields = s.fields.map(n => g.byName[n]).filter(Boolean);
    const facts = dl(fields, c, v, orgs);
    if (!facts && !s.identity) continue;
    panel.appendChild(h('section', { class: 'card', 'data-section': s.id }, h('h3', null, t(s.title)),
      facts || h('p', { class: 'muted' }, ['write', 'read'].includes(kase.access) ? t('app.none_yet') : t('section.identity_hidden'))));
  }
}

function edit({ kase, c, reg, v, panel }) {
  panelTitle(panel, 'case.tab.edit');
  const g = reg.case;
  const skip = new Set([...LIFECYCLE_FIELDS, 'snd_CaseRef', 'snd_Organisation', 'snd_YearOfRegistration']);
  const sections = sectionsWithRest(g.fields).filter(s => !s.readOnly && s.id !== 'indicators').map(s => ({
    title: t(s.title),
    controls: s.fields.filter(n => g.byName[n] && !skip.has(n) && !g.byName[n].system)
      .map(n => fieldControl(g.byName[n], v[g.byName[n].list] || [], c[n] ?? null)),
  })).filter(s => s.controls.length);
  const form = makeForm({
    sections,
    submitLabel: t('case.edit_submit'),
    onSubmit: async f => {
      const changes = {};
      for (const [k, val] of Object.entries(f.values())) {
        if (JSON.stringify(val) !== JSON.stringify(c[k] ?? null)) changes[k] = val;
      }
      if (!Object.keys(changes).length) { flash(t('case.no_changes')); reload(kase, 'edit'); return; }
      try {
        await api('PATCH', `/api/v1/cases/${encodeURIComponent(kase.ref)}`, changes, { ifMatch: kase.version });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'conflict') { flash(t('case.conflict'), 'warn'); reload(kase, 'edit'); return; }
        throw e;
      }
      flash(t('app.saved'));
      reload(kase, '');
    },
  });
  panel.appendChild(form.el);
}

function screening({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'screening.title');
  panel.appendChild(h('p', { class: 'hint' }, t('screening.intro')));
  const g = reg.case;
  const decision = dl(['vic_TraffickingStatus', 'vic_TraffickingStatusDecisionMakingOrg', 'snd_StatusDecidedBy', 'snd_IdentificationDate']
    .map(n => g.byName[n]), c, v, orgs);
  panel.appendChild(h('section', { class: 'card', 'data-section': 'decision' }, h('h3', null, t('screening.current')), decision || h('p', { class: 'muted' }, t('app.none_yet'))));
  const indicatorFields = [['snd_PalermoAct', 'screening.act'], ['snd_PalermoMeans', 'screening.means'],
    ['vic_TypeOfExploitation', 'screening.purpose'], ['vic_MethodsOfControl', 'screening.control'], ['vic_Vulnerabilities', 'screening.vulnerabilities']];
  if (!(kase.access === 'write' && can('case_update'))) {
    const facts = dl(indicatorFields.map(([n]) => g.byName[n]), c, v, orgs);
    if (facts) panel.appendChild(h('section', { class: 'card' }, h('h3', null, t('section.indicators')), facts));
    return;
  }
  const indicators = indicatorFields.map(([n, label]) => fieldControl(g.byName[n], v[g.byName[n].list], c[n] ?? null, { label: t(label) }));
  const status = fieldControl({ name: 'trafficking_status', kind: 'pick', list: 'trafficking_status' }, v.trafficking_status, c.vic_TraffickingStatus ?? null, { label: t('screening.status'), required: true });
  const org = fieldControl({ name: 'decision_org', kind: 'pick', list: 'status_decision_org' }, v.status_decision_org, c.vic_TraffickingStatusDecisionMakingOrg ?? null, { label: t('screening.decision_org'), required: true });
  const by = fieldControl({ name: 'decided_by', kind: 'text', max_length: 200 }, null, '', { label: t('screening.decided_by'), hint: t('screening.decided_by_hint') });
  const date = fieldControl({ name: 'identification_date', kind: 'date' }, null, c.snd_IdentificationDate ?? null, { label: t('screening.date') });
  const form = makeForm({
    sections: [{ title: t('section.indicators'), controls: indicators }, { title: t('screening.decision'), controls: [status, org, by, date] }],
    submitLabel: t('screening.submit'),
    onSubmit: async () => {
      const body = { trafficking_status: status.get() || '', decision_org: org.get() || '', indicators: {} };
      if (by.get()) body.decided_by = by.get();
      if (date.get()) body.identification_date = date.get();
      for (const ctl of indicators) body.indicators[ctl.name] = ctl.get();
      await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/screening`, body);
      flash(t('app.saved'));
      reload(kase, 'screening');
    },
  });
  panel.appendChild(form.el);
}

// The latest consent item of each (scope, recipient), by date, later items
// winning ties: the policy module's rule (policy_consent_current).
function currentConsents(items) {
  const latest = new Map();
  (items || []).forEach((it, i) => {
    const key = it.snd_ConsentScope + '|' + (it.snd_ConsentRecipient || '');
    const prev = latest.get(key);
    if (!prev || (it.snd_ConsentDate || '') >= (prev.it.snd_ConsentDate || '')) latest.set(key, { it, i });
  });
  return [...latest.values()].map(x => x.it);
}

export function referralConsentCovers(items, org) {
  let latest = null;
  for (const it of items || []) {
    if (it.snd_ConsentScope !== 'Referral') continue;
    if (it.snd_ConsentRecipient && it.snd_ConsentRecipient !== org) continue;
    if (!latest || (it.snd_ConsentDate || '') >= (latest.snd_ConsentDate || '')) latest = it;
  }
  return !!(latest && latest.snd_ConsentGiven === true);
}

function orgSelect(name, orgs, value, o) {
  const vals = orgs.filter(x => !o.exclude || !o.exclude.includes(x.code))
    .map(x => ({ code: x.code, en: x.name, ar: x.name_ar || x.name }));
  return fieldControl({ name, kind: 'pick', list: null }, vals, value, { ...o, only: null });
}

function consents({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'consent.title');
  panel.appendChild(h('p', { class: 'hint' }, t('consent.intro')));
  const g = reg.consents;
  const items = c.consents || [];
  const mayRecord = kase.access === 'write' && can('consent_record');
  const current = currentConsents(items);
  const currentArea = h('div');
  panel.appendChild(h('section', { class: 'card', 'data-section': 'current-consent' }, h('h3', null, t('consent.current')), currentArea));
  if (!current.length) currentArea.appendChild(h('p', { class: 'muted' }, t('app.none_yet')));
  else {
    currentArea.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'consents-current' },
      h('thead', null, h('tr', null, ['snd_ConsentScope', 'snd_ConsentRecipient'].map(n => h('th', { scope: 'col' }, fieldLabel(n))),
        h('th', { scope: 'col' }, t('consent.decision')), h('th', { scope: 'col' }, fieldLabel('snd_ConsentDate')),
        mayRecord ? h('th', { scope: 'col' }, t('users.actions')) : null)),
      h('tbody', null, current.map(it => {
        const scopeLabel = labelOf(v.consent_scope, it.snd_ConsentScope);
        const recipient = it.snd_ConsentRecipient;
        const actions = h('td', { class: 'row-actions' });
        if (mayRecord && it.snd_ConsentGiven) {
          const ask = h('button', { type: 'button', class: 'btn danger small', 'data-revoke': it.snd_ConsentScope + (recipient ? ':' + recipient : '') }, t('consent.revoke'));
          ask.addEventListener('click', () => {
            clear(actions);
            const msg = t('consent.revoke_confirm', { scope: scopeLabel, to: recipient ? t('consent.for', { org: orgNameText(orgs, recipient) }) : '' });
            const yes = h('button', { type: 'button', class: 'btn danger small', 'data-confirm-revoke': '1' }, t('consent.revoke'));
            const no = h('button', { type: 'button', class: 'btn secondary small' }, t('app.back'));
            yes.addEventListener('click', async () => {
              yes.disabled = true;
              try {
                const body = { snd_ConsentScope: it.snd_ConsentScope, snd_ConsentGiven: false, snd_ConsentDate: today() };
                if (recipient) body.snd_ConsentRecipient = recipient;
                await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/consents`, body);
                flash(t('consent.revoked_done'));
                reload(kase, 'consents');
              } catch (e) { actions.appendChild(errorBox(e)); yes.disabled = false; }
            });
            no.addEventListener('click', () => reload(kase, 'consents'));
            actions.appendChild(h('div', { role: 'alert', class: 'confirm' }, h('p', null, msg), yes, ' ', no));
            yes.focus();
          });
          actions.appendChild(ask);
        }
        return h('tr', { 'data-scope': it.snd_ConsentScope, 'data-recipient': recipient || '' },
          h('td', null, scopeLabel),
          h('td', null, recipient ? orgName(orgs, recipient) : t('consent.recipient_any')),
          h('td', null, h('span', { class: 'badge ' + (it.snd_ConsentGiven ? 'ok' : 'danger') }, it.snd_ConsentGiven ? t('consent.given') : t('consent.revoked'))),
          h('td', null, fmtDate(it.snd_ConsentDate)),
          mayRecord ? actions : null);
      })))));
  }
  panel.appendChild(h('section', { class: 'card', 'data-section': 'consent-history' }, h('h3', null, t('consent.history')),
    itemsTable(g, items, ['snd_ConsentScope', 'snd_ConsentGiven', 'snd_ConsentRecipient', 'snd_ConsentDate', 'snd_ConsentLanguage', 'snd_ConsentExplainedBy'], v, orgs),
    items.length ? h('p', { class: 'hint', 'data-consent-kept': '1' }, t('consent.never_removed')) : null));
  if (!mayRecord) return;
  const scope = fieldControl(g.byName.snd_ConsentScope, v.consent_scope, null, { required: true });
  const given = fieldControl(g.byName.snd_ConsentGiven, [], true, {});
  const recipient = orgSelect('snd_ConsentRecipient', orgs, null, { exclude: [c.snd_Organisation] });
  recipient.el.querySelector('option[value=""]').textContent = t('consent.recipient_any');
  const language = fieldControl(g.byName.snd_ConsentLanguage, v.language, null, {});
  const by = fieldControl(g.byName.snd_ConsentExplainedBy, [], ctx.me.display_name || ctx.me.username, {});
  const date = fieldControl(g.byName.snd_ConsentDate, [], today(), {});
  const form = makeForm({
    sections: [{ title: t('consent.record'), controls: [scope, given, recipient, language, by, date] }],
    submitLabel: t('consent.record'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
      await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/consents`, body);
      flash(t('app.saved'));
      reload(kase, 'consents');
    },
  });
  panel.appendChild(form.el);
}

function referrals({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'referral.title');
  const g = reg.referrals;
  const items = c.referrals || [];
  panel.appendChild(itemsTable(g, items, ['cas_ReferredOrganisation', 'snd_ReferralStatus', 'cas_OutgoingReferralDate', 'cas_ReasonForOutgoingReferral', 'cas_ReferredPrimaryCaseWorker', 'snd_ReferralDecisionDate', 'cas_OutgoingReferralDetails'], v, orgs,
    { idColumn: { label: t('referral.id'), value: (it, i) => ltr(`${kase.ref}.${i + 1}`) }, className: 'outgoing' }));
  if (c.cas_ReferringOrganisation) {
    panel.appendChild(h('p', { class: 'muted' }, t('referral.incoming_on_case'), ': ', orgName(orgs, c.cas_ReferringOrganisation),
      c.cas_IncomingReferralDate ? [' (', fmtDate(c.cas_IncomingReferralDate), ')'] : null));
  }
  if (!(kase.access === 'write' && can('referral_create'))) return;
  const org = orgSelect('cas_ReferredOrganisation', orgs, null, { exclude: [c.snd_Organisation], required: true, label: fieldLabel('cas_ReferredOrganisation') });
  org.el.querySelector('option[value=""]').textContent = t('referral.choose');
  const warn = h('div', { class: 'notice warn', role: 'status', 'aria-live': 'polite', hidden: true, 'data-consent-warning': '1' });
  const select = org.el.querySelector('select');
  const check = () => {
    const code = select.value;
    if (code && !referralConsentCovers(c.consents, code)) {
      warn.textContent = t('referral.blocked', { org: orgNameText(orgs, code) });
      warn.hidden = false;
    } else { warn.hidden = true; warn.textContent = ''; }
  };
  select.addEventListener('change', check);
  org.el.appendChild(warn);
  const others = ['cas_ReasonForOutgoingReferral', 'cas_ReferredPrimaryCaseWorker', 'cas_OutgoingReferralDate', 'cas_OutgoingReferralDetails']
    .map(n => fieldControl(g.byName[n], v[g.byName[n].list] || [], n === 'cas_OutgoingReferralDate' ? today() : null, {}));
  const form = makeForm({
    sections: [{ title: t('referral.new'), controls: [org, ...others] }],
    extra: h('p', { class: 'hint' }, t('referral.needs_consent')),
    submitLabel: t('referral.submit'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
      try {
        await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/referrals`, body);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'consent_required') {
          e.message = t('referral.blocked', { org: orgNameText(orgs, body.cas_ReferredOrganisation) }) + ' (' + e.message + ')';
          e.field = 'cas_ReferredOrganisation';
        }
        throw e;
      }
      flash(t('referral.sent', { org: orgNameText(orgs, body.cas_ReferredOrganisation) }));
      reload(kase, 'referrals');
    },
  });
  panel.appendChild(form.el);
}

const SERVICE_COLUMNS = ['snd_ServiceType', 'snd_ServiceMode', 'snd_ServiceStart', 'snd_ServiceEnd', 'snd_ServiceProvider', 'snd_ServiceNotes'];

function services({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'services.title');
  panel.appendChild(h('p', { class: 'hint' }, t('services.intro')));
  const env = { kase, reg, v };
  const edits = canEditItems(kase);
  panel.appendChild(itemsTable(reg.services, c.services, SERVICE_COLUMNS, v, orgs, { className: 'services',
    actions: edits ? (it, i) => itemActions(env, 'services', i + 1, it, SERVICE_COLUMNS, 'services') : null }));
  const mayAdd = canAddNotes(kase);
  if (mayAdd) {
    panel.appendChild(itemForm(kase, reg.services, SERVICE_COLUMNS, v, 'services', t('services.add'),
      { title: t('services.add'), tab: 'services', defaults: { snd_ServiceStart: today(), snd_ServiceMode: 'InPerson' } }).el);
  }
  panel.appendChild(h('h2', null, t('plans.title')));
  const planCols = ['spl_Type', 'spl_Objectives', 'spl_ActionPlan', 'spl_PlannedEndDate', 'spl_ActualEndDate'];
  panel.appendChild(itemsTable(reg.support_plans, c.support_plans, planCols, v, orgs, { className: 'plans',
    actions: edits ? (it, i) => itemActions(env, 'support_plans', i + 1, it, planCols, 'services') : null }));
  if (mayAdd) {
    panel.appendChild(itemForm(kase, reg.support_plans, planCols, v, 'support_plans', t('plans.add'), { title: t('plans.add'), tab: 'services' }).el);
  }
}

function returnTab({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'return.title');
  panel.appendChild(h('p', { class: 'hint' }, t('return.intro')));
  const all = c.services || [];
  const risk = all.filter(s => s.snd_ServiceType === 'RiskAssessment');
  const latestRisk = risk.map(s => s.snd_ServiceStart || '').sort().pop();
  panel.appendChild(h('p', { class: 'notice ' + (risk.length ? 'ok' : 'warn'), 'data-risk': risk.length ? 'done' : 'missing' },
    risk.length ? t('return.risk_done', { date: fmtDate(latestRisk) || t('app.unknown') }) : t('return.risk_missing')));
  const related = all.filter(s => ['RiskAssessment', 'Return', 'Reintegration'].includes(s.snd_ServiceType));
  panel.appendChild(itemsTable(reg.services, related, SERVICE_COLUMNS, v, orgs, { className: 'returns',
    actions: canEditItems(kase) ? it => itemActions({ kase, reg, v }, 'services', all.indexOf(it) + 1, it, SERVICE_COLUMNS, 'return') : null }));
  if (!(kase.access === 'write' && can('case_update'))) return;
  const cols = ['snd_ServiceStart', 'snd_ServiceProvider', 'snd_ServiceMode', 'snd_ServiceNotes'];
  panel.appendChild(itemForm(kase, reg.services, cols, v, 'services', t('return.risk_add'),
    { title: t('return.risk_add'), tab: 'return', fixed: { snd_ServiceType: 'RiskAssessment' }, defaults: { snd_ServiceStart: today(), snd_ServiceMode: 'InPerson' } }).el);
  const g = reg.services;
  const kind = fieldControl(g.byName.snd_ServiceType, v.service_type, 'Return', { label: t('return.kind'), only: ['Return', 'Reintegration'], required: true });
  const controls = [kind, ...['snd_ServiceStart', 'snd_ServiceEnd', 'snd_ServiceProvider', 'snd_ServiceMode', 'snd_ServiceNotes']
    .map(n => fieldControl(g.byName[n], v[g.byName[n].list] || [], n === 'snd_ServiceStart' ? today() : null, {}))];
  panel.appendChild(makeForm({
    sections: [{ title: t('return.record'), controls }],
    submitLabel: t('return.submit'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
      await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/return`, body);
      flash(t('app.saved'));
      reload(kase, 'return');
    },
  }).el);
}

function events({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'events.title');
  panel.appendChild(h('p', { class: 'hint' }, t('events.intro')));
  const g = reg.events;
  const cols = g.fields.map(f => f.name);
  panel.appendChild(itemsTable(g, c.events, ['hte_Type', 'hte_Date', 'hte_Country', 'hte_State', 'hte_City', 'hte_Description'], v, orgs, { className: 'events',
    actions: canEditItems(kase) ? (it, i) => itemActions({ kase, reg, v }, 'events', i + 1, it, cols, 'events') : null }));
  if (kase.access === 'write' && can('case_update')) {
    panel.appendChild(itemForm(kase, g, cols, v, 'events', t('events.add'), { title: t('events.add'), tab: 'events' }).el);
  }
}

function perpetrators({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'perps.title');
  const g = reg.perpetrators;
  const cols = g.fields.map(f => f.name);
  panel.appendChild(itemsTable(g, c.perpetrators, ['snd_PerpetratorKind', 'per_RoleInProcess', 'snd_PerpetratorName', 'snd_PerpetratorSex', 'snd_PerpetratorAgeBroad', 'snd_PerpetratorCitizenship', 'snd_PerpetratorIsOfficial', 'per_Organisation'], v, orgs, { className: 'perpetrators',
    actions: canEditItems(kase) ? (it, i) => itemActions({ kase, reg, v }, 'perpetrators', i + 1, it, cols, 'perpetrators') : null }));
  if (kase.access === 'write' && can('case_update')) {
    panel.appendChild(itemForm(kase, g, cols, v, 'perpetrators', t('perps.add'), { title: t('perps.add'), tab: 'perpetrators' }).el);
  }
}

function comments({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'comments.title');
  const items = c.comments || [];
  if (!items.length) panel.appendChild(h('p', { class: 'muted' }, t('app.none_yet')));
  panel.appendChild(h('ol', { class: 'comments' }, items.map((it, i) => h('li', { class: 'comment', 'data-item': i + 1 },
    h('p', { class: 'comment-meta' }, it.snd_CommentDate ? h('time', { datetime: it.snd_CommentDate }, fmtDate(it.snd_CommentDate)) : null,
      it.snd_CommentAuthor ? [' · ', ltr(it.snd_CommentAuthor)] : null),
    h('p', { class: 'prose', dir: 'auto' }, it.cco_CaseComment || ''),
    canEditComment(kase, it) ? itemActions({ kase, reg, v }, 'comments', i + 1, it, ['cco_CaseComment'], 'comments',
      { host: 'li', options: { cco_CaseComment: { rows: 4 } } }) : null))));
  if (canAddNotes(kase)) {
    panel.appendChild(itemForm(kase, reg.comments, ['cco_CaseComment', 'snd_CommentDate'], v, 'comments', t('comments.add'),
      { title: t('comments.add'), tab: 'comments', options: { cco_CaseComment: { rows: 4 } } }).el);
  }
}

function closure({ kase, c, reg, v, orgs, panel }) {
  panelTitle(panel, 'closure.title');
  panel.appendChild(h('p', { class: 'hint' }, t('closure.intro')));
  const g = reg.case;
  const closed = c.cas_Status === 'Closed' || c.cas_Status === 'ClosedReferred';
  const facts = dl(['cas_Status', 'snd_ClosureReason', 'cas_ReasonForCaseClosure', 'snd_ClosedDate'].map(n => g.byName[n]), c, v, orgs);
  if (facts) panel.appendChild(h('section', { class: 'card' }, facts));
  if (!(kase.access === 'write' && can('case_update'))) return;
  if (closed) {
    const reason = fieldControl({ name: 'reason', kind: 'longtext', max_length: 2000 }, null, null, { label: t('closure.reopen_reason') });
    panel.appendChild(makeForm({
      sections: [{ title: t('closure.reopen'), controls: [reason] }],
      submitLabel: t('closure.reopen'),
      onSubmit: async () => {
        await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/reopen`, reason.get() ? { reason: reason.get() } : {});
        flash(t('closure.reopened_done'));
        reload(kase, '');
      },
    }).el);
  } else {
    const controls = [fieldControl(g.byName.snd_ClosureReason, v.closure_reason, null, { required: true }),
      fieldControl(g.byName.cas_ReasonForCaseClosure, [], null, {}),
      fieldControl(g.byName.snd_ClosedDate, [], today(), {})];
    panel.appendChild(makeForm({
      sections: [{ title: t('closure.close'), controls }],
      submitLabel: t('closure.close'),
      onSubmit: async f => {
        const body = {};
        for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
        await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/closure`, body);
        flash(t('closure.closed_done'));
        reload(kase, '');
      },
    }).el);
  }
}

async function handover({ kase, c, panel }) {
  panelTitle(panel, 'handover.title');
  panel.appendChild(h('p', { class: 'hint' }, t('handover.intro')));
  panel.appendChild(h('p', null, t('handover.current', { owner: '' }), ltr(c.cas_CaseOwner || t('app.unknown'))));
  let members = [];
  try { members = (await api('GET', '/api/v1/team')).members; } catch (e) { panel.appendChild(errorBox(e)); }
  const vals = members.filter(m => m.username !== c.cas_CaseOwner)
    .map(m => ({ code: m.username, en: `${m.display_name || m.username} (${m.username}, ${t('role.' + m.role)})`, ar: `${m.display_name || m.username} (${m.username}، ${t('role.' + m.role)})` }));
  const to = fieldControl({ name: 'to', kind: 'pick' }, vals, null, { label: t('handover.to'), required: true });
  panel.appendChild(makeForm({
    sections: [{ controls: [to] }],
    submitLabel: t('handover.submit'),
    onSubmit: async () => {
      await api('POST', `/api/v1/cases/${encodeURIComponent(kase.ref)}/handover`, { to: to.get() || '' });
      flash(t('handover.done', { owner: to.get() }));
      reload(kase, '');
    },
  }).el);
}
