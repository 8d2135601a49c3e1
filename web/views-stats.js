// views-stats.js: the statistics dashboard (issue 5 item 4) — the national
// coordinator's view of the national pool, and an organisation's staff's
// view of their own figures.  Everything the page shows comes from the
// published tables of GET /api/v1/stats (disclosure control applied on the
// server; a suppressed cell arrives as null and is shown as "suppressed"),
// the chart from GET /api/v1/stats/chart, the filter choices from
// GET /api/v1/stats/dimensions.
//
// The whole state of the page lives in the URL (/stats?by=year,sex&
// kind=bars&filter.sex=Female,Male ...), with the API's own parameter
// names, so a view can be bookmarked or shared and the back button steps
// through the filters a user tried.
import { api } from './api.js';
import { reportLink } from './report-link.js';
import { h } from './dom.js';
import { t, fmtNumber, currentLang, sortedValues, vocab, labelOf } from './i18n.js';
import { ctx, go, flash } from './state.js';
import { errorBox } from './forms.js';

const KINDS = ['bars', 'lines', 'flow'];
const SUBJECTS = ['victims', 'perpetrators', 'services'];
const MAX_BY = 2;

// the dimensions, once per signed-in user (the years on offer are that
// user's scope's)
let dimsPromise = null, dimsUser = null;
function dimensionsInfo() {
  const user = ctx.me && ctx.me.username;
  if (!dimsPromise || dimsUser !== user) {
    dimsUser = user;
    dimsPromise = api('GET', '/api/v1/stats/dimensions').catch(e => { dimsPromise = null; throw e; });
  }
  return dimsPromise;
}

const label = o => (o ? (o[currentLang()] || o.en) : '');
const dimTitle = d => (d ? label(d.title) : '');

// The page's state from the URL: what to count, by what, which cases.
function readState(query, info) {
  const count = SUBJECTS.includes(query.get('count')) ? query.get('count') : 'victims';
  const byDims = count === 'victims' ? info.dimensions : (info.subjects[count] || []);
  const known = new Set(byDims.map(d => d.name));
  let by = (query.get('by') || (count === 'victims' ? 'year,sex' : byDims.slice(0, 1).map(d => d.name).join(',')))
    .split(',').map(s => s.trim()).filter(s => known.has(s));
  by = by.filter((d, i) => by.indexOf(d) === i).slice(0, MAX_BY);
  if (!by.length && byDims.length) by = [byDims[0].name];
  const kind = KINDS.includes(query.get('kind')) ? query.get('kind') : 'bars';
  const year = /^\d{4}$/.test(query.get('year') || '') ? query.get('year') : '';
  const filters = {};
  for (const [k, v] of query) {
    if (!k.startsWith('filter.')) continue;
    const values = v.split(',').map(s => s.trim()).filter(Boolean);
    if (values.length) filters[k.slice(7)] = values;
  }
  return { count, by, kind, year, filters };
}

function stateQuery(s, extra = {}) {
  const q = new URLSearchParams();
  if (s.count !== 'victims') q.set('count', s.count);
  q.set('by', s.by.join(','));
  if (s.year) q.set('year', s.year);
  for (const [d, vals] of Object.entries(s.filters)) q.set('filter.' + d, vals.join(','));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

// the URL of the page for state s (kind is the page's, not the table's)
function pageUrl(s) {
  const q = stateQuery(s);
  if (s.kind !== 'bars') q.set('kind', s.kind);
  return '/stats?' + q;
}

function valueLabel(dim, code) {
  if (code === 'unknown') return t('statsd.unknown');
  const v = dim && dim.values && dim.values.find(x => x.code === code);
  return v ? label(v) : code;
}

export async function viewStats(el, params, query) {
  const info = await dimensionsInfo();
  const byName = Object.fromEntries(info.dimensions.map(d => [d.name, d]));
  const s = readState(query, info);
  const countDims = s.count === 'victims' ? info.dimensions : (info.subjects[s.count] || []);
  const countByName = Object.fromEntries(countDims.map(d => [d.name, d]));

  el.classList.add('dashboard');
  el.appendChild(h('h1', null, t('stats.title')));
  el.appendChild(h('p', { class: 'hint' }, t('statsd.intro', { n: fmtNumber(info.threshold) })));
  el.appendChild(h('p', { class: 'scope-line' }, info.national ? t('statsd.scope.national') : t('statsd.scope.org', { org: ctx.orgs ? orgLabel(info.organisation) : info.organisation })));

  // ---- presets ----
  const presets = [['statsd.preset.trend', { ...s, by: ['year'], kind: 'lines', year: '', count: 'victims' }]];
  if (byName.route_origin && byName.route_destination) {
    presets.push(['statsd.preset.routes', { ...s, by: ['route_origin', 'route_destination'], kind: 'flow', count: 'victims' }]);
  }
  presets.push(['statsd.preset.sex_exploitation', { ...s, by: ['exploitation', 'sex'], kind: 'bars', count: 'victims' }]);
  el.appendChild(h('nav', { class: 'presets', 'aria-label': t('statsd.presets') },
    h('span', { class: 'presets-label' }, t('statsd.presets')),
    presets.map(([k, ps]) => h('a', { class: 'btn secondary small', href: pageUrl(ps), 'data-preset': k.split('.').pop() }, t(k)))));

  // ---- what to count, by what, for which year, drawn how ----
  const sel = (id, name, options, value, lbl) => h('div', { class: 'field' },
    h('label', { for: id }, lbl),
    h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
  const dimOptions = countDims.map(d => [d.name, dimTitle(d)]);
  const years = (byName.year && byName.year.values) || [];
  const controls = h('form', { class: 'stats-controls', 'aria-label': t('statsd.controls') },
    sel('sd-count', 'count', SUBJECTS.map(x => [x, t('statsd.count.' + x)]), s.count, t('statsd.count')),
    sel('sd-by1', 'by1', dimOptions, s.by[0], t('stats.by')),
    sel('sd-by2', 'by2', [['', t('stats.none_selected')], ...dimOptions], s.by[1] || '', t('stats.then')),
    sel('sd-year', 'year', [['', t('statsd.all_years')], ...years.map(y => [y.code, y.code])], s.year, t('statsd.year')),
    sel('sd-kind', 'kind', KINDS.map(k => [k, t('statsd.kind.' + k)]), s.kind, t('statsd.kind')),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn primary' }, t('stats.show'))));
  controls.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = ev.target;
    const count = f.count.value;
    const by = [f.by1.value, f.by2.value].filter((d, i, a) => d && a.indexOf(d) === i);
    // changing what is counted changes the dimensions on offer
    const next = { ...s, count, by: count === s.count ? by : [], year: f.year.value, kind: f.kind.value };
    go(pageUrl(next));
  });
  el.appendChild(controls);

  // ---- filters: chips for the active ones, a panel for choosing ----
  el.appendChild(filterChips(s, byName));
  el.appendChild(filterPanel(s, info.dimensions));

  // ---- the published table ----
  const q = stateQuery(s, { labels: '1', lang: currentLang() });
  let r;
  try {
    r = await api('GET', '/api/v1/stats?' + q);
  } catch (e) {
    el.appendChild(errorBox(e));
    return;
  }
  if (!r.rows.length) {
    el.appendChild(h('p', { class: 'notice', role: 'status', id: 'stats-empty' }, t('statsd.empty')));
    return;
  }
  const totalText = r.total_victims === null ? t('statsd.suppressed') : fmtNumber(r.total_victims);
  el.appendChild(h('p', { class: 'stat-total', 'data-total': r.total_victims === null ? '' : String(r.total_victims) },
    t('statsd.total.' + s.count, { n: totalText })));

  // ---- the chart: an image, so that nothing in it can ever run ----
  const chartQ = stateQuery(s, { kind: s.kind, lang: currentLang() });
  const chartUrl = '/api/v1/stats/chart?' + chartQ;
  const chartBox = h('figure', { class: 'chart' });
  const img = h('img', { src: chartUrl, alt: t('statsd.chart_alt', { dims: r.dimensions.map(d => dimTitle(countByName[d])).join(' × ') }), id: 'stats-chart' });
  img.addEventListener('error', async () => {
    // the image failed: ask again for the API's words on why
    try { await api('GET', chartUrl); } catch (e) { chartBox.replaceChildren(errorBox(e)); return; }
    chartBox.replaceChildren(h('p', { class: 'hint' }, t('statsd.chart_failed')));
  });
  chartBox.appendChild(img);
  chartBox.appendChild(h('figcaption', { class: 'hint' }, t('statsd.chart_caption')));
  el.appendChild(chartBox);

  el.appendChild(statsTable(r, countByName));
  for (const n of r.notes || []) el.appendChild(h('p', { class: 'hint footnote table-note' }, n));

  // ---- downloads ----
  const dl = (fmt, href, key) => h('a', { class: 'btn secondary', href, download: '', 'data-format': fmt }, t(key));
  el.appendChild(h('div', { class: 'actions downloads', role: 'group', 'aria-label': t('statsd.downloads') },
    dl('csv', '/api/v1/stats?' + stateQuery(s, { format: 'csv', labels: '1', lang: currentLang() }), 'statsd.download_csv'),
    dl('xlsx', '/api/v1/stats?' + stateQuery(s, { format: 'xlsx', labels: '1', lang: currentLang() }), 'statsd.download_xlsx'),
    dl('svg', '/api/v1/stats/chart?' + stateQuery(s, { kind: s.kind, lang: currentLang(), download: '1' }), 'statsd.download_svg')));

  // ---- SDG 16.2.2 for a year, and the population figures it divides by ----
  const sdgYear = s.year || (years[0] && years[0].code);
  if (sdgYear && s.count === 'victims') el.appendChild(await sdgSection(sdgYear, s));

  // ---- reports ----
  // the statistical report (PDF) covers the national pool: the coordinator's
  const statYear = s.year || (years[0] && years[0].code);
  if (info.national && statYear) {
    el.appendChild(h('p', { class: 'reports' }, h('a', {
      class: 'btn secondary', id: 'statistical-report', download: '',
      href: `/api/v1/reports/statistics/${encodeURIComponent(statYear)}?lang=${currentLang()}`,
    }, t('statsd.statistical_report', { year: fmtNumber(statYear, { grouping: false }) }))));
  }
  el.appendChild(await reportLink(s.year)); // report-link.js: a year that has a report
}

const SDG_BREAKDOWNS = ['total', 'sex', 'age_group', 'sex_age_group', 'exploitation'];

// SDG 16.2.2 of one year over the caller's scope (filters do not apply): a table of
// rates per 100,000, suppressed where the victim count is; and for those
// who enter population figures, a form to add one.
async function sdgSection(year, s) {
  const box = h('section', { class: 'sdg', 'aria-labelledby': 'sdg-title' },
    h('h2', { id: 'sdg-title' }, t('statsd.sdg.title', { year: fmtNumber(year, { grouping: false }) })),
    h('p', { class: 'hint' }, t('statsd.sdg.intro')));
  const q = new URLSearchParams({ year, lang: currentLang() });
  let r;
  try { r = await api('GET', '/api/v1/stats/sdg?' + q); } catch (e) { box.appendChild(errorBox(e)); return box; }
  const [sexes, ages, forms] = await Promise.all([vocab('sex'), vocab('age_band'), vocab('exploitation_type')]);
  const majority = await vocab('majority_status');
  const group = row => [row.sex && labelOf(sexes, row.sex), row.age_group && labelOf([...majority, ...ages], row.age_group),
    row.exploitation && labelOf(forms, row.exploitation)].filter(Boolean).join(' · ') || t('statsd.sdg.everyone');
  const rows = (r.rows || []).filter(x => SDG_BREAKDOWNS.includes(x.breakdown));
  box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'stats sdg-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('statsd.sdg.group')),
      h('th', { scope: 'col', class: 'num' }, t('statsd.count_head.victims')),
      h('th', { scope: 'col', class: 'num' }, t('statsd.sdg.population')),
      h('th', { scope: 'col', class: 'num' }, t('statsd.sdg.rate')))),
    h('tbody', null, rows.map(x => h('tr', { class: x.breakdown === 'total' ? 'total' : null, 'data-breakdown': x.breakdown },
      h('th', { scope: 'row' }, group(x)),
      h('td', { class: 'num' + (x.victims === null ? ' is-suppressed' : '') }, x.victims === null ? h('span', { class: 'suppressed' }, t('statsd.suppressed')) : fmtNumber(x.victims)),
      h('td', { class: 'num' }, x.population === null ? h('span', { class: 'muted' }, '—') : fmtNumber(x.population)),
      h('td', { class: 'num' }, x.rate === null ? h('span', { class: 'muted' }, t('statsd.sdg.status.' + (x.status === 'suppressed' ? 'suppressed' : 'no_population'))) : fmtNumber(Math.round(x.rate * 100) / 100))))))));
  for (const n of r.notes || []) box.appendChild(h('p', { class: 'hint footnote' }, n));
  if (ctx.me && (ctx.me.role === 'coordinator' || ctx.me.role === 'sysadmin')) box.appendChild(populationForm(year, sexes, majority, ages));
  return box;
}

// One population figure: year, sex (or both), age group (or all), count,
// source — PUT /api/v1/population, then the page again.
function populationForm(year, sexes, majority, ages) {
  const opt = (v, text, sel) => h('option', { value: v, selected: sel }, text);
  const form = h('form', { class: 'population-form', 'aria-labelledby': 'pop-title' },
    h('h3', { id: 'pop-title' }, t('statsd.pop.title')),
    h('div', { class: 'field' }, h('label', { for: 'pop-year' }, t('statsd.pop.year')),
      h('input', { id: 'pop-year', name: 'year', type: 'text', inputmode: 'numeric', dir: 'ltr', value: year, required: true })),
    h('div', { class: 'field' }, h('label', { for: 'pop-sex' }, t('dim.sex')),
      h('select', { id: 'pop-sex', name: 'sex' }, opt('', t('statsd.pop.both')), sexes.map(v => opt(v.code, v[currentLang()] || v.en)))),
    h('div', { class: 'field' }, h('label', { for: 'pop-age' }, t('statsd.pop.age_group')),
      h('select', { id: 'pop-age', name: 'age_group' }, opt('', t('statsd.pop.all_ages')),
        [...majority, ...ages].map(v => opt(v.code, v[currentLang()] || v.en)))),
    h('div', { class: 'field' }, h('label', { for: 'pop-count' }, t('statsd.pop.count')),
      h('input', { id: 'pop-count', name: 'count', type: 'text', inputmode: 'numeric', dir: 'ltr', required: true })),
    h('div', { class: 'field' }, h('label', { for: 'pop-source' }, t('statsd.pop.source')),
      h('input', { id: 'pop-source', name: 'source', type: 'text', maxlength: 200 })),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn primary' }, t('statsd.pop.save'))));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = ev.target;
    const row = { year: Number(f.year.value), count: Number(String(f.count.value).replace(/[,\s٬]/g, '')) };
    if (f.sex.value) row.sex = f.sex.value;
    if (f.age_group.value) row.age_group = f.age_group.value;
    if (f.source.value.trim()) row.source = f.source.value.trim();
    form.querySelector('.form-error')?.remove();
    try {
      await api('PUT', '/api/v1/population', { rows: [row] });
    } catch (e) {
      form.appendChild(errorBox(e));
      return;
    }
    flash(t('statsd.pop.saved'));
    go(location.pathname + location.search, { replace: true });
  });
  return form;
}

function orgLabel(code) {
  const o = ctx.orgs && ctx.orgs.find(x => x.code === code);
  if (!o) return code || '';
  return currentLang() === 'ar' && o.name_ar ? o.name_ar : o.name;
}

function filterChips(s, byName) {
  const active = Object.entries(s.filters);
  const box = h('div', { class: 'filter-chips', 'aria-live': 'polite' });
  if (!active.length) {
    box.appendChild(h('p', { class: 'hint' }, t('statsd.no_filters')));
    return box;
  }
  const chips = [];
  for (const [d, vals] of active) {
    for (const v of vals) {
      const text = `${dimTitle(byName[d]) || d}: ${valueLabel(byName[d], v)}`;
      const rest = vals.filter(x => x !== v);
      const next = { ...s, filters: { ...s.filters } };
      if (rest.length) next.filters[d] = rest; else delete next.filters[d];
      chips.push(h('li', { class: 'chip', 'data-filter': d, 'data-value': v }, text,
        h('button', { type: 'button', class: 'chip-x', 'aria-label': t('statsd.remove_filter', { filter: text }), onclick: () => go(pageUrl(next)) }, '×')));
    }
  }
  box.appendChild(h('span', { class: 'chips-label', id: 'sd-active' }, t('statsd.active_filters')));
  box.appendChild(h('ul', { class: 'chips', 'aria-labelledby': 'sd-active' }, chips));
  box.appendChild(h('button', { type: 'button', class: 'btn link small', 'data-action': 'clear-filters', onclick: () => go(pageUrl({ ...s, filters: {} })) }, t('statsd.clear_filters')));
  return box;
}

// One control per dimension: a multi-select of its values (labels in the
// page's language), or a text box for the free-text dimensions, whose
// values the server does not list.
function filterPanel(s, dims) {
  const n = Object.keys(s.filters).length;
  const grid = h('div', { class: 'filter-grid' });
  for (const d of dims) {
    const id = 'sd-f-' + d.name;
    const current = s.filters[d.name] || [];
    let control;
    if (d.values) {
      const values = d.kind === 'number' ? d.values : sortedValues(d.values);
      control = h('select', { id, name: d.name, multiple: true, size: Math.min(5, values.length + 1) },
        values.map(v => h('option', { value: v.code, selected: current.includes(v.code) }, label(v))),
        h('option', { value: 'unknown', selected: current.includes('unknown') }, t('statsd.unknown')));
    } else {
      control = h('input', { id, name: d.name, type: 'text', value: current.join(', '), 'aria-describedby': 'sd-text-hint' });
    }
    grid.appendChild(h('div', { class: 'field' }, h('label', { for: id }, dimTitle(d)), control));
  }
  const form = h('form', { class: 'filter-form' },
    h('p', { class: 'hint', id: 'sd-text-hint' }, t('statsd.filter_hint')),
    grid,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('statsd.apply_filters')),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => go(pageUrl({ ...s, filters: {} })) }, t('statsd.clear_filters'))));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const filters = {};
    for (const d of dims) {
      const c = form.elements[d.name];
      if (!c) continue;
      const vals = c.tagName === 'SELECT' ? [...c.selectedOptions].map(o => o.value)
        : c.value.split(',').map(x => x.trim()).filter(Boolean);
      if (vals.length) filters[d.name] = vals;
    }
    go(pageUrl({ ...s, filters }));
  });
  return h('details', { class: 'filter-panel', open: n ? true : null },
    h('summary', null, n ? t('statsd.filters_n', { n: fmtNumber(n) }) : t('statsd.filters')),
    form);
}

function cellText(row) {
  if (row.suppressed || row.count === null) return h('span', { class: 'suppressed', title: t('statsd.suppressed_title') }, t('statsd.suppressed'));
  return fmtNumber(row.count);
}

const codeKey = c => (c === null || c === undefined ? '\u0000unknown' : String(c));

function valueText(r, row, d, dim) {
  if (row[d] === 'TOTAL') return t('statsd.total');
  if (dim && dim.kind === 'number' && row[d] !== null) return fmtNumber(row[d], { grouping: false });
  return row[d + '_label'] ?? (row[d] === null ? t('statsd.unknown') : String(row[d]));
}

// One dimension: a list with its total.  Two: a cross-table, the first
// dimension down, the second across, totals last in both.
function statsTable(r, byName) {
  const dims = r.dimensions;
  const countHead = t('statsd.count_head.' + (r.count || 'victims'));
  if (dims.length !== 2) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'stats' },
      h('caption', { class: 'visually-hidden' }, t('statsd.table_caption')),
      h('thead', null, h('tr', null, dims.map(d => h('th', { scope: 'col' }, dimTitle(byName[d]) || d)),
        h('th', { scope: 'col', class: 'num' }, countHead))),
      h('tbody', null, r.rows.map(row => h('tr', { class: row.total ? 'total' : null },
        dims.map((d, i) => h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : null, valueText(r, row, d, byName[d]))),
        h('td', { class: 'num' + (row.suppressed ? ' is-suppressed' : '') }, cellText(row)))))));
  }
  const [a, b] = dims;
  const rowKeys = [], colKeys = [], rowSample = new Map(), colSample = new Map(), cells = new Map();
  for (const row of r.rows) {
    const ka = codeKey(row[a]), kb = codeKey(row[b]);
    if (!rowSample.has(ka)) { rowSample.set(ka, row); rowKeys.push(ka); }
    if (!colSample.has(kb)) { colSample.set(kb, row); colKeys.push(kb); }
    cells.set(ka + '\u0001' + kb, row);
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'stats crosstab' },
    h('caption', { class: 'visually-hidden' }, t('statsd.table_caption')),
    h('thead', null,
      h('tr', null, h('td', null), h('th', { scope: 'colgroup', colspan: colKeys.length, class: 'dim-head' }, dimTitle(byName[b]) || b)),
      h('tr', null, h('th', { scope: 'col' }, dimTitle(byName[a]) || a),
        colKeys.map(k => h('th', { scope: 'col', class: 'num' + (colSample.get(k)[b] === 'TOTAL' ? ' total' : '') }, valueText(r, colSample.get(k), b, byName[b]))))),
    h('tbody', null, rowKeys.map(ka => h('tr', { class: rowSample.get(ka)[a] === 'TOTAL' ? 'total' : null },
      h('th', { scope: 'row' }, valueText(r, rowSample.get(ka), a, byName[a])),
      colKeys.map(kb => {
        const row = cells.get(ka + '\u0001' + kb);
        return h('td', { class: 'num' + (row && row.suppressed ? ' is-suppressed' : '') + (row && row.total ? ' total' : '') }, row ? cellText(row) : '');
      }))))));
}
