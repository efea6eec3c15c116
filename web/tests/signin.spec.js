import { test, expect, signIn } from './fixtures.js';
import { PEOPLE } from './people.js';

test.describe('sign in', () => {
  for (const p of PEOPLE) {
    test(`a ${p.role}${p.studios ? ` of ${p.studios}` : ''} signs in, lands on the role's home, and signs out`, async ({ page }) => {
      await signIn(page, p.login);
      await expect(page.getByTestId('who')).toContainText(p.name);
      if (p.role === 'recorder') {
        await expect(page).toHaveURL(new RegExp(`/studios/${p.studios[0]}$`));
        await expect(page.getByTestId('menu-record')).toBeVisible();
        await expect(page.getByTestId('menu-overview')).toHaveCount(0);
      } else {
        await expect(page).toHaveURL(/\/$/);
        await expect(page.getByTestId('ov-events')).toBeVisible();
        await expect(page.getByTestId('menu-record')).toHaveCount(0);
      }
      await expect(page.getByTestId('menu-admin')).toHaveCount(p.role === 'admin' ? 1 : 0);
      await page.getByTestId('sign-out').click();
      await expect(page).toHaveURL(/\/login/);
      expect((await page.request.get('/v1/session')).status()).toBe(401);
    });
  }

  test('a wrong password is refused in Chinese and nobody is signed in', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('登录名').fill('duda');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByTestId('sign-in').click();
    await expect(page.getByTestId('login-error')).toHaveText('登录名或密码不正确');
    await expect(page).toHaveURL(/\/login/);
    expect((await page.request.get('/v1/session')).status()).toBe(401);
  });

  test('a page opened without a session goes to the sign-in form and back after it', async ({ page }) => {
    await page.goto('/committees');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('登录名').fill('shenji');
    await page.getByLabel('密码').fill('pw-secret-1');
    await page.getByTestId('sign-in').click();
    await expect(page).toHaveURL(/\/committees$/);
  });
});

test('a person signs in with the keyboard alone and the menu is reachable by Tab', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('登录名').focus();
  await page.keyboard.type('shenji');
  await page.keyboard.press('Tab');
  await page.keyboard.type('pw-secret-1');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('ov-events')).toBeVisible();
  const menu = page.getByTestId('menu-studios');
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/studios$/);
});

test('the workspace switches to English and back to Chinese', async ({ page }) => {
  await signIn(page, 'shenji');
  await page.getByTestId('locale').click();
  await expect(page.getByTestId('menu-overview')).toHaveText('Overview');
  await expect(page.locator('h1')).toHaveText('Supervision overview');
  await page.getByTestId('locale').click();
  await expect(page.getByTestId('menu-overview')).toHaveText('督导总览');
});
