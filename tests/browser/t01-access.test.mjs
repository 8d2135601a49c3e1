// Signing in and out, pages that need a session, and the two languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, shot, settled, BASE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a page that needs a session sends an unauthenticated visitor to sign in, then back', async () => {
  const page = await newPage(browser);
  await page.goto('/cases?stage=Referred');
  await page.waitForURL(u => u.pathname === '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/cases?stage=Referred');
  const api = await page.request.get(BASE + '/api/v1/me');
  assert.equal(api.status(), 401);
  assert.equal((await api.json()).error, 'unauthenticated');
  await shot(page, 'en-01-login');
  await page.locator('input[name="username"]').fill('cw.karama');
  await page.locator('input[name="password"]').fill(process.env.SANAD_PASSWORD);
  await page.locator('form.login-form button[type="submit"]').click();
  await page.waitForURL(u => u.pathname === '/cases');
  assert.equal(new URL(page.url()).searchParams.get('stage'), 'Referred');
  await settled(page);
  assert.equal(await page.locator('#flt-stage').inputValue(), 'Referred');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a wrong password is refused with a message and no session', async () => {
  const page = await newPage(browser);
  await page.goto('/login');
  await page.locator('input[name="username"]').fill('cw.karama');
  await page.locator('input[name="password"]').fill('not the password at all');
  await page.locator('form.login-form button[type="submit"]').click();
  const err = page.locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /Wrong user name or password/);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.locator('input[name="password"]').inputValue(), '');
  const me = await page.request.get(BASE + '/api/v1/me');
  assert.equal(me.status(), 401);
  await page.context().close();
});

test('every label is in both languages, and every field of the registry has one', async () => {
  const page = await newPage(browser);
  const strings = await (await page.request.get(BASE + '/strings.json')).json();
  const missing = Object.entries(strings).filter(([, v]) => !v.en || !v.ar).map(([k]) => k);
  assert.deepEqual(missing, []);
  await login(page, 'cw.karama');
  const fields = await (await page.request.get(BASE + '/api/v1/fields')).json();
  const names = fields.groups.flatMap(g => g.fields.map(f => f.name));
  assert.ok(names.length > 100);
  assert.deepEqual(names.filter(n => !strings['field.' + n]), []);
  // and every picklist a field names exists, with Arabic labels
  for (const list of new Set(fields.groups.flatMap(g => g.fields.filter(f => f.list).map(f => f.list)))) {
    const r = await page.request.get(BASE + '/api/v1/vocab/' + list);
    assert.equal(r.status(), 200, list);
    assert.ok((await r.json()).values.every(v => v.ar), list);
  }
  await page.context().close();
});

test('the keyboard reaches everything with a visible focus ring, starting with the skip link', async () => {
  const page = await newPage(browser);
  await login(page, 'cw.karama');
  await page.goto('/caseload');
  await settled(page);
  // a new page puts the focus on its heading (announced by screen readers)
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  // the first stop of the document is the skip link
  assert.equal(await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea').className), 'skip');
  // one step back from the heading is the menu's last item, with the focus ring
  await page.keyboard.press('Shift+Tab');
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return [document.activeElement.getAttribute('href'), s.outlineStyle, s.outlineWidth];
  });
  assert.deepEqual(outline, ['/account', 'solid', '3px']);
  // nothing the page draws breaks the Content-Security-Policy (no inline script or style)
  const csp = (await page.request.get(BASE + '/')).headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a session that ends while the page is open leads back to sign in, then to the same page', async () => {
  const page = await newPage(browser);
  await login(page, 'cw.karama');
  await page.goto('/referrals');
  await settled(page);
  // signed out elsewhere (another tab, or the idle limit)
  const csrf = (await (await page.request.get(BASE + '/api/v1/session')).json()).csrf_token;
  assert.equal((await page.request.delete(BASE + '/api/v1/session', { headers: { 'X-CSRF-Token': csrf } })).status(), 200);
  await page.locator('nav.mainnav a[href="/cases"]').click();
  await page.waitForURL(u => u.pathname === '/login' && u.searchParams.get('next') === '/cases');
  assert.match(await page.locator('.flash').textContent(), /Your session has ended/);
  await page.locator('input[name="username"]').fill('cw.karama');
  await page.locator('input[name="password"]').fill(process.env.SANAD_PASSWORD);
  await page.locator('form.login-form button[type="submit"]').click();
  await page.waitForURL(u => u.pathname === '/cases');
  await page.context().close();
});
