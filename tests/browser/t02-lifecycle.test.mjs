// One case through its lifecycle in the browser, as issue 4 lists it: a
// caseworker of the Karama shelter registers a person in Arabic, screens and
// identifies her, tries to refer her without consent (blocked), records the
// consent and refers her to the Tadamon centre, whose caseworker accepts;
// the consent is revoked and Tadamon's access ends; a police liaison sees
// only what the person consented to share.  Then services, return after a
// risk assessment, closure and reopening, handover by the supervisor, and a
// server validation error shown beside its field.  The tests run in order
// and share the case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, settled, shot, apiSession, BASE } from './lib.mjs';

let browser, sender, receiver, liaison;
let ref;

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  browser = await launch();
  sender = await newPage(browser);
  await login(sender, 'cw.karama');
});
after(async () => { await browser?.close(); });

async function flashText(page) {
  // the flash of the page rendered after the action, once it has finished
  const f = page.locator('#main:not([aria-busy]) .flash');
  await f.waitFor();
  return (await f.textContent()).trim();
}

async function submit(page, formSelector = 'form.form') {
  await page.locator(`${formSelector} button[type="submit"]`).last().click();
}

test('create a case in Arabic: the names are kept as typed and the case opens', async () => {
  await sender.goto('/cases/new');
  await settled(sender);
  await sender.locator('input[name="prs_FirstName"]').fill('فاطمة');
  await sender.locator('input[name="prs_SecondName"]').fill('الزهراني');
  await sender.locator('input[name="prs_Birthdate"]').fill('1998-04-12');
  await sender.locator('input[name="prs_MobilePhone"]').fill('+962 79 000 1111');
  await sender.locator('select[name="prs_Gender"]').selectOption('Feminine');
  const nat = sender.locator('[data-field="prs_Citizenship"] input');
  await nat.fill('SY');
  await nat.press('Enter');
  await sender.locator('[data-field="prs_Citizenship"] .chip', { hasText: 'Syrian Arab Republic' }).waitFor();
  await sender.locator('input[name="vic_TypeOfExploitation"][value="DomesticServitude"]').check();
  await sender.locator('select[name="prs_PrimaryLanguage"]').selectOption('ara');
  await sender.locator('input[name="snd_NextFollowUpDate"]').fill(isoDay(-3));
  await sender.locator('textarea[name="vic_DetailsOfVulnerabilities"]').fill('<script>alert(1)</script> وصلت عبر مكتب استقدام');
  await submit(sender);
  await sender.waitForURL(/\/cases\/SND-\d+$/);
  ref = decodeURIComponent(new URL(sender.url()).pathname.split('/')[2]);
  assert.match(await flashText(sender), new RegExp(`Case ${ref} created`));
  const h1 = await sender.locator('h1').textContent();
  assert.ok(h1.includes('فاطمة الزهراني'), h1);
  assert.ok(h1.includes(ref));
  // typed markup is shown as text, never run
  assert.equal(await sender.locator('[data-field="vic_DetailsOfVulnerabilities"] dd').textContent(),
    '<script>alert(1)</script> وصلت عبر مكتب استقدام');
  assert.equal(await sender.locator('[data-field="prs_Citizenship"] dd').textContent(), 'Syrian Arab Republic');
  assert.equal(await sender.locator('[data-field="cas_CaseOwner"] dd').textContent(), 'cw.karama');
  const api = await apiSession('cw.karama');
  const stored = await api('GET', `/api/v1/cases/${ref}`);
  assert.equal(stored.body.case.prs_FirstName, 'فاطمة');
  assert.deepEqual(stored.body.case.prs_Citizenship, ['SY']);
  assert.equal(stored.body.case.snd_Sex, 'Female'); // derived from the gender
  await shot(sender, 'en-05-case-overview');
  assert.deepEqual(sender.errors, []);
});

test('the new case is on the caseworker\'s caseload as an overdue follow-up, and found by a Latin spelling', async () => {
  await sender.goto('/caseload');
  await settled(sender);
  const row = sender.locator(`tr[data-ref="${ref}"]`);
  assert.equal(await row.getAttribute('class'), 'overdue');
  assert.match(await row.textContent(), /Overdue/);
  const api = await apiSession('cw.karama');
  const load = (await api('GET', '/api/v1/caseload')).body;
  assert.equal(await sender.locator('table.cases tbody tr').count(), load.cases.length);
  assert.equal(await sender.locator('table.cases tbody tr.overdue').count(), load.overdue);
  await sender.goto('/cases');
  await settled(sender);
  for (const spelling of ['Fatima Alzahrani', 'فاطمه الزهرانى', 'FATIMAH AL-ZAHRANI']) {
    await sender.locator('#case-search').fill(spelling);
    await sender.locator('form.search button[type="submit"]').click();
    await sender.waitForURL(u => u.searchParams.get('q') === spelling);
    await settled(sender);
    assert.equal(await sender.locator(`table.cases tbody tr[data-ref="${ref}"]`).count(), 1, spelling);
  }
});

test('screen and identify: the indicator checklist, the status and who decided', async () => {
  await sender.goto(`/cases/${ref}/screening`);
  await settled(sender);
  // the purpose recorded at registration is already ticked
  assert.equal(await sender.locator('input[name="vic_TypeOfExploitation"][value="DomesticServitude"]').isChecked(), true);
  await sender.locator('input[name="snd_PalermoAct"][value="Recruitment"]').check();
  await sender.locator('input[name="snd_PalermoAct"][value="Harbouring"]').check();
  await sender.locator('input[name="snd_PalermoMeans"][value="Deception"]').check();
  await sender.locator('input[name="vic_MethodsOfControl"][value="WithholdsDocuments"]').check();
  await sender.locator('select[name="trafficking_status"]').selectOption('ActualVictimOfTrafficking');
  await sender.locator('select[name="decision_org"]').selectOption('NGO');
  await submit(sender);
  assert.equal(await flashText(sender), 'Saved.');
  const decision = sender.locator('[data-section="decision"]');
  assert.match(await decision.textContent(), /Actual victim of trafficking/);
  assert.equal(await decision.locator('[data-field="snd_StatusDecidedBy"] dd').textContent(), 'cw.karama (shelter-karama)');
  assert.equal(await sender.locator('.badge.stage').textContent(), 'Identified');
  await shot(sender, 'en-06-screening');
  const api = await apiSession('cw.karama');
  const c = (await api('GET', `/api/v1/cases/${ref}`)).body.case;
  assert.deepEqual(c.snd_PalermoAct, ['Recruitment', 'Harbouring']);
  assert.deepEqual(c.snd_PalermoMeans, ['Deception']);
  assert.equal(c.vic_TraffickingStatusDecisionMakingOrg, 'NGO');
  assert.equal(c.snd_IdentificationDate, isoDay(0));
});

test('a referral without the person\'s consent is blocked with a clear message', async () => {
  await sender.goto(`/cases/${ref}/referrals`);
  await settled(sender);
  await sender.locator('select[name="cas_ReferredOrganisation"]').selectOption('tadamon-mwc');
  const warning = sender.locator('[data-consent-warning]');
  await warning.waitFor();
  assert.match(await warning.textContent(), /No current Referral consent covers Tadamon Migrant Workers Centre/);
  await submit(sender);
  const err = sender.locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /Consent is required/);
  assert.match(await err.textContent(), /Record the person's consent on the Consent tab first/);
  // shown beside the organisation field it concerns
  assert.equal(await sender.locator('[data-field="cas_ReferredOrganisation"] select').getAttribute('aria-invalid'), 'true');
  const api = await apiSession('cw.karama');
  assert.equal((await api('GET', `/api/v1/cases/${ref}`)).body.case.referrals, undefined);
});

test('record informed consent to a referral: scope, receiver, language, by whom', async () => {
  await sender.goto(`/cases/${ref}/consents`);
  await settled(sender);
  await sender.locator('select[name="snd_ConsentScope"]').selectOption('Referral');
  await sender.locator('select[name="snd_ConsentRecipient"]').selectOption('tadamon-mwc');
  await sender.locator('select[name="snd_ConsentLanguage"]').selectOption('ara');
  await submit(sender);
  assert.equal(await flashText(sender), 'Saved.');
  const row = sender.locator('tr[data-scope="Referral"][data-recipient="tadamon-mwc"]');
  assert.match(await row.textContent(), /Given/);
  const hist = sender.locator('[data-section="consent-history"] tbody tr');
  assert.equal(await hist.count(), 1);
  assert.match(await hist.first().textContent(), /Arabic/);
  assert.match(await hist.first().textContent(), /cw\.karama/);
  await shot(sender, 'en-07-consent');
});

test('refer to another organisation with consent: the referral is pending and the stage moves on', async () => {
  await sender.goto(`/cases/${ref}/referrals`);
  await settled(sender);
  await sender.locator('select[name="cas_ReferredOrganisation"]').selectOption('tadamon-mwc');
  assert.equal(await sender.locator('[data-consent-warning]').isHidden(), true);
  await sender.locator('select[name="cas_ReasonForOutgoingReferral"]').selectOption('AdditionalServicesRequired');
  await sender.locator('textarea[name="cas_OutgoingReferralDetails"]').fill('Needs legal aid in Arabic and Tagalog interpretation.');
  await submit(sender);
  assert.equal(await flashText(sender), 'Referral sent to Tadamon Migrant Workers Centre.');
  const row = sender.locator('table.outgoing tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), new RegExp(`${ref}\\.1`));
  assert.match(await row.textContent(), /Pending/);
  assert.equal(await sender.locator('.badge.stage').textContent(), 'Referred');
  await shot(sender, 'en-08-referral');
});

test('the receiving organisation sees a summary without identity, accepts, and then works on the case', async () => {
  receiver = await newPage(browser);
  await login(receiver, 'cw.tadamon');
  await receiver.goto('/referrals');
  await settled(receiver);
  const row = receiver.locator(`tr[data-referral="${ref}.1"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /Karama Shelter for Women Survivors/);
  await shot(receiver, 'en-09-incoming-referrals');
  // before accepting: the summary only, no name, no contact details
  await receiver.goto(`/cases/${ref}`);
  await settled(receiver);
  assert.match(await receiver.locator('.badge.access-referral').textContent(), /summary only/);
  assert.equal((await receiver.locator('h1').textContent()).includes('فاطمة'), false);
  assert.equal(await receiver.locator('[data-field="prs_MobilePhone"]').count(), 0);
  assert.equal(await receiver.locator('.tabs a').count(), 1);
  await receiver.goto('/referrals');
  await settled(receiver);
  await receiver.locator(`tr[data-referral="${ref}.1"] button`, { hasText: 'Accept' }).click();
  await receiver.waitForURL(new RegExp(`/cases/${ref}$`));
  assert.equal(await flashText(receiver), `Referral ${ref}.1 accepted.`);
  assert.ok((await receiver.locator('h1').textContent()).includes('فاطمة الزهراني'));
  assert.match(await receiver.locator('.badge.access-shared').textContent(), /Shared by referral/);
  await receiver.goto(`/cases/${ref}/comments`);
  await settled(receiver);
  await receiver.locator('textarea[name="cco_CaseComment"]').fill('تمت المقابلة الأولى مع مترجمة.');
  await submit(receiver);
  assert.equal(await flashText(receiver), 'Saved.');
  assert.match(await receiver.locator('ol.comments').textContent(), /تمت المقابلة الأولى مع مترجمة\./);
  assert.deepEqual(receiver.errors, []);
});

test('revoking the consent stops the sharing: the receiver no longer finds the case', async () => {
  await sender.goto(`/cases/${ref}/consents`);
  await settled(sender);
  await sender.locator('button[data-revoke="Referral:tadamon-mwc"]').click();
  const confirm = sender.locator('.confirm');
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /Sharing that rests on it stops at once/);
  await sender.locator('button[data-confirm-revoke]').click();
  assert.equal(await flashText(sender), 'Consent revoked.');
  assert.match(await sender.locator('tr[data-scope="Referral"][data-recipient="tadamon-mwc"]').textContent(), /Refused or revoked/);
  assert.equal(await sender.locator('[data-section="consent-history"] tbody tr').count(), 2);

  await receiver.goto(`/cases/${ref}`);
  await settled(receiver);
  assert.equal(await receiver.locator('h1').textContent(), 'Not found');
  assert.match(await receiver.locator('#main').textContent(), new RegExp(`There is no case ${ref}, or you may not see it`));
  await receiver.goto('/referrals?status=Accepted');
  await settled(receiver);
  assert.equal(await receiver.locator(`tr[data-referral="${ref}.1"]`).count(), 0);
  const api = await apiSession('cw.tadamon');
  assert.equal((await api('GET', `/api/v1/cases/${ref}`)).status, 404);
});

test('a law-enforcement liaison sees only what the consent allows, and nothing once it is revoked', async () => {
  const api = await apiSession('cw.karama');
  // a second case of the same organisation without any sharing consent
  const other = await api('POST', '/api/v1/cases', { prs_FirstName: 'Amina', prs_SecondName: 'Haddad', snd_Sex: 'Female' });
  assert.equal(other.status, 201);
  // the person agrees to share with the police
  await sender.goto(`/cases/${ref}/consents`);
  await settled(sender);
  await sender.locator('select[name="snd_ConsentScope"]').selectOption('SharingLawEnforcement');
  await sender.locator('select[name="snd_ConsentRecipient"]').selectOption('police-atu');
  await submit(sender);
  assert.equal(await flashText(sender), 'Saved.');

  liaison = await newPage(browser);
  await login(liaison, 'liaison.police');
  // the officer searches for the person by name
  await liaison.goto('/cases?q=' + encodeURIComponent('Fatima Alzahrani'));
  await settled(liaison);
  assert.equal(await liaison.locator(`tr[data-ref="${ref}"]`).count(), 1);
  await liaison.goto('/cases?q=' + encodeURIComponent('Amina Haddad'));
  await settled(liaison);
  assert.equal(await liaison.locator(`tr[data-ref="${other.body.ref}"]`).count(), 0);
  await liaison.goto(`/cases/${ref}`);
  await settled(liaison);
  assert.match(await liaison.locator('.access-note').textContent(), /support and care records are never shown/);
  assert.ok((await liaison.locator('h1').textContent()).includes('فاطمة'));
  assert.equal(await liaison.locator('[data-field="vic_TypeOfExploitation"] dd').textContent(), 'Domestic servitude');
  for (const hidden of ['prs_MobilePhone', 'vic_DetailsOfVulnerabilities', 'cas_CaseOwner']) {
    assert.equal(await liaison.locator(`[data-field="${hidden}"]`).count(), 0, hidden);
  }
  const text = await liaison.locator('#main').textContent();
  assert.equal(text.includes('تمت المقابلة الأولى'), false); // the receiver's comment is support data
  assert.equal(text.includes('+962'), false);
  assert.deepEqual(await liaison.locator('.tabs a').evaluateAll(as => as.map(a => a.dataset.tab)), ['overview']);
  await shot(liaison, 'en-10-liaison-view');
  // a case without that consent does not exist for the liaison
  await liaison.goto(`/cases/${other.body.ref}`);
  await settled(liaison);
  assert.equal(await liaison.locator('h1').textContent(), 'Not found');

  await sender.goto(`/cases/${ref}/consents`);
  await settled(sender);
  await sender.locator('button[data-revoke="SharingLawEnforcement:police-atu"]').click();
  await sender.locator('button[data-confirm-revoke]').click();
  assert.equal(await flashText(sender), 'Consent revoked.');
  await liaison.goto(`/cases/${ref}`);
  await settled(liaison);
  assert.equal(await liaison.locator('h1').textContent(), 'Not found');
  assert.deepEqual(liaison.errors, []);
});

test('services with their mode, and a return only after a risk and security assessment', async () => {
  await sender.goto(`/cases/${ref}/services`);
  await settled(sender);
  await sender.locator('select[name="snd_ServiceType"]').selectOption('Psychosocial');
  await sender.locator('select[name="snd_ServiceMode"]').selectOption('Remote');
  await sender.locator('input[name="snd_ServiceProvider"]').fill('shelter-karama');
  await sender.locator('form.form').first().locator('button[type="submit"]').click();
  assert.equal(await flashText(sender), 'Saved.');
  const row = sender.locator('table.services tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Psychosocial support/);
  assert.match(await row.textContent(), /Remote/);

  await sender.goto(`/cases/${ref}/return`);
  await settled(sender);
  assert.equal(await sender.locator('[data-risk]').getAttribute('data-risk'), 'missing');
  const returnForm = sender.locator('form.form').nth(1);
  await returnForm.locator('button[type="submit"]').click();
  const err = returnForm.locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /A risk and security assessment must come first/);
  // the assessment, then the return
  await sender.locator('form.form').first().locator('textarea[name="snd_ServiceNotes"]').fill('Family contacted through the partner organisation; no threat found.');
  await sender.locator('form.form').first().locator('button[type="submit"]').click();
  assert.equal(await flashText(sender), 'Saved.');
  assert.equal(await sender.locator('[data-risk]').getAttribute('data-risk'), 'done');
  await sender.locator('form.form').nth(1).locator('button[type="submit"]').click();
  assert.equal(await flashText(sender), 'Saved.');
  assert.equal(await sender.locator('.badge.stage').textContent(), 'Returned / reintegrated');
  assert.equal(await sender.locator('table.returns tbody tr').count(), 2);
});

test('closure with a reason, then reopening', async () => {
  await sender.goto(`/cases/${ref}/closure`);
  await settled(sender);
  await sender.locator('select[name="snd_ClosureReason"]').selectOption('Returned');
  await sender.locator('textarea[name="cas_ReasonForCaseClosure"]').fill('Returned home safely.');
  await submit(sender);
  assert.equal(await flashText(sender), 'Case closed.');
  assert.equal(await sender.locator('.badge.closed').textContent(), 'Closed');
  await sender.goto(`/cases/${ref}/closure`);
  await settled(sender);
  await sender.locator('textarea[name="reason"]').fill('She asked for help again after a new threat.');
  await submit(sender);
  assert.equal(await flashText(sender), 'Case reopened.');
  assert.equal(await sender.locator('.badge.status').textContent(), 'Active');
  const api = await apiSession('cw.karama');
  const c = (await api('GET', `/api/v1/cases/${ref}`)).body.case;
  assert.equal(c.cas_Status, 'Active');
  assert.ok(c.comments.some(x => /She asked for help again/.test(x.cco_CaseComment)));
});

test('a supervisor hands the case over to a colleague', async () => {
  const sup = await newPage(browser);
  await login(sup, 'sup.karama');
  await sup.goto('/team');
  await settled(sup);
  assert.equal(await sup.locator('a', { hasText: 'maha.qasim' }).count(), 1);
  await sup.goto(`/cases/${ref}/handover`);
  await settled(sup);
  await sup.locator('select[name="to"]').selectOption('maha.qasim');
  await submit(sup);
  assert.equal(await flashText(sup), 'The case now belongs to maha.qasim.');
  assert.equal(await sup.locator('[data-field="cas_CaseOwner"] dd').textContent(), 'maha.qasim');
  // the caseworker's handover tab does not exist: only supervisors hand over
  await sender.goto(`/cases/${ref}`);
  await settled(sender);
  assert.equal(await sender.locator('.tabs a[data-tab="handover"]').count(), 0);
  await sup.context().close();
});

test('a value the server refuses is shown beside its field', async () => {
  await sender.goto(`/cases/${ref}/edit`);
  await settled(sender);
  await sender.locator('input[name="prs_NumberOfChildren"]').fill('٩٩'); // Arabic-Indic digits are read as 99
  await sender.locator('input[name="prs_MiddleName"]').fill('محمد');
  await submit(sender);
  const field = sender.locator('[data-field="prs_NumberOfChildren"]');
  const msg = field.locator('.field-error');
  await msg.waitFor();
  assert.match(await msg.textContent(), /A value was not accepted.*prs_NumberOfChildren: '99' is not a whole number from 0 to 40/);
  assert.equal(await field.locator('input').getAttribute('aria-invalid'), 'true');
  assert.equal(await sender.evaluate(() => document.activeElement.name), 'prs_NumberOfChildren');
  await shot(sender, 'en-11-validation-error');
  // nothing was half-saved
  const api = await apiSession('cw.karama');
  assert.equal((await api('GET', `/api/v1/cases/${ref}`)).body.case.prs_MiddleName, undefined);
  await sender.locator('input[name="prs_NumberOfChildren"]').fill('2');
  await submit(sender);
  assert.equal(await flashText(sender), 'Saved.');
  assert.equal(await sender.locator('[data-field="prs_NumberOfChildren"] dd').textContent(), '2');
  assert.ok((await sender.locator('h1').textContent()).includes('فاطمة محمد الزهراني'));
});

test('the organisation administrator sees the referral, the consents and the refused attempts in the audit trail', async () => {
  const admin = await newPage(browser);
  await login(admin, 'admin.karama');
  await admin.goto(`/audit?case=${ref}`);
  await settled(admin);
  const actions = await admin.locator('table.audit tbody tr').evaluateAll(rows => rows.map(r => r.dataset.action));
  for (const a of ['create', 'consent', 'referral', 'view', 'handover']) assert.ok(actions.includes(a), `${a} in ${actions}`);
  await shot(admin, 'en-12-audit');
  await admin.context().close();
  void BASE;
});
