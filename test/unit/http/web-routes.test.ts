import { cspHash, inlineBlocks } from '@functions/adapters/render/page-csp';
import { createArchive } from '@functions/core/digests/archive';
import { viewToken } from '@functions/core/subscribers/link-access';
import { createApp } from '@functions/http/app';
import { aPaper, aSubscriber } from '@support/builders';
import { InMemoryPaperRepository, InMemorySubscriberRepository } from '@support/in-memory-ports';
import { inMemorySubscriptionService } from '@support/subscription-service';

const DAY = '2025-11-12';
const agents = aPaper({
  dailyDate: DAY,
  title: 'LLM Agents & <Tools>: Tool Use at Scale',
  abstract: 'We study LLM agents that call tools.',
  aiSummary: 'LLM agents learn tool use.',
});
const video = aPaper({ dailyDate: DAY, title: 'Video Generation by Distilling Video Diffusion' });
const older = aPaper({ dailyDate: '2025-11-10', title: 'Agentic Tool Calling for Spreadsheets' });

function anApp() {
  const reader = aSubscriber();
  const papers = new InMemoryPaperRepository([agents, video, older]);
  const built = inMemorySubscriptionService({
    subscribers: new InMemorySubscriberRepository().seed(reader),
    papers,
  });
  const app = createApp({
    subscriptions: built.service,
    preview: async () => ({ papers: [], days: 1 }),
    archive: createArchive({ papers, clock: built.clock }),
    logger: built.logger,
  });
  const fetch = async (path: string, init: RequestInit = {}) => {
    const response = await app.fetch(new Request(`http://paperboy.test${path}`, init));
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const send = (paperIds: string[], digestDate = DAY) =>
    built.deliveries.recordSent([{ subscriberId: reader.id, digestDate, paperIds, messageId: 'm-1' }]);
  const view = (day = DAY) => `/digest?token=${encodeURIComponent(viewToken(built.tokens, reader, day))}`;
  return { ...built, reader, fetch, send, view };
}

/** Every inline script and style of the page is allowed by the page's CSP header. */
function expectCspCovers(page: { headers: Headers; text: string }) {
  const policy = page.headers.get('content-security-policy') ?? '';
  const { scripts, styles } = inlineBlocks(page.text);
  expect(styles.length).toBeGreaterThan(0);
  for (const block of [...scripts, ...styles]) expect(policy).toContain(cspHash(block));
}

const dataIds = (html: string, attribute: string) =>
  [...html.matchAll(new RegExp(`${attribute}="([^"]+)"`, 'g'))].map((match) => match[1]);

describe('the public archive (GET /archive, /archive/:day, /archive/:day/:topic)', () => {
  it('lists every day with papers, newest first, public and cacheable, with a link to subscribe', async () => {
    const page = await anApp().fetch('/archive');

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(dataIds(page.text, 'href').filter((href) => href.startsWith('/archive/'))).toEqual([
      `/archive/${DAY}`,
      '/archive/2025-11-10',
    ]);
    expect(page.text).toContain('<meta name="robots" content="index, follow">');
    expect(page.text).toContain('href="/"');
    expect(page.headers.get('cache-control')).toBe('public, max-age=300');
    expectCspCovers(page);
  });

  it('lists a day’s papers per curated topic, escaped, with links to each topic’s page', async () => {
    const page = await anApp().fetch(`/archive/${DAY}`);

    expect(page.status).toBe(200);
    const sections = page.text.split('<section').slice(1);
    const agentsSection = sections.find((section) => section.includes('data-topic="ai-agents"')) ?? '';
    const videoSection = sections.find((section) => section.includes('data-topic="video-generation"')) ?? '';
    expect(dataIds(agentsSection, 'data-paper-id')).toEqual([agents.id]);
    expect(dataIds(videoSection, 'data-paper-id')).toEqual([video.id]);
    expect(page.text).toContain('LLM Agents &amp; &lt;Tools&gt;: Tool Use at Scale');
    expect(page.text).not.toContain('<Tools>');
    expect(page.text).toContain(`href="/archive/${DAY}/ai-agents"`);
    expect(page.text).toContain('Wednesday, 12 November 2025');
    expect(page.text).toContain('href="/archive/2025-11-10" rel="prev"');
    expect(page.text).toContain('<meta name="robots" content="index, follow">');
    expectCspCovers(page);
  });

  it('shows one topic of a day with summaries and links, and no rating buttons', async () => {
    const page = await anApp().fetch(`/archive/${DAY}/ai-agents`);

    expect(page.status).toBe(200);
    expect(dataIds(page.text, 'data-paper-id')).toEqual([agents.id]);
    expect(page.text).toContain('LLM agents learn tool use.');
    expect(page.text).toContain(`href="https://arxiv.org/abs/${agents.id}"`);
    expect(page.text).toContain(`href="https://arxiv.org/pdf/${agents.id}"`);
    expect(page.text).not.toContain('<form');
    expectCspCovers(page);
  });

  it('says so for a day without papers, a topic it does not have, and a bad date', async () => {
    const { fetch } = anApp();

    const day = await fetch('/archive/2025-11-11');
    const topic = await fetch(`/archive/${DAY}/knitting`);
    const badDate = await fetch('/archive/2025-02-30');
    const notADate = await fetch(`/archive/${encodeURIComponent('<script>')}/ai-agents`);

    expect(day.status).toBe(404);
    expect(day.text).toContain('paperboy has no papers for Tuesday, 11 November 2025.');
    expect(topic.status).toBe(404);
    expect(topic.text).toContain('paperboy has no curated topic “knitting”');
    expect(topic.text).toContain(`href="/archive/${DAY}"`);
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain('“2025-02-30” is not a date. Archive days are written YYYY-MM-DD');
    expect(notADate.status).toBe(400);
    expect(notADate.text).toContain('“&lt;script&gt;” is not a date');
    for (const page of [day, topic, badDate]) {
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.text).toContain('<meta name="robots" content="noindex, nofollow">');
      expect(page.text).toContain('href="/archive"');
      expectCspCovers(page);
    }
  });
});

describe('the hosted digest (GET /digest?token=)', () => {
  it('shows the papers of the day’s email, each with rating forms that POST to /rate, not indexed', async () => {
    const { fetch, send, view } = anApp();
    await send([video.id, agents.id]);

    const page = await fetch(view());

    expect(page.status).toBe(200);
    expect(dataIds(page.text, 'data-paper-id')).toEqual([video.id, agents.id]);
    expect(page.text).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page.text.match(/<form method="post" action="\/rate\?token=[^"]+">/g)).toHaveLength(4);
    expect(page.text).toContain('>More like this</button>');
    expect(page.text).toContain('>Not for me</button>');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expectCspCovers(page);
  });

  it('records a rating from a paper’s form, for that paper', async () => {
    const { fetch, send, view, subscribers, reader } = anApp();
    await send([video.id, agents.id]);
    const page = await fetch(view());
    const actions = [...page.text.matchAll(/action="(\/rate\?token=[^"]+)"/g)].map((match) =>
      match[1].replace(/&amp;/g, '&'),
    );

    const posted = await fetch(actions[2], {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'verdict=more',
    });

    expect(posted.status).toBe(303);
    expect((await subscribers.get(reader.id))?.ratings).toEqual({ liked: [agents.id], disliked: [] });
    expect((await fetch(view())).text).toMatch(
      new RegExp(
        `data-paper-id="${agents.id.replace('.', '\\.')}"[\\s\\S]*?aria-pressed="true">More like this`,
      ),
    );
  });

  it('answers 404 with a page for a day without a digest, and 400 for an altered link', async () => {
    const { fetch, view } = anApp();

    const never = await fetch(view('2025-11-13'));
    const altered = await fetch(`${view()}x`);

    expect(never.status).toBe(404);
    expect(never.text).toContain('paperboy sent you no digest on Thursday, 13 November 2025');
    expectCspCovers(never);
    expect(altered.status).toBe(400);
    expect(altered.text).toContain('This link is incomplete or has been altered.');
  });
});

describe('the reader’s feed (GET /feed?token=, feedUrl of GET /api/preferences)', () => {
  it('answers Atom at the feedUrl the preferences API names', async () => {
    const { fetch, send, reader, tokenFor } = anApp();
    await send([agents.id]);

    const preferences = await fetch(
      `/api/preferences?token=${encodeURIComponent(tokenFor(reader, 'manage'))}`,
    );
    const { feedUrl } = JSON.parse(preferences.text);
    const feed = await fetch(feedUrl.replace('https://paperboy.example', ''));

    expect(feedUrl).toBe(
      `https://paperboy.example/feed?token=${encodeURIComponent(tokenFor(reader, 'feed'))}`,
    );
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.headers.get('x-robots-tag')).toBe('noindex');
    expect(feed.headers.get('cache-control')).toBe('no-store');
    expect(feed.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(feed.text).toContain(`<link rel="self" href="${feedUrl.replace(/&/g, '&amp;')}"`);
    expect(feed.text).toContain(
      '<title type="text">LLM Agents &amp; &lt;Tools&gt;: Tool Use at Scale</title>',
    );
  });

  it('answers an altered, wrong or revoked link with a 4xx and a plain-text message', async () => {
    const { fetch, reader, tokenFor, service } = anApp();
    const feed = `/feed?token=${encodeURIComponent(tokenFor(reader, 'feed'))}`;

    const altered = await fetch(`${feed}x`);
    const wrong = await fetch(`/feed?token=${encodeURIComponent(tokenFor(reader, 'manage'))}`);
    await service.renewLinks(tokenFor(reader, 'manage'));
    const revoked = await fetch(feed);

    expect(altered.status).toBe(400);
    expect(altered.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(altered.text).toContain('This link is incomplete or has been altered.');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('This link is not a feed link.');
    expect(revoked.status).toBe(410);
    expect(revoked.text).toContain('This link is no longer valid.');
    expect(revoked.text).toContain('Copy the feed link from your settings page again.');
  });
});
