import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Download } from 'playwright-core';
import { consoleBrowserFixture, type ConsoleBrowserFixture } from '../support/console-browser-fixture';
import { consoleTab, screenshot, signIn, unlabelledControls } from '../support/console-browser';
import { createTenant, tokenFor } from '../support/fixtures';
import { ingestEvents, waitForSealed } from '../support/integrity';
import { reindexFailingDuring } from '../support/injected-outage';
import { taskRow, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

/**
 * The console's background-job pages in Debian's Chromium against the real stack: export jobs,
 * integrity, and retry of a failed task by an admin but not an auditor. Screenshots go to
 * SCREENSHOT_DIR (docs/console with UPDATE_SCREENSHOTS=1).
 */
describe('web console in a browser: exports, integrity and tasks', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let f: ConsoleBrowserFixture;

  before(async () => {
    system = await testSystem();
    f = await consoleBrowserFixture(system, { signedIn: true });
  });

  after(() => f?.close());

  it('downloads an export at once, and runs an export job and downloads its file', async () => {
    await f.page.getByRole('link', { name: 'Export' }).click();
    await f.page.getByLabel('Action', { exact: true }).fill(f.action);
    await f.page.getByRole('button', { name: 'Use these filters' }).click();
    const ids = async (download: Download, gzipped: boolean) => {
      const bytes = await readFile(await download.path());
      return new Set((gzipped ? gunzipSync(bytes) : bytes).toString('utf8').trim().split('\n').map((line) => JSON.parse(line).id as string));
    };
    const [streamed] = await Promise.all([f.page.waitForEvent('download'), f.page.getByRole('button', { name: 'Download now' }).click()]);
    expect(await ids(streamed, false)).to.deep.equal(new Set(f.seeded));
    await f.page.getByRole('button', { name: 'Start export job' }).click();
    await f.page.locator('[data-task-status="succeeded"]').waitFor({ timeout: 90_000 });
    await screenshot(f.page, 'exports');
    expect(await unlabelledControls(f.page)).to.deep.equal([]);
    const [download] = await Promise.all([f.page.waitForEvent('download'), f.page.getByRole('button', { name: 'Download the export file' }).click()]);
    expect(await ids(download, true)).to.deep.equal(new Set(f.seeded));
  });

  it("shows the integrity status and starts a verification, following its task", async () => {
    // Counted afresh on every poll: with audited reads (viewer tokens), the auditor's own reads add events.
    const countStored = async () => Number((await system.ownerPool.query('SELECT count(*) FROM logs WHERE tenant_id = $1', [f.tenantId])).rows[0].count);
    const sealed = await waitFor('every event to be sealed', async () => {
      const [latest, stored] = [await system.api.http.get('/api/v1/integrity/checkpoints/latest', { token: f.auditor }), await countStored()];
      return latest.body?.tree_size === stored ? stored : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    await f.page.getByRole('link', { name: 'Integrity' }).click();
    await f.page.getByText('Events sealed').waitFor();
    expect(Number(await f.page.locator('.fields dd').first().innerText())).to.be.at.least(sealed);
    await f.page.getByRole('button', { name: 'Verify the whole log' }).click();
    const summary = f.page.locator('.task-summary');
    await summary.waitFor();
    const taskId = (await summary.locator('dd').first().innerText()).split(' ')[1] as string;
    const finished = await waitFor('the verification to finish', async () => {
      const row = await taskRow(system, taskId);
      return row?.status === 'succeeded' || row?.status === 'failed' ? row : undefined;
    }, { timeoutMs: 90_000, intervalMs: 250 });
    expect(finished.result.ok).to.equal(true);
    expect(finished.result.events_checked).to.be.at.least(sealed);
    await f.page.getByRole('status').filter({ hasText: `Intact: ${finished.result.events_checked} events` }).waitFor();
    await screenshot(f.page, 'integrity');
  });

  it('counts every problem of a tampered log by kind, naming the first few', async () => {
    const tenantId = await createTenant(system);
    const ids = await ingestEvents(system, tenantId, 30, 'to tamper');
    await waitForSealed(system, tenantId, ids.length);
    const removed = ids.slice(5, 20);
    const deleted = await system.ownerPool.query('DELETE FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, removed]);
    expect(deleted.rowCount).to.equal(removed.length);

    const { context, page } = await consoleTab(f.browser);
    try {
      await signIn(page, system.api.url, tokenFor(system, 'auditor', tenantId, 'auditor-tamper'));
      await page.getByRole('link', { name: 'Integrity' }).click();
      await page.getByRole('button', { name: 'Verify the whole log' }).click();
      const verdict = page.getByRole('status').filter({ hasText: 'Problems found' });
      await verdict.waitFor({ timeout: 90_000 });
      expect(await verdict.innerText()).to.contain(`; ${removed.length} missing`);
      await page.getByText(`The first 10 of ${removed.length} problems, by seq:`).waitFor();
      expect(await page.locator('ul.problems li').count()).to.equal(10);
      expect(await page.locator('ul.problems li').first().innerText()).to.contain(`missing at seq 6 ${removed[0]}`);
    } finally {
      await context.close();
    }
  });

  describe('tasks', () => {
    let outage = true;
    let admin: string;
    const failedTask = async () => {
      const response = await system.api.http.post(`/api/v1/reindex?tenant_id=${f.tenantId}`, { token: admin });
      expect(response.status).to.equal(202);
      return (await waitForTask(system, response.body.task_id, 'failed')).task_id as string;
    };
    let retried: string;
    let stillFailed: string;

    before(async () => {
      admin = tokenFor(system, 'admin', undefined, 'ops-alice');
      await system.replaceWorker(reindexFailingDuring(() => outage));
      [retried, stillFailed] = [await failedTask(), await failedTask()];
      outage = false;
    });

    after(async () => {
      await system.replaceWorker();
    });

    it('lets an admin retry a failed task, with its error, attempts and Temporal link shown', async () => {
      const { context, page: adminPage } = await consoleTab(f.browser);
      await signIn(adminPage, system.api.url, admin, f.tenantId);
      await adminPage.getByRole('link', { name: 'Tasks' }).click();
      const row = adminPage.locator(`tr[data-task-id="${retried}"]`);
      await row.waitFor();
      expect((await row.locator('td').allInnerTexts()).map((text) => text.trim())).to.include.members(['reindex_tenant', 'failed', '1', 'InjectedOutage: search cluster went read-only']);
      expect(await row.getByRole('link', { name: /Temporal UI/ }).getAttribute('href')).to.contain(`/workflows/reindex_tenant-${retried}/`);
      await screenshot(adminPage, 'tasks');
      expect(await unlabelledControls(adminPage)).to.deep.equal([]);
      await row.getByRole('button', { name: /Retry/ }).click();
      await waitFor('the retry to be accepted', async () => (await taskRow(system, retried))?.retry_count === 1);
      const done = await waitForTask(system, retried, 'succeeded');
      expect(done.retry_count).to.equal(1);
      await adminPage.getByRole('button', { name: 'Refresh' }).click();
      await row.locator('.status.succeeded').waitFor();
      expect(await row.getByRole('button', { name: /Retry/ }).count()).to.equal(0);
      expect((await taskRow(system, stillFailed))?.status).to.equal('failed');
      await context.close();
    });

    it('shows an auditor the failed task without a retry button', async () => {
      await f.page.getByRole('link', { name: 'Tasks' }).click();
      await f.page.getByLabel('Status').selectOption('failed');
      const row = f.page.locator(`tr[data-task-id="${stillFailed}"]`);
      await row.locator('.status.failed').waitFor();
      expect(await f.page.getByRole('button', { name: /Retry/ }).count()).to.equal(0);
      expect(await f.page.getByRole('columnheader', { name: 'Retry' }).count()).to.equal(0);
    });
  });
});
