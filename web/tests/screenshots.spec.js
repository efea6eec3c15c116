// Every page at desktop (1366×768) and phone (390×844) width, saved under
// test-results/screenshots/ (the fixture also fails on console errors and off-server requests).
import { test, expect, signIn, shotPath } from './fixtures.js';

const SIZES = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };

const PAGES = [
  { who: 'duda', name: 'overview', path: '/', ready: 'ov-events' },
  { who: 'duda', name: 'studios', path: '/studios', ready: 'studios', phoneReady: 'studios-cards' },
  { who: 'duda', name: 'studio', path: '/studios/S03', ready: 'timeline' },
  { who: 'duda', name: 'members', path: '/members', ready: 'members' },
  { who: 'duda', name: 'member', path: '/members/M001', ready: 'score' },
  { who: 'duda', name: 'member-print', path: '/members/M001/print?year=2026', ready: 'score' },
  { who: 'duda', name: 'committees', path: '/committees', ready: 'committees' },
  { who: 'duda', name: 'committee', path: '/committees/C-ECON', ready: 'committee-totals' },
  { who: 'duda', name: 'supervision', path: '/supervision?kind=FindingRaised', ready: 'form-FindingRaised' },
  { who: 'shenji', name: 'reports', path: '/reports', ready: 'report-seq', act: async (page) => page.getByTestId('report-preview').click() },
  { who: 'shenji', name: 'audit', path: '/audit', ready: 'verdict', act: async (page) => page.getByTestId('audit-check').click() },
  { who: 'guanli', name: 'admin', path: '/admin', ready: 'users' },
  { who: 'jilu1', name: 'recorder-studio', path: '/studios/S01', ready: 'timeline' },
  { who: 'jilu1', name: 'record', path: '/record?studio=S01&kind=ConsultationHeld', ready: 'form-ConsultationHeld' },
  { who: 'jilu1', name: 'forbidden', path: '/studios/S02', ready: 'forbidden' },
];

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`every page renders at ${size} width (screenshots)`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(viewport);
    await page.goto('/login');
    await expect(page.getByTestId('sign-in')).toBeVisible();
    await page.screenshot({ path: shotPath(`${size}-login`), fullPage: true });
    let who = null;
    for (const p of PAGES) {
      if (p.who !== who) {
        if (who) {
          await page.getByTestId('sign-out').click();
          await expect(page).toHaveURL(/\/login/);
        }
        await signIn(page, p.who);
        who = p.who;
      }
      await page.goto(p.path);
      if (p.act) await p.act(page);
      await expect(page.getByTestId(size === 'phone' && p.phoneReady ? p.phoneReady : p.ready).first()).toBeVisible();
      if (await page.locator('.echart').count()) await expect(page.locator('.echart canvas').first()).toBeVisible();
      await page.evaluate(async () => {
        await document.fonts.ready;
        window.scrollTo(0, 0);
      });
      // horizontal overflow of the page itself (tables scroll inside their own box)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${p.name} fits the ${size} width`).toBeLessThanOrEqual(1);
      await page.screenshot({ path: shotPath(`${size}-${p.name}`), fullPage: true });
      if (p.name === 'reports' && size === 'desktop') {
        await page.getByTestId('notice-card').screenshot({ path: shotPath('notice-card') });
      }
      if (p.name === 'studios' && size === 'desktop') await page.screenshot({ path: shotPath('studios-viewport') });
      if (p.name === 'member-print' && size === 'desktop') {
        await page.emulateMedia({ media: 'print' });
        await expect(page.locator('.no-print').first()).toBeHidden();
        await page.screenshot({ path: shotPath('print-member-record'), fullPage: true });
        await page.pdf({ path: shotPath('member-record').replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
        await page.emulateMedia({ media: 'screen' });
      }
    }
  });
}
