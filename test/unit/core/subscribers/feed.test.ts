import { addDays } from '@functions/core/dates';
import { FEED_DIGESTS, FEED_AUTHORS } from '@functions/core/subscribers/feed';
import { aPaper, aSubscriber } from '@support/builders';
import { InMemoryPaperRepository, InMemorySubscriberRepository } from '@support/in-memory-ports';
import { inMemorySubscriptionService, rejection } from '@support/subscription-service';

const monday = [aPaper({ title: 'Monday One' }), aPaper({ title: 'Monday Two' })];
const tuesday = [aPaper({ title: 'Tuesday One', aiSummary: 'It does one thing.' }), aPaper()];

function aFeed(papers = [...monday, ...tuesday]) {
  const reader = aSubscriber();
  const built = inMemorySubscriptionService({
    subscribers: new InMemorySubscriberRepository().seed(reader),
    papers: new InMemoryPaperRepository(papers),
  });
  const send = async (digestDate: string, paperIds: string[]) => {
    built.clock.set(`${digestDate}T08:00:00.000Z`);
    await built.deliveries.recordSent([
      { subscriberId: reader.id, digestDate, paperIds, messageId: `m-${digestDate}` },
    ]);
  };
  return { ...built, reader, send, feedToken: built.tokenFor(reader, 'feed') };
}

describe('the reader’s feed (core/subscribers/feed.ts)', () => {
  it('lists the papers of the reader’s digests, newest digest first and in each digest’s order', async () => {
    const { service, send, feedToken } = aFeed();
    await send(
      '2025-11-10',
      monday.map((paper) => paper.id),
    );
    await send(
      '2025-11-11',
      tuesday.map((paper) => paper.id),
    );

    const feed = await service.readerFeed(feedToken);

    expect(feed.entries.map((entry) => entry.paperId)).toEqual([
      ...tuesday.map((paper) => paper.id),
      ...monday.map((paper) => paper.id),
    ]);
    expect(feed.entries[0]).toMatchObject({
      id: `tag:paperboy.example,2025:paper:${tuesday[0].id}`,
      title: 'Tuesday One',
      url: `https://huggingface.co/papers/${tuesday[0].id}`,
      arxivUrl: `https://arxiv.org/abs/${tuesday[0].id}`,
      pdfUrl: `https://arxiv.org/pdf/${tuesday[0].id}`,
      summary: 'It does one thing.',
      authors: ['Ada Lovelace', 'Alan Turing'],
      digestDate: '2025-11-11',
      sentAt: '2025-11-11T08:00:00.000Z',
    });
    expect(feed.updated).toBe('2025-11-11T08:00:00.000Z');
    expect(feed.selfUrl).toBe(`https://paperboy.example/feed?token=${encodeURIComponent(feedToken)}`);
    expect(feed.homeUrl).toBe('https://paperboy.example/');
    expect(feed.id).toMatch(/^tag:paperboy\.example,2025:feed:/);
  });

  it('is a valid, empty feed before the first digest, dated by the subscription', async () => {
    const { service, reader, feedToken } = aFeed();

    const feed = await service.readerFeed(feedToken);

    expect(feed.entries).toEqual([]);
    expect(feed.updated).toBe(reader.confirmedAt);
  });

  it('keeps the newest digests only, lists a paper once, and skips papers no longer stored', async () => {
    const papers = Array.from({ length: FEED_DIGESTS + 2 }, () => aPaper());
    const { service, send, feedToken } = aFeed([...papers, ...monday]);
    for (const [index, paper] of papers.entries())
      await send(addDays('2025-10-01', index), [paper.id, monday[0].id]);
    await send('2025-11-20', ['2511.99999', monday[1].id]);

    const ids = (await service.readerFeed(feedToken)).entries.map((entry) => entry.paperId);

    expect(ids[0]).toBe(monday[1].id);
    expect(ids).not.toContain('2511.99999');
    expect(ids.filter((id) => id === monday[0].id)).toHaveLength(1);
    expect(ids).not.toContain(papers[0].id);
    expect(ids).not.toContain(papers[1].id);
    expect(ids).not.toContain(papers[2].id);
    expect(ids).toContain(papers[3].id);
  });

  it('names at most FEED_AUTHORS authors of a paper', async () => {
    const crowded = aPaper({ authors: Array.from({ length: 50 }, (_, index) => `Author ${index}`) });
    const { service, send, feedToken } = aFeed([crowded]);
    await send('2025-11-10', [crowded.id]);

    const [entry] = (await service.readerFeed(feedToken)).entries;

    expect(entry.authors).toHaveLength(FEED_AUTHORS);
    expect(entry.authors[0]).toBe('Author 0');
  });

  it('opens with the feed link only, and dies with the reader’s other links', async () => {
    const { service, reader, tokenFor, feedToken } = aFeed();

    expect(await rejection(service.readerFeed(tokenFor(reader, 'manage')))).toBe('token_wrong_purpose');
    expect(await rejection(service.readerFeed(`${feedToken}x`))).toBe('token_invalid');
    await service.renewLinks(tokenFor(reader, 'manage'));
    expect(await rejection(service.readerFeed(feedToken))).toBe('token_revoked');
  });

  it('is named on the settings page (feedUrl), and that link opens the feed', async () => {
    const { service, reader, tokenFor } = aFeed();

    const { feedUrl } = await service.getPreferences(tokenFor(reader, 'manage'));
    const token = new URL(feedUrl).searchParams.get('token');

    expect(feedUrl).toMatch(/^https:\/\/paperboy\.example\/feed\?token=/);
    expect((await service.readerFeed(token)).selfUrl).toBe(feedUrl);
  });
});
