import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HF_DAYS_DIR } from '../support/paths';
import { startTestStack, type TestStack } from '../support/local-stack';
import { header, linksTo, readInbox, type StoredEmail } from '../support/ses-inbox';

/**
 * The story of one reader, through HTTP and the SES inbox only: sign up, confirm, choose topics,
 * get a digest, never get a paper twice, unsubscribe with one click.
 */
let stack: TestStack;
const READER = 'ada@example.com';

beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);
afterAll(async () => stack?.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.urls.app}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    redirect: 'manual',
  });
const digestsFor = async (to: string): Promise<StoredEmail[]> =>
  (await readInbox(stack.urls.inbox, to)).filter((email) => !/confirm/i.test(email.subject));
const paperIdsIn = (email: StoredEmail) => [
  ...new Set([...(email.body.html ?? '').matchAll(/huggingface\.co\/papers\/([\w.]+)/g)].map((m) => m[1])),
];

describe('the whole service on one machine', () => {
  let manageToken = '';
  let firstDigest: StoredEmail;

  it('shows the landing page with the topic catalog', async () => {
    const page = await fetch(stack.urls.app);
    const html = await page.text();
    const { topics } = (await (await api('/api/topics')).json()) as {
      topics: { id: string; name: string; description: string }[];
    };

    expect(page.status).toBe(200);
    expect(topics.length).toBeGreaterThanOrEqual(20);
    for (const topic of topics) expect(topic.description.length).toBeGreaterThan(10);
    expect(html).toContain('name="email"');
    expect(html).toContain(`value="${topics[0].id}"`);
  });

  it('answers a sign-up the same way for a new and a known address and mails one confirmation link', async () => {
    const body = JSON.stringify({ email: READER, topics: ['ai-agents'], keywords: ['video generation'] });
    const first = await api('/api/subscribe', { method: 'POST', body });
    const firstBody = await first.json();
    const known = await api('/api/subscribe', { method: 'POST', body });
    const knownBody = await known.json();
    await stack.mailDone();
    const confirmations = await readInbox(stack.urls.inbox, READER);

    expect([first.status, known.status]).toEqual([202, 202]);
    expect(knownBody).toEqual(firstBody);
    // The second request came within the flood window: nothing more was mailed.
    expect(confirmations).toHaveLength(1);
    expect(linksTo(confirmations[0].body.html ?? '', '/confirm')).toHaveLength(1);
  });

  it('confirms only on the POST behind the confirmation page, then lands on preferences', async () => {
    const [confirmation] = await readInbox(stack.urls.inbox, READER);
    const [link] = linksTo(confirmation.body.html ?? '', '/confirm');
    const token = link.searchParams.get('token') as string;

    const page = await fetch(`${stack.urls.app}/confirm?token=${encodeURIComponent(token)}`);
    const statusAfterGet = (await stack.services.subscribers.findByEmail(READER))?.status;
    const posted = await fetch(`${stack.urls.app}/confirm`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });
    const location = posted.headers.get('location') ?? '';
    manageToken = new URL(location, stack.urls.app).searchParams.get('token') as string;
    const preferencesPage = await fetch(new URL(location, stack.urls.app));

    expect(page.status).toBe(200);
    expect(statusAfterGet).toBe('unconfirmed');
    expect(posted.status).toBe(303);
    expect(location).toMatch(/^\/preferences\?token=/);
    expect(preferencesPage.status).toBe(200);
    expect((await stack.services.subscribers.findByEmail(READER))?.status).toBe('confirmed');
  });

  it('saves preferences through the API and rejects bad ones without losing what is stored', async () => {
    const saved = await api('/api/preferences', {
      method: 'PUT',
      body: JSON.stringify({
        token: manageToken,
        topics: ['ai-agents'],
        keywords: ['video generation'],
        papersPerEmail: 5,
      }),
    });
    const rejected = await api('/api/preferences', {
      method: 'PUT',
      body: JSON.stringify({ token: manageToken, papersPerEmail: 500 }),
    });
    const shortKeyword = await api('/api/preferences', {
      method: 'PUT',
      body: JSON.stringify({ token: manageToken, keywords: ['video generation', 'x'] }),
    });
    const shortPreview = await api('/api/preview?q=x');
    const current = await (await api(`/api/preferences?token=${encodeURIComponent(manageToken)}`)).json();

    expect(saved.status).toBe(200);
    expect(rejected.status).toBe(400);
    expect((await rejected.json()).error.message).toMatch(/papersPerEmail/);
    expect(shortKeyword.status).toBe(400);
    expect((await shortKeyword.json()).error.message).toBe('Keyword 2 (“x”) must be at least 2 characters');
    expect(shortPreview.status).toBe(400);
    expect((await shortPreview.json()).error.message).toBe(
      'A keyword is 2 to 100 characters; this one is 1.',
    );
    expect(current).toMatchObject({
      email: READER,
      subscribed: true,
      topics: ['ai-agents'],
      keywords: ['video generation'],
      papersPerEmail: 5,
    });
  });

  it('ingests a real day with the CLI and reports the counts', async () => {
    const result = await stack.cli(['ingest', '--from', HF_DAYS_DIR, '--date', '2025-11-11']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/new: \d+\s+updated: 0\s+unchanged: 0\s+rejected: 0/);
  }, 60_000);

  let previewHtml = '';
  it('previews the digest without sending it', async () => {
    const out = path.join(stack.dataDir, 'preview.html');
    const result = await stack.cli(['preview', '--email', READER, '--date', '2025-11-11', '--out', out]);
    previewHtml = await readFile(out, 'utf8');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote .*preview\.html/);
    expect(previewHtml).toContain('huggingface.co/papers/');
    expect(await digestsFor(READER)).toHaveLength(0);
  }, 60_000);

  it('sends one digest with the matching papers, both parts, and one-click unsubscribe headers', async () => {
    const result = await stack.cli(['digest', '--date', '2025-11-11']);
    const digests = await digestsFor(READER);
    [firstDigest] = digests;
    const html = firstDigest.body.html ?? '';
    const ids = paperIdsIn(firstDigest);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/emails sent: 1\s+skipped empty: 0\s+failed: 0/);
    expect(digests).toHaveLength(1);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(5);
    expect(ids).toEqual([
      ...new Set([...previewHtml.matchAll(/huggingface\.co\/papers\/([\w.]+)/g)].map((m) => m[1])),
    ]);
    expect(html).toContain(`https://arxiv.org/abs/${ids[0]}`);
    expect(linksTo(html, '/preferences')).not.toHaveLength(0);
    expect(linksTo(html, '/unsubscribe')).not.toHaveLength(0);
    expect(firstDigest.body.text).toContain('/unsubscribe?token=');
    expect(header(firstDigest, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  }, 120_000);

  it('never sends a paper twice: a rerun sends nothing, a new day sends only new papers', async () => {
    const rerun = await stack.cli(['digest', '--date', '2025-11-11']);
    await stack.cli(['ingest', '--from', HF_DAYS_DIR, '--date', '2025-11-13']);
    // The 2025-11-13 window (11th to 13th) holds the papers already sent and new ones.
    const nextDay = await stack.cli(['digest', '--date', '2025-11-13']);
    const digests = await digestsFor(READER);
    const firstIds = new Set(paperIdsIn(digests[0]));

    expect(rerun.stdout).toMatch(/emails sent: 0/);
    expect(nextDay.code).toBe(0);
    expect(nextDay.stdout).toMatch(/emails sent: 1/);
    expect(digests).toHaveLength(2);
    for (const later of digests.slice(1)) {
      for (const id of paperIdsIn(later)) expect(firstIds.has(id)).toBe(false);
    }
  }, 180_000);

  it('unsubscribes at once on the one-click POST (2xx, no redirect) and sends nothing after', async () => {
    const target = (header(firstDigest, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, '');
    const getFirst = await fetch(target);
    const statusAfterGet = (await stack.services.subscribers.findByEmail(READER))?.status;
    const oneClick = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    const before = (await digestsFor(READER)).length;
    const afterwards = await stack.cli(['digest', '--date', '2025-11-15']);

    expect(getFirst.status).toBe(200);
    expect(statusAfterGet).toBe('confirmed');
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();
    expect((await stack.services.subscribers.findByEmail(READER))?.status).toBe('unsubscribed');
    expect(afterwards.stdout).toMatch(/emails sent: 0/);
    expect(await digestsFor(READER)).toHaveLength(before);
  }, 120_000);

  it("answers the confirmation link sent before the unsubscribe with the POST's 410 page on GET too, changing nothing", async () => {
    const confirmation = (await readInbox(stack.urls.inbox, READER)).find((email) =>
      /confirm/i.test(email.subject),
    );
    const [link] = linksTo(confirmation?.body.html ?? '', '/confirm');
    const token = link.searchParams.get('token') as string;
    const before = await stack.services.subscribers.findByEmail(READER);

    const opened = await fetch(`${stack.urls.app}/confirm?token=${encodeURIComponent(token)}`);
    const openedPage = await opened.text();
    const afterGet = await stack.services.subscribers.findByEmail(READER);
    const posted = await fetch(`${stack.urls.app}/confirm`, {
      method: 'POST',
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });

    expect(opened.status).toBe(410);
    expect(openedPage).toContain('<h1>This link is no longer valid</h1>');
    expect(openedPage).toContain(
      'You unsubscribed after this link was sent. Subscribe again from the home page.',
    );
    expect(openedPage).not.toContain('confirm-button');
    expect(afterGet).toEqual(before);
    expect(posted.status).toBe(410);
    expect(await posted.text()).toBe(openedPage);
    expect((await stack.services.subscribers.findByEmail(READER))?.status).toBe('unsubscribed');
  });
});
