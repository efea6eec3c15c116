import { test, expect, signIn } from './fixtures.js';

const TOTALS = ['contacts', 'peopleReached', 'consultations', 'casesOpened', 'casesResolved', 'casesOpen',
  'suggestions', 'suggestionsAdopted', 'rules', 'visits', 'findingsOpen', 'findingsRectified'];

test('the overview shows the same numbers as /v1/overview', async ({ page }) => {
  await signIn(page, 'duda');
  await expect(page.getByTestId('ov-events')).toBeVisible();
  const o = await (await page.request.get('/v1/overview')).json();
  await expect(page.getByTestId('ov-events')).toHaveText(String(o.events));
  for (const k of ['studios', 'members', 'committees']) await expect(page.getByTestId(`ov-${k}`)).toHaveText(String(o[k]));
  for (const [k, v] of Object.entries(o.byLinkType)) await expect(page.getByTestId(`ov-link-${k}`)).toHaveText(String(v));
  for (const [k, v] of Object.entries(o.byFlag)) await expect(page.getByTestId(`ov-flag-${k}`)).toHaveText(String(v));
  // the studios that need attention: every flagged studio, each flag with its reason
  const flags = await (await page.request.get('/v1/flags')).json();
  const rows = page.getByTestId('attention').locator('.el-table__body tr');
  await expect(rows).toHaveCount(Object.keys(flags.studios).length);
  for (const [id, figures] of Object.entries(flags.studios)) {
    const row = rows.filter({ has: page.getByTestId(`studio-link-${id}`) });
    await expect(row.locator('li[data-flag]')).toHaveCount(figures.length);
  }
  await expect(page.locator('.echart canvas').first()).toBeVisible();
});

test("a studio page shows the same totals and flags as /v1/studios/ID", async ({ page }) => {
  await signIn(page, 'shenji');
  const flags = await (await page.request.get('/v1/flags')).json();
  const id = Object.keys(flags.studios).sort()[0];
  const view = await (await page.request.get(`/v1/studios/${id}`)).json();
  await page.goto(`/studios/${id}`);
  await expect(page.getByTestId('studio-name')).toHaveText(view.name);
  for (const k of TOTALS) await expect(page.getByTestId(`st-${k}`)).toHaveText(String(view.totals[k]));
  const shown = page.getByTestId('studio-flags').locator('[data-flag]');
  await expect(shown).toHaveCount(view.flags.length);
  expect(await shown.evaluateAll((els) => els.map((e) => e.dataset.flag).sort())).toEqual([...view.flags].sort());
  for (const f of flags.studios[id]) {
    if (f.flag === 'INACTIVE') await expect(page.getByTestId('studio-flags')).toContainText('长期未活动：最近一次活动');
    if (f.flag === 'OVERDUE_FINDINGS') await expect(page.getByTestId('studio-flags')).toContainText(`整改逾期：${f.overdue} 项`);
    if (f.flag === 'OVERDUE_CASES') await expect(page.getByTestId('studio-flags')).toContainText(`案件超期：${f.overdue} 件受理超过 ${f.overdueDays} 天未办结`);
  }
  // the members by name, and the timeline newest first
  await expect(page.getByTestId('members').locator('.member-tag')).toHaveCount(view.members.length);
  const seqs = await page.getByTestId('tl-event').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
  expect(seqs.length).toBeGreaterThan(0);
  expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
});

test('a committee page shows the studios it guides, which are flagged, its totals and open findings as the API does', async ({ page }) => {
  await signIn(page, 'duda');
  const committees = await (await page.request.get('/v1/committees')).json();
  const studios = new Map((await (await page.request.get('/v1/studios')).json()).map((s) => [s.id, s]));
  const findings = await (await page.request.get('/v1/findings?open=true')).json();
  const openOf = (c) => findings.filter((f) => c.studios.includes(f.studio));
  // a committee with flagged studios and open findings, so that every part of the page is checked
  const c = committees.find((x) => x.flaggedStudios.length > 0 && openOf(x).length > 0);
  expect(c).toBeDefined();
  await page.goto(`/committees/${c.id}`);
  await expect(page.getByTestId('committee-name')).toHaveText(c.name);
  await expect(page.getByTestId('cm-studios')).toHaveText(String(c.studios.length));
  await expect(page.getByTestId('cm-flagged')).toHaveText(String(c.flaggedStudios.length));
  for (const k of TOTALS) await expect(page.getByTestId(`cm-${k}`)).toHaveText(String(c.totals[k]));
  const rows = page.getByTestId('committee-studios').locator('.el-table__body tr');
  await expect(rows).toHaveCount(c.studios.length);
  for (const id of c.studios) {
    const row = rows.filter({ has: page.getByTestId(`studio-link-${id}`) });
    await expect(row).toHaveCount(1);
    // a flagged studio shows its flags with their reasons; the others show none
    await expect(row.locator('[data-flag]')).toHaveCount(studios.get(id).flags.length);
  }
  await expect(page.getByTestId('committee-findings').locator('.el-table__body tr')).toHaveCount(openOf(c).length);
});

test("a recorder cannot open another studio's page, nor read it through the API with its cookie", async ({ page }) => {
  await signIn(page, 'jilu1');
  await page.goto('/studios/S02');
  await expect(page.getByTestId('forbidden')).toContainText('无权访问');
  for (const path of ['/v1/studios/S02', '/v1/studios/S02/timeline', '/v1/studios/S02/items', '/v1/streams/studio/S02']) {
    expect((await page.request.get(path)).status(), path).toBe(403);
  }
  expect((await page.request.get('/v1/studios/S01')).status()).toBe(200);
  const list = await (await page.request.get('/v1/studios')).json();
  expect(list.map((s) => s.id)).toEqual(['S01']);
});

test('a cross-origin POST with the session cookie is refused (403) and records nothing', async ({ page }) => {
  await signIn(page, 'jilu1');
  const before = (await (await page.request.get('/v1/studios/S01')).json()).totals.contacts;
  const event = (id) => ({
    id, type: 'ContactRecorded', occurredAt: '2026-11-02T10:00:00+08:00',
    data: { studio: 'S01', members: ['M001'], channel: 'visit', peopleReached: 3, topic: '跨站请求' },
  });
  const evil = await page.request.post('/v1/events', { data: event('evil-1'), headers: { Origin: 'http://evil.example' } });
  expect(evil.status()).toBe(403);
  const bare = await page.request.post('/v1/events', { data: event('evil-2') });
  expect(bare.status()).toBe(403);
  const out = await page.request.delete('/v1/session', { headers: { Origin: 'http://evil.example' } });
  expect(out.status()).toBe(403);
  expect((await (await page.request.get('/v1/studios/S01')).json()).totals.contacts).toBe(before);
});
