// views-cases.js: the caseworker's lists — my caseload (overdue follow-ups
// first), the team's caseloads for a supervisor, the case list with filters,
// name search and keyset paging, the new-case form, and the referrals
// addressed to the organisation.
import { api } from './api.js';
import { h, ltr, clear } from './dom.js';
import { t, fmtDate, fmtNumber, labelOf, vocabs, currentLang, fieldLabel } from './i18n.js';
import { ctx, can, go, flash, organisations, orgName, registry } from './state.js';
import { makeForm, fieldControl, errorBox } from './forms.js';
import { CASE_SECTIONS, NOT_ON_CREATE } from './sections.js';

const ROW_LISTS = ['case_stage', 'case_status', 'trafficking_status', 'sex', 'age_band', 'referral_status', 'referral_reason'];

export function personName(row) {
  const parts = [row.prs_FirstName, row.prs_MiddleName, row.prs_SecondName].filter(Boolean);
  return parts.join(' ');
}

function caseLink(ref, extra) {
  return h('a', { href: `/cases/${encodeURIComponent(ref)}` + (extra || ''), class: 'ref' }, ltr(ref));
}

// The table of case rows (list, caseload, search results).
export function caseTable(rows, v, orgs, opts = {}) {
  const showOrg = opts.showOrg;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'cases' },
    h('caption', { class: 'visually-hidden' }, opts.caption || t('cases.title')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('cases.col.ref')),
      h('th', { scope: 'col' }, t('cases.col.name')),
      showOrg ? h('th', { scope: 'col' }, t('cases.col.org')) : null,
      h('th', { scope: 'col' }, t('cases.col.stage')),
      h('th', { scope: 'col' }, t('cases.col.status')),
      h('th', { scope: 'col' }, t('cases.col.sex_age')),
      h('th', { scope: 'col' }, t('cases.col.registered')),
      h('th', { scope: 'col' }, t('cases.col.follow_up')),
      h('th', { scope: 'col' }, t('cases.col.owner')))),
    h('tbody', null, rows.map(r => {
      const name = personName(r);
      return h('tr', { class: r.overdue ? 'overdue' : null, 'data-ref': r.snd_CaseRef },
        h('th', { scope: 'row' }, caseLink(r.snd_CaseRef)),
        h('td', null, name ? h('bdi', null, name) : h('span', { class: 'muted' }, t('app.unknown'))),
        showOrg ? h('td', null, orgName(orgs, r.snd_Organisation)) : null,
        h('td', null, labelOf(v.case_stage, r.snd_Stage)),
        h('td', null, labelOf(v.case_status, r.cas_Status)),
        h('td', null, [labelOf(v.sex, r.snd_Sex), r.snd_AgeBroad ? labelOf(v.age_band, r.snd_AgeBroad) : null].filter(Boolean).join(currentLang() === 'ar' ? '، ' : ', ')),
        h('td', { class: 'date' }, fmtDate(r.snd_RegistrationDate)),
        h('td', { class: 'date' }, fmtDate(r.snd_NextFollowUpDate),
          r.overdue ? [' ', h('span', { class: 'badge danger' }, t('cases.overdue'))] : null),
        h('td', null, r.cas_CaseOwner ? ltr(r.cas_CaseOwner) : ''));
    }))));
}

function stat(label, value, kind) {
  return h('div', { class: 'stat ' + (kind || '') }, h('span', { class: 'stat-value' }, fmtNumber(value)), h('span', { class: 'stat-label' }, label));
}

export async function viewCaseload(el, params, query) {
  const owner = query.get('owner');
  const [r, v, orgs] = await Promise.all([
    api('GET', '/api/v1/caseload' + (owner ? '?owner=' + encodeURIComponent(owner) : '')),
    vocabs(ROW_LISTS), organisations(),
  ]);
  el.appendChild(h('h1', null, owner && owner !== ctx.me.username ? t('caseload.title_of', { owner: r.owner }) : t('caseload.title')));
  el.appendChild(h('div', { class: 'stats-row' },
    stat(t('caseload.open'), r.open),
    stat(t('caseload.overdue'), r.overdue, r.overdue ? 'danger' : ''),
    h('div', { class: 'stat' }, h('span', { class: 'stat-value small' }, fmtDate(r.today)), h('span', { class: 'stat-label' }, t('caseload.today')))));
  if (can('referral_decide') && (!owner || owner === ctx.me.username)) {
    try {
      const inc = await api('GET', '/api/v1/referrals/incoming?status=Pending');
      if (inc.referrals.length) {
        el.appendChild(h('p', { class: 'notice' }, h('a', { href: '/referrals' },
          t('caseload.pending_referrals'), ': ', fmtNumber(inc.referrals.length))));
      }
    } catch (e) { /* the caseload still shows */ }
  }
  el.appendChild(r.cases.length ? caseTable(r.cases, v, orgs, { caption: t('caseload.title') }) : h('p', null, t('caseload.empty')));
}

export async function viewTeam(el) {
  el.appendChild(h('h1', null, t('team.title')));
  el.appendChild(h('p', { class: 'hint' }, t('team.intro')));
  const team = await api('GET', '/api/v1/team');
  const loads = await Promise.all(team.members.map(m =>
    api('GET', '/api/v1/caseload?owner=' + encodeURIComponent(m.username)).catch(() => null)));
  el.appendChild(h('div', { class: 'table-wrap' }, h('table', null,
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('team.member')),
      h('th', { scope: 'col' }, t('users.role')),
      h('th', { scope: 'col' }, t('caseload.open')),
      h('th', { scope: 'col' }, t('caseload.overdue')))),
    h('tbody', null, team.members.map((m, i) => h('tr', { class: loads[i] && loads[i].overdue ? 'overdue' : null },
      h('th', { scope: 'row' }, h('a', { href: '/caseload?owner=' + encodeURIComponent(m.username) },
        m.display_name ? [m.display_name, ' (', ltr(m.username), ')'] : ltr(m.username))),
      h('td', null, t('role.' + m.role)),
      h('td', { class: 'num' }, loads[i] ? fmtNumber(loads[i].open) : '–'),
      h('td', { class: 'num' }, loads[i] ? fmtNumber(loads[i].overdue) : '–')))))));
}

// cursor -> the cursor of the page before it, for "Previous page" within a
// session (the API pages forward only, by keyset)
const previousCursor = new Map();

export async function viewCaseList(el, params, query) {
  const v = await vocabs(ROW_LISTS);
  const orgs = await organisations();
  el.appendChild(h('h1', null, t('cases.title')));

  // search by name
  const q = query.get('q') || '';
  const searchId = 'case-search';
  const searchInput = h('input', { id: searchId, type: 'search', name: 'q', value: q, dir: 'auto', autocomplete: 'off', 'aria-describedby': 'search-hint' });
  el.appendChild(h('form', { class: 'search', role: 'search', onsubmit: ev => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (searchInput.value.trim()) p.set('q', searchInput.value.trim());
    go('/cases' + (p.toString() ? '?' + p : ''));
  } },
  h('label', { for: searchId }, t('cases.search')),
  h('div', { class: 'inline' }, searchInput, h('button', { type: 'submit', class: 'btn primary' }, t('cases.search_button'))),
  h('p', { class: 'hint', id: 'search-hint' }, t('cases.search_hint'))));

  // filters (not with a search: search ranks by name)
  const sel = (name, list, label) => {
    const id = 'flt-' + name;
    return h('div', { class: 'field' }, h('label', { for: id }, label),
      h('select', { id, name }, h('option', { value: '' }, t('cases.any')),
        v[list].map(x => h('option', { value: x.code, selected: query.get(name) === x.code }, x[currentLang()] || x.en))));
  };
  const isLiaison = ctx.me.role === 'liaison';
  const filterForm = h('form', { class: 'filters', onsubmit: ev => {
    ev.preventDefault();
    const fd = new FormData(ev.target);
    const p = new URLSearchParams();
    for (const [k, val] of fd.entries()) if (val && !(k === 'scope' && val === 'own')) p.set(k, String(val).trim());
    go('/cases' + (p.toString() ? '?' + p : ''));
  } },
  h('fieldset', null, h('legend', null, t('cases.filters')),
    h('div', { class: 'filter-grid' },
      !isLiaison ? h('div', { class: 'field' }, h('label', { for: 'flt-scope' }, t('cases.scope')),
        h('select', { id: 'flt-scope', name: 'scope' },
          h('option', { value: 'own', selected: query.get('scope') !== 'referred' }, t('cases.scope.own')),
          h('option', { value: 'referred', selected: query.get('scope') === 'referred' }, t('cases.scope.referred')))) : null,
      sel('stage', 'case_stage', fieldLabel('snd_Stage')),
      sel('status', 'case_status', fieldLabel('cas_Status')),
      h('div', { class: 'field' }, h('label', { for: 'flt-owner' }, t('cases.owner')),
        h('input', { id: 'flt-owner', name: 'owner', type: 'text', dir: 'ltr', value: query.get('owner') || '' })),
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'flt-overdue', name: 'overdue', value: 'true', checked: query.get('overdue') === 'true' }),
        h('label', { for: 'flt-overdue' }, t('cases.overdue_only')))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn secondary' }, t('cases.apply')),
      h('a', { href: '/cases', class: 'btn link' }, t('cases.clear')))));
  if (!q) el.appendChild(filterForm);

  const apiParams = new URLSearchParams();
  for (const k of ['q', 'stage', 'status', 'owner', 'overdue', 'scope', 'cursor']) if (query.get(k)) apiParams.set(k, query.get(k));
  const r = await api('GET', '/api/v1/cases' + (apiParams.toString() ? '?' + apiParams : ''));
  const results = h('section', { 'aria-live': 'polite', class: 'results' });
  el.appendChild(results);
  if (!r.cases.length) { results.appendChild(h('p', null, t('cases.none'))); return; }
  results.appendChild(h('p', { class: 'muted' }, q ? t('cases.results', { n: fmtNumber(r.cases.length) }) : t('cases.shown', { n: fmtNumber(r.cases.length) })));
  results.appendChild(caseTable(r.cases, v, orgs, { showOrg: query.get('scope') === 'referred' || isLiaison }));
  if (!q) {
    const here = query.get('cursor') || '';
    const base = new URLSearchParams(query);
    const nav = h('nav', { class: 'pager', 'aria-label': t('cases.page', { n: '' }).trim() });
    if (here) {
      const prev = previousCursor.get(here);
      const p = new URLSearchParams(base);
      if (prev) p.set('cursor', prev); else p.delete('cursor');
      nav.appendChild(h('a', { class: 'btn secondary', href: '/cases' + (p.toString() ? '?' + p : ''), rel: 'prev' }, t('cases.previous')));
    }
    if (r.next_cursor) {
      previousCursor.set(r.next_cursor, here);
      const p = new URLSearchParams(base);
      p.set('cursor', r.next_cursor);
      nav.appendChild(h('a', { class: 'btn secondary', href: '/cases?' + p, rel: 'next' }, t('cases.next')));
    }
    results.appendChild(nav);
  }
}

export async function viewNewCase(el) {
  const reg = await registry();
  const caseGroup = reg.case;
  const lists = caseGroup.fields.filter(f => f.list).map(f => f.list);
  const v = await vocabs(lists);
  el.appendChild(h('h1', null, t('newcase.title')));
  el.appendChild(h('p', { class: 'hint' }, t('newcase.intro')));
  const sections = CASE_SECTIONS.filter(s => s.onCreate).map(s => ({
    title: t(s.title),
    controls: s.fields.filter(n => caseGroup.byName[n] && !NOT_ON_CREATE.includes(n))
      .map(n => fieldControl(caseGroup.byName[n], v[caseGroup.byName[n].list] || [], null)),
  }));
  const form = makeForm({
    sections,
    submitLabel: t('newcase.submit'),
    onSubmit: async f => {
      const body = {};
      for (const [k, val] of Object.entries(f.values())) if (val !== null) body[k] = val;
      const r = await api('POST', '/api/v1/cases', body);
      flash(t('newcase.created', { ref: r.ref }));
      go(`/cases/${encodeURIComponent(r.ref)}`);
    },
  });
  el.appendChild(form.el);
}

export async function viewIncoming(el, params, query) {
  const status = query.get('status') || 'Pending';
  const [v, orgs] = await Promise.all([vocabs(ROW_LISTS), organisations()]);
  el.appendChild(h('h1', null, t('referral.incoming_title')));
  el.appendChild(h('p', { class: 'hint' }, t('referral.incoming_intro')));
  const filter = h('form', { class: 'inline-form', onsubmit: ev => {
    ev.preventDefault();
    go('/referrals?status=' + encodeURIComponent(ev.target.status.value));
  } },
  h('label', { for: 'ref-status' }, t('referral.status_filter')),
  h('select', { id: 'ref-status', name: 'status' }, v.referral_status.map(x =>
    h('option', { value: x.code, selected: x.code === status }, x[currentLang()] || x.en)),
  h('option', { value: 'all', selected: status === 'all' }, t('referral.status_all'))),
  h('button', { type: 'submit', class: 'btn secondary' }, t('cases.apply')));
  el.appendChild(filter);
  const cursor = query.get('cursor');
  const r = await api('GET', '/api/v1/referrals/incoming?status=' + encodeURIComponent(status) +
    (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  // a supervisor chooses who takes an accepted referral on (default: the
  // one the sender named when they are in the team, else the supervisor)
  let team = null;
  if (can('team_view') && r.referrals.some(x => (x.snd_ReferralStatus || 'Pending') === 'Pending')) {
    try { team = (await api('GET', '/api/v1/team')).members; } catch (e) { team = null; }
  }
  const area = h('div', { 'aria-live': 'polite' });
  el.appendChild(area);
  if (!r.referrals.length) { area.appendChild(h('p', null, t('referral.none'))); return; }
  area.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'referrals' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('referral.id')),
      h('th', { scope: 'col' }, t('referral.from')),
      h('th', { scope: 'col' }, t('cases.col.name')),
      h('th', { scope: 'col' }, fieldLabel('cas_OutgoingReferralDate')),
      h('th', { scope: 'col' }, fieldLabel('cas_ReasonForOutgoingReferral')),
      h('th', { scope: 'col' }, fieldLabel('snd_ReferralStatus')),
      h('th', { scope: 'col' }, t('referral.decided')),
      h('th', { scope: 'col' }, t('users.actions')))),
    h('tbody', null, r.referrals.map(ref => {
      const actions = h('td', { class: 'row-actions' });
      let worker = null;
      const decide = async (what) => {
        const body = what === 'accept' && worker && worker.value ? { caseworker: worker.value } : {};
        clear(actions);
        try {
          await api('POST', `/api/v1/referrals/${encodeURIComponent(ref.id)}/${what}`, body);
          flash(t(what === 'accept' ? 'referral.accepted' : 'referral.declined', { id: ref.id }));
          if (what === 'accept') go(`/cases/${encodeURIComponent(ref.case.snd_CaseRef)}`);
          else go('/referrals?status=' + encodeURIComponent(status), { replace: true });
        } catch (e) {
          actions.appendChild(errorBox(e));
        }
      };
      if ((ref.snd_ReferralStatus || 'Pending') === 'Pending' && !ref.ended) {
        if (team && team.length) {
          const named = team.some(m => m.username === ref.cas_ReferredPrimaryCaseWorker) ? ref.cas_ReferredPrimaryCaseWorker : ctx.me.username;
          const wid = 'cw-' + ref.id.replace(/[^A-Za-z0-9]/g, '-');
          worker = h('select', { id: wid, name: 'caseworker', 'data-caseworker-for': ref.id },
            team.map(m => h('option', { value: m.username, selected: m.username === named },
              m.username === ctx.me.username ? t('referral.caseworker_me', { name: m.display_name || m.username })
                : `${m.display_name || m.username} (${m.username})`)));
          actions.appendChild(h('div', { class: 'field compact' }, h('label', { for: wid }, t('referral.caseworker')), worker));
        }
        actions.appendChild(h('button', { type: 'button', class: 'btn primary small', onclick: () => decide('accept'),
          'aria-label': `${t('referral.accept')} ${ref.id}` }, t('referral.accept')));
        actions.appendChild(h('button', { type: 'button', class: 'btn secondary small', onclick: () => decide('decline'),
          'aria-label': `${t('referral.decline')} ${ref.id}` }, t('referral.decline')));
      } else if (ref.snd_ReferralStatus === 'Accepted' && ref.case) {
        actions.appendChild(caseLink(ref.case.snd_CaseRef));
      }
      // a declined or withdrawn referral (or one whose consent has ended)
      // arrives without the person: its id, sender, dates and status only
      return h('tr', { 'data-referral': ref.id, 'data-ended': ref.ended ? '1' : null },
        h('th', { scope: 'row' }, ref.case ? h('a', { href: `/cases/${encodeURIComponent(ref.case.snd_CaseRef)}`, class: 'ref' }, ltr(ref.id)) : ltr(ref.id)),
        h('td', null, orgName(orgs, ref.from)),
        h('td', null, ref.case ? (personName(ref.case) ? h('bdi', null, personName(ref.case)) : h('span', { class: 'muted' }, t('app.unknown')))
          : h('span', { class: 'muted' }, t('referral.ended'))),
        h('td', null, fmtDate(ref.cas_OutgoingReferralDate)),
        h('td', null, labelOf(v.referral_reason, ref.cas_ReasonForOutgoingReferral)),
        h('td', null, labelOf(v.referral_status, ref.snd_ReferralStatus || 'Pending')),
        h('td', null, ref.snd_ReferralDecisionDate ? fmtDate(ref.snd_ReferralDecisionDate) : ''),
        actions);
    })))));
  // 50 a page, in the order the cases were registered: the next page
  if (r.next_cursor) {
    const p = new URLSearchParams({ status, cursor: r.next_cursor });
    area.appendChild(h('nav', { class: 'pager' },
      h('a', { class: 'btn secondary', href: '/referrals?' + p, rel: 'next', 'data-next': '1' }, t('cases.next'))));
  }
}
