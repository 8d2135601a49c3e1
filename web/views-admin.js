// views-admin.js: the administrators' and analysts' pages — users (create,
// disable, re-role, reset password), organisations (statistics pool,
// own-cases-only), the organisation's audit trail — and every user's own
// account (language, password).  The statistics dashboard is views-stats.js.
import { api } from './api.js';
import { h, ltr, clear } from './dom.js';
import { t, fmtDateTime, vocab, currentLang, setLang, roleLabel, labelOf } from './i18n.js';
import { ctx, can, go, flash, organisations, orgName } from './state.js';
import { makeForm, fieldControl, errorBox } from './forms.js';

const ROLES = ['sysadmin', 'org_admin', 'supervisor', 'caseworker', 'hotline', 'analyst', 'coordinator', 'liaison'];
const ORG_ROLES = ['org_admin', 'supervisor', 'caseworker', 'hotline', 'analyst', 'liaison'];

function roleValues(all) {
  return (all ? ROLES : ORG_ROLES).map(r => ({ code: r, en: roleLabel(r), ar: roleLabel(r) }));
}

function orgValues(orgs) {
  return orgs.map(o => ({ code: o.code, en: `${o.name} (${o.code})`, ar: `${o.name_ar || o.name} (${o.code})` }));
}

export async function viewUsers(el, params, query) {
  const all = can('user_admin_all');
  const orgs = await organisations();
  const filterOrg = all ? query.get('org') || '' : '';
  const r = await api('GET', '/api/v1/users' + (filterOrg ? '?org=' + encodeURIComponent(filterOrg) : ''));
  el.appendChild(h('h1', null, t('users.title')));
  if (all) {
    el.appendChild(h('form', { class: 'inline-form', onsubmit: ev => {
      ev.preventDefault();
      const o = ev.target.org.value;
      go('/admin/users' + (o ? '?org=' + encodeURIComponent(o) : ''));
    } },
    h('label', { for: 'users-org' }, t('users.filter_org')),
    h('select', { id: 'users-org', name: 'org' }, h('option', { value: '' }, t('users.all_orgs')),
      orgValues(orgs).map(o => h('option', { value: o.code, selected: o.code === filterOrg }, o[currentLang()]))),
    h('button', { type: 'submit', class: 'btn secondary' }, t('cases.apply'))));
  }
  const notice = h('div', { 'aria-live': 'polite' });
  el.appendChild(notice);
  el.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'users' },
    h('thead', null, h('tr', null, ['users.username', 'users.display_name', 'users.role', 'users.organisation', 'users.language', 'users.state', 'users.actions']
      .map(k => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, r.users.map(u => {
      const self = u.username === ctx.me.username;
      const actions = h('td', { class: 'row-actions' });
      const patch = async (body, done) => {
        try {
          const res = await api('PATCH', `/api/v1/users/${encodeURIComponent(u.username)}`, body);
          flash(res && res.password ? t('users.generated', { user: u.username, password: res.password }) : done, res && res.password ? 'warn' : 'ok');
          go(location.pathname + location.search, { replace: true });
        } catch (e) { clear(notice); notice.appendChild(errorBox(e)); }
      };
      if (!self) {
        actions.appendChild(h('button', { type: 'button', class: 'btn secondary small', 'data-action': 'toggle',
          onclick: () => patch({ disabled: !u.disabled }, t('users.updated', { user: u.username })) },
        u.disabled ? t('users.enable') : t('users.disable')));
        const roleSel = h('select', { 'aria-label': `${t('users.role')}: ${u.username}` },
          roleValues(all).map(x => h('option', { value: x.code, selected: x.code === u.role }, x.en)));
        actions.appendChild(roleSel);
        actions.appendChild(h('button', { type: 'button', class: 'btn secondary small', 'data-action': 'role',
          onclick: () => patch({ role: roleSel.value }, t('users.updated', { user: u.username })) }, t('users.change_role')));
        actions.appendChild(h('button', { type: 'button', class: 'btn secondary small', 'data-action': 'reset',
          onclick: () => patch({ reset_password: true }, t('users.updated', { user: u.username })) }, t('users.reset_password')));
      }
      return h('tr', { 'data-user': u.username, class: u.disabled ? 'disabled' : null },
        h('th', { scope: 'row' }, ltr(u.username)),
        h('td', null, u.display_name ? h('bdi', null, u.display_name) : ''),
        h('td', null, roleLabel(u.role)),
        h('td', null, u.organisation ? orgName(orgs, u.organisation) : ''),
        h('td', null, t('lang.' + (u.language || 'en'))),
        h('td', null, u.disabled ? h('span', { class: 'badge danger' }, t('users.disabled')) : t('users.active')),
        actions);
    })))));

  // new user
  const username = fieldControl({ name: 'username', kind: 'text', max_length: 64 }, null, '', { label: t('users.username'), required: true });
  username.el.querySelector('input').dir = 'ltr';
  const display = fieldControl({ name: 'display_name', kind: 'text', max_length: 200 }, null, '', { label: t('users.display_name') });
  const role = fieldControl({ name: 'role', kind: 'pick' }, roleValues(all), 'caseworker', { label: t('users.role'), required: true });
  const org = all ? fieldControl({ name: 'organisation', kind: 'pick' }, orgValues(orgs), filterOrg || null, { label: t('users.organisation') }) : null;
  const lang = fieldControl({ name: 'language', kind: 'pick' }, [{ code: 'en', en: 'English', ar: 'الإنجليزية' }, { code: 'ar', en: 'Arabic', ar: 'العربية' }], currentLang(), { label: t('users.language'), required: true });
  const password = fieldControl({ name: 'password', kind: 'text', max_length: 200 }, null, '', { label: t('users.password_optional') });
  const pw = password.el.querySelector('input');
  pw.type = 'password';
  pw.autocomplete = 'new-password';
  const form = makeForm({
    sections: [{ title: t('users.new'), controls: [username, display, role, org, lang, password].filter(Boolean) }],
    submitLabel: t('users.create'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null && val !== '') body[k] = val;
      if (!all) body.organisation = ctx.me.organisation;
      if (pw.value) body.password = pw.value;
      const res = await api('POST', '/api/v1/users', body);
      flash(res.password ? t('users.generated', { user: body.username, password: res.password }) : t('users.created', { user: body.username }), res.password ? 'warn' : 'ok');
      go(location.pathname + location.search, { replace: true });
    },
  });
  el.appendChild(form.el);
}

export async function viewOrganisations(el) {
  const orgs = await organisations(true);
  const types = await vocab('org_type');
  const sysadmin = can('org_admin');
  el.appendChild(h('h1', null, t('orgs.title')));
  const notice = h('div', { 'aria-live': 'polite' });
  el.appendChild(notice);
  el.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'orgs' },
    h('thead', null, h('tr', null, ['orgs.code', 'orgs.name', 'orgs.name_ar', 'orgs.type', 'orgs.country', 'orgs.in_pool', 'orgs.own_cases_only', 'users.actions']
      .map(k => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, orgs.map(o => {
      const editable = sysadmin || (can('user_admin_org') && o.code === ctx.me.organisation);
      const pool = h('input', { type: 'checkbox', checked: o.in_pool, disabled: !editable, 'aria-label': `${t('orgs.in_pool')}: ${o.code}` });
      const own = h('input', { type: 'checkbox', checked: o.own_cases_only, disabled: !editable, 'aria-label': `${t('orgs.own_cases_only')}: ${o.code}` });
      return h('tr', { 'data-org': o.code },
        h('th', { scope: 'row' }, ltr(o.code)),
        h('td', null, o.name ? h('bdi', null, o.name) : ''),
        h('td', { dir: 'rtl', lang: 'ar' }, o.name_ar || ''),
        h('td', null, o.org_type ? labelOf(types, o.org_type) : ''),
        h('td', null, o.country ? ltr(o.country) : ''),
        h('td', null, pool), h('td', null, own),
        h('td', null, editable ? h('button', { type: 'button', class: 'btn secondary small', onclick: async () => {
          try {
            await api('PATCH', `/api/v1/organisations/${encodeURIComponent(o.code)}`, { in_pool: pool.checked, own_cases_only: own.checked });
            flash(t('orgs.updated', { code: o.code }));
            go('/admin/organisations', { replace: true });
          } catch (e) { clear(notice); notice.appendChild(errorBox(e)); }
        } }, t('orgs.save')) : null));
    })))));
  if (!sysadmin) return;
  const code = fieldControl({ name: 'code', kind: 'text', max_length: 64 }, null, '', { label: t('orgs.code'), required: true });
  code.el.querySelector('input').dir = 'ltr';
  const name = fieldControl({ name: 'name', kind: 'text', max_length: 200 }, null, '', { label: t('orgs.name'), required: true });
  const nameAr = fieldControl({ name: 'name_ar', kind: 'text', max_length: 200 }, null, '', { label: t('orgs.name_ar') });
  const type = fieldControl({ name: 'org_type', kind: 'pick', list: 'org_type' }, types, null, { label: t('orgs.type') });
  const country = fieldControl({ name: 'country', kind: 'pick', list: 'country' }, await vocab('country'), null, { label: t('orgs.country') });
  const pool = fieldControl({ name: 'in_pool', kind: 'bool' }, null, true, { label: t('orgs.in_pool') });
  const own = fieldControl({ name: 'own_cases_only', kind: 'bool' }, null, false, { label: t('orgs.own_cases_only') });
  el.appendChild(makeForm({
    sections: [{ title: t('orgs.new'), controls: [code, name, nameAr, type, country, pool, own] }],
    submitLabel: t('orgs.create'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
      await api('POST', '/api/v1/organisations', body);
      await organisations(true);
      flash(t('orgs.created', { code: body.code }));
      go('/admin/organisations', { replace: true });
    },
  }).el);
}

export async function viewAudit(el, params, query) {
  const p = new URLSearchParams();
  for (const k of ['case', 'actor', 'before', 'org']) if (query.get(k)) p.set(k, query.get(k));
  p.set('limit', '100');
  const r = await api('GET', '/api/v1/audit?' + p);
  el.appendChild(h('h1', null, t('audit.title')));
  el.appendChild(h('p', { class: 'hint' }, t('audit.intro')));
  const caseIn = h('input', { id: 'audit-case', name: 'case', type: 'text', dir: 'ltr', value: query.get('case') || '' });
  const actorIn = h('input', { id: 'audit-actor', name: 'actor', type: 'text', dir: 'ltr', value: query.get('actor') || '' });
  el.appendChild(h('form', { class: 'filters inline-form', onsubmit: ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (caseIn.value.trim()) q.set('case', caseIn.value.trim());
    if (actorIn.value.trim()) q.set('actor', actorIn.value.trim());
    go('/audit' + (q.toString() ? '?' + q : ''));
  } },
  h('label', { for: 'audit-case' }, t('audit.case')), caseIn,
  h('label', { for: 'audit-actor' }, t('audit.actor')), actorIn,
  h('button', { type: 'submit', class: 'btn secondary' }, t('cases.apply'))));
  if (!r.rows.length) { el.appendChild(h('p', null, t('app.none_yet'))); return; }
  el.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'audit' },
    h('thead', null, h('tr', null, ['audit.at', 'audit.actor', 'audit.org', 'audit.action', 'audit.case', 'audit.detail'].map(k => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, r.rows.map(row => h('tr', { 'data-action': row.action },
      h('td', null, h('time', { datetime: row.at }, fmtDateTime(row.at))),
      h('td', null, row.actor ? ltr(row.actor) : ''),
      h('td', null, row.organisation ? ltr(row.organisation) : ''),
      h('td', null, ltr(row.action)),
      h('td', null, row.case ? ltr(row.case) : ''),
      h('td', null, row.detail ? ltr(row.detail) : '')))))));
  const nav = h('nav', { class: 'pager' });
  if (query.get('before')) {
    const q = new URLSearchParams(p); q.delete('before'); q.delete('limit');
    nav.appendChild(h('a', { class: 'btn secondary', href: '/audit' + (q.toString() ? '?' + q : '') }, t('audit.newest')));
  }
  if (r.rows.length === 100) {
    const q = new URLSearchParams(p); q.delete('limit');
    q.set('before', String(Math.min(...r.rows.map(x => x.id))));
    nav.appendChild(h('a', { class: 'btn secondary', href: '/audit?' + q }, t('audit.older')));
  }
  el.appendChild(nav);
}

export async function viewAccount(el) {
  el.appendChild(h('h1', null, t('account.title')));
  el.appendChild(h('p', null, ltr(ctx.me.username), ' · ', roleLabel(ctx.me.role)));
  const langSel = fieldControl({ name: 'language', kind: 'pick' }, [{ code: 'en', en: 'English', ar: 'الإنجليزية' }, { code: 'ar', en: 'العربية (Arabic)', ar: 'العربية' }],
    ctx.me.language || currentLang(), { label: t('account.language'), required: true });
  el.appendChild(makeForm({
    sections: [{ controls: [langSel] }],
    submitLabel: t('orgs.save'),
    onSubmit: async () => {
      const l = langSel.get() || 'en';
      await api('PUT', '/api/v1/me/language', { language: l });
      ctx.me.language = l;
      setLang(l);
      flash(t('account.language_saved'));
      go('/account', { replace: true });
    },
  }).el);
  const oldPw = fieldControl({ name: 'old_password', kind: 'text' }, null, '', { label: t('account.old_password'), required: true });
  const newPw = fieldControl({ name: 'new_password', kind: 'text' }, null, '', { label: t('account.new_password'), required: true });
  for (const [c, ac] of [[oldPw, 'current-password'], [newPw, 'new-password']]) {
    const i = c.el.querySelector('input'); i.type = 'password'; i.autocomplete = ac; i.dir = 'ltr';
  }
  el.appendChild(h('h2', null, t('account.password')));
  el.appendChild(makeForm({
    sections: [{ controls: [oldPw, newPw] }],
    submitLabel: t('account.change'),
    onSubmit: async () => {
      await api('PUT', '/api/v1/me/password', { old_password: oldPw.el.querySelector('input').value, new_password: newPw.el.querySelector('input').value });
      flash(t('account.changed'));
      go('/account', { replace: true });
    },
  }).el);
}
