import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOTS_DIR, screenshotPath } from '../support/browser';
import { confirmedReaderWithLinks, storeDays, type ReaderLinkTokens } from '../support/browser-story';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Every page at a phone's and a desktop's width, light and dark, as PNGs in
 * test-artifacts/screenshots/e2e/screen-<page>-<width>-<scheme>.png, with the page heights in
 * screen-heights.json. Each page is checked for what would look wrong on any of them: a sideways
 * scroll on the phone, or text that is not drawn in the scheme's colors.
 */
let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const READER = 'screens@example.com';
const WIDTHS = [390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;
const heights: Record<string, number> = {};

interface Screen {
  name: string;
  /** Opens the page in the state shown; the path is relative to the app. */
  open: (page: Page) => Promise<void>;
  /** The window as the reader sees it, scrolled, instead of the whole page. */
  viewport?: boolean;
}

let tokens: ReaderLinkTokens;

beforeAll(async () => {
  stack = await startTestStack();
  // The preferences page shows a confirmed reader's settings (and a rated paper in its list).
  tokens = await confirmedReaderWithLinks(stack, await storeDays(stack), {
    email: READER,
    topics: ['ai-agents', 'video-generation'],
    keywords: ['speculative decoding'],
  });
  ({ browser, context } = await launchBrowser());
  page = await context.newPage();
}, 90_000);
afterAll(async () => {
  writeFileSync(path.join(SCREENSHOTS_DIR, 'screen-heights.json'), JSON.stringify(heights, null, 2) + '\n');
  await browser?.close();
  await stack?.stop();
});

const go = (page: Page, pathAndQuery: string) => page.goto(`${stack.urls.app}${pathAndQuery}`);
const token = (value: string) => encodeURIComponent(value);

const SCREENS: Screen[] = [
  { name: 'landing', open: async (page) => void (await go(page, '/')) },
  {
    name: 'landing-error',
    open: async (page) => {
      await go(page, '/');
      await page.fill('input[name=email]', 'not-an-email');
      await page.check('input[name=topics][value=ai-agents]');
      await page.click('#subscribe-form button[type=submit]');
      await page.locator('#email-error').filter({ hasText: /email/i }).waitFor();
    },
  },
  {
    name: 'confirm',
    open: async (page) => void (await go(page, `/confirm?token=${token(tokens.confirm)}`)),
  },
  {
    name: 'preferences',
    open: async (page) => {
      await go(page, `/preferences?token=${token(tokens.manage)}&welcome=1`);
      await page.locator('#preferences-form').waitFor({ state: 'visible' });
      await page.locator('#ratings-list li').first().waitFor();
    },
  },
  {
    name: 'preferences-scrolled',
    viewport: true,
    open: async (page) => {
      await go(page, `/preferences?token=${token(tokens.manage)}`);
      await page.locator('#preferences-form').waitFor({ state: 'visible' });
      // Mid-form: the save bar stays at the bottom of the window, a rating's toast above it.
      await page.locator('#ratings-list li').first().waitFor();
      await page.locator('textarea[name=keywords]').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, -200));
      await page.evaluate(() => {
        const status = document.getElementById('status');
        if (status) status.textContent = 'Noted: more papers like this one. Your next digests learn from it.';
      });
    },
  },
  {
    name: 'unsubscribe',
    open: async (page) => void (await go(page, `/unsubscribe?token=${token(tokens.unsubscribe)}`)),
  },
  {
    name: 'rate',
    open: async (page) => void (await go(page, `/rate?token=${token(tokens.rate)}&verdict=more`)),
  },
  {
    name: 'rate-noted',
    open: async (page) => void (await go(page, `/rate?token=${token(tokens.rated)}`)),
  },
  {
    name: 'error',
    open: async (page) => void (await go(page, '/preferences?token=tampered.token')),
  },
];

describe('every page at 390 and 1280 px, light and dark', () => {
  for (const screen of SCREENS) {
    it(`screenshots ${screen.name}`, async () => {
      for (const width of WIDTHS) {
        for (const colorScheme of SCHEMES) {
          await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
          await page.emulateMedia({ colorScheme });
          await screen.open(page);
          await page.evaluate(() => document.fonts.ready);
          const name = `screen-${screen.name}-${width}-${colorScheme}`;
          const { height, overflow, background } = await page.evaluate(() => ({
            height: document.documentElement.scrollHeight,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            background: getComputedStyle(document.body).backgroundColor,
          }));
          heights[name] = height;
          if (screen.viewport) {
            await page.screenshot({ path: screenshotPath(name) });
            continue;
          }
          // The whole page in a window as tall as it: a sticky bar is drawn where it rests, at the end of
          // its form, instead of over the content at the first screen's bottom as a full-page capture does.
          await page.setViewportSize({ width, height });
          await page.screenshot({ path: screenshotPath(name) });

          expect({ name, overflow: Math.max(0, overflow) }).toEqual({ name, overflow: 0 });
          const dark = colorScheme === 'dark';
          const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
          const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
          expect({ name, darkBackground: luminance < 0.5 }).toEqual({ name, darkBackground: dark });
        }
      }
    }, 60_000);
  }
});
