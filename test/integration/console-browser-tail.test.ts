import { expect } from 'chai';
import { consoleBrowserFixture, type ConsoleBrowserFixture } from '../support/console-browser-fixture';
import { screenshot } from '../support/console-browser';
import { validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';

/** Long enough for a loaded CI machine: the test proves the event arrives live, and prints how fast, but asserts no time. */
const LIVE_WAIT_MS = 30_000;

/**
 * The console's live tail in Debian's Chromium against the real stack: an event posted while the
 * page is open appears without a reload, and a reload resumes without losing or repeating events.
 * Screenshots go to SCREENSHOT_DIR (docs/console with UPDATE_SCREENSHOTS=1).
 */
describe('web console in a browser: live tail', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let f: ConsoleBrowserFixture;

  const post = async (overrides: Record<string, unknown> = {}) => {
    const response = await system.api.http.post('/api/v1/logs', { token: f.writer, body: validEvent({ user_id: 'tail-user', ...overrides }) });
    expect(response.status, response.text).to.equal(201);
    return response.body.id as string;
  };
  const rowsOf = (id: string) => f.page.locator(`tr[data-event-id="${id}"]`);

  before(async () => {
    system = await testSystem();
    f = await consoleBrowserFixture(system, { signedIn: true });
  });

  after(() => f?.close());

  it('shows an event posted while the page is open, without a reload (latency printed)', async () => {
    await f.page.getByRole('link', { name: 'Live tail' }).click();
    await f.page.getByLabel('User id').fill('tail-user');
    await f.page.getByRole('button', { name: 'Apply filters' }).click();
    await f.page.locator('[data-status="live"]').waitFor();
    const started = Date.now();
    const id = await post({ message: 'arrives live' });
    await rowsOf(id).waitFor({ timeout: LIVE_WAIT_MS });
    console.log(`      live event shown ${Date.now() - started} ms after its POST was sent`);
    await screenshot(f.page, 'tail');
  });

  // Needs the live tail resume of the stream (api.md "Live tail resume"): skipped while the server sends no cursors.
  it('resumes the tail after a reload: events posted meanwhile appear exactly once, then live ones', async function () {
    const before = await post({ message: 'before the reload' });
    await rowsOf(before).waitFor();
    const cursor = (await f.page.locator('#tail-cursor').innerText()).trim();
    if (cursor === 'not offered by this server') this.skip();

    // The reloaded page's script is held back until the events are committed, so they fall between the two connections.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested!: () => void;
    const scriptRequested = new Promise<void>((resolve) => (requested = resolve));
    await f.page.route('**/console/assets/*.js', async (route) => {
      requested();
      await held;
      await route.continue();
    });
    const reloading = f.page.reload();
    await scriptRequested;
    const missed: string[] = [];
    for (let index = 0; index < 5; index += 1) missed.push(await post({ message: `during the reload #${index}` }));
    release();
    await reloading;
    await f.page.unroute('**/console/assets/*.js');

    await f.page.locator('[data-status="live"]').waitFor();
    for (const id of missed) await rowsOf(id).waitFor();
    const after = await post({ message: 'after the reload' });
    await rowsOf(after).waitFor({ timeout: LIVE_WAIT_MS });
    const committed = await system.ownerPool.query<{ id: string }>(
      "SELECT id FROM logs WHERE tenant_id = $1 AND user_id = 'tail-user' AND message LIKE 'during the reload%'",
      [f.tenantId],
    );
    expect(new Set(committed.rows.map((row) => row.id))).to.deep.equal(new Set(missed));
    for (const id of [...missed, after]) expect(await rowsOf(id).count(), id).to.equal(1);
    expect(await rowsOf(before).count()).to.equal(0);
    expect(await f.page.locator('table.events tbody tr').count()).to.equal(missed.length + 1);
  });
});
