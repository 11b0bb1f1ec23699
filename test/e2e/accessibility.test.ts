import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../support/browser';
import { confirmedReaderWithLinks, storeDays, type ReaderLinkTokens } from '../support/browser-story';
import { startTestStack, type TestStack } from '../support/local-stack';
import { linksTo, readInbox } from '../support/ses-inbox';

/**
 * axe-core on every page, light and dark, against the real local stack: no serious or critical
 * violation. And the sign-up done with the keyboard alone, every stop showing where the focus is.
 */
let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const READER = 'axe@example.com';
const KEYBOARD_READER = 'keys@example.com';
/** axe-core's script, run in the page through the DevTools protocol: the pages' CSP does not apply to it. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

let tokens: ReaderLinkTokens;

beforeAll(async () => {
  stack = await startTestStack();
  tokens = await confirmedReaderWithLinks(stack, await storeDays(stack), {
    email: READER,
    topics: ['ai-agents'],
  });
  ({ browser, context } = await launchBrowser());
  page = await context.newPage();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe's serious and critical violations on the page as it is now, one line per element. */
async function seriousViolations(page: Page): Promise<string[]> {
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<unknown> } }).axe;
    const results = (await axe.run({ resultTypes: ['violations'] })) as {
      violations: unknown[];
      passes: unknown[];
    };
    // A run that checked nothing (axe not loaded, the page empty) would pass: it counts as a violation.
    return results.passes.length > 0
      ? results.violations
      : [{ id: 'axe-ran-nothing', impact: 'critical', help: 'axe checked no rule', nodes: [{ target: [] }] }];
  })) as Violation[];
  if (process.env.AXE_REPORT)
    console.log(
      `${new URL(page.url()).pathname}\n` +
        violations
          .map(
            (violation) =>
              `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.length})`,
          )
          .join('\n'),
    );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.impact} ${violation.id} (${violation.help}) at ${JSON.stringify(node.target)}: ` +
          (node.failureSummary ?? '').replace(/\s+/g, ' '),
      ),
    );
}

const go = (page: Page, pathAndQuery: string) => page.goto(`${stack.urls.app}${pathAndQuery}`);
const token = (value: string) => encodeURIComponent(value);

const PAGES: [string, (page: Page) => Promise<void>][] = [
  ['landing', async (page) => void (await go(page, '/'))],
  [
    'landing with errors at the fields',
    async (page) => {
      await go(page, '/');
      await page.fill('input[name=email]', 'not-an-email');
      await page.click('#subscribe-form button[type=submit]');
      await page.locator('#topics-error').filter({ hasText: /topic/ }).waitFor();
    },
  ],
  [
    'landing, sent',
    async (page) => {
      await go(page, '/');
      await page.fill('input[name=email]', 'sent@example.com');
      await page.check('input[name=topics][value=ai-agents]');
      await page.click('#subscribe-form button[type=submit]');
      await page.locator('#form-message').filter({ hasText: /inbox/i }).waitFor();
    },
  ],
  ['confirm', async (page) => void (await go(page, `/confirm?token=${token(tokens.confirm)}`))],
  [
    'preferences, loaded, with a preview and the welcome',
    async (page) => {
      await go(page, `/preferences?token=${token(tokens.manage)}&welcome=1`);
      await page.locator('#preferences-form').waitFor({ state: 'visible' });
      await page.locator('#ratings-list li').first().waitFor();
      await page.fill('textarea[name=keywords]', 'video generation');
      await page.locator('#preview li').first().waitFor({ timeout: 10_000 });
    },
  ],
  [
    'preferences, refused save',
    async (page) => {
      await go(page, `/preferences?token=${token(tokens.manage)}`);
      await page.locator('#preferences-form').waitFor({ state: 'visible' });
      await page.fill('input[name=papersPerEmail]', '500');
      await page.click('#save-button');
      await page.locator('#papersPerEmail-error').filter({ hasText: /50/ }).waitFor();
    },
  ],
  ['unsubscribe', async (page) => void (await go(page, `/unsubscribe?token=${token(tokens.unsubscribe)}`))],
  ['rate, asking', async (page) => void (await go(page, `/rate?token=${token(tokens.rate)}&verdict=less`))],
  ['rate, noted', async (page) => void (await go(page, `/rate?token=${token(tokens.rated)}`))],
  [
    'error page (a tampered link)',
    async (page) => void (await go(page, '/preferences?token=tampered.token')),
  ],
];

describe('axe-core finds no serious or critical violation', () => {
  for (const [name, open] of PAGES) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`on the ${name} page, ${colorScheme}`, async () => {
        await page.emulateMedia({ colorScheme });
        await open(page);
        expect(await seriousViolations(page)).toEqual([]);
      });
    }
  }

  // Last: it unsubscribes the reader of the pages above.
  it('on the message page ("You\'re unsubscribed"), light and dark', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await go(page, `/unsubscribe?token=${token(tokens.unsubscribe)}`);
    await Promise.all([page.waitForLoadState(), page.click('#unsubscribe-confirm')]);
    await page.locator('h1').filter({ hasText: "You're unsubscribed" }).waitFor();
    const light = await seriousViolations(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await seriousViolations(page);

    expect(light).toEqual([]);
    expect(dark).toEqual([]);
  });
});

describe('the keyboard alone', () => {
  /** The focused element, and whether a focus ring is drawn for it (its own or its topic card's outline). */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body)
        return { id: '', name: '', tag: 'body', type: '', ring: false };
      const ringOf = (node: Element | null) => {
        if (!node) return false;
        const style = getComputedStyle(node);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      };
      return {
        id: element.id,
        name: (element as HTMLInputElement).name ?? '',
        tag: element.tagName.toLowerCase(),
        type: element.getAttribute('type') ?? '',
        ring: ringOf(element) || ringOf(element.closest('.topic')),
      };
    });

  it('signs up with Tab, Space and Enter, and every stop shows where the focus is', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1200, height: 900 });
    await go(page, '/');
    const stops: Awaited<ReturnType<typeof focused>>[] = [];
    const tabTo = async (done: (stop: (typeof stops)[number]) => boolean) => {
      for (let step = 0; step < 80; step++) {
        await page.keyboard.press('Tab');
        const stop = await focused(page);
        stops.push(stop);
        if (done(stop)) return stop;
      }
      throw new Error(`never reached the stop; went through ${JSON.stringify(stops.slice(-5))}`);
    };

    await tabTo((stop) => stop.id === 'email');
    await page.keyboard.type(KEYBOARD_READER);
    await tabTo((stop) => stop.name === 'topics');
    await page.keyboard.press('Space'); // the first topic
    const firstTopic = await page.evaluate(
      () => (document.querySelector('input[name=topics]:checked') as HTMLInputElement | null)?.value,
    );
    await tabTo((stop) => stop.id === 'keywords');
    await page.keyboard.type('speculative decoding');
    const submit = await tabTo((stop) => stop.type === 'submit');
    await page.screenshot({ path: screenshotPath('keyboard-submit-focused') });
    await page.keyboard.press('Enter');
    await page.locator('#form-message').filter({ hasText: /inbox/i }).waitFor();
    await stack.mailDone();

    // The confirmation link's page, with the keyboard too.
    const [confirmation] = await readInbox(stack.urls.inbox, KEYBOARD_READER);
    const [link] = linksTo(confirmation.body.html ?? '', '/confirm');
    await page.goto(link.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app));
    await tabTo((stop) => stop.id === 'confirm-button');
    await Promise.all([page.waitForURL(/\/preferences\?token=/), page.keyboard.press('Enter')]);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });

    expect(submit.ring).toBe(true);
    expect(stops.filter((stop) => !stop.ring)).toEqual([]);
    expect(firstTopic).toBeDefined();
    const stored = await stack.services.subscribers.findByEmail(KEYBOARD_READER);
    expect(stored?.status).toBe('confirmed');
    expect(stored?.preferences.topics).toEqual([firstTopic]);
    expect(stored?.preferences.keywords).toEqual(['speculative decoding']);
  }, 60_000);

  it('reaches the topic descriptions on a phone with the keyboard', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await go(page, '/');
    await page.focus('#email');
    await page.keyboard.press('Tab');
    const stop = await focused(page);
    await page.keyboard.press('Enter');
    const expanded = await page.getAttribute('.topics-toggle', 'aria-expanded');
    const width = (await page.locator('.topic small').first().boundingBox())?.width ?? 0;
    await page.setViewportSize({ width: 1200, height: 900 });

    expect(stop).toMatchObject({ tag: 'button', ring: true });
    expect(expanded).toBe('true');
    expect(width).toBeGreaterThan(100);
  });
});
