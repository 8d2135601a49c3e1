// tests/browser/lib.mjs: what every browser test file shares — launching
// Debian's Chromium through playwright-core (never a downloaded browser),
// signing in as one of the accounts run.sh created, screenshots, and a
// direct API client for checking what the server holds.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const BASE = process.env.SANAD_URL;
export const PASSWORD = process.env.SANAD_PASSWORD;
export const ARTIFACTS = process.env.SANAD_ARTIFACTS || 'artifacts';
if (!BASE || !PASSWORD) throw new Error('run these tests through tests/browser/run.sh (SANAD_URL and SANAD_PASSWORD)');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

// A fresh browser profile (its own cookies) with one page; page errors and
// console errors are collected so a test can assert there were none.
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 900 }, locale: opts.locale || 'en-GB' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', e => page.errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) page.errors.push(m.text()); });
  return page;
}

export async function login(page, username, password = PASSWORD) {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form.login-form button[type="submit"]').click();
  await page.waitForURL(u => !u.pathname.startsWith('/login'));
  await page.locator('nav.mainnav').waitFor();
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

// The API as a script would use it: a bearer-less, cookie session of its own.
export async function apiSession(username) {
  const r = await fetch(BASE + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, url, body) => {
    const res = await fetch(BASE + url, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

// Wait until the view finished rendering (app.js sets aria-busy meanwhile).
export async function settled(page) {
  await page.locator('#main:not([aria-busy])').waitFor();
}
