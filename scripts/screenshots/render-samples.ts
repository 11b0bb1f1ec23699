/**
 * Renders a sample digest, the confirmation and new-link emails and every page to PNGs under
 * test-artifacts/screenshots/, to look at. Pages run in headless Chromium against a fake API
 * (Playwright route interception); the real end-to-end tests live in test/e2e.
 *
 *   npx tsx scripts/screenshots/render-samples.ts
 */
import chromium from '@sparticuz/chromium';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium as playwright, type BrowserContext, type Page, type Route } from 'playwright-core';
import { HF_DAYS_DIR } from '../../data/paths';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { personalize } from '../../functions/adapters/render/email-renderer';
import { createRenderer } from '../../functions/adapters/render/precompiled-renderer';
import { createPageRenderer } from '../../functions/adapters/render/pages';
import { toPaperView } from '../../functions/core/digests/paper-view';
import { topicCatalog } from '../../functions/core/topics/catalog';

const repo = resolve(__dirname, '../..');
const outDir = join(repo, 'test-artifacts/screenshots');
const sampleDay = join(HF_DAYS_DIR, '2025-11-13.json');
const origin = 'http://paperboy.test';

const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 390, height: 844 };

const sampleWhy = [
  [{ topic: 'AI agents', matched: ['agents', 'generalist agent'] }],
  [
    { topic: 'Speculative decoding', matched: ['drafting tokens'] },
    { topic: 'Diffusion language models', matched: ['diffusion'] },
  ],
  [{ topic: 'Tool use', matched: ['tool calls'] }],
  [{ topic: 'RLHF', matched: ['Direct Preference Optimization', 'DPO'], related: true as const }],
];

// One context for all shots: @sparticuz/chromium runs --single-process, where closing a context ends the browser.
async function shoot(
  context: BrowserContext,
  name: string,
  viewport: { width: number; height: number },
  load: (page: Page) => Promise<void>,
) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await load(page);
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  // Phone shots are long: keep the first screen too, at full resolution, to judge type and spacing.
  if (viewport.width < 500) await page.screenshot({ path: join(outDir, `${name}-first-screen.png`) });
  await page.close();
  console.log(`  ${path}`);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const renderer = createRenderer();
  const pages = createPageRenderer();
  const topics = topicCatalog.map(({ id, name, description }) => ({ id, name, description }));

  const { papers } = parseDailyPapers(JSON.parse(readFileSync(sampleDay, 'utf8')), '2025-11-13');
  const views = papers.map((paper, index) => toPaperView(paper, sampleWhy[index % sampleWhy.length]));
  const links = {
    manageUrl: `${origin}/preferences?token=manage-token`,
    unsubscribeUrl: `${origin}/unsubscribe?token=unsubscribe-token`,
  };
  const digest = personalize(
    await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers: views }),
    links,
  );
  const confirmation = await renderer.renderConfirmation({
    confirmUrl: `${origin}/confirm?token=confirm-token`,
  });
  writeFileSync(join(outDir, 'digest.html'), digest.html);
  writeFileSync(join(outDir, 'digest.txt'), `Subject: ${digest.subject}\n\n${digest.text}`);
  const newLink = await renderer.renderNewLink(links);
  writeFileSync(join(outDir, 'confirmation.html'), confirmation.html);
  writeFileSync(join(outDir, 'new-link.html'), newLink.html);
  console.log(`digest: "${digest.subject}", ${Buffer.byteLength(digest.html)} bytes of HTML`);

  let prefs = {
    email: 'ada@example.com',
    subscribed: true,
    paused: false,
    topics: ['ai-agents', 'llm-reasoning'],
    keywords: ['speculative decoding', 'world models'],
    organizations: ['NVIDIA'],
    authors: [] as string[],
    cadence: 'weekly' as 'daily' | 'weekly',
    weekday: 1,
    papersPerEmail: 10,
  };
  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const html = (route: Route, body: string, status = 200) =>
    route.fulfill({ status, contentType: 'text/html; charset=utf-8', body });

  const fakeServer = async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    const token = url.searchParams.get('token') ?? '';
    switch (`${request.method()} ${url.pathname}`) {
      case 'GET /':
        return html(route, pages.renderLandingPage({ topics }));
      case 'GET /confirm':
        return html(route, pages.renderConfirmPage({ token }));
      case 'GET /preferences':
        return html(
          route,
          pages.renderPreferencesPage({ token, topics, welcome: url.searchParams.has('welcome') }),
        );
      case 'GET /unsubscribe':
        return html(route, pages.renderUnsubscribePage({ token }));
      case 'GET /expired':
        return html(
          route,
          pages.renderMessagePage({
            title: 'This link has expired',
            message: 'Confirmation links work for 48 hours.',
            status: 410,
          }),
          410,
        );
      case 'POST /api/subscribe': {
        const body = request.postDataJSON() as { email: string };
        return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)
          ? json(route, 202, { message: 'Check your inbox to confirm.' })
          : json(route, 400, {
              error: { code: 'invalid_email', message: 'That does not look like an email address.' },
            });
      }
      case 'GET /api/preferences':
        return token === 'bad'
          ? json(route, 401, { error: { code: 'invalid_token', message: 'This link is not valid.' } })
          : json(route, 200, prefs);
      case 'PUT /api/preferences':
        prefs = { ...prefs, ...(request.postDataJSON() as object), token: undefined } as typeof prefs;
        return json(route, 200, prefs);
      case 'POST /api/links/renew':
        return json(route, 202, {
          mailed: true,
          message:
            'We emailed you a new link. Links in your older emails no longer work, and neither does the link of this page. Use the new email from now on.',
        });
      case 'GET /api/preview':
        return json(route, 200, {
          papers: views.slice(0, 3).map((view) => ({
            id: view.id,
            title: view.title,
            url: view.url,
            score: 2.5,
            matched: [url.searchParams.get('q') ?? ''],
          })),
        });
      default:
        return route.fulfill({ status: 404, body: 'not found' });
    }
  };

  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    await context.route(`${origin}/**`, fakeServer);
    await context.newPage(); // keeps the single-process browser alive between shots
    const open = (path: string) => async (page: Page) => {
      await page.goto(`${origin}${path}`);
    };

    console.log('screenshots:');
    await shoot(context, 'digest-desktop', { width: 800, height: 900 }, (page) =>
      page.setContent(digest.html),
    );
    await shoot(context, 'digest-mobile', MOBILE, (page) => page.setContent(digest.html));
    await shoot(context, 'confirmation-email', { width: 800, height: 600 }, (page) =>
      page.setContent(confirmation.html),
    );
    await shoot(context, 'confirmation-email-mobile', MOBILE, (page) => page.setContent(confirmation.html));
    await shoot(context, 'new-link-email', { width: 800, height: 600 }, (page) =>
      page.setContent(newLink.html),
    );
    await shoot(context, 'new-link-email-mobile', MOBILE, (page) => page.setContent(newLink.html));
    await shoot(context, 'landing-desktop', DESKTOP, open('/'));
    await shoot(context, 'landing-mobile', MOBILE, open('/'));
    await shoot(context, 'landing-filled', DESKTOP, async (page) => {
      await open('/')(page);
      await page.fill('input[name=email]', 'ada@example');
      await page.check('input[name=topics][value=ai-agents]');
      await page.fill('textarea[name=keywords]', 'speculative decoding');
      await page.waitForSelector('#preview li');
      await page.click('button[type=submit]');
      await page.waitForSelector('#form-message.error');
    });
    await shoot(context, 'landing-sent', MOBILE, async (page) => {
      await open('/')(page);
      await page.fill('input[name=email]', 'ada@example.com');
      await page.click('button[type=submit]');
      await page.waitForSelector('#form-message.ok');
    });
    await shoot(context, 'confirm-page', DESKTOP, open('/confirm?token=abc'));
    await shoot(context, 'unsubscribe-page', MOBILE, open('/unsubscribe?token=abc'));
    await shoot(context, 'message-page', DESKTOP, open('/expired'));
    await shoot(context, 'preferences-desktop', DESKTOP, async (page) => {
      await open('/preferences?token=abc&welcome=1')(page);
      await page.waitForSelector('#preferences-form:not([hidden])');
      await page.click('textarea[name=keywords]');
      await page.keyboard.press('End');
      await page.keyboard.type(', mixture of experts');
      await page.waitForSelector('#preview li');
      await page.click('#save-button');
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Saved');
    });
    await shoot(context, 'preferences-mobile', MOBILE, async (page) => {
      await open('/preferences?token=abc')(page);
      await page.waitForSelector('#preferences-form:not([hidden])');
    });
    await shoot(context, 'preferences-unsubscribed', MOBILE, async (page) => {
      await open('/preferences?token=abc')(page);
      await page.click('#unsubscribe-button');
      await page.waitForSelector('#resubscribe-button:visible');
    });
    await shoot(context, 'preferences-new-link', MOBILE, async (page) => {
      await open('/preferences?token=abc')(page);
      await page.click('#renew-button');
      await page.waitForSelector('#renew-message.ok');
    });
    await shoot(context, 'preferences-bad-token', MOBILE, async (page) => {
      await open('/preferences?token=bad')(page);
      await page.waitForSelector('#load-error:not([hidden])');
    });
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
