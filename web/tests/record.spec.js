import { test, expect, signIn, otherDesk, appendAs } from './fixtures.js';

const total = async (page, studio, key) => (await (await page.request.get(`/v1/studios/${studio}`)).json()).totals[key];

// Picks an option of an Element Plus select by its visible text.
async function choose(page, testid, text) {
  await page.getByTestId(testid).click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click();
  await page.keyboard.press('Escape');
}

async function fillContact(page, { member = '（M001）', people = '23', topic }) {
  await page.goto('/record?studio=S01&kind=ContactRecorded');
  const form = page.getByTestId('form-ContactRecorded');
  await expect(form).toBeVisible();
  await choose(page, 'field-members', member);
  await form.locator('[data-field=peopleReached] input').fill(people);
  await form.locator('[data-field=topic] input').fill(topic);
  return form;
}

test("a recorder records a contact through the form: it appears in the timeline and the totals, and in a supervisor's open overview without a reload", async ({ page, browser }) => {
  const desk = await otherDesk(browser, 'duda');
  await expect(desk.page.getByTestId('ov-events')).toBeVisible();
  const eventsBefore = Number(await desk.page.getByTestId('ov-events').textContent());
  const monthBefore = Number(await desk.page.getByTestId('month-contacts').textContent());

  await signIn(page, 'jilu1');
  const contactsBefore = await total(page, 'S01', 'contacts');
  const topic = `社区停车问题走访-${Date.now()}`;
  const form = await fillContact(page, { topic });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/events') && r.request().method() === 'POST'),
    form.getByTestId('submit').click(),
  ]);
  expect(response.status()).toBe(201);
  const { seq } = await response.json();
  await expect(form.getByTestId('form-done')).toContainText(String(seq));

  // the supervisor's overview follows within a second, without a reload
  await expect(desk.page.getByTestId('ov-events')).toHaveText(String(eventsBefore + 1), { timeout: 1000 });
  await expect(desk.page.getByTestId('month-contacts')).toHaveText(String(monthBefore + 1));

  await page.goto('/studios/S01');
  await expect(page.getByTestId('st-contacts')).toHaveText(String(contactsBefore + 1));
  const first = page.getByTestId('tl-event').first();
  await expect(first).toHaveAttribute('data-seq', String(seq));
  await expect(first).toContainText(topic);

  await desk.context.close();
  expect(desk.problems).toEqual([]);
});

test('a double-submitted form, a retry after a network error and a reload record once', async ({ page, allowConsole }) => {
  allowConsole.push(/net::ERR_FAILED/); // the answer this test throws away on purpose
  await signIn(page, 'jilu1');
  const before = await total(page, 'S01', 'contacts');

  // double click: one request, one event
  let form = await fillContact(page, { topic: `双击测试-${Date.now()}` });
  let posts = 0;
  page.on('request', (r) => r.url().endsWith('/v1/events') && r.method() === 'POST' && posts++);
  await form.getByTestId('submit').dblclick();
  await expect(form.getByTestId('form-done')).toBeVisible();
  expect(posts).toBe(1);
  expect(await total(page, 'S01', 'contacts')).toBe(before + 1);

  // the answer is lost on the way back: the ledger recorded it, the browser saw a network error
  const topic = `断网重试-${Date.now()}`;
  form = await fillContact(page, { topic });
  const id = await form.getByTestId('form-id').textContent();
  await page.route('**/v1/events', async (route) => {
    await route.fetch();
    await route.abort('failed');
  }, { times: 1 });
  await form.getByTestId('submit').click();
  await expect(form.getByTestId('form-error')).toContainText('网络连接失败');
  expect(await total(page, 'S01', 'contacts')).toBe(before + 2);

  // the recorder reloads the page and sends again: the same form id, recorded once
  await page.reload();
  form = page.getByTestId('form-ContactRecorded');
  await expect(form.getByTestId('form-id')).toHaveText(id);
  await expect(form.locator('[data-field=topic] input')).toHaveValue(topic);
  const [again] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/events') && r.request().method() === 'POST'),
    form.getByTestId('submit').click(),
  ]);
  expect(again.status()).toBe(200);
  await expect(form.getByTestId('form-done')).toBeVisible();
  expect(await total(page, 'S01', 'contacts')).toBe(before + 2);
  const timeline = await (await page.request.get('/v1/studios/S01/timeline?limit=10')).json();
  expect(timeline.events.filter((e) => e.data?.topic === topic)).toHaveLength(1);
  // after success the form starts afresh with a new id
  await expect(form.getByTestId('form-id')).not.toHaveText(id);
});

test("a refused form shows the server's reason in Chinese at the field it concerns", async ({ page }) => {
  await signIn(page, 'jilu1');
  // a number out of range
  let form = await fillContact(page, { people: '99999999999', topic: '人数过大' });
  await form.getByTestId('submit').click();
  await expect(form.getByTestId('error-peopleReached')).toHaveText(/^联系群众人数须在 0 到 \d+ 之间$/);

  // a member who left the studio after the form was filled
  const studio = await (await page.request.get('/v1/studios/S01')).json();
  const leaver = studio.members.find((m) => m !== studio.leadMember);
  form = await fillContact(page, { member: `（${leaver}）`, topic: '成员已退出' });
  const left = await appendAs(page, { id: `leave-${Date.now()}`, type: 'MemberLeftStudio', occurredAt: '2026-11-30T09:00:00+08:00', data: { studio: 'S01', member: leaver } });
  expect(left.status).toBe(201);
  await form.getByTestId('submit').click();
  await expect(form.getByTestId('error-members')).toHaveText(`委员 ${leaver} 不是工作室 S01 的现有成员（可能已退出）`);

  // an open case that is not open
  await page.goto('/record?studio=S01&kind=CaseResolved');
  form = page.getByTestId('form-CaseResolved');
  await expect(form).toBeVisible();
  await form.locator('[data-field=summary] textarea').fill('已办结');
  await form.getByTestId('submit').click();
  await expect(form.getByTestId('error-case')).toHaveText('此项必填');
});

test('a recorder corrects and retracts its own studio\'s event from the timeline, with a reason shown inline', async ({ page }) => {
  await signIn(page, 'jilu1');
  const topic = `待更正-${Date.now()}`;
  const made = await appendAs(page, {
    id: `c-${Date.now()}`, type: 'ContactRecorded', occurredAt: '2026-11-20T15:00:00+08:00',
    data: { studio: 'S01', members: ['M001'], channel: 'phone', peopleReached: 4, topic },
  });
  expect(made.status).toBe(201);
  const seq = made.body.seq;
  await page.goto('/studios/S01');
  const item = page.locator(`[data-testid=tl-event][data-seq="${seq}"]`);
  await expect(item).toContainText(topic);
  await expect(item.getByTestId('late')).toContainText('补录：晚');

  await item.getByTestId(`correct-${seq}`).click();
  const form = page.getByTestId('form-correct');
  await form.locator('[data-field=peopleReached] input').fill('40');
  await form.getByTestId('submit').click();
  await expect(form.getByTestId('error-reason')).toHaveText('此项必填');
  await form.locator('[data-field=reason] textarea').fill('人数录错');
  await form.getByTestId('submit').click();
  await expect(item.getByTestId('change-EventCorrected')).toContainText('人数录错');
  await expect(item).toContainText('联系 40 人');

  await item.getByTestId(`retract-${seq}`).click();
  const retract = page.getByTestId('form-retract');
  await retract.getByTestId('field-reason').fill('重复录入');
  await retract.getByTestId('submit').click();
  await expect(item.getByTestId('change-EventRetracted')).toContainText('重复录入');
  await expect(item).toHaveClass(/retracted/);
});
