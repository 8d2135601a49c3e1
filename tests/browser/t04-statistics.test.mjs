// The statistics dashboard (web/views-stats.js): the coordinator's national
// figures and an organisation's own, filters that live in the URL (the back
// button undoes one), the chart as an SVG image, the table with suppressed
// cells, the CSV download, Arabic right to left — and screenshots
// en-19-dashboard / ar-19-dashboard for tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, newPage, login, settled, shot, apiSession } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const totalOf = async page => Number((await page.locator('.stat-total').getAttribute('data-total')) || NaN);

test('the coordinator sees national figures, filters them through the URL, and gets the chart and a CSV', async () => {
  const page = await newPage(browser);
  const api = await apiSession('coordinator');
  await login(page, 'coordinator');
  await page.goto('/stats');
  await settled(page);
  assert.match(await page.locator('.scope-line').textContent(), /National figures/);

  // the figures are the API's national ones, published
  const all = (await api('GET', '/api/v1/stats?by=year,sex')).body;
  assert.equal(all.scope, 'national');
  assert.equal(await totalOf(page), all.total_victims);
  assert.equal(await page.locator('.stat-total').textContent(), `Victims in total: ${all.total_victims.toLocaleString('en-GB')}`);
  // a cross-table: a row per year and the total row, a column per sex and the total column
  const years = new Set(all.rows.map(r => r.year));
  const sexes = new Set(all.rows.map(r => r.sex));
  assert.equal(await page.locator('table.crosstab tbody tr').count(), years.size);
  assert.equal(await page.locator('table.crosstab thead tr:nth-child(2) th').count(), sexes.size + 1);
  const suppressed = all.rows.filter(r => r.count === null).length;
  assert.equal(await page.locator('table.crosstab td.is-suppressed').count(), suppressed);
  if (suppressed) assert.equal(await page.locator('table.crosstab td.is-suppressed').first().textContent(), 'suppressed');
  assert.match(await page.locator('.table-note').last().textContent(), /cells suppressed to protect privacy/);

  // the chart: an SVG image from the chart endpoint, drawn
  const img = page.locator('img#stats-chart');
  await img.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('img#stats-chart'); return i && i.complete && i.naturalWidth > 0; });
  const chart = await fetch(new URL(await img.getAttribute('src'), page.url()), { headers: { Cookie: (await page.context().cookies()).map(c => `${c.name}=${c.value}`).join('; ') } });
  assert.equal(chart.headers.get('content-type'), 'image/svg+xml');
  assert.match(await img.getAttribute('alt'), /Year × Sex/);
  await shot(page, 'en-19-dashboard');

  // a filter: chosen in the panel, applied -> the URL has it, the table changes
  await page.locator('details.filter-panel > summary').click();
  await page.locator('#sd-f-sex').selectOption(['Female']);
  await page.locator('form.filter-form button[type="submit"]').click();
  await page.waitForURL(u => u.searchParams.get('filter.sex') === 'Female');
  await settled(page);
  const female = (await api('GET', '/api/v1/stats?by=year,sex&filter.sex=Female')).body;
  assert.ok(female.total_victims < all.total_victims);
  assert.equal(await totalOf(page), female.total_victims);
  assert.equal(await page.locator('.filter-chips li.chip').count(), 1);
  assert.match(await page.locator('.filter-chips li.chip').textContent(), /Sex: Female/);
  assert.equal(await page.locator('#sd-f-sex option:checked').count(), 1);
  assert.match(await page.locator('img#stats-chart').getAttribute('src'), /filter\.sex=Female/);

  // the back button goes back to the unfiltered figures
  await page.goBack();
  await page.waitForURL(u => !u.searchParams.has('filter.sex'));
  await settled(page);
  assert.equal(await totalOf(page), all.total_victims);
  assert.equal(await page.locator('.filter-chips li.chip').count(), 0);
  await page.goForward();
  await page.waitForURL(u => u.searchParams.get('filter.sex') === 'Female');
  await settled(page);

  // removing the chip removes the filter
  await page.locator('.filter-chips li.chip button').click();
  await page.waitForURL(u => !u.searchParams.has('filter.sex'));
  await settled(page);
  assert.equal(await totalOf(page), all.total_victims);

  // the CSV download: the published table with labels
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-format="csv"]').click()]);
  assert.equal(download.suggestedFilename(), 'sanad-victims-year-sex-national.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.equal(csv.split('\n')[0], 'year,year_label,sex,sex_label,count');
  assert.match(csv, new RegExp(`^TOTAL,Total,TOTAL,Total,${all.total_victims}$`, 'm'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('dimensions and the trend preset change the view; every control has a label', async () => {
  const page = await newPage(browser);
  await login(page, 'coordinator');
  await page.goto('/stats?by=nationality&kind=bars');
  await settled(page);
  assert.equal(await page.locator('#sd-by1').inputValue(), 'nationality');
  assert.equal(await page.locator('#sd-by2').inputValue(), '');
  await page.locator('#sd-by2').selectOption('sex');
  await page.locator('form.stats-controls button[type="submit"]').click();
  await page.waitForURL(u => u.searchParams.get('by') === 'nationality,sex');
  await settled(page);
  assert.equal(await page.locator('table.crosstab').count(), 1);
  await page.locator('a[data-preset="trend"]').click();
  await page.waitForURL(u => u.searchParams.get('by') === 'year' && u.searchParams.get('kind') === 'lines');
  await settled(page);
  assert.equal(await page.locator('#sd-kind').inputValue(), 'lines');
  assert.match(await page.locator('img#stats-chart').getAttribute('src'), /kind=lines/);
  // SDG 16.2.2 of the latest year, and a population figure entered for it
  const year = await page.locator('#pop-year').inputValue();
  assert.match(await page.locator('#sdg-title').textContent(), new RegExp(`16\\.2\\.2, ${year}$`));
  await page.locator('#pop-count').fill('2000000');
  await page.locator('#pop-source').fill('browser test estimate');
  await page.locator('form.population-form button[type="submit"]').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  const totalRow = page.locator('table.sdg-table tr[data-breakdown="total"]');
  assert.equal(await totalRow.locator('td').nth(1).textContent(), '2,000,000');
  const sdg = (await (await apiSession('coordinator'))('GET', `/api/v1/stats/sdg?year=${year}`)).body;
  const total = sdg.rows.find(r => r.breakdown === 'total');
  assert.equal(total.population, 2000000);
  assert.equal(await totalRow.locator('td').nth(2).textContent(), (Math.round(total.rate * 100) / 100).toLocaleString('en-GB'));
  const unlabelled = await page.locator('#main select, #main input').evaluateAll(els =>
    els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name));
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('in Arabic the dashboard is right to left with Arabic labels', async () => {
  const page = await newPage(browser);
  await login(page, 'coordinator');
  await page.goto('/stats?by=year,sex');
  await settled(page);
  await page.locator('button.lang-switch').click();
  await page.locator('html[dir="rtl"]').waitFor();
  await settled(page);
  try {
    assert.equal(await page.locator('h1').textContent(), 'الإحصاءات');
    assert.match(await page.locator('.stat-total').textContent(), /^إجمالي الضحايا: [٠-٩٬]+$/);
    assert.equal(await page.locator('table.crosstab thead tr:nth-child(2) th').first().textContent(), 'السنة');
    assert.equal(await page.locator('table.crosstab th.dim-head').textContent(), 'الجنس');
    assert.equal(await page.locator('label[for="sd-by1"]').textContent(), 'التصنيف حسب');
    assert.match(await page.locator('img#stats-chart').getAttribute('src'), /lang=ar/);
    await page.waitForFunction(() => { const i = document.querySelector('img#stats-chart'); return i && i.complete && i.naturalWidth > 0; });
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl');
    await shot(page, 'ar-19-dashboard');
  } finally {
    // the language is saved for the user: put it back for the other tests
    await page.locator('button.lang-switch').click();
    await page.locator('html[dir="ltr"]').waitFor();
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an organisation's analyst sees its own figures, not the national ones", async () => {
  const page = await newPage(browser);
  const api = await apiSession('analyst.mosa');
  await login(page, 'analyst.mosa');
  await page.goto('/stats?by=sex');
  await settled(page);
  assert.match(await page.locator('.scope-line').textContent(), /Figures of your organisation/);
  const own = (await api('GET', '/api/v1/stats?by=sex')).body;
  assert.equal(own.scope, 'org');
  assert.equal((await page.locator('.stat-total').getAttribute('data-total')) || null, own.total_victims === null ? null : String(own.total_victims));
  assert.equal((await api('GET', '/api/v1/stats?by=sex&scope=national')).status, 403);
  assert.equal(await page.locator('#statistical-report').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
