import { expect } from 'chai';
import { consoleBrowserFixture, type ConsoleBrowserFixture } from '../support/console-browser-fixture';
import { consoleTab, fitsWidth, focused, PHONE, screenshot, signIn, unlabelledControls } from '../support/console-browser';
import { testSystem, type TestSystem } from '../support/system';

/**
 * The web console in Debian's Chromium against the real stack: sign-in (a pasted token, a #token=
 * link), search and paging, and an event's diff. Screenshots of every page go to SCREENSHOT_DIR
 * (docs/console with UPDATE_SCREENSHOTS=1). (The live tail: console-browser-tail.test.ts; exports,
 * integrity and tasks: console-browser-jobs.test.ts.)
 */
describe('web console in a browser: sign-in, search and event', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let f: ConsoleBrowserFixture;

  before(async () => {
    system = await testSystem();
    f = await consoleBrowserFixture(system);
  });

  after(() => f?.close());

  it('serves the page with a strict policy and signs in with a pasted token kept in the tab', async () => {
    const response = await fetch(`${system.api.url}/console/`);
    expect(response.status).to.equal(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).to.contain("default-src 'self'").and.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.not.contain('unsafe-inline');
    const html = await response.text();
    expect(html).to.not.match(/<script>|<style>| style=/);
    const script = /src="(\/console\/assets\/main-[^"]+\.js)"/.exec(html)?.[1] as string;
    const asset = await fetch(`${system.api.url}${script}`);
    expect(asset.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).to.contain('immutable');

    await f.page.goto(`${system.api.url}/console/`);
    expect(await unlabelledControls(f.page)).to.deep.equal([]);
    await screenshot(f.page, 'sign-in');
    await signIn(f.page, system.api.url, f.auditor);
    expect(await f.page.evaluate(() => sessionStorage.getItem('audit-console.token'))).to.equal(f.auditor);
    expect(f.page.url()).to.not.contain(f.auditor);

    // From the keyboard: the first Tab reaches the skip link, the next ones the pages.
    await f.page.keyboard.press('Tab');
    expect((await focused(f.page)).text).to.equal('Skip to content');
    await f.page.keyboard.press('Tab');
    await f.page.keyboard.press('Tab');
    expect(await focused(f.page), 'the second page link, with a visible focus ring').to.deep.equal({ text: 'Live tail', outline: 'solid' });
    await f.page.keyboard.press('Enter');
    await f.page.getByRole('heading', { name: 'Live tail' }).waitFor();
    expect(await unlabelledControls(f.page)).to.deep.equal([]);
    await f.page.getByRole('link', { name: 'Search' }).click();
  });

  it('signs in from a #token= link and removes the token from the address and history', async () => {
    const { context, page: linked } = await consoleTab(f.browser);
    await linked.goto(`${system.api.url}/console/#token=${f.auditor}`);
    await linked.getByRole('heading', { name: 'Search' }).waitFor();
    expect(linked.url()).to.not.contain(f.auditor);
    await linked.goBack();
    expect(linked.url()).to.not.contain(f.auditor);
    await context.close();
  });

  it('searches with a filter, shows the stats timeline and pages through every match by cursor', async () => {
    await f.page.getByLabel('Action', { exact: true }).fill(f.action);
    await f.page.getByRole('button', { name: 'Search' }).click();
    await f.page.getByLabel('Per page').selectOption('10');
    await f.page.getByRole('figure').getByText(/^25 events by hour/).waitFor();
    const shown: string[] = [];
    for (const expected of [10, 10, 5]) {
      const caption = f.page.locator('table.events caption');
      await caption.filter({ hasText: `Events ${shown.length + 1}–${shown.length + expected} of 25` }).waitFor();
      shown.push(...(await f.page.locator('table.events tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-id') as string))));
      if (shown.length === 10) await screenshot(f.page, 'search');
      if (shown.length < 25) await f.page.getByRole('button', { name: 'Next page' }).click();
    }
    expect(await f.page.getByRole('button', { name: 'Next page' }).isDisabled()).to.equal(true);
    expect(await unlabelledControls(f.page)).to.deep.equal([]);
    expect(shown).to.have.length(25);
    expect(new Set(shown)).to.deep.equal(new Set(f.seeded));

    await f.page.setViewportSize(PHONE);
    await f.page.getByRole('button', { name: 'Previous page' }).click();
    await f.page.locator('table.events caption').filter({ hasText: 'Events 11–20 of 25' }).waitFor();
    await screenshot(f.page, 'search-phone');
    expect(await fitsWidth(f.page), 'no sideways scrolling at phone width').to.equal(true);
    await f.page.setViewportSize({ width: 1280, height: 800 });
    expect(await fitsWidth(f.page)).to.equal(true);
  });

  it("opens an event and shows its before/after state as a field-by-field diff", async () => {
    await f.page.locator('table.events tbody tr').first().getByRole('link').click();
    await f.page.getByRole('heading', { name: new RegExp(`^${f.action.replace(/\./g, '\\.')}`) }).waitFor();
    const diff = f.page.locator('table.diff');
    await diff.locator('caption').filter({ hasText: '3 of 4 fields changed' }).waitFor();
    const row = async (field: string) => (await diff.locator('tr', { has: f.page.locator(`th:text-is("${field}")`) }).locator('td').allInnerTexts()).map((text) => text.trim());
    expect(await row('status')).to.deep.equal(['changed', '"draft"', '"sent"']);
    expect(await row('note')).to.deep.equal(['removed', '"first draft"', '—']);
    expect(await row('sent_to')).to.deep.equal(['added', '—', '"billing@example.com"']);
    expect((await row('total'))[0]).to.equal('unchanged');
    await screenshot(f.page, 'event');
  });
});
