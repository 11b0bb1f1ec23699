import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';
import { personalize, type RenderedEmail } from '../../../functions/adapters/render/email-renderer';
import { createRenderer } from '../../../functions/adapters/render/precompiled-renderer';
import { toPaperView } from '../../../functions/core/digests/paper-view';
import { createMatcher, rankForDigest, topicNaming, type TopicRef } from '../../../functions/core/matching';
import { shippedVocabulary } from '../../../functions/core/matching/shipped-vocabulary';
import type { Paper } from '../../../functions/core/papers';
import { launchBrowser } from '../../support/browser';
import { ARTIFACTS_DIR, HF_DAYS_DIR } from '../../support/paths';

/**
 * The emails as a reader sees them, in headless Chromium: the digest of real papers (a reader's real
 * matches over the daily window of 2025-11-13), the confirmation and the new-link email, at a phone's and
 * a desktop's width, light and dark, and the digest with images off. PNGs in
 * test-artifacts/screenshots/emails/email-<name>-<width>-<scheme>[-images-off].png, to look at; each shot
 * is checked for what would look wrong (a sideways scroll on the phone, light paper in dark mode, a
 * thumbnail that did not load, a contents link that goes nowhere).
 */
const OUT_DIR = path.join(ARTIFACTS_DIR, 'screenshots', 'emails');
const WIDTHS = [390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;
const DAYS = ['2025-11-11', '2025-11-12', '2025-11-13'];
const origin = 'https://paperboy.example';

const papersOf = (day: string): Paper[] =>
  parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8')), day).papers;

/** A reader's digest over the daily window, ranked and explained as the planner does it. */
function realDigest() {
  const window = DAYS.flatMap(papersOf);
  const byId = new Map(window.map((paper) => [paper.id, paper]));
  const matcher = createMatcher(window, { vocabulary: shippedVocabulary() });
  const topics: TopicRef[] = [
    { kind: 'catalog', id: 'ai-agents' },
    { kind: 'catalog', id: 'world-models' },
    { kind: 'catalog', id: 'llm-reasoning' },
    { kind: 'keyword', text: 'speculative decoding' },
    { kind: 'organization', name: 'NVIDIA' },
  ];
  const ranked = rankForDigest(
    topics.map((topic) => ({ topic, hits: matcher.match(topic), naming: topicNaming(topic) })),
    byId,
    10,
  );
  return {
    papers: ranked.map(({ paperId, why }) => toPaperView(byId.get(paperId) as Paper, why)),
    papersInWindow: window.length,
  };
}

const links = {
  manageUrl: `${origin}/preferences?token=manage-token`,
  unsubscribeUrl: `${origin}/unsubscribe?token=unsubscribe-token`,
  viewUrl: `${origin}/digest?token=view-token`,
  rateUrl: (paperId: string) => `${origin}/rate?token=rate-${paperId}`,
};

let browser: Browser;
let context: BrowserContext;
let page: Page;
let thumbnail: Buffer;
let digest: RenderedEmail;
let digestPapers: ReturnType<typeof realDigest>['papers'];
const emails: Record<string, RenderedEmail> = {};

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  const renderer = createRenderer();
  const { papers, papersInWindow } = realDigest();
  digestPapers = papers;
  digest = personalize(
    await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers, papersInWindow }),
    links,
  );
  emails.digest = digest;
  emails.confirmation = await renderer.renderConfirmation({ confirmUrl: `${origin}/confirm?token=c` });
  emails['new-link'] = await renderer.renderNewLink(links);
  ({ browser, context } = await launchBrowser());
  page = await context.newPage();
  // The thumbnails live on Hugging Face's CDN: the test runs offline, so it draws a stand-in of the
  // same shape (1200×648, a title card) and serves that.
  await page.setViewportSize({ width: 1200, height: 648 });
  await page.setContent(
    '<body style="margin:0"><div style="width:1200px;height:648px;display:flex;align-items:center;justify-content:center;' +
      'background:linear-gradient(135deg,#fde68a,#fb923c 60%,#9a3412);font:700 72px sans-serif;color:#fff">thumbnail</div></body>',
  );
  thumbnail = await page.screenshot({ clip: { x: 0, y: 0, width: 1200, height: 648 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

async function open(
  html: string,
  width: number,
  scheme: 'light' | 'dark',
  images: 'on' | 'off',
): Promise<Page> {
  await page.unrouteAll();
  await page.route('**/*', (route) => {
    const request = route.request();
    if (request.resourceType() === 'image' && images === 'on')
      return route.fulfill({ status: 200, contentType: 'image/png', body: thumbnail });
    return route.abort();
  });
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme });
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

async function shoot(name: string): Promise<string> {
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(10_000);
  // A phone's shot is long: its first screen too, at full size, to judge type and spacing.
  if ((page.viewportSize()?.width ?? 0) < 500)
    await page.screenshot({ path: path.join(OUT_DIR, `${name}-first-screen.png`) });
  return file;
}

/** The page's widest content: more than the viewport is a sideways scroll. */
const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);

/** The colour the reader sees behind the paper cards. */
const sheetBackground = () =>
  page.evaluate(() => getComputedStyle(document.querySelector('.sheet') as Element).backgroundColor);

/** Relative luminance of an rgb() colour, 0 (black) to 1 (white). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((channel) => {
    const value = Number(channel) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('the emails in a browser, screenshotted', () => {
  it('has a digest of real matches, with a contents and thumbnails to show', () => {
    expect(digestPapers.length).toBeGreaterThanOrEqual(5);
    expect(digestPapers.some((paper) => paper.thumbnailUrl)).toBe(true);
    expect(digest.html).toContain('In this email');
  });

  describe.each(WIDTHS)('at %i px', (width) => {
    it.each(SCHEMES)(
      'shows the digest whole, in the %s scheme, without a sideways scroll',
      async (scheme) => {
        await open(digest.html, width, scheme, 'on');
        await shoot(`email-digest-${width}-${scheme}`);

        expect(await scrollWidth()).toBeLessThanOrEqual(width);
        const background = luminance(await sheetBackground());
        if (scheme === 'dark') expect(background).toBeLessThan(0.05);
        else expect(background).toBeGreaterThan(0.9);
        // The title's colour reads on that background: dark on light, light on dark.
        const title = luminance(
          await page.evaluate(() => getComputedStyle(document.querySelector('.title a') as Element).color),
        );
        expect(Math.abs(title - background)).toBeGreaterThan(0.3);
        const thumbnails = await page.$$eval('img.thumb', (images) =>
          images.map((image) => (image as HTMLImageElement).naturalWidth),
        );
        expect(thumbnails.length).toBe(digestPapers.filter((paper) => paper.thumbnailUrl).length);
        for (const naturalWidth of thumbnails) expect(naturalWidth).toBe(1200);
      },
    );

    it('keeps the digest readable with images off: every title, the alt text, the view link on the first screen', async () => {
      await open(digest.html, width, 'light', 'off');
      await shoot(`email-digest-${width}-light-images-off`);

      expect(await scrollWidth()).toBeLessThanOrEqual(width);
      const text = await page.evaluate(() => document.body.innerText);
      for (const paper of digestPapers) expect(text).toContain(paper.title);
      const alts = await page.$$eval('img.thumb', (images) =>
        images.map((image) => image.getAttribute('alt')),
      );
      expect(alts.every((alt) => alt && alt.length > 0)).toBe(true);
      const view = page.getByRole('link', { name: 'View in browser', exact: true });
      const box = await view.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThan(200);
      expect(await view.getAttribute('href')).toBe(links.viewUrl);
    });

    it.each(['confirmation', 'new-link'])('shows the %s email in both schemes', async (name) => {
      for (const scheme of SCHEMES) {
        await open(emails[name].html, width, scheme, 'on');
        await shoot(`email-${name}-${width}-${scheme}`);
        expect(await scrollWidth()).toBeLessThanOrEqual(width);
        const background = luminance(await sheetBackground());
        if (scheme === 'dark') expect(background).toBeLessThan(0.05);
        else expect(background).toBeGreaterThan(0.9);
      }
    });
  });

  it('links each contents entry to a paper card of the email', async () => {
    await open(digest.html, 1280, 'light', 'on');

    const targets = await page.$$eval('.toc a', (anchors) =>
      anchors.map((anchor) => {
        const id = (anchor.getAttribute('href') ?? '').slice(1);
        return { id, found: document.getElementById(id)?.classList.contains('paper') ?? false };
      }),
    );
    expect(targets).toHaveLength(digestPapers.length);
    for (const target of targets) expect(target).toMatchObject({ found: true });
    // Following one scrolls down to its card (the last one: as far as the page goes).
    const last = targets[targets.length - 1];
    await page.click(`.toc a[href="#${last.id}"]`);
    const where = await page.evaluate((id) => {
      const card = document.getElementById(id)?.getBoundingClientRect();
      return { scrolled: window.scrollY, top: card?.top ?? -1, viewport: window.innerHeight };
    }, last.id);
    expect(where.scrolled).toBeGreaterThan(1000);
    expect(where.top).toBeGreaterThanOrEqual(0);
    expect(where.top).toBeLessThan(where.viewport);
  });
});
