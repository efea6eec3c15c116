import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, signIn, TMP } from './fixtures.js';
import { REPORT } from './people.js';

test("a downloaded report equals the CLI's `wulian report` bytes, and the page shows the head it is anchored to", async ({ page }) => {
  await signIn(page, 'shenji');
  await page.goto('/reports');
  const when = page.locator('#report-when');
  await when.fill('2026-06-30 23:59:59');
  await when.press('Enter');
  await page.getByTestId('axis-recorded').check();
  await page.getByTestId('report-preview').click();
  const cliJson = JSON.parse(readFileSync(join(TMP(), 'report.json'), 'utf8'));
  await expect(page.getByTestId('report-seq')).toHaveText(String(cliJson.head.seq));
  await expect(page.getByTestId('report-root')).toHaveText(cliJson.head.root);
  await expect(page.getByTestId('report-head')).toContainText(REPORT.asOf);
  await expect(page.frameLocator('[data-testid=report-frame]').locator('body')).not.toBeEmpty();
  for (const format of REPORT.formats) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${format}`).click()]);
    const got = readFileSync(await download.path());
    const want = readFileSync(join(TMP(), `report.${format}`));
    expect(got.equals(want), `${format} bytes equal the CLI's`).toBe(true);
  }
});

test('the browser checks an inclusion proof: 已验证 for a real event, 验证失败 for a tampered proof', async ({ page }) => {
  await signIn(page, 'shenji');
  await page.goto('/audit');
  await expect(page.getByTestId('head-size')).not.toBeEmpty();
  await page.getByTestId('audit-seq').locator('input').fill('1234');
  await page.getByTestId('audit-check').click();
  await expect(page.getByTestId('audit-event')).toContainText('#1234');
  await expect(page.getByTestId('verdict')).toHaveText('已验证');

  await page.getByTestId('advanced').click();
  const box = page.getByTestId('proof-text');
  const proof = JSON.parse(await box.inputValue());
  const flip = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

  await box.fill(JSON.stringify({ ...proof, path: [flip(proof.path[0]), ...proof.path.slice(1)] }));
  await page.getByTestId('recheck').click();
  await expect(page.getByTestId('verdict')).toContainText('验证失败');
  await expect(page.getByTestId('failed-step')).toContainText('根');

  await box.fill(JSON.stringify({ ...proof, leaf: flip(proof.leaf) }));
  await page.getByTestId('recheck').click();
  await expect(page.getByTestId('failed-step')).toContainText('叶子');

  await box.fill(JSON.stringify(proof));
  await page.getByTestId('recheck').click();
  await expect(page.getByTestId('verdict')).toHaveText('已验证');
});
