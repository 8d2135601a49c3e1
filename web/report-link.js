// report-link.js: the link to the annual report of the national response
// (GET /api/v1/reports/{year}), a page of its own opened by a plain link so
// the session cookie goes along.  The year is one the user chooses among
// those that have a report (GET /api/v1/reports): by default the given
// year when it has one, else the latest — never simply the current year,
// which usually has no report yet.
import { api } from './api.js';
import { h } from './dom.js';
import { t, currentLang } from './i18n.js';

export async function reportLink(preferred) {
  let years = [];
  try { years = (await api('GET', '/api/v1/reports')).years || []; } catch (e) { years = []; }
  const box = h('p', { class: 'reports' });
  if (!years.length) {
    box.appendChild(h('span', { class: 'muted', id: 'annual-report-none' }, t('stats.no_report')));
    return box;
  }
  const first = years.map(String).includes(String(preferred)) ? String(preferred) : String(years[0]);
  const href = y => '/api/v1/reports/' + y + '?lang=' + currentLang();
  const link = h('a', { href: href(first), target: '_blank', rel: 'noopener', id: 'annual-report' },
    t('stats.annual_report') + ' ' + first);
  const select = h('select', { id: 'report-year', name: 'report_year' },
    years.map(y => h('option', { value: String(y), selected: String(y) === first }, String(y))));
  select.addEventListener('change', () => {
    link.href = href(select.value);
    link.textContent = t('stats.annual_report') + ' ' + select.value;
  });
  box.appendChild(h('label', { for: 'report-year' }, t('stats.report_year'), ' '));
  box.appendChild(select);
  box.appendChild(document.createTextNode(' '));
  box.appendChild(link);
  return box;
}
