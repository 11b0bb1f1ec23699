import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../support/browser';
import { ingestDays, onStack, signUpAndConfirm } from '../support/browser-story';
import { startTestStack, type TestStack } from '../support/local-stack';
import { linksTo, readInbox, type StoredEmail } from '../support/ses-inbox';

/**
 * Ratings and example papers as a reader uses them, in headless Chromium against the real local stack:
 * papers like these at sign-up, the rating links of a digest (a page that asks; opening records
 * nothing), the undo on the settings page, rating from the preview, and the next digest learning from it.
 */
let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const READER = 'ada@example.com';
/** Robot Learning from a Physical World Model (2025-11-11), pasted as a link at sign-up. */
const EXAMPLE = '2511.07416';
/** WMPO: World Model-based Policy Optimization for VLA models (2025-11-13): like the example. */
const LIKE_EXAMPLE = '2511.09515';

const stored = () => stack.services.subscribers.findByEmail(READER);
const local = (url: URL) => onStack(stack, url);
const digests = async (): Promise<StoredEmail[]> =>
  (await readInbox(stack.urls.inbox, READER)).filter((email) => email.subject.startsWith('paperboy ·'));
const paperIdsIn = (html: string) => [
  ...new Set([...html.matchAll(/huggingface\.co\/papers\/([\w.]+)/g)].map((match) => match[1])),
];

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

describe('ratings and example papers in a real browser', () => {
  let preferencesUrl = '';
  let firstDigest: StoredEmail;

  it('signs up with a keyword and a paper pasted as a link ("papers like these")', async () => {
    preferencesUrl = await signUpAndConfirm(page, stack, READER, {
      fill: { keywords: 'AI agents', examplePapers: `https://arxiv.org/abs/${EXAMPLE}v1` },
    });
    await page.locator('#example-titles li').first().waitFor();
    await page.screenshot({ path: screenshotPath('ratings-preferences-example-papers'), fullPage: true });

    expect((await stored())?.preferences.examplePapers).toEqual([EXAMPLE]);
    expect(await page.locator('#example-titles').innerText()).toContain(
      'Robot Learning from a Physical World Model',
    );
    expect(await page.inputValue('textarea[name=examplePapers]')).toBe(EXAMPLE);
  }, 60_000);

  it('sends a digest whose every paper has a “More like this” and a “Not for me” link for this reader', async () => {
    expect((await stack.cli(['digest', '--date', '2025-11-12'])).code).toBe(0);
    [firstDigest] = await digests();
    const html = firstDigest.body.html ?? '';
    const ids = paperIdsIn(html);
    const rateLinks = linksTo(html, '/rate');
    // Off the app's origin: its Content-Security-Policy (trusted types) would refuse the email's markup.
    await page.goto('about:blank');
    await page.setContent(html);
    await page.screenshot({ path: screenshotPath('ratings-digest-email'), fullPage: true });

    expect(ids.length).toBeGreaterThan(1);
    expect(rateLinks).toHaveLength(2 * ids.length);
    expect(rateLinks.map((link) => link.searchParams.get('verdict'))).toEqual(
      ids.flatMap(() => ['more', 'less']),
    );
    // One signed link per paper: the two choices share it, no two papers do.
    expect(new Set(rateLinks.map((link) => link.searchParams.get('token'))).size).toBe(ids.length);
    expect(firstDigest.body.text).toContain('More like this or not for me? ');
  }, 120_000);

  it('records “Not for me” only on the button of the page the link opens, with an undo there', async () => {
    const html = firstDigest.body.html ?? '';
    const [firstPaper] = paperIdsIn(html);
    const notForMe = linksTo(html, '/rate').find((link) => link.searchParams.get('verdict') === 'less');
    await page.goto(local(notForMe as URL));
    await page.screenshot({ path: screenshotPath('ratings-rate-page') });
    const afterOpening = (await stored())?.ratings;

    await Promise.all([page.waitForURL(/\/rate\?token=/), page.click('#rate-less')]);
    await page.locator('h1').filter({ hasText: 'Noted: not for me' }).waitFor();
    await page.screenshot({ path: screenshotPath('ratings-rate-page-noted') });

    expect(afterOpening).toBeUndefined();
    expect((await stored())?.ratings).toEqual({ liked: [], disliked: [firstPaper] });
    expect(await page.isVisible('#undo-button')).toBe(true);
  });

  it('records “More like this” from another paper’s link', async () => {
    const html = firstDigest.body.html ?? '';
    const [firstPaper, secondPaper] = paperIdsIn(html);
    const more = linksTo(html, '/rate').filter((link) => link.searchParams.get('verdict') === 'more')[1];
    await page.goto(local(more));
    await Promise.all([page.waitForURL(/\/rate\?token=/), page.click('#rate-more')]);
    await page.locator('h1').filter({ hasText: 'Noted: more like this' }).waitFor();

    expect((await stored())?.ratings).toEqual({ liked: [secondPaper], disliked: [firstPaper] });
  });

  it('lists the ratings on the settings page, and takes one back with its undo', async () => {
    const [firstPaper, secondPaper] = paperIdsIn(firstDigest.body.html ?? '');
    await page.goto(preferencesUrl);
    await page.locator('#ratings-list li').nth(1).waitFor();
    await page.screenshot({ path: screenshotPath('ratings-preferences-rated'), fullPage: true });
    const listed = await page.locator('#ratings-list li').allInnerTexts();

    await page
      .locator('#ratings-list li', { hasText: 'Not for me' })
      .getByRole('button', { name: /undo/i })
      .click();
    await page.locator('#status').filter({ hasText: 'Rating taken back' }).waitFor();

    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(/^More like this/);
    expect(listed[1]).toMatch(/^Not for me/);
    expect((await stored())?.ratings).toEqual({ liked: [secondPaper], disliked: [] });
    expect(await page.locator('#ratings-list li').count()).toBe(1);
    const [undone] = await stack.services.papers.getMany([firstPaper]);
    expect(listed[1]).toContain(undone.title.replace(/\s+/g, ' '));
    expect(await page.locator('#ratings-list').innerText()).not.toContain(undone.title.replace(/\s+/g, ' '));
  });

  it('rates a paper of the live preview, which the reader’s own ratings rank', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    await page.fill('textarea[name=keywords]', 'AI agents\nvideo generation');
    const firstItem = page.locator('#preview li').first();
    await firstItem.waitFor({ timeout: 10_000 });
    const title = await firstItem.locator('a').innerText();
    const more = firstItem.getByRole('button', { name: /^More like this/ });

    await more.click();
    await page
      .locator('#status')
      .filter({ hasText: /Noted: more papers like this one/ })
      .waitFor();
    await page.screenshot({ path: screenshotPath('ratings-preview-rated'), fullPage: true });

    expect(await more.getAttribute('aria-pressed')).toBe('true');
    const liked = (await stored())?.ratings?.liked ?? [];
    expect(liked).toHaveLength(2);
    const [rated] = await stack.services.papers.getMany([liked[1]]);
    expect(rated.title.replace(/\s+/g, ' ')).toBe(title);
    expect(await page.locator('#ratings-list').innerText()).toContain(title);
  }, 30_000);

  it('learns nothing it should not: what the reader rated or gave is never sent to them again', async () => {
    expect((await stack.cli(['digest', '--date', '2025-11-13'])).code).toBe(0);
    const next = (await digests()).find((email) => email.messageId !== firstDigest.messageId);
    const ids = paperIdsIn(next?.body.html ?? '');

    const { liked = [], disliked = [] } = (await stored())?.ratings ?? {};
    expect(ids.length).toBeGreaterThan(0);
    for (const id of [EXAMPLE, ...liked, ...disliked]) expect(ids).not.toContain(id);
  }, 120_000);

  it('gives a reader who signed up with example papers only ("papers like these") a paper like them, with the reason', async () => {
    const reader = 'alan@example.com';
    await signUpAndConfirm(page, stack, reader, {
      fill: { examplePapers: `https://huggingface.co/papers/${EXAMPLE}` },
    });

    expect((await stack.cli(['digest', '--date', '2025-11-13'])).code).toBe(0);
    const [digest] = (await readInbox(stack.urls.inbox, reader)).filter((email) =>
      email.subject.startsWith('paperboy ·'),
    );

    // WMPO (world-model policy optimization for VLA models) says nothing a keyword would have matched.
    expect(paperIdsIn(digest?.body.html ?? '')).toContain(LIKE_EXAMPLE);
    expect(digest?.body.text).toContain('like “Robot Learning from a Physical World Model”');
    expect(paperIdsIn(digest?.body.html ?? '')).not.toContain(EXAMPLE);
  }, 120_000);
});
