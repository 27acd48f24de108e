import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (ops/stack installs it); playwright-core never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** UPDATE_SCREENSHOTS=1 refreshes the committed pictures in docs/console; otherwise they go to a scratch folder. */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS ? path.resolve(__dirname, '..', '..', 'docs', 'console') : path.join(tmpdir(), 'audit-console-screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function launchChromium(): Promise<Browser> {
  // The sandbox needs user namespaces, which a root shell in a container rarely has.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A tab of its own (its own sessionStorage), recording what a token must never appear in: URLs and the page's console. */
export async function consoleTab(browser: Browser): Promise<{ context: BrowserContext; page: Page; urls: string[]; messages: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  const page = await context.newPage();
  const urls: string[] = [];
  const messages: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('websocket', (socket) => urls.push(socket.url()));
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  return { context, page, urls, messages };
}

export async function signIn(page: Page, baseUrl: string, token: string, tenantId?: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Access token (JWT)').fill(token);
  if (tenantId) await page.getByLabel(/^Tenant id/).fill(tenantId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).first().waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Form controls a screen reader would announce without a name: each needs a <label> or aria-label. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.locator('input, select, textarea').evaluateAll((controls) =>
    controls
      .filter((control) => (control as unknown as { labels: { length: number } | null }).labels?.length === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.outerHTML),
  );
}

/** True when the page is no wider than the window (nothing to scroll sideways to). */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
}

/** The text of the focused element, and whether it shows a focus ring. (Strings: this project's TypeScript has no DOM library.) */
export async function focused(page: Page): Promise<{ text: string; outline: string }> {
  return page.evaluate<{ text: string; outline: string }>('({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle })');
}
