import { test, expect, signIn, otherDesk } from './fixtures.js';

// Picks an option of an Element Plus select by its visible text.
async function choose(page, form, field, text) {
  await form.getByTestId(`field-${field}`).click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click();
  await page.keyboard.press('Escape');
}

// Opens the form of `kind` for `studio` on `path`, lets `fill` fill it, submits it and
// returns the appended seq.
async function submit(page, path, studio, kind, fill) {
  await page.goto(`${path}?studio=${studio}&kind=${kind}`);
  const form = page.getByTestId(`form-${kind}`);
  await expect(form).toBeVisible();
  await fill(form);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/events') && r.request().method() === 'POST'),
    form.getByTestId('submit').click(),
  ]);
  expect(response.status(), await response.text()).toBe(201);
  const { seq } = await response.json();
  await expect(form.getByTestId('form-done')).toContainText(String(seq));
  return seq;
}

test('a supervisor records a visit and a finding and suspends a studio; its recorder rectifies the finding; the supervisor reactivates it', async ({ page, browser }) => {
  await signIn(page, 'duda');
  const stamp = Date.now();
  const notes = `查阅工作台账-${stamp}`;
  await submit(page, '/supervision', 'S02', 'SupervisionVisited', async (form) => {
    const tags = form.locator('[data-field=inspectors] input');
    await tags.fill('周学江');
    await tags.press('Enter');
    await form.locator('[data-field=notes] textarea').fill(notes);
  });

  let finding = '';
  const summary = `台账记录与实际不符-${stamp}`;
  await submit(page, '/supervision', 'S02', 'FindingRaised', async (form) => {
    finding = await form.locator('[data-field=finding] input').inputValue();
    await choose(page, form, 'severity', '高');
    await form.locator('[data-field=summary] textarea').fill(summary);
    const due = form.locator('[data-field=dueOn] input');
    await due.fill('2027-01-31');
    await due.press('Enter');
  });
  expect(finding).toMatch(/^F-/);

  const reason = `整改期间暂停-${stamp}`;
  await submit(page, '/supervision', 'S02', 'StudioStatusChanged', async (form) => {
    await choose(page, form, 'status', '暂停');
    await form.locator('[data-field=reason] textarea').fill(reason);
  });

  await page.goto('/studios/S02');
  await expect(page.getByTestId('studio-status')).toHaveText('已暂停');
  await expect(page.getByTestId('visits')).toContainText(notes);
  const row = page.getByTestId('findings').locator('tr', { hasText: finding });
  await expect(row).toContainText('2027年01月31日');
  await expect(page.getByTestId('tl-event').first()).toContainText(reason);

  // the studio's recorder sees the suspension and the open finding, and rectifies it
  const desk = await otherDesk(browser, 'jilu2');
  await submit(desk.page, '/record', 'S02', 'FindingRectified', async (form) => {
    await expect(desk.page.getByText('该工作室已暂停，只接受整改记录')).toBeVisible();
    await choose(desk.page, form, 'finding', finding);
    await form.locator('[data-field=summary] textarea').fill('已补齐台账并逐条核对');
  });
  await desk.context.close();
  expect(desk.problems).toEqual([]);

  await page.reload();
  await expect(page.getByTestId('findings').locator('tr', { hasText: finding })).toContainText('已整改');
  await submit(page, '/supervision', 'S02', 'StudioStatusChanged', async (form) => {
    await choose(page, form, 'status', '恢复');
    await form.locator('[data-field=reason] textarea').fill('整改完成，恢复运行');
  });
  await page.goto('/studios/S02');
  await expect(page.getByTestId('studio-status')).toHaveText('正常运行');
});

test('the registry forms add a committee, a member and a studio, which the pickers then offer', async ({ page }) => {
  await signIn(page, 'duda');
  const n = String(Date.now() % 100000).padStart(5, '0');
  const committee = `C-T${n}`, member = `M-T${n}`, studio = `S-T${n}`;
  await submit(page, '/supervision', 'S01', 'CommitteeRegistered', async (form) => {
    await form.locator('[data-field=committee] input').fill(committee);
    await form.locator('[data-field=name] input').fill(`测试专委会${n}`);
  });
  await submit(page, '/supervision', 'S01', 'MemberRegistered', async (form) => {
    await form.locator('[data-field=member] input').fill(member);
    await form.locator('[data-field=name] input').fill(`测试委员${n}`);
    await form.locator('[data-field=sector] input').fill('科技界');
  });
  await submit(page, '/supervision', 'S01', 'StudioLicensed', async (form) => {
    await form.locator('[data-field=studio] input').fill(studio);
    await form.locator('[data-field=name] input').fill(`测试委员工作室${n}`);
    await choose(page, form, 'linkType', '兴趣联');
    await choose(page, form, 'leadMember', member);
    await choose(page, form, 'committee', committee);
    await form.locator('[data-field=partyOrg] input').fill('区科协党组');
    await form.locator('[data-field=batch] input').fill('3');
    const on = form.locator('[data-field=licensedOn] input');
    await on.fill('2026-12-01');
    await on.press('Enter');
  });
  // The supervisor keeps a studio's own registry too: a second member joins S01, a rule.
  const second = `M-U${n}`;
  await submit(page, '/supervision', 'S01', 'MemberRegistered', async (form) => {
    await form.locator('[data-field=member] input').fill(second);
    await form.locator('[data-field=name] input').fill(`第二委员${n}`);
    await form.locator('[data-field=sector] input').fill('教育界');
  });
  await submit(page, '/supervision', 'S01', 'MemberJoinedStudio', async (form) => {
    await choose(page, form, 'member', `第二委员${n}`);
  });
  await submit(page, '/supervision', 'S01', 'StudioRuleAdopted', async (form) => {
    await form.locator('[data-field=title] input').fill(`联系群众制度${n}`);
  });
  await page.goto(`/studios/${studio}`);
  await expect(page.getByTestId('studio-name')).toHaveText(`测试委员工作室${n}`);
  await expect(page.getByTestId('members')).toContainText(`测试委员${n}`);
  await page.goto('/studios/S01');
  await expect(page.getByTestId('members')).toContainText(`第二委员${n}`);
  await page.goto(`/committees/${committee}`);
  await expect(page.locator('body')).toContainText(`测试委员工作室${n}`);
});
