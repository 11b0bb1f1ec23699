import { createApp } from '@functions/http/app';
import { createArchive } from '@functions/core/digests/archive';
import { ratingToken } from '@functions/core/subscribers/link-access';
import { aPaper, aSubscriber } from '@support/builders';
import { InMemoryPaperRepository, InMemorySubscriberRepository } from '@support/in-memory-ports';
import { inMemorySubscriptionService } from '@support/subscription-service';

const paper = aPaper({ title: 'Draft & Verify: <Fast> Decoding' });

function anApp() {
  const reader = aSubscriber();
  const built = inMemorySubscriptionService({
    subscribers: new InMemorySubscriberRepository().seed(reader),
    papers: new InMemoryPaperRepository([paper]),
  });
  const previews: unknown[] = [];
  const app = createApp({
    subscriptions: built.service,
    preview: async (query, ratings) => (previews.push(ratings), { papers: [], days: 1 }),
    archive: createArchive({ papers: new InMemoryPaperRepository([paper]), clock: built.clock }),
    logger: built.logger,
  });
  const fetch = async (path: string, init: RequestInit = {}) => {
    const response = await app.fetch(new Request(`http://paperboy.test${path}`, init));
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  };
  const rateToken = ratingToken(built.tokens, reader, paper.id);
  const ratings = async () => (await built.subscribers.get(reader.id))?.ratings;
  return { ...built, reader, fetch, rateToken, ratings, previews };
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('the rating link of a digest (GET /rate, POST /rate)', () => {
  it('opens a page that names the paper and offers both choices, the link’s first, and records nothing', async () => {
    const { fetch, rateToken, ratings } = anApp();

    const page = await fetch(`/rate?token=${encodeURIComponent(rateToken)}&verdict=less`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('Draft &amp; Verify: &lt;Fast&gt; Decoding');
    expect(page.text.indexOf('id="rate-less"')).toBeLessThan(page.text.indexOf('id="rate-more"'));
    expect(page.text).toContain('Nothing is recorded unless you press a button.');
    expect(await ratings()).toBeUndefined();
  });

  it('records the button pressed, then shows it with an undo; the undo takes it back', async () => {
    const { fetch, rateToken, ratings } = anApp();
    const path = `/rate?token=${encodeURIComponent(rateToken)}`;

    const posted = await fetch(path, form({ verdict: 'more' }));
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(path);
    expect(await ratings()).toEqual({ liked: [paper.id], disliked: [] });

    const after = await fetch(path);
    expect(after.text).toContain('Noted: more like this');
    expect(after.text).toContain('id="undo-button"');
    expect(after.text).toContain('Not for me instead');

    await fetch(path, form({ verdict: 'none' }));
    expect(await ratings()).toEqual({ liked: [], disliked: [] });
    expect((await fetch(path)).text).toContain('Rate this paper');
  });

  it('answers an altered link or an unknown verdict with a 400 page, and records nothing', async () => {
    const { fetch, rateToken, ratings } = anApp();

    const altered = await fetch(`/rate?token=${encodeURIComponent(rateToken.slice(0, -2))}xx`);
    const unknown = await fetch(`/rate?token=${encodeURIComponent(rateToken)}`, form({ verdict: 'love' }));

    expect(altered.status).toBe(400);
    expect(altered.text).toContain('This link is incomplete or has been altered.');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('verdict: must be');
    expect(await ratings()).toBeUndefined();
  });
});

describe('POST /api/ratings (the preferences page and its preview)', () => {
  it('rates with the manage link and the paper named, and says what changes', async () => {
    const { fetch, reader, tokenFor, ratings } = anApp();

    const answer = await fetch('/api/ratings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokenFor(reader, 'manage'), verdict: 'less', paper: paper.id }),
    });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      paper: { id: paper.id, title: paper.title, url: `https://huggingface.co/papers/${paper.id}` },
      verdict: 'less',
      message: 'Noted: fewer papers like this one. Your next digests learn from it.',
    });
    expect(await ratings()).toEqual({ liked: [], disliked: [paper.id] });
  });

  it('refuses an unsubscribe link with a 4xx and records nothing', async () => {
    const { fetch, reader, tokenFor, ratings } = anApp();

    const answer = await fetch('/api/ratings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokenFor(reader, 'unsubscribe'), verdict: 'more', paper: paper.id }),
    });

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(await ratings()).toBeUndefined();
  });

  it('ranks the preview with the reader’s ratings when the manage link comes with it, and without otherwise', async () => {
    const { fetch, reader, tokenFor, previews } = anApp();
    const manage = tokenFor(reader, 'manage');
    await fetch('/api/ratings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: manage, verdict: 'more', paper: paper.id }),
    });

    await fetch(`/api/preview?q=decoding&token=${encodeURIComponent(manage)}`);
    await fetch('/api/preview?q=decoding');

    expect(previews).toEqual([{ liked: [paper.id], disliked: [], examples: [] }, undefined]);
  });
});
