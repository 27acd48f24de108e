import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { consoleTab, launchChromium, SCREENSHOT_DIR, signIn } from './console-browser';
import { createTenant, tokenFor, validEvent } from './fixtures';
import { waitForTask } from './retention';
import type { TestSystem } from './system';

/** 25 updates of `action`, a minute apart over the last half hour, each with a before/after state to diff. */
async function seedInvoiceUpdates(system: TestSystem, writer: string, action: string): Promise<string[]> {
  const start = Date.now() - 30 * 60_000;
  const events = Array.from({ length: 25 }, (_, index) =>
    validEvent({
      action,
      severity: index % 5 === 0 ? 'ERROR' : 'INFO',
      user_id: `user-${index % 3}`,
      resource: 'invoice',
      resource_id: `inv-${index}`,
      message: `Invoice ${index} updated`,
      event_timestamp: new Date(start + index * 60_000).toISOString(),
      before_state: { status: 'draft', total: 100 + index, note: 'first draft' },
      after_state: { status: 'sent', total: 100 + index, sent_to: 'billing@example.com' },
    }),
  );
  // Through the API, so the events are indexed and sealed as any client's are.
  const bulk = await system.api.http.post('/api/v1/logs/bulk', { token: writer, body: { logs: events } });
  expect(bulk.status, bulk.text).to.equal(201);
  await waitForTask(system, bulk.body.task_id, 'succeeded');
  return bulk.body.ids as string[];
}

async function auditorTab(browser: Browser, baseUrl: string, auditor: string, signedIn: boolean) {
  try {
    const tab = await consoleTab(browser);
    if (signedIn) await signIn(tab.page, baseUrl, auditor);
    return tab;
  } catch (error) {
    // The suite's after() gets no fixture to close when this throws.
    await browser.close();
    throw error;
  }
}

/**
 * A tenant with its auditor, its writer and 25 seeded invoice updates (all of `action`, which no
 * other suite uses), and Debian's Chromium with one console tab, signed in as the auditor when
 * `signedIn`: what the console's browser suites drive. close() fails the suite when anything the
 * tab requested or logged carries the auditor's token.
 */
export async function consoleBrowserFixture(system: TestSystem, { signedIn = false } = {}) {
  const tenantId = await createTenant(system);
  const auditor = tokenFor(system, 'auditor', tenantId, 'auditor-ann');
  const writer = tokenFor(system, 'user', tenantId, 'svc-billing');
  const action = `invoice.updated.${randomUUID().slice(0, 8)}`;
  const seeded = await seedInvoiceUpdates(system, writer, action);
  const browser = await launchChromium();
  const { page, urls, messages } = await auditorTab(browser, system.api.url, auditor, signedIn);

  async function close(): Promise<void> {
    try {
      for (const line of [...urls, ...messages]) expect(line).to.not.contain(auditor);
    } finally {
      await browser.close();
      console.log(`      screenshots in ${SCREENSHOT_DIR}`);
    }
  }

  return { browser, page, tenantId, auditor, writer, action, seeded, close };
}

export type ConsoleBrowserFixture = Awaited<ReturnType<typeof consoleBrowserFixture>>;
