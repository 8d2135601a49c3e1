// Issue 4's gaps in the browser: a caseworker corrects and removes entries
// of a case (edit in place, remove after a confirmation, the server's error
// shown beside the field it names), comments are editable only by their
// author, consent entries never; a supervisor accepts a referral for a
// caseworker of the team chosen in the list; a declined referral stays in
// the receiver's list without the person; the report link offers the years
// that have a report.  The tests run in order and share the cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, settled, shot, apiSession } from './lib.mjs';

let browser, page, ref, cw, maha;

async function flashText(p) {
  const f = p.locator('#main:not([aria-busy]) .flash');
  await f.waitFor();
  return (await f.textContent()).trim();
}

before(async () => {
  browser = await launch();
  cw = await apiSession('cw.karama');
  maha = await apiSession('maha.qasim');
  const made = await cw('POST', '/api/v1/cases', { prs_FirstName: 'Rania', prs_Gender: 'Feminine' });
  assert.equal(made.status, 201);
  ref = made.body.ref;
  const add = async (who, group, body) => assert.equal((await who('POST', `/api/v1/cases/${ref}/${group}`, body)).status, 201);
  await add(cw, 'events', { hte_Type: 'Recruitment', hte_City: 'Amman' });
  await add(cw, 'events', { hte_Type: 'Exploitation', hte_City: 'Aqaba' });
  await add(cw, 'comments', { cco_CaseComment: 'first interview' });
  await add(maha, 'comments', { cco_CaseComment: 'by a colleague' });
  await add(cw, 'services', { snd_ServiceType: 'RiskAssessment', snd_ServiceStart: '2024-01-10' });
  await add(cw, 'services', { snd_ServiceType: 'Return', snd_ServiceStart: '2024-02-01' });
  await add(cw, 'consents', { snd_ConsentScope: 'Research', snd_ConsentGiven: true });
  page = await newPage(browser);
  await login(page, 'cw.karama');
});
after(async () => { await browser?.close(); });

test('an event is edited in place and saved; the order of the route stays', async () => {
  await page.goto(`/cases/${ref}/events`);
  await settled(page);
  await page.locator('button[data-edit-item="events/2"]').click();
  const form = page.locator('tr[data-editing="events/2"] form');
  await form.waitFor();
  assert.equal(await form.locator('input[name="hte_City"]').inputValue(), 'Aqaba');
  await form.locator('input[name="hte_City"]').fill('Ma\'an');
  await shot(page, 'en-20-item-edit');
  await form.locator('button[type="submit"]').click();
  assert.equal(await flashText(page), 'Saved.');
  const stored = (await cw('GET', `/api/v1/cases/${ref}`)).body.case.events;
  assert.deepEqual(stored.map(e => [e.hte_Type, e.hte_City]), [['Recruitment', 'Amman'], ['Exploitation', 'Ma\'an']]);
  assert.deepEqual(page.errors, []);
});

test('a server validation error is shown beside the field the envelope names', async () => {
  await page.goto(`/cases/${ref}/services`);
  await settled(page);
  await page.locator('table.services button[data-edit-item="services/2"]').click();
  const form = page.locator('tr[data-editing="services/2"] form');
  await form.locator('input[name="snd_ServiceEnd"]').fill('2023-01-01');
  await form.locator('button[type="submit"]').click();
  const field = form.locator('.field.invalid[data-field="snd_ServiceEnd"]');
  await field.waitFor();
  assert.match(await field.locator('.field-error').textContent(), /before snd_ServiceStart/);
  assert.equal(await form.locator('.field.invalid').count(), 1);
  assert.equal((await cw('GET', `/api/v1/cases/${ref}`)).body.case.services[1].snd_ServiceEnd, undefined);
});

test('an entry is removed after a confirmation; the one after it moves up', async () => {
  await page.goto(`/cases/${ref}/events`);
  await settled(page);
  await page.locator('button[data-remove-item="events/1"]').click();
  const confirm = page.locator('.confirm');
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /Remove item 1\?/);
  await page.locator('button[data-confirm-remove="events/1"]').click();
  assert.equal(await flashText(page), 'Removed.');
  assert.equal(await page.locator('table.events tbody tr').count(), 1);
  const stored = (await cw('GET', `/api/v1/cases/${ref}`)).body.case.events;
  assert.deepEqual(stored.map(e => e.hte_City), ['Ma\'an']);
});

test('the risk assessment a return rests on cannot be removed: the refusal is shown', async () => {
  await page.goto(`/cases/${ref}/services`);
  await settled(page);
  await page.locator('table.services button[data-remove-item="services/1"]').click();
  await page.locator('button[data-confirm-remove="services/1"]').click();
  const box = page.locator('table.services .form-error');
  await box.waitFor();
  assert.match(await box.textContent(), /risk and security assessment/);
  assert.equal((await cw('GET', `/api/v1/cases/${ref}`)).body.case.services.length, 2);
});

test('only the author edits a comment; consent entries have no edit or remove', async () => {
  await page.goto(`/cases/${ref}/comments`);
  await settled(page);
  assert.equal(await page.locator('button[data-edit-item="comments/1"]').count(), 1);
  assert.equal(await page.locator('button[data-edit-item="comments/2"]').count(), 0);
  await page.locator('button[data-edit-item="comments/1"]').click();
  const form = page.locator('li[data-editing="comments/1"] form');
  await form.locator('textarea[name="cco_CaseComment"]').fill('first interview, with an interpreter');
  await form.locator('button[type="submit"]').click();
  assert.equal(await flashText(page), 'Saved.');
  const c = (await cw('GET', `/api/v1/cases/${ref}`)).body.case.comments;
  assert.deepEqual(c.map(x => [x.cco_CaseComment, x.snd_CommentAuthor]),
    [['first interview, with an interpreter', 'cw.karama'], ['by a colleague', 'maha.qasim']]);
  await page.goto(`/cases/${ref}/consents`);
  await settled(page);
  assert.equal(await page.locator('[data-section="consent-history"] button[data-edit-item], [data-section="consent-history"] button[data-remove-item]').count(), 0);
  await page.locator('[data-consent-kept]').waitFor();
  assert.deepEqual(page.errors, []);
});

test('a supervisor accepts a referral for a caseworker chosen from the team; a declined one stays listed without the person', async () => {
  const tad = await apiSession('cw.tadamon');
  const refer = async name => {
    const made = await tad('POST', '/api/v1/cases', { prs_FirstName: name });
    assert.equal(made.status, 201);
    const r = made.body.ref;
    assert.equal((await tad('POST', `/api/v1/cases/${r}/consents`, { snd_ConsentScope: 'Referral', snd_ConsentGiven: true, snd_ConsentRecipient: 'shelter-karama' })).status, 201);
    assert.equal((await tad('POST', `/api/v1/cases/${r}/referrals`, { cas_ReferredOrganisation: 'shelter-karama', cas_OutgoingReferralDetails: 'private details' })).status, 201);
    return r;
  };
  const toAccept = await refer('Noor');
  const toDecline = await refer('Huda');
  const sup = await newPage(browser);
  await login(sup, 'sup.karama');
  await sup.goto('/referrals');
  await settled(sup);
  const select = sup.locator(`select[data-caseworker-for="${toAccept}.1"]`);
  assert.equal(await select.inputValue(), 'sup.karama'); // default: the supervisor
  await select.selectOption('maha.qasim');
  await sup.locator(`tr[data-referral="${toAccept}.1"] button`, { hasText: 'Accept' }).click();
  await sup.waitForURL(new RegExp(`/cases/${toAccept}$`));
  const accepted = (await tad('GET', `/api/v1/cases/${toAccept}`)).body.case.referrals[0];
  assert.equal(accepted.snd_ReferralStatus, 'Accepted');
  assert.equal(accepted.cas_ReferredPrimaryCaseWorker, 'maha.qasim');

  await sup.goto('/referrals');
  await settled(sup);
  await sup.locator(`tr[data-referral="${toDecline}.1"] button`, { hasText: 'Decline' }).click();
  await sup.locator('#main:not([aria-busy]) .flash').waitFor();
  await sup.goto('/referrals?status=Declined');
  await settled(sup);
  const row = sup.locator(`tr[data-referral="${toDecline}.1"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-ended'), '1');
  const text = await row.textContent();
  assert.match(text, /Declined/);
  assert.match(text, /no longer shared/);
  assert.doesNotMatch(text, /Huda|private details/);
  // "All" lists the accepted one (with its case) beside the declined one,
  // 50 a page: the newest cases are on the last page
  await sup.goto('/referrals?status=all');
  await settled(sup);
  assert.equal(await sup.locator('#ref-status').inputValue(), 'all');
  for (let pages = 0; await sup.locator('a[data-next]').count() && pages < 50; pages++) {
    await sup.locator('a[data-next]').click();
    await sup.waitForURL(/cursor=/);
    await settled(sup);
  }
  assert.equal(await sup.locator(`tr[data-referral="${toAccept}.1"] th a.ref`).count(), 1);
  assert.equal(await sup.locator(`tr[data-referral="${toDecline}.1"][data-ended="1"]`).count(), 1);
  await sup.goto('/referrals?status=Declined');
  await settled(sup);
  await shot(sup, 'en-21-incoming-declined');
  // in Arabic: the ended row says so in Arabic, the decision date in Arabic-Indic digits
  await sup.locator('button.lang-switch').click();
  await sup.locator('html[dir="rtl"]').waitFor();
  await settled(sup);
  const arRow = sup.locator(`tr[data-referral="${toDecline}.1"]`);
  await arRow.waitFor();
  assert.match(await arRow.textContent(), /لم تعد الحالة متاحة لمنظمتك/);
  assert.match(await arRow.textContent(), /[٠-٩]/);
  await shot(sup, 'ar-21-incoming-declined');
  await sup.locator('button.lang-switch').click();
  await sup.locator('html[dir="ltr"]').waitFor();
  assert.deepEqual(sup.errors, []);
});

test('the annual report link offers the years that have a report, the latest first', async () => {
  const coo = await newPage(browser);
  await login(coo, 'coordinator');
  const years = (await (await apiSession('coordinator'))('GET', '/api/v1/reports')).body.years;
  await coo.goto('/stats');
  await settled(coo);
  if (!years.length) {
    await coo.locator('#annual-report-none').waitFor();
  } else {
    assert.equal(await coo.locator('#report-year').inputValue(), String(years[0]));
    assert.match(await coo.locator('#annual-report').getAttribute('href'), new RegExp(`/api/v1/reports/${years[0]}\\?lang=`));
  }
  assert.equal(await coo.locator('#annual-report[href*="/reports/' + new Date().getFullYear() + '?"]').count(),
    years.includes(new Date().getFullYear()) ? 1 : 0);
});
