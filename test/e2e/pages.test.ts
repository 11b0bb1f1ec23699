import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { launchBrowser, screenshotPath } from '../support/browser';
import { startTestStack, type TestStack } from '../support/local-stack';
import { HF_DAYS_DIR } from '../support/paths';
import { linksTo, readInbox, waitForEmail } from '../support/ses-inbox';

/** The pages as a person uses them, in headless Chromium against the real local stack. */
let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const READER = 'grace@example.com';

/** Content-Security-Policy violations the browser reports, and the policy each HTML response carried. */
const cspViolations: string[] = [];
const htmlResponses: { path: string; status: number; policy: string | undefined }[] = [];
const CSP_PROBLEM = /content security policy|trusted ?type/i;

async function watchContentSecurityPolicy(page: Page): Promise<void> {
  // Reported from the page on every document, before its own scripts run; the binding is not subject to CSP.
  await page.exposeFunction('reportCspViolation', (violation: string) => cspViolations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (violation: string) => void })
        .reportCspViolation;
      void report(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} on ${location.pathname}` +
          (event.sample ? `: ${event.sample}` : ''),
      );
    });
  });
  page.on('console', (message) => {
    if (CSP_PROBLEM.test(message.text())) cspViolations.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    if (CSP_PROBLEM.test(error.message)) cspViolations.push(`page error: ${error.message}`);
  });
  page.on('response', async (response: Response) => {
    if (response.request().resourceType() !== 'document') return;
    const headers = await response.allHeaders();
    if (!headers['content-type']?.startsWith('text/html')) return;
    htmlResponses.push({
      path: new URL(response.url()).pathname,
      status: response.status(),
      policy: headers['content-security-policy'],
    });
  });
}

beforeAll(async () => {
  stack = await startTestStack();
  for (const day of ['2025-11-11', '2025-11-12', '2025-11-13']) {
    const raw = JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8'));
    await stack.services.papers.upsert(parseDailyPapers(raw, day).papers);
  }
  ({ browser, context } = await launchBrowser());
  page = await context.newPage();
  await watchContentSecurityPolicy(page);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const stored = () => stack.services.subscribers.findByEmail(READER);
/** Whether the element is on screen, wholly, in the current viewport. */
const inView = (locator: Locator) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
  });

afterEach(async () => {
  // Let violation reports of the last action reach the test before checking.
  await page.waitForTimeout(100);
  const seen = cspViolations.splice(0);
  expect(seen).toEqual([]);
});

describe('pages in a real browser', () => {
  let preferencesUrl = '';

  it('signs up from the landing page with topics and own keywords', async () => {
    await page.goto(stack.urls.app);
    await page.screenshot({ path: screenshotPath('landing'), fullPage: true });
    await page.fill('input[name=email]', READER);
    await page.check('input[name=topics][value=ai-agents]');
    await page.check('input[name=topics][value=video-generation]');
    await page.fill('textarea[name=keywords]', 'speculative decoding');
    await page.click('button[type=submit]');
    await page.locator('#form-message').filter({ hasText: /inbox/i }).waitFor();
    await page.screenshot({ path: screenshotPath('landing-sent'), fullPage: true });
    await stack.mailDone();

    const subscriber = await stored();
    expect(subscriber?.status).toBe('unconfirmed');
    expect(subscriber?.preferences.topics).toEqual(['ai-agents', 'video-generation']);
    expect(subscriber?.preferences.keywords).toEqual(['speculative decoding']);
    expect(await readInbox(stack.urls.inbox, READER)).toHaveLength(1);
  });

  it('shows a validation error next to the field, in view, without losing what was typed', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(stack.urls.app);
    await page.fill('input[name=email]', 'not-an-email');
    await page.check('input[name=topics][value=ai-agents]');
    await page.click('#subscribe-form button[type=submit]');
    const error = page.locator('#email-error');
    await error.filter({ hasText: /email/i }).waitFor();
    await page.screenshot({ path: screenshotPath('landing-error') });

    expect(await error.innerText()).toBe('Enter a valid email address, like you@example.com.');
    expect(await inView(error)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-describedby')).toContain('email-error');
    expect(await page.locator('#form-message').innerText()).toBe('');
    expect(await page.inputValue('input[name=email]')).toBe('not-an-email');
    expect(await page.isChecked('input[name=topics][value=ai-agents]')).toBe(true);

    // Typing in the field takes the error away.
    await page.fill('input[name=email]', 'not-an-email.');
    expect(await error.innerText()).toBe('');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBeNull();
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it("shows the server's refusal of an address at the field too, in sentence case", async () => {
    await page.goto(stack.urls.app);
    // Past the page's own check: the server knows more (at most 64 characters before the @).
    await page.fill('input[name=email]', `${'a'.repeat(65)}@example.com`);
    await page.check('input[name=topics][value=ai-agents]');
    await page.click('#subscribe-form button[type=submit]');
    const error = page.locator('#email-error');
    await error.filter({ hasText: /64/ }).waitFor();

    expect(await error.innerText()).toMatch(/^Email is not a valid address: the part before the @ is longer/);
    expect(await inView(error)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
  });

  it('asks for at least one topic, keyword or paper before sending, at the topics', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(stack.urls.app);
    const sent: string[] = [];
    const watch = (request: { url: () => string }) => void sent.push(request.url());
    page.on('request', watch);
    await page.fill('input[name=email]', 'nobody@example.com');
    await page.click('#subscribe-form button[type=submit]');
    const error = page.locator('#topics-error');
    await error.filter({ hasText: /at least one topic/ }).waitFor();
    await page.screenshot({ path: screenshotPath('landing-no-topic') });
    const focused = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name);
    const errorInView = await inView(error);
    page.off('request', watch);

    // A keyword is enough: the error goes as soon as one is typed.
    await page.fill('textarea[name=keywords]', 'speculative decoding');
    const afterTyping = await error.innerText();
    await page.setViewportSize({ width: 1200, height: 900 });

    expect(focused).toBe('topics');
    expect(errorInView).toBe(true);
    expect(sent.filter((url) => url.includes('/api/subscribe'))).toEqual([]);
    expect(afterTyping).toBe('');
    expect(await stack.services.subscribers.findByEmail('nobody@example.com')).toBeUndefined();
  });

  it('confirms with the button on the page the email links to, not by opening it', async () => {
    const [confirmation] = await readInbox(stack.urls.inbox, READER);
    const [link] = linksTo(confirmation.body.html ?? '', '/confirm');
    await page.goto(link.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app));
    await page.screenshot({ path: screenshotPath('confirm') });
    const statusAfterOpening = (await stored())?.status;

    await Promise.all([page.waitForURL(/\/preferences\?token=/), page.click('#confirm-button')]);
    await page.locator('#welcome-banner').waitFor({ state: 'visible' });
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    preferencesUrl = page.url();
    // Said once: the address bar loses welcome=1, so a reload or a bookmark does not say it again.
    await page.reload();
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const bannerAfterReload = await page.locator('#welcome-banner').count();

    expect(preferencesUrl).toMatch(/\/preferences\?token=[^&]+$/);
    expect(bannerAfterReload).toBe(0);
    expect(statusAfterOpening).toBe('unconfirmed');
    expect((await stored())?.status).toBe('confirmed');
  });

  it('edits topics, keywords, follows, cadence and size, with a live preview of recent papers', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    expect(await page.isChecked('input[name=topics][value=ai-agents]')).toBe(true);

    await page.uncheck('input[name=topics][value=video-generation]');
    await page.fill('textarea[name=keywords]', 'speculative decoding\nvideo generation');
    await page.locator('#preview li').first().waitFor({ timeout: 10_000 });
    const previewText = await page.locator('#preview').innerText();
    await page.fill('textarea[name=organizations]', 'NVIDIA');
    await page.fill('textarea[name=authors]', 'Yann LeCun');
    await page.check('input[name=cadence][value=weekly]');
    await page.selectOption('select[name=weekday]', '5');
    await page.fill('input[name=papersPerEmail]', '7');
    await page.click('#save-button');
    await page.locator('#save-message').filter({ hasText: /saved/i }).waitFor();
    await page.screenshot({ path: screenshotPath('preferences-saved'), fullPage: true });

    expect(previewText.length).toBeGreaterThan(20);
    expect((await stored())?.preferences).toMatchObject({
      topics: ['ai-agents'],
      keywords: ['speculative decoding', 'video generation'],
      organizations: ['NVIDIA'],
      authors: ['Yann LeCun'],
      cadence: 'weekly',
      weekday: 5,
      papersPerEmail: 7,
    });
  });

  it('says what the preview is doing: too short, looking, failed, and asks again after a failure', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const preview = page.locator('#preview');
    const keywords = page.locator('textarea[name=keywords]');
    await keywords.fill('x');
    await preview.filter({ hasText: /A keyword is 2 to 100 characters; this one is 1\./ }).waitFor();

    let failNext = true; // the first answer is API Gateway's throttling: asked again, not final
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/preview*', async (route) => {
      if (failNext) {
        failNext = false;
        await route.fulfill({
          status: 429,
          contentType: 'application/json',
          body: JSON.stringify({ message: 'Too Many Requests' }),
        });
        return;
      }
      await held;
      await route.continue();
    });
    await keywords.fill('video generation');
    await preview.filter({ hasText: /not available right now/ }).waitFor();
    await keywords.press('End');
    await preview.locator('.looking').waitFor();
    const busyWhileLooking = await preview.getAttribute('aria-busy');
    // A second keyword while the first is still out: one "Looking" line, for the second.
    await keywords.fill('video generation, speculative decoding');
    await preview
      .locator('.looking')
      .filter({ hasText: /speculative decoding/ })
      .waitFor();
    const lookingLines = await preview.locator('.looking').count();
    await page.screenshot({ path: screenshotPath('preferences-preview-looking') });
    release();
    await preview.locator('li').first().waitFor();
    await preview.screenshot({ path: screenshotPath('preferences-preview-results') });
    await page.unroute('**/api/preview*');

    await keywords.fill('world models');
    const offer = preview.locator('.curated', { hasText: 'World models' });
    await offer.waitFor();
    const offerText = await offer.innerText();
    await offer.locator('button').click();
    await offer.filter({ hasText: /“World models” is ticked above\./ }).waitFor();
    await preview.screenshot({ path: screenshotPath('preferences-preview-curated') });

    expect(offerText).toMatch(/The curated topic “World models” covers this too \(also world simulator/);
    expect(await page.isChecked('input[name=topics][value=world-models]')).toBe(true);
    expect(busyWhileLooking).toBe('true');
    expect(lookingLines).toBe(1);
    expect(await preview.getAttribute('aria-busy')).toBeNull();
    expect(await preview.locator('.looking').count()).toBe(0);
  });

  it('rejects a bad value with a message at the field and beside Save, and keeps what was stored', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    await page.fill('input[name=papersPerEmail]', '500');
    await page.click('#save-button');
    const error = page.locator('#papersPerEmail-error');
    await error.filter({ hasText: /50/ }).waitFor();
    const saveMessage = await page.locator('#save-message').innerText();
    const errorInView = await inView(error);
    const focused = await page.evaluate(() => document.activeElement?.id);
    await page.screenshot({ path: screenshotPath('preferences-error-phone') });

    // One the page cannot tell: the server's refusal lands at its field.
    await page.fill('input[name=papersPerEmail]', '7');
    await page.fill('textarea[name=keywords]', 'speculative decoding\nx');
    await page.click('#save-button');
    const keywordError = page.locator('#keywords-error');
    await keywordError.filter({ hasText: /Keyword 2/ }).waitFor();
    const keywordErrorText = await keywordError.innerText();
    const keywordErrorInView = await inView(keywordError);
    const keywordsFocused = await page.evaluate(() => document.activeElement?.id);
    const keywordsInvalid = await page.getAttribute('textarea[name=keywords]', 'aria-invalid');
    await page.setViewportSize({ width: 1200, height: 900 });

    expect(await error.innerText()).toBe('');
    expect(saveMessage).toBe('Not saved. Papers per email is a whole number from 1 to 50.');
    expect(errorInView).toBe(true);
    expect(focused).toBe('papersPerEmail');
    expect(keywordErrorText).toBe('Keyword 2 (“x”) must be at least 2 characters.');
    expect(keywordErrorInView).toBe(true);
    expect(keywordsFocused).toBe('keywords');
    expect(keywordsInvalid).toBe('true');
    expect(await page.locator('#save-message').innerText()).toMatch(/^Not saved\. Keyword 2/);
    expect((await stored())?.preferences.papersPerEmail).toBe(7);
    expect((await stored())?.preferences.keywords).toEqual(['speculative decoding', 'video generation']);
  });

  it('shows the personal feed address with a copy button when the API gives one, and nothing when not', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const feedUrl = (await (
      await fetch(
        `${stack.urls.app}/api/preferences?token=${new URL(preferencesUrl).searchParams.get('token')}`,
      )
    ).json()) as { feedUrl?: string };
    const shownWhenGiven = feedUrl.feedUrl ? await page.inputValue('#feed-url') : undefined;

    // The same page when the API answers without a feed address: no "Your feed" line.
    await page.route('**/api/preferences?*', async (route) => {
      const response = await route.fetch();
      const { feedUrl: _omitted, ...body } = await response.json();
      await route.fulfill({ response, json: body });
    });
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const hiddenWithout = await page.locator('#feed-field').isHidden();
    await page.unroute('**/api/preferences?*');

    // And with one, whatever the server says today.
    await page.route('**/api/preferences?*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, feedUrl: 'http://localhost/feed?token=abc' } });
    });
    await page.goto(preferencesUrl);
    await page.locator('#feed-field').waitFor({ state: 'visible' });
    const shown = await page.inputValue('#feed-url');
    await page.click('#feed-copy');
    await page.locator('#status').filter({ hasText: 'Feed address copied' }).waitFor();
    await page.locator('#feed-field').screenshot({ path: screenshotPath('preferences-feed') });
    await page.unroute('**/api/preferences?*');

    if (feedUrl.feedUrl) expect(shownWhenGiven).toBe(feedUrl.feedUrl);
    expect(hiddenWithout).toBe(true);
    expect(shown).toBe('http://localhost/feed?token=abc');
  });

  it('pauses, unsubscribes and resubscribes', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    await page.check('input[name=paused]');
    await page.click('#save-button');
    await page.locator('#save-message').filter({ hasText: /saved/i }).waitFor();
    const paused = (await stored())?.preferences.paused;

    await page.click('#unsubscribe-button');
    await page.locator('#unsubscribed-panel').waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('preferences-unsubscribed') });
    const afterUnsubscribe = (await stored())?.status;
    await page.click('#resubscribe-button');
    await page.locator('#preferences-form').waitFor({ state: 'visible' });

    expect(paused).toBe(true);
    expect(afterUnsubscribe).toBe('unsubscribed');
    expect((await stored())?.status).toBe('confirmed');
  });

  it('answers a confirmation link sent before an unsubscribe with the 410 page, and offers no button', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    await page.click('#unsubscribe-button');
    await page.locator('#unsubscribed-panel').waitFor({ state: 'visible' });
    const [confirmation] = await readInbox(stack.urls.inbox, READER);
    const [link] = linksTo(confirmation.body.html ?? '', '/confirm');
    const before = await stored();

    const opened = await page.goto(link.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app));
    await page.screenshot({ path: screenshotPath('confirm-after-unsubscribe') });
    const title = await page.locator('h1').innerText();
    const message = await page.locator('.lede').innerText();
    const forms = await page.locator('form').count();
    const after = await stored();
    await page.goto(preferencesUrl);
    await page.click('#resubscribe-button');
    await page.locator('#preferences-form').waitFor({ state: 'visible' });

    expect(before?.status).toBe('unsubscribed');
    expect(opened?.status()).toBe(410);
    expect(title).toBe('This link is no longer valid');
    expect(message).toBe('You unsubscribed after this link was sent. Subscribe again from the home page.');
    expect(forms).toBe(0);
    expect(after).toEqual(before);
    expect((await stored())?.status).toBe('confirmed');
  });

  it('gets a new link: the email arrives, its link opens the settings, the old links are dead', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('preferences-new-link-section'), fullPage: true });
    await page.locator('#links-panel').screenshot({ path: screenshotPath('preferences-new-link-card') });
    const [confirmation] = await readInbox(stack.urls.inbox, READER);
    const [oldConfirmLink] = linksTo(confirmation.body.html ?? '', '/confirm');
    const versionBefore = (await stored())?.tokenVersion ?? 0;

    await page.click('#renew-button');
    const message = page.locator('#renew-message');
    await message.filter({ hasText: /new link/i }).waitFor();
    await page.screenshot({ path: screenshotPath('preferences-new-link-sent'), fullPage: true });
    const messageText = await message.innerText();
    const formHidden = await page.locator('#preferences-form').isHidden();
    const newLinkEmail = await waitForEmail(
      stack.urls.inbox,
      (email) => email.destination.to.includes(READER) && email.subject === 'Your new paperboy link',
    );
    const [newLink] = linksTo(newLinkEmail.body.html ?? '', '/preferences');
    const newUrl = newLink.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app);

    await page.goto(newUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const emailShown = await page.locator('#account-email').innerText();
    const oldPage = await page.goto(preferencesUrl);
    await page.screenshot({ path: screenshotPath('preferences-old-link') });
    const oldPageTitle = await page.locator('h1').innerText();
    const oldConfirm = await page.goto(
      oldConfirmLink.toString().replace(/^https?:\/\/[^/]+/, stack.urls.app),
    );

    expect(messageText).toMatch(/Check your inbox/);
    expect(messageText).toMatch(/neither does the link of this page/);
    expect(formHidden).toBe(true);
    expect(newLinkEmail.body.text).toContain('no longer work');
    expect((await stored())?.tokenVersion).toBe(versionBefore + 1);
    expect(emailShown).toBe(READER);
    expect(oldPage?.status()).toBe(410);
    expect(oldPageTitle).toBe('This link is no longer valid');
    expect(oldConfirm?.status()).toBe(410);
    // The rest of the story goes on with the new link.
    preferencesUrl = newUrl;
  });

  it('exports the data as JSON and deletes everything after asking', async () => {
    await page.goto(preferencesUrl);
    await page.locator('#preferences-form').waitFor({ state: 'visible' });
    const href = (await page.getAttribute('#export-link', 'href')) as string;
    const exported = await (await fetch(new URL(href, stack.urls.app))).json();

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#delete-button');
    await page.locator('#deleted-panel').waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('preferences-deleted') });

    expect(exported.subscriber.email).toBe(READER);
    expect(await stored()).toBeUndefined();
  });

  it('shows a clear error page for a tampered link', async () => {
    const response = await page.goto(`${stack.urls.app}/preferences?token=tampered.token`);
    await page.screenshot({ path: screenshotPath('bad-link') });
    expect(response?.status()).toBe(400);
    expect(await page.locator('h1').innerText()).toMatch(/link/i);
  });

  it('fits a phone screen, compactly: every topic a tick away, two to a row', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(stack.urls.app);
    await page.screenshot({ path: screenshotPath('landing-mobile'), fullPage: true });
    const measure = () =>
      page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        height: document.documentElement.scrollHeight,
        columns: new Set(
          Array.from(document.querySelectorAll('.topic'), (topic) => topic.getBoundingClientRect().left),
        ).size,
        topics: document.querySelectorAll('.topic').length,
        visibleTopics: Array.from(document.querySelectorAll('.topic')).filter((topic) => {
          const box = topic.getBoundingClientRect();
          return box.width > 100 && box.height > 20;
        }).length,
      }));
    const landing = await measure();
    // The descriptions are a button away (and in each checkbox's name all along).
    const description = page.locator('.topic small').first();
    const describedBefore = await description.boundingBox();
    const accessibleName = await page
      .getByRole('checkbox', { name: /LLM reasoning.*chain of thought/i })
      .count();
    await page.click('.topics-toggle');
    const describedAfter = await description.boundingBox();
    const expanded = await page.getAttribute('.topics-toggle', 'aria-expanded');
    await page.setViewportSize({ width: 1200, height: 900 });

    expect(landing.overflow).toBeLessThanOrEqual(0);
    expect(landing.columns).toBe(2);
    expect(landing.visibleTopics).toBe(landing.topics);
    expect(landing.height).toBeLessThan(2_800);
    expect(describedBefore?.width ?? 0).toBeLessThanOrEqual(1);
    expect(describedAfter?.width ?? 0).toBeGreaterThan(100);
    expect(expanded).toBe('true');
    expect(accessibleName).toBe(1);
  });

  it('served every page with a strict Content-Security-Policy', () => {
    expect(new Set(htmlResponses.map(({ path }) => path))).toEqual(
      new Set(['/', '/confirm', '/preferences']),
    );
    expect(htmlResponses.some(({ status }) => status === 400)).toBe(true);
    for (const { policy } of htmlResponses) {
      expect(policy).toMatch(/^default-src 'none'; script-src 'sha256-/);
      expect(policy).not.toContain('unsafe-inline');
    }
  });

  it('blocks and reports a style the policy does not list', async () => {
    await page.goto(stack.urls.app);
    const color = await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: rgb(255, 0, 0) }';
      document.head.append(style);
      return getComputedStyle(document.body).color;
    });
    await page.waitForTimeout(100);
    const seen = cspViolations.splice(0);

    expect(color).not.toBe('rgb(255, 0, 0)');
    expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(/^style-src-elem blocked inline/)]));
  });
});
