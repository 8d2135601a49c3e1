// The two languages (the switch is saved for the user, Arabic pages are
// right-to-left with Arabic labels and Arabic-Indic digits), the lists a
// caseworker lives in (caseload with overdue follow-ups, paging through the
// organisation's cases), the administrators' pages — and screenshots of the
// main pages in English and Arabic for tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, settled, shot, apiSession } from './lib.mjs';

let browser;
let ref; // a case of cw.arabic's, made through the API for the screenshots
before(async () => {
  browser = await launch();
  const api = await apiSession('cw.arabic');
  const r = await api('POST', '/api/v1/cases', {
    prs_FirstName: 'مريم', prs_SecondName: 'العبدالله', prs_Gender: 'Feminine', prs_Birthdate: '2001-02-03',
    prs_Citizenship: ['SY', 'IQ'], vic_TypeOfExploitation: ['ForcedLabour', 'DomesticServitude'],
    snd_NextFollowUpDate: '2024-01-15', prs_PrimaryLanguage: 'ara',
    services: [{ snd_ServiceType: 'Shelter', snd_ServiceStart: '2024-01-02', snd_ServiceMode: 'InPerson' }],
    comments: [{ cco_CaseComment: 'وصلت إلى الدار برفقة متطوعة من الخط الساخن.' }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  ref = r.body.ref;
  await api('POST', `/api/v1/cases/${ref}/consents`, { snd_ConsentScope: 'CaseManagement', snd_ConsentGiven: true, snd_ConsentLanguage: 'ara' });
  await api('POST', `/api/v1/cases/${ref}/screening`, { trafficking_status: 'PossibleVictimOfTrafficking', decision_org: 'NGO', indicators: { snd_PalermoAct: ['Recruitment'] } });
});
after(async () => { await browser?.close(); });

// the main pages of a caseworker, in the page's current language
async function shootMainPages(page, lang) {
  const pages = [['02-caseload', '/caseload'], ['03-case-list', '/cases'], ['04-new-case', '/cases/new'],
    ['05-case-overview', `/cases/${ref}`], ['06-screening', `/cases/${ref}/screening`], ['07-consent', `/cases/${ref}/consents`],
    ['08-referral', `/cases/${ref}/referrals`], ['09-incoming-referrals', '/referrals'], ['13-services', `/cases/${ref}/services`],
    ['14-comments', `/cases/${ref}/comments`], ['15-account', '/account']];
  for (const [name, path] of pages) {
    await page.goto(path);
    await settled(page);
    if (lang === 'en' && ['05-case-overview', '06-screening', '07-consent', '08-referral', '09-incoming-referrals'].includes(name)) continue; // the lifecycle test has these in English
    await shot(page, `${lang}-${name}`);
  }
}

test('switching to Arabic makes every page right-to-left with Arabic labels, and the choice is kept for the user', async () => {
  const page = await newPage(browser);
  await login(page, 'cw.arabic');
  assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  await shootMainPages(page, 'en');
  await page.goto(`/cases/${ref}`);
  await settled(page);
  await page.locator('button.lang-switch').click();
  await page.locator('html[dir="rtl"]').waitFor();
  await settled(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl');
  // the menu, field labels and picklist labels in Arabic
  assert.equal(await page.locator('nav.mainnav a[href="/caseload"]').textContent(), 'حالاتي');
  assert.equal(await page.locator('[data-field="prs_Citizenship"] dt').textContent(), 'الجنسية');
  assert.equal(await page.locator('[data-field="prs_Citizenship"] dd').textContent(), 'العراق والجمهورية العربية السورية');
  assert.equal(await page.locator('.badge.stage').textContent(), 'تم تحديد الهوية');
  // dates with Arabic-Indic digits; the case reference stays Latin, isolated left-to-right
  const born = await page.locator('[data-field="prs_Birthdate"] dd').textContent();
  assert.match(born, /^[\u0660-\u0669]+ فبراير [\u0660-\u0669]{4}$/, born);
  assert.equal(await page.locator('h1 .case-ref bdi').getAttribute('dir'), 'ltr');
  assert.equal(await page.locator('h1 .case-ref bdi').textContent(), ref);
  // the tabs run from the right: the first tab is right of the second
  const [first, second] = await page.locator('.tabs a').evaluateAll(as => as.slice(0, 2).map(a => a.getBoundingClientRect().left));
  assert.ok(first > second, `${first} > ${second}`);
  // saved for the user: a new browser session opens in Arabic
  const api = await apiSession('cw.arabic');
  assert.equal((await api('GET', '/api/v1/me')).body.language, 'ar');
  const again = await newPage(browser, { locale: 'en-GB' });
  await login(again, 'cw.arabic');
  assert.equal(await again.locator('html').getAttribute('dir'), 'rtl');
  assert.equal(await again.locator('h1').textContent(), 'حالاتي');
  await again.context().close();
  await shootMainPages(page, 'ar');
  // and back
  await page.locator('button.lang-switch').click();
  await page.locator('html[dir="ltr"]').waitFor();
  assert.equal((await api('GET', '/api/v1/me')).body.language, 'en');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the route of the trafficking and a perpetrator are added from their tabs', async () => {
  const page = await newPage(browser);
  await login(page, 'cw.arabic');
  await page.goto(`/cases/${ref}/events`);
  await settled(page);
  await page.locator('select[name="hte_Type"]').selectOption('Recruitment');
  await page.locator('select[name="hte_Country"]').selectOption('SY');
  await page.locator('input[name="hte_City"]').fill('حلب');
  await page.locator('input[name="hte_Date"]').fill('2023-06-01');
  await page.locator('form.form button[type="submit"]').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  const ev = page.locator('table.events tbody tr');
  assert.equal(await ev.count(), 1);
  assert.match(await ev.textContent(), /Recruitment.*1 Jun 2023.*Syrian Arab Republic.*حلب/);
  await page.goto(`/cases/${ref}/perpetrators`);
  await settled(page);
  await page.locator('select[name="snd_PerpetratorKind"]').selectOption('Official');
  await page.locator('input[name="per_RoleInProcess"][value="RecruiterOrIntermediary"]').check();
  await page.locator('select[name="snd_PerpetratorIsOfficial"]').selectOption('true');
  await page.locator('input[name="snd_PerpetratorAge"]').fill('45');
  await page.locator('form.form button[type="submit"]').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  const per = page.locator('table.perpetrators tbody tr');
  assert.equal(await per.count(), 1);
  assert.match(await per.textContent(), /Public official.*Recruiter Or Intermediary.*Yes/);
  await page.context().close();
});

test('the sign-in page and a server error are in Arabic too', async () => {
  const page = await newPage(browser, { locale: 'ar' });
  await page.goto('/login');
  await page.locator('html[dir="rtl"]').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'تسجيل الدخول');
  await shot(page, 'ar-01-login');
  await page.locator('input[name="username"]').fill('cw.arabic');
  await page.locator('input[name="password"]').fill('wrong password here');
  await page.locator('form.login-form button[type="submit"]').click();
  await page.locator('.form-error').waitFor();
  assert.match(await page.locator('.form-error').textContent(), /اسم المستخدم أو كلمة المرور غير صحيحة/);
  await page.context().close();
});

test('the caseload lists the open cases with the overdue follow-ups first and highlighted', async () => {
  const page = await newPage(browser);
  await login(page, 'lina.odeh');
  assert.equal(new URL(page.url()).pathname, '/caseload');
  await settled(page);
  const api = await apiSession('lina.odeh');
  const load = (await api('GET', '/api/v1/caseload')).body;
  assert.ok(load.overdue > 0 && load.open >= load.overdue, JSON.stringify({ open: load.open, overdue: load.overdue }));
  const values = await page.locator('.stat-value').allTextContents();
  assert.deepEqual(values.slice(0, 2), [String(load.open), String(load.overdue)]);
  const rows = await page.locator('table.cases tbody tr').evaluateAll(trs => trs.map(tr => [tr.dataset.ref, tr.classList.contains('overdue')]));
  assert.deepEqual(rows, load.cases.map(c => [c.snd_CaseRef, c.overdue]));
  // overdue first
  const firstNotOverdue = rows.findIndex(r => !r[1]);
  assert.ok(firstNotOverdue === -1 || rows.slice(firstNotOverdue).every(r => !r[1]));
  await shot(page, 'en-02-caseload-overdue');
  await page.context().close();
});

test('the case list pages through the organisation\'s cases with the keyset cursor, forward and back', async () => {
  const page = await newPage(browser);
  await login(page, 'lina.odeh');
  await page.goto('/cases');
  await settled(page);
  const refsOf = () => page.locator('table.cases tbody tr').evaluateAll(trs => trs.map(tr => tr.dataset.ref));
  const page1 = await refsOf();
  assert.equal(page1.length, 50);
  await page.locator('a[rel="next"]').click();
  await page.waitForURL(u => u.searchParams.has('cursor'));
  await settled(page);
  const page2 = await refsOf();
  assert.equal(page2.length, 50);
  assert.ok(page2[0] > page1[49], `${page2[0]} after ${page1[49]}`);
  const cursor2 = new URL(page.url()).searchParams.get('cursor');
  await page.locator('a[rel="next"]').click();
  await page.waitForURL(u => u.searchParams.get('cursor') !== cursor2);
  await settled(page);
  const page3 = await refsOf();
  assert.ok(page3[0] > page2[49]);
  await page.locator('a[rel="prev"]').click();
  await settled(page);
  assert.deepEqual(await refsOf(), page2);
  await page.locator('a[rel="prev"]').click();
  await settled(page);
  assert.deepEqual(await refsOf(), page1);
  // a filter: only the closed cases
  await page.locator('#flt-status').selectOption('Closed');
  await page.locator('form.filters button[type="submit"]').click();
  await page.waitForURL(u => u.searchParams.get('status') === 'Closed');
  await settled(page);
  const statuses = await page.locator('table.cases tbody tr td:nth-child(4)').allTextContents();
  assert.ok(statuses.length > 0 && statuses.every(s => s === 'Closed'), statuses.join());
  await page.context().close();
});

test('the receiving organisation declines a referral, and its access ends', async () => {
  const api = await apiSession('cw.karama');
  const c = await api('POST', '/api/v1/cases', { prs_FirstName: 'Nadia', prs_SecondName: 'Karim', snd_Sex: 'Female' });
  await api('POST', `/api/v1/cases/${c.body.ref}/consents`, { snd_ConsentScope: 'Referral', snd_ConsentGiven: true, snd_ConsentRecipient: 'tadamon-mwc' });
  const r = await api('POST', `/api/v1/cases/${c.body.ref}/referrals`, { cas_ReferredOrganisation: 'tadamon-mwc' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const page = await newPage(browser);
  await login(page, 'cw.tadamon');
  await page.goto('/referrals');
  await settled(page);
  const id = `${c.body.ref}.1`;
  await page.locator(`tr[data-referral="${id}"] button`, { hasText: 'Decline' }).click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  assert.equal(await page.locator('.flash').textContent(), `Referral ${id} declined.`);
  assert.equal(await page.locator(`tr[data-referral="${id}"]`).count(), 0);
  await page.goto(`/cases/${c.body.ref}`);
  await settled(page);
  assert.equal(await page.locator('h1').textContent(), 'Not found');
  const stored = await api('GET', `/api/v1/cases/${c.body.ref}`);
  assert.equal(stored.body.case.referrals[0].snd_ReferralStatus, 'Declined');
  await page.context().close();
});

test('the organisation administrator creates, re-roles and disables an account', async () => {
  const page = await newPage(browser);
  await login(page, 'admin.karama');
  await page.goto('/admin/users');
  await settled(page);
  await page.locator('form.form input[name="username"]').fill('new.worker');
  await page.locator('form.form input[name="display_name"]').fill('هالة يوسف');
  await page.locator('form.form select[name="role"]').selectOption('caseworker');
  await page.locator('form.form button[type="submit"]').click();
  const flashEl = page.locator('#main:not([aria-busy]) .flash');
  await flashEl.waitFor();
  const shown = await flashEl.textContent();
  const password = /shown only this once: (\S+)/.exec(shown)[1];
  assert.ok(password.length >= 12);
  const row = page.locator('tr[data-user="new.worker"]');
  assert.match(await row.textContent(), /Caseworker/);
  // the new account works with the password shown
  const other = await newPage(browser);
  await login(other, 'new.worker', password);
  assert.equal(new URL(other.url()).pathname, '/caseload');
  await other.context().close();
  await row.locator('select').selectOption('supervisor');
  await row.locator('button[data-action="role"]').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  assert.match(await page.locator('tr[data-user="new.worker"]').textContent(), /Supervisor/);
  await page.locator('tr[data-user="new.worker"] button[data-action="toggle"]').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  assert.match(await page.locator('tr[data-user="new.worker"]').textContent(), /Disabled/);
  // an account may not be created twice: the server's refusal is shown
  await page.locator('form.form input[name="username"]').fill('new.worker');
  await page.locator('form.form button[type="submit"]').click();
  await page.locator('.form-error').waitFor();
  assert.match(await page.locator('.form-error').textContent(), /It already exists/);
  await shot(page, 'en-16-users');
  // the organisations page: the administrator may change their own organisation only
  await page.goto('/admin/organisations');
  await settled(page);
  assert.equal(await page.locator('tr[data-org="shelter-karama"] button').count(), 1);
  assert.equal(await page.locator('tr[data-org="tadamon-mwc"] button').count(), 0);
  await page.locator('tr[data-org="shelter-karama"] input[type="checkbox"]').nth(1).check();
  await page.locator('tr[data-org="shelter-karama"] button').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  assert.equal(await page.locator('tr[data-org="shelter-karama"] input[type="checkbox"]').nth(1).isChecked(), true);
  await page.locator('tr[data-org="shelter-karama"] input[type="checkbox"]').nth(1).uncheck();
  await page.locator('tr[data-org="shelter-karama"] button').click();
  await page.locator('#main:not([aria-busy]) .flash').waitFor();
  await shot(page, 'en-17-organisations');
  await page.context().close();
});

test('roles without case access see no case menu and cannot open a case', async () => {
  const page = await newPage(browser);
  await login(page, 'analyst.mosa');
  assert.equal(new URL(page.url()).pathname, '/stats');
  await settled(page);
  const nav = await page.locator('nav.mainnav a').evaluateAll(as => as.map(a => a.getAttribute('href')));
  assert.deepEqual(nav, ['/stats', '/account']);
  assert.match(await page.locator('.stat-total').textContent(), /Victims in total: \d/);
  await shot(page, 'en-18-statistics');
  await page.goto(`/cases/${ref}`);
  await settled(page);
  assert.match(await page.locator('.form-error').textContent(), /Your role may not do this/);
  await page.context().close();
  const sys = await newPage(browser);
  await login(sys, 'sysadmin');
  assert.equal(new URL(sys.url()).pathname, '/admin/users');
  const sysNav = await sys.locator('nav.mainnav a').evaluateAll(as => as.map(a => a.getAttribute('href')));
  assert.equal(sysNav.includes('/cases'), false);
  await sys.context().close();
});

test('signing out ends the session', async () => {
  const page = await newPage(browser);
  await login(page, 'cw.arabic');
  await page.locator('button[data-action="sign-out"]').click();
  await page.waitForURL(u => u.pathname === '/login');
  await page.locator('.flash').waitFor();
  await page.goto('/caseload');
  await page.waitForURL(u => u.pathname === '/login');
  await page.context().close();
});
