import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { chromium as playwright, type Browser, type BrowserContext } from 'playwright-core';
import { ARTIFACTS_DIR, REPO_ROOT } from './paths';

export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots', 'e2e');

/**
 * Headless Chromium shipped inside @sparticuz/chromium (no download at run time). It runs
 * --single-process, where closing a context ends the browser: use one context per browser.
 */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const chromium = await sparticuzChromium();
  const browser = await playwright.launch({
    executablePath: chromium.executablePath,
    args: [
      ...chromium.args,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    headless: true,
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  return { browser, context };
}

export const screenshotPath = (name: string) => path.join(SCREENSHOTS_DIR, `${name}.png`);

/** @sparticuz/chromium is ESM-only and jest runs CommonJS: ask a child Node process where it unpacked. */
async function sparticuzChromium(): Promise<{ executablePath: string; args: string[] }> {
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => console.log(JSON.stringify({ executablePath: await c.executablePath(), args: c.args })))";
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: REPO_ROOT });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}
