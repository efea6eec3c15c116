// What an office hands around, downloaded from the workspace: the periodic notice
// (GET /v1/notice) from the reports page, and the views as a workbook (GET /v1/views.xlsx)
// from the studios page, which recorders do not get.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, signIn, otherDesk } from './fixtures.js';

test('the reports page downloads the notice of a period as a PDF whose text is its ranking', async ({ page }) => {
  await signIn(page, 'duda');
  await page.goto('/reports');
  const period = page.locator('#notice-period');
  await period.fill('Q3');
  await expect(page.getByTestId('notice-invalid')).toHaveText('期间格式不对：请写 2026-Q3、2026-11 或 2026');
  await expect(page.getByTestId('notice-pdf')).toHaveCount(0);
  await period.fill('2999');
  await expect(page.getByTestId('notice-invalid')).toHaveText('该期间尚未开始，还没有可通报的内容');
  await period.fill('2026-Q3');
  const link = page.getByTestId('notice-pdf');
  await expect(link).toHaveText('PDF（可打印）');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('wulian-notice-2026-Q3.pdf');
  const path = await download.path();
  expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', path, '-']).toString();
  expect(text).toContain('五联委员工作室履职通报 — 2026年第三季度');
  const notice = await (await page.request.get('/v1/notice?period=2026-Q3&format=json')).json();
  expect(notice.ranking.length).toBeGreaterThan(0);
  for (const studio of notice.ranking) expect(text).toContain(studio.name);
  await expect(page.getByTestId('notice-xlsx')).toHaveAttribute('href', '/v1/notice?period=2026-Q3&format=xlsx&download=1');
  const bad = await page.request.get('/v1/notice?period=2026-Q5&format=pdf');
  expect(bad.status()).toBe(400);
});

test('the studios page exports the views as a workbook for readers, not for recorders', async ({ page, browser }) => {
  await signIn(page, 'shenji');
  await page.goto('/studios');
  const link = page.getByTestId('views-xlsx');
  await expect(link).toHaveText('导出 Excel（工作室、委员、专委会）');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^wulian-views-\d{14}\.xlsx$/);
  expect(readFileSync(await download.path()).subarray(0, 2).toString()).toBe('PK');
  const { context, page: recorder } = await otherDesk(browser, 'jilu1');
  await recorder.goto('/studios');
  await expect(recorder.locator('h1')).toHaveText('工作室');
  await expect(recorder.getByText('共 1 个')).toBeVisible();
  await expect(recorder.getByTestId('views-xlsx')).toHaveCount(0);
  expect((await recorder.request.get('/v1/views.xlsx')).status()).toBe(403);
  await context.close();
});
