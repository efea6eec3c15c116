// The member page offers the member's annual file (GET /v1/members/{id}/file): the PDF
// downloads under its name, is a real PDF whose text holds the member's name and total, and
// is the bytes the API gives for the same year.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, signIn } from './fixtures.js';

test('the member page downloads the annual file as a PDF with the name and score as text', async ({ page }) => {
  await signIn(page, 'duda');
  await page.goto('/members/M001?year=2025');
  await expect(page.getByTestId('score-total')).not.toBeEmpty();
  const total = await page.getByTestId('score-total').innerText();
  const name = (await (await page.request.get('/v1/members/M001')).json()).name;
  const link = page.getByTestId('member-file-pdf');
  await expect(link).toHaveText('下载年度履职档案（PDF）');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('wulian-member-M001-2025.pdf');
  const path = await download.path();
  const got = readFileSync(path);
  expect(got.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', path, '-']).toString();
  expect(text).toContain(`${name} 2025 年度履职档案`);
  expect(text).toMatch(new RegExp(`总分\\s+${total} 分`));
  const again = await page.request.get('/v1/members/M001/file?year=2025&format=pdf');
  expect(again.headers()['content-type']).toBe('application/pdf');
  expect(Buffer.from(await again.body()).equals(got), 'the same bytes as the API').toBe(true);
  await expect(page.getByTestId('member-file-html')).toHaveAttribute('href', '/v1/members/M001/file?year=2025&format=html&download=1');
});

test('the member page shows its activities a hundred at a time; the print view shows them all', async ({ page }) => {
  await signIn(page, 'duda');
  const record = await (await page.request.get('/v1/members/M001/record?year=2025')).json();
  expect(record.activities.length).toBeGreaterThan(100);
  await page.goto('/members/M001?year=2025');
  const rows = page.getByTestId('activities').locator('tbody tr');
  await expect(rows).toHaveCount(100);
  const first = await rows.first().innerText();
  await page.getByTestId('activities-pages').locator('.btn-next').click();
  await expect(rows.first()).not.toHaveText(first);
  await expect(page.getByTestId('activities-pages')).toContainText(`共 ${record.activities.length} 条`);
  await page.goto('/members/M001/print?year=2025');
  await expect(page.getByTestId('activities').locator('tbody tr')).toHaveCount(record.activities.length);
});
