// app.js: the web interface's entry point — start-up (strings, session,
// language), the page shell (header, menu by permission, language switch),
// the router over real paths (/cases/SND-000012/consents; the server answers
// index.html for any path without an extension) and the sign-in page.
import { api, setCsrf, whenUnauthenticated, ApiError } from './api.js';
import { h, clear, ltr } from './dom.js';
import { t, setLang, currentLang, initialLang, loadStrings, roleLabel } from './i18n.js';
import { ctx, can, flash, forgetSessionData, organisations, orgNameText } from './state.js';
import { makeForm, fieldControl, errorBox } from './forms.js';
import { viewCaseload, viewTeam, viewCaseList, viewNewCase, viewIncoming } from './views-cases.js';
import { viewCase } from './view-case.js';
import { viewUsers, viewOrganisations, viewAudit, viewAccount } from './views-admin.js';
import { viewStats } from './views-stats.js';

const main = () => document.getElementById('main');

// path pattern -> view(params, query); the first match wins
const routes = [
  [/^\/login$/, viewLogin, { public: true }],
  [/^\/$/, viewHome],
  [/^\/caseload$/, viewCaseload],
  [/^\/team$/, viewTeam],
  [/^\/cases$/, viewCaseList],
  [/^\/cases\/new$/, viewNewCase],
  [/^\/cases\/([^/]+)(?:\/([a-z_]+))?$/, viewCase],
  [/^\/referrals$/, viewIncoming],
  [/^\/stats$/, viewStats],
  [/^\/audit$/, viewAudit],
  [/^\/admin\/users$/, viewUsers],
  [/^\/admin\/organisations$/, viewOrganisations],
  [/^\/account$/, viewAccount],
];

let renderSeq = 0;

function navigate(path, opts = {}) {
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}
ctx.navigate = navigate;

async function render() {
  const seq = ++renderSeq;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(location.search);
  let match = null, view = null, opts = {}, focusTarget = null;
  for (const [re, fn, o] of routes) {
    const m = re.exec(path);
    if (m) { match = m.slice(1).map(x => (x === undefined ? undefined : decodeURIComponent(x))); view = fn; opts = o || {}; break; }
  }
  if (!opts.public && !ctx.me) {
    const next = location.pathname + location.search;
    history.replaceState(null, '', '/login' + (next && next !== '/' ? '?next=' + encodeURIComponent(next) : ''));
    return render();
  }
  renderShell();
  const el = clear(main());
  el.setAttribute('aria-busy', 'true');
  if (ctx.flashMessage) {
    const f = ctx.flashMessage;
    ctx.flashMessage = null;
    el.appendChild(h('div', { class: 'flash ' + f.kind, role: 'status' }, f.text));
  }
  const container = h('div', { class: 'view' });
  el.appendChild(container);
  if (!view) {
    container.appendChild(h('h1', null, t('error.not_found')));
    container.appendChild(h('p', null, t('app.not_found')));
  } else {
    try {
      focusTarget = await view(container, match, query);
    } catch (e) {
      if (seq !== renderSeq) return;
      if (e instanceof ApiError && e.status === 401) return; // redirected to sign in
      container.appendChild(errorBox(e));
    }
  }
  if (seq !== renderSeq) return;
  el.removeAttribute('aria-busy');
  // focus moves to the new page's heading (or the view's first field) so a
  // screen reader announces the page and the keyboard starts there
  const h1 = el.querySelector('h1');
  if (focusTarget instanceof HTMLElement) focusTarget.focus();
  else if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }
  document.title = (h1 ? h1.textContent + ' · ' : '') + t('app.name');
}

function navItems() {
  const items = [];
  if (can('caseload_view')) items.push(['/caseload', 'nav.caseload']);
  if (can('case_list')) items.push(['/cases', 'nav.cases']);
  if (can('case_create')) items.push(['/cases/new', 'nav.new_case']);
  if (can('referral_decide')) items.push(['/referrals', 'nav.referrals']);
  if (can('team_view')) items.push(['/team', 'nav.team']);
  if (can('stats_view')) items.push(['/stats', 'nav.stats']);
  if (can('audit_view_org') || can('audit_view_all')) items.push(['/audit', 'nav.audit']);
  if (can('user_admin_org') || can('user_admin_all')) items.push(['/admin/users', 'nav.users']);
  if (can('user_admin_org') || can('org_admin')) items.push(['/admin/organisations', 'nav.organisations']);
  if (ctx.me) items.push(['/account', 'nav.account']);
  return items;
}

function renderShell() {
  const header = clear(document.getElementById('header'));
  const here = location.pathname;
  const langButton = h('button', {
    type: 'button', class: 'btn lang-switch', lang: currentLang() === 'ar' ? 'en' : 'ar',
    'aria-label': t('app.switch_to_label'), onclick: switchLanguage,
  }, t('app.switch_to'));
  const brand = h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'س'), t('app.name'));
  const top = h('div', { class: 'topbar' }, brand, h('div', { class: 'top-actions' },
    ctx.me ? h('span', { class: 'who' }, ltr(ctx.me.display_name || ctx.me.username), ' · ', roleLabel(ctx.me.role),
      ctx.me.organisation ? [' · ', ctx.orgs ? orgNameText(ctx.orgs, ctx.me.organisation) : ltr(ctx.me.organisation)] : null) : null,
    langButton,
    ctx.me ? h('button', { type: 'button', class: 'btn secondary', 'data-action': 'sign-out', onclick: signOut }, t('nav.sign_out')) : null));
  header.appendChild(top);
  if (ctx.me) {
    const items = navItems();
    // the menu item of this page: the longest path that is this path or a parent of it
    const current = items.map(([p]) => p).filter(p => here === p || here.startsWith(p + '/'))
      .sort((a, b) => b.length - a.length)[0];
    header.appendChild(h('nav', { 'aria-label': t('app.main_nav'), class: 'mainnav' },
      h('ul', null, items.map(([p, k]) => h('li', null,
        h('a', { href: p, 'aria-current': p === current ? 'page' : null }, t(k)))))));
  }
}

async function switchLanguage() {
  const next = currentLang() === 'ar' ? 'en' : 'ar';
  if (ctx.me) {
    try {
      await api('PUT', '/api/v1/me/language', { language: next });
      ctx.me.language = next;
    } catch (e) {
      flash(t('error.title') + ': ' + (e.message || ''), 'error');
    }
  }
  setLang(next);
  render();
}

async function signOut() {
  try { await api('DELETE', '/api/v1/session', undefined, { noRedirect: true }); } catch (e) { /* ended anyway */ }
  ctx.me = null;
  ctx.orgs = null;
  setCsrf(null);
  forgetSessionData();
  flash(t('login.signed_out'));
  navigate('/login', { replace: true });
}

async function loadMe() {
  ctx.me = await api('GET', '/api/v1/me');
  if (ctx.me.language) setLang(ctx.me.language);
  try { ctx.orgs = await organisations(); } catch (e) { ctx.orgs = null; }
}

function homeFor() {
  if (can('caseload_view')) return '/caseload';
  if (can('case_list')) return '/cases';
  if (can('user_admin_org') || can('user_admin_all')) return '/admin/users';
  if (can('stats_view')) return '/stats';
  return '/account';
}

async function viewHome() {
  navigate(homeFor(), { replace: true });
}

function safeNext(next) {
  // only a path of this site: never //host or a scheme
  return next && /^\/(?!\/)[^\\]*$/.test(next) && !next.startsWith('/login') ? next : null;
}

async function viewLogin(el, params, query) {
  if (ctx.me) { navigate(safeNext(query.get('next')) || homeFor(), { replace: true }); return; }
  const user = fieldControl({ name: 'username', kind: 'text', max_length: 64 }, null, '', { label: t('login.username'), required: true });
  const pass = fieldControl({ name: 'password', kind: 'text' }, null, '', { label: t('login.password'), required: true });
  const pwInput = pass.el.querySelector('input');
  pwInput.type = 'password';
  pwInput.autocomplete = 'current-password';
  pwInput.dir = 'ltr';
  const userInput = user.el.querySelector('input');
  userInput.autocomplete = 'username';
  userInput.dir = 'ltr';
  userInput.setAttribute('autocapitalize', 'none');
  const form = makeForm({
    sections: [{ controls: [user, pass] }],
    submitLabel: t('login.submit'),
    className: 'login-form',
    onSubmit: async () => {
      const username = user.get(), password = pwInput.value;
      try {
        const r = await api('POST', '/api/v1/session', { username: username || '', password }, { noRedirect: true });
        setCsrf(r.csrf_token);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'too_many_attempts' && e.retryAfter) {
          e.message = t('login.throttled', { seconds: e.retryAfter });
        }
        pwInput.value = '';
        throw e;
      }
      await loadMe();
      navigate(safeNext(query.get('next')) || homeFor(), { replace: true });
    },
  });
  el.appendChild(h('div', { class: 'login' },
    h('h1', null, t('login.title')),
    h('p', { class: 'tagline' }, t('app.tagline')),
    form.el));
  return userInput;
}

whenUnauthenticated(() => {
  if (!ctx.me) return;
  ctx.me = null;
  setCsrf(null);
  forgetSessionData();
  flash(t('login.again'), 'warn');
  const next = location.pathname + location.search;
  history.replaceState(null, '', '/login?next=' + encodeURIComponent(next));
  render();
});

// links inside the app change the view without reloading the page
document.addEventListener('click', ev => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.preventDefault();
  if (url.pathname + url.search === location.pathname + location.search && !url.hash) { render(); return; }
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

async function start() {
  await loadStrings();
  setLang(initialLang());
  try {
    const s = await api('GET', '/api/v1/session', undefined, { noRedirect: true });
    setCsrf(s.csrf_token);
    await loadMe();
  } catch (e) {
    ctx.me = null;
  }
  document.body.classList.remove('booting');
  await render();
}

start();
