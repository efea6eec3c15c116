import { test, expect, signIn, BASE } from './fixtures.js';

// Signs in through the form in a fresh context; returns the page and its context.
async function freshDesk(browser, login, password) {
  const context = await browser.newContext({ baseURL: BASE(), locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByTestId('sign-in').click();
  return { context, page };
}

test('an admin creates a person, who signs in with the password shown once; disabled, they are signed out and refused; a reset gives a new password; the access log shows each step', async ({ page, browser }) => {
  await signIn(page, 'guanli');
  await page.goto('/admin');
  const login = `xin${Date.now() % 1_000_000}`;
  await page.getByTestId('person-login').fill(login);
  await page.getByTestId('person-name').fill('新督导');
  await page.getByTestId('person-role').click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '督导' }).first().click();
  await page.getByTestId('person-add').click();
  const secret = page.getByTestId('secret');
  await expect(secret).toBeVisible();
  const password = (await secret.textContent()).trim();
  expect(password.length).toBeGreaterThanOrEqual(12);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('users')).toContainText(login);

  // the new person signs in with it and lands on the overview
  const desk = await freshDesk(browser, login, password);
  await expect(desk.page.getByTestId('sign-out')).toBeVisible();
  expect((await (await desk.page.request.get('/v1/session')).json()).role).toBe('supervisor');

  // disabled: the open session ends and a new sign-in is refused like a wrong password
  await page.getByTestId(`enabled-${login}`).click();
  await expect.poll(async () => (await desk.page.request.get('/v1/session')).status()).toBe(401);
  await desk.context.close();
  const refused = await freshDesk(browser, login, password);
  await expect(refused.page.getByTestId('login-error')).toHaveText('登录名或密码不正确');
  await refused.context.close();

  // enabled again and reset: the old password no longer works, the new one does
  await page.getByTestId(`enabled-${login}`).click();
  await page.getByTestId(`reset-${login}`).click();
  await expect(secret).toBeVisible();
  const renewed = (await secret.textContent()).trim();
  expect(renewed).not.toBe(password);
  await page.keyboard.press('Escape');
  const old = await freshDesk(browser, login, password);
  await expect(old.page.getByTestId('login-error')).toHaveText('登录名或密码不正确');
  await old.context.close();
  const again = await freshDesk(browser, login, renewed);
  await expect(again.page.getByTestId('sign-out')).toBeVisible();
  await again.context.close();

  // the access journal's history names the person in each step, and never a password
  await page.reload();
  await page.getByRole('tab', { name: '访问日志' }).click();
  const history = page.getByTestId('access-history');
  await expect(history).toContainText(login);
  const text = await history.textContent();
  expect(text).not.toContain(password);
  expect(text).not.toContain(renewed);
  const entries = await (await page.request.get("/v1/access/history")).json();
  const mine = entries.filter((e) => e.login === login);
  expect(mine.length).toBeGreaterThanOrEqual(4); // added, disabled, enabled, password reset
});
