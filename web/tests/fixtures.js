// The test fixture: every page is watched for console errors, uncaught exceptions and
// requests to anything but the server under test; each test ends by asserting none.
import { test as base, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD } from './people.js';

export const BASE = () => process.env.WULIAN_BASE;
export const TMP = () => process.env.WULIAN_TMP;

// Watches a browser context; returns the list of problems it saw. `allow` holds patterns
// of console errors that a test provokes on purpose (it says which).
export function watch(context, allow = []) {
  const problems = [];
  const origin = new URL(BASE()).origin;
  context.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(`${origin}/`) || u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank' || u.startsWith('about:srcdoc'))) {
      problems.push(`request off the server: ${u}`);
    }
  });
  const onPage = (page) => {
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Chromium logs every 4xx answer as "Failed to load resource"; answers that the app
      // expects and handles (401 before sign-in, 403/422 refusals) are not app errors.
      if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && m.location().url.includes('/v1/')) return;
      if (allow.some((re) => re.test(m.text()))) return;
      problems.push(`console error: ${m.text()} at ${m.location().url}`);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  return problems;
}

export const test = base.extend({
  baseURL: async ({}, use) => use(BASE()),
  allowConsole: async ({}, use) => use([]),
  context: async ({ context, allowConsole }, use) => {
    const problems = watch(context, allowConsole);
    await use(context);
    expect(problems, 'no console errors and no requests off the server').toEqual([]);
  },
});
export { expect };

// Signs in through the form and waits for the role's home.
export async function signIn(page, login, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByTestId('sign-in').click();
  await expect(page.getByTestId('sign-out')).toBeVisible();
}

// A second signed-in browser context (another person at another desk).
export async function otherDesk(browser, login) {
  const context = await browser.newContext({ baseURL: BASE(), locale: 'zh-CN', timezoneId: 'Asia/Tokyo', viewport: { width: 1366, height: 768 } });
  const problems = watch(context);
  const page = await context.newPage();
  await signIn(page, login);
  return { context, page, problems };
}

// The CSRF token of the page's session, for API calls made with its cookie.
export async function csrf(page) {
  const r = await page.request.get('/v1/session');
  return (await r.json()).csrf;
}

export async function appendAs(page, event) {
  const r = await page.request.post('/v1/events', { data: event, headers: { 'X-CSRF-Token': await csrf(page) } });
  return { status: r.status(), body: await r.json() };
}

export function shotPath(name) {
  const dir = join(process.cwd(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
