// state.js: what every view shares — the signed-in user, navigation, the
// flash message shown after an action, and data fetched once per session
// (organisations, the field registry).
import { api } from './api.js';
import { h, ltr } from './dom.js';
import { currentLang } from './i18n.js';

export const ctx = {
  me: null,          // GET /api/v1/me, or null when signed out
  navigate: null,    // set by app.js: navigate(path, {replace})
  flashMessage: null,
};

export function can(permission) {
  return !!(ctx.me && ctx.me.permissions && ctx.me.permissions.includes(permission));
}

export function go(path, opts) { ctx.navigate(path, opts); }

// A message for the next page shown ("Case SND-000012 created.").
export function flash(text, kind) { ctx.flashMessage = { text, kind: kind || 'ok' }; }

let orgsPromise = null;
export function organisations(refresh) {
  if (refresh || !orgsPromise) {
    orgsPromise = api('GET', '/api/v1/organisations').then(r => r.organisations)
      .catch(e => { orgsPromise = null; throw e; });
  }
  return orgsPromise;
}

let fieldsPromise = null;
// The registry by group name: {case: {name, fields: [...], byName}, events: ...}
export function registry() {
  if (!fieldsPromise) {
    fieldsPromise = api('GET', '/api/v1/fields').then(r => {
      const out = {};
      for (const g of r.groups) {
        g.byName = Object.fromEntries(g.fields.map(f => [f.name, f]));
        out[g.name] = g;
      }
      return out;
    }).catch(e => { fieldsPromise = null; throw e; });
  }
  return fieldsPromise;
}

export function forgetSessionData() {
  orgsPromise = null;
}

// An organisation shown by its name in the current language, code kept for
// the title (hover) and for screen readers that want it.
export function orgName(orgs, code) {
  if (!code) return '';
  const o = orgs && orgs.find(x => x.code === code);
  if (!o) return ltr(code);
  const name = currentLang() === 'ar' && o.name_ar ? o.name_ar : o.name;
  return h('span', { title: code }, name);
}

export function orgNameText(orgs, code) {
  const o = orgs && orgs.find(x => x.code === code);
  if (!o) return code || '';
  return currentLang() === 'ar' && o.name_ar ? o.name_ar : o.name;
}
