import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
/** Where the browser specs write their screenshots (gitignored). */
export const RESULTS = join(ROOT, 'test-results');

/**
 * Debian's Chromium (scripts/browser installs it), driven by playwright-core: headless, in a
 * fresh profile, with the flags that keep it off this machine's closed network (no background
 * fetches, component updates, sync or QUIC probes that fail by the dozen).
 */
export async function openChromium(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const executablePath = execFileSync('bash', [join(ROOT, 'scripts', 'browser')], { encoding: 'utf8' }).trim();
  const profile = mkdtempSync(join(tmpdir(), 'mittr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot under test-results/<folder>/<name>.png. */
export async function screenshot(page: Page, folder: string, name: string): Promise<string> {
  mkdirSync(join(RESULTS, folder), { recursive: true });
  const path = join(RESULTS, folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
