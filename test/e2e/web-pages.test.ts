import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { digestVocabulary } from '../../functions/core/digests/digest-composer';
import { createMatcher } from '../../functions/core/matching';
import { viewToken } from '../../functions/core/subscribers/link-access';
import { topicCatalog } from '../../functions/core/topics/catalog';
import { launchBrowser, screenshotPath } from '../support/browser';
import { ingestDays, onStack, signUpAndConfirm } from '../support/browser-story';
import { startTestStack, type TestStack } from '../support/local-stack';
import { linksTo, readInbox, type StoredEmail } from '../support/ses-inbox';

/**
 * The web beside the email, in headless Chromium against the real local stack: the digest's hosted
 * copy ("View in browser") with its rating buttons, the reader's Atom feed (parsed by the browser's
 * XML parser), and the public archive (every day, each day's papers per curated topic, a topic's page).
 * Each page is screenshotted at 390 and 1280 px, light and dark, into test-artifacts/screenshots/e2e/.
 */
let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const READER = 'web@example.com';
const DAY = '2025-11-12';
const ATOM = 'http://www.w3.org/2005/Atom';

const stored = () => stack.services.subscribers.findByEmail(READER);
const local = (url: URL | string) => onStack(stack, url);
const paperIdsIn = (html: string) => [
  ...new Set([...html.matchAll(/huggingface\.co\/papers\/(\d{4}\.\d{4,5})/g)].map((match) => match[1])),
];
const idsOn = (scope: Page | ReturnType<Page['locator']>, selector: string) =>
  scope.locator(selector).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-paper-id')));

/** axe-core's script, run through the DevTools protocol (the pages' CSP does not apply to it). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

/** axe's serious and critical violations on the open page, one line per element. */
async function seriousViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { id: string; impact: string | null; nodes: { target: unknown[] }[] };
    const axe = (
      window as unknown as { axe: { run: () => Promise<{ violations: Result[]; passes: Result[] }> } }
    ).axe;
    const { violations, passes } = await axe.run();
    if (passes.length === 0) return ['axe checked nothing'];
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) =>
        violation.nodes.map((node) => `${violation.id} at ${JSON.stringify(node.target)}`),
      );
  });
}

/**
 * Screenshots of the open page at a phone's and a desktop's width, light and dark; fails on a sideways
 * scroll or a serious accessibility violation (axe-core: contrast in either scheme included).
 */
async function screenshots(name: string): Promise<void> {
  for (const width of [390, 1280]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await page.emulateMedia({ colorScheme });
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: screenshotPath(`web-${name}-${width}-${colorScheme}`), fullPage: true });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect({ name, width, overflow: Math.max(0, overflow) }).toEqual({ name, width, overflow: 0 });
      expect({ name, width, colorScheme, violations: await seriousViolations() }).toEqual({
        name,
        width,
        colorScheme,
        violations: [],
      });
    }
  }
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  stack = await startTestStack();
  await ingestDays(stack);
  ({ browser, context } = await launchBrowser());
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the digest on the web, the feed and the archive, in a real browser', () => {
  let manageToken = '';
  let digest: StoredEmail;
  let emailed: string[] = [];

  it('signs up, confirms and gets the digest of the day', async () => {
    const settings = await signUpAndConfirm(page, stack, READER, {
      topics: ['ai-agents', 'reinforcement-learning', 'multimodal-models'],
    });
    manageToken = new URL(settings).searchParams.get('token') ?? '';

    expect((await stack.cli(['digest', '--date', DAY])).code).toBe(0);
    digest = (await readInbox(stack.urls.inbox, READER)).find((email) =>
      email.subject.startsWith('paperboy ·'),
    ) as StoredEmail;
    emailed = paperIdsIn(digest?.body.html ?? '');

    expect(manageToken).not.toBe('');
    expect(emailed.length).toBeGreaterThan(1);
  }, 90_000);

  it('opens the digest’s hosted copy, which lists the papers the email had, in its order', async () => {
    const subscriber = await stored();
    if (!subscriber) throw new Error('the reader was not stored');
    // The email's "View in browser" link when it has one; else the same signed link, built as linksFor does.
    const html = digest.body.html ?? '';
    if (html.includes('View in browser')) expect(linksTo(html, '/digest')).toHaveLength(1);
    const viewLink =
      linksTo(digest.body.html ?? '', '/digest')[0] ??
      `${stack.urls.app}/digest?token=${encodeURIComponent(viewToken(stack.services.tokens, subscriber, DAY))}`;
    await page.goto(local(viewLink));
    await page.locator('article.paper-card').first().waitFor();

    expect(await idsOn(page, 'article.paper-card')).toEqual(emailed);
    expect(await page.locator('meta[name=robots]').getAttribute('content')).toBe('noindex, nofollow');
    expect(await page.locator('h1').innerText()).toContain('12 November 2025');
    const first = page.locator('article.paper-card').first();
    const [paper] = await stack.services.papers.getMany([emailed[0]]);
    expect(await first.locator('h2 a').getAttribute('href')).toBe(
      `https://huggingface.co/papers/${paper.id}`,
    );
    expect(await first.locator('h2').innerText()).toBe(paper.title.replace(/\s+/g, ' ').trim());
    expect(await first.getByRole('link', { name: /^arXiv page/ }).getAttribute('href')).toBe(
      `https://arxiv.org/abs/${paper.id}`,
    );
    expect(await first.getByRole('link', { name: /^PDF of/ }).getAttribute('href')).toBe(
      `https://arxiv.org/pdf/${paper.id}`,
    );
    expect(await page.locator('.rate-row button').count()).toBe(2 * emailed.length);
    await screenshots('digest');
  }, 60_000);

  it('rates a paper from the hosted copy with “Not for me”, shown with its undo', async () => {
    const subscriber = await stored();
    const viewLink = `${stack.urls.app}/digest?token=${encodeURIComponent(
      viewToken(stack.services.tokens, subscriber as NonNullable<typeof subscriber>, DAY),
    )}`;
    await page.goto(viewLink);
    const second = page.locator('article.paper-card').nth(1);
    await Promise.all([
      page.waitForURL(/\/rate\?token=/),
      second.getByRole('button', { name: 'Not for me' }).click(),
    ]);
    await page.locator('h1').filter({ hasText: 'Noted: not for me' }).waitFor();

    expect((await stored())?.ratings).toEqual({ liked: [], disliked: [emailed[1]] });
    expect(await page.isVisible('#undo-button')).toBe(true);
    await page.goto(viewLink);
    expect(
      await page
        .locator('article.paper-card')
        .nth(1)
        .getByRole('button', { name: 'Not for me' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await screenshots('digest-rated');
  });

  it('answers a view link of a day without a digest with a 404 page', async () => {
    const subscriber = await stored();
    const token = viewToken(
      stack.services.tokens,
      subscriber as NonNullable<typeof subscriber>,
      '2025-11-13',
    );
    const response = await page.goto(`${stack.urls.app}/digest?token=${encodeURIComponent(token)}`);

    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('No digest for that day');
  });

  it('serves the feed named by GET /api/preferences as Atom that lists the reader’s papers', async () => {
    const preferences = await (
      await fetch(`${stack.urls.app}/api/preferences?token=${encodeURIComponent(manageToken)}`)
    ).json();
    const feedUrl: string = preferences.feedUrl;
    const response = await fetch(local(feedUrl));
    const xml = await response.text();
    await page.goto('about:blank');
    const parsed = await page.evaluate(
      ({ xml, ATOM }) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        const error = doc.querySelector('parsererror');
        const feed = doc.documentElement;
        const child = (parent: Element, name: string) =>
          Array.from(parent.children).find((node) => node.localName === name && node.namespaceURI === ATOM);
        const children = (parent: Element, name: string) =>
          Array.from(parent.children).filter((node) => node.localName === name && node.namespaceURI === ATOM);
        const links = (parent: Element) =>
          children(parent, 'link').map((link) => ({
            rel: link.getAttribute('rel'),
            href: link.getAttribute('href'),
          }));
        return {
          error: error?.textContent ?? null,
          root: `${feed.namespaceURI} ${feed.localName}`,
          id: child(feed, 'id')?.textContent ?? null,
          title: child(feed, 'title')?.textContent ?? null,
          updated: child(feed, 'updated')?.textContent ?? null,
          feedAuthor: children(feed, 'author').length,
          links: links(feed),
          entries: children(feed, 'entry').map((entry) => ({
            id: child(entry, 'id')?.textContent ?? null,
            title: child(entry, 'title')?.textContent ?? null,
            updated: child(entry, 'updated')?.textContent ?? null,
            summary: child(entry, 'summary')?.textContent ?? null,
            authors: children(entry, 'author').map((author) => child(author, 'name')?.textContent),
            links: links(entry),
          })),
        };
      },
      { xml, ATOM },
    );
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

    expect(feedUrl).toMatch(/^https?:\/\/[^/]+\/feed\?token=/);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe(`${ATOM} feed`);
    expect(parsed.id).toMatch(/^tag:/);
    expect(parsed.title).toBeTruthy();
    expect(parsed.updated).toMatch(rfc3339);
    expect(parsed.feedAuthor).toBe(1);
    expect(parsed.links).toContainEqual({ rel: 'self', href: feedUrl });
    const listed = parsed.entries.map(
      (entry) =>
        entry.links
          .find((link) => link.rel === 'alternate')
          ?.href?.split('/')
          .pop() ?? '',
    );
    expect(listed).toEqual(emailed);
    for (const entry of parsed.entries) {
      expect(entry.id).toMatch(/^tag:/);
      expect(entry.title).toBeTruthy();
      expect(entry.updated).toMatch(rfc3339);
      expect(entry.summary).toBeTruthy();
      expect(entry.authors.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('answers an altered feed link with a 400 and a plain message', async () => {
    const preferences = await (
      await fetch(`${stack.urls.app}/api/preferences?token=${encodeURIComponent(manageToken)}`)
    ).json();
    const altered = new URL(local(preferences.feedUrl));
    altered.searchParams.set('token', `${altered.searchParams.get('token')}x`);
    const response = await fetch(altered);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toContain('This link is incomplete or has been altered.');
  });

  it('lists every day in the archive, and a day’s page lists its papers per topic', async () => {
    await page.goto(`${stack.urls.app}/archive`);
    const days = await page
      .locator('.day-list a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(days).toEqual(['/archive/2025-11-13', '/archive/2025-11-12', '/archive/2025-11-11']);
    expect(await page.locator('meta[name=robots]').getAttribute('content')).toBe('index, follow');
    expect(await page.locator('a[href="/"]').count()).toBeGreaterThan(0);
    await screenshots('archive');

    await Promise.all([page.waitForURL(/\/archive\/2025-11-12$/), page.click(`a[href="/archive/${DAY}"]`)]);
    await page.locator('section[data-topic]').first().waitFor();
    const shown: Record<string, string[]> = {};
    for (const section of await page.locator('section[data-topic]').all())
      shown[(await section.getAttribute('data-topic')) as string] = (await idsOn(
        section,
        'li[data-paper-id]',
      )) as string[];
    const others = (await idsOn(page.locator('#other-papers'), 'li[data-paper-id]')) as string[];

    // What the digest's matcher says, with the vocabulary a digest run reads.
    const papers = await stack.services.papers.listByDays([DAY]);
    const matcher = createMatcher(papers, { vocabulary: await digestVocabulary(stack.services.vocabulary) });
    const expected: Record<string, string[]> = {};
    for (const topic of topicCatalog) {
      const ids = matcher.match({ kind: 'catalog', id: topic.id }).map((hit) => hit.paperId);
      if (ids.length) expected[topic.id] = ids.sort();
    }
    const sorted = Object.fromEntries(Object.entries(shown).map(([id, ids]) => [id, [...ids].sort()]));
    expect(Object.keys(shown)).toEqual(Object.keys(expected));
    expect(sorted).toEqual(expected);
    expect(Object.keys(shown).length).toBeGreaterThan(1);
    const everyPaper = new Set([...Object.values(shown).flat(), ...others]);
    expect([...everyPaper].sort()).toEqual(papers.map((paper) => paper.id).sort());
    await screenshots('archive-day');
  }, 90_000);

  it('shows one topic of the day with summaries, and links to subscribe', async () => {
    await page.goto(`${stack.urls.app}/archive/${DAY}`);
    const topic = (await page.locator('section[data-topic]').first().getAttribute('data-topic')) as string;
    const onDay = await idsOn(page.locator(`section[data-topic="${topic}"]`), 'li[data-paper-id]');
    await Promise.all([
      page.waitForURL(new RegExp(`/archive/${DAY}/${topic}$`)),
      page.locator(`section[data-topic="${topic}"] a.more-link`).click(),
    ]);

    expect(await idsOn(page, 'article.paper-card')).toEqual(onDay);
    expect(await page.locator('article.paper-card .paper-summary').first().innerText()).not.toBe('');
    expect(await page.locator('.cta a[href="/"]').innerText()).toMatch(/subscribe/i);
    expect(await page.locator('article.paper-card form').count()).toBe(0);
    await screenshots('archive-topic');
  }, 60_000);

  it('says what is wrong with an unknown day, a bad date and an unknown topic', async () => {
    const unknownDay = await page.goto(`${stack.urls.app}/archive/2025-11-10`);
    expect(unknownDay?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain('no papers for Monday, 10 November 2025');
    await screenshots('archive-missing');

    const badDate = await page.goto(`${stack.urls.app}/archive/2025-13-45`);
    expect(badDate?.status()).toBe(400);
    expect(await page.locator('main').innerText()).toContain('“2025-13-45” is not a date');

    const unknownTopic = await page.goto(`${stack.urls.app}/archive/${DAY}/knitting`);
    expect(unknownTopic?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain('no curated topic “knitting”');
  }, 60_000);
});
