import { chunk } from '../../../../functions/core/collections';
import {
  DAILY_WINDOW_DAYS,
  isDue,
  planDigests,
  SUBSCRIBERS_PER_MESSAGE,
  WEEKLY_WINDOW_DAYS,
} from '../../../../functions/core/digests/plan-digests';
import type { Paper } from '../../../../functions/core/papers';
import type { Subscriber } from '../../../../functions/core/subscribers/subscriber';
import { aPaper, aSubscriber } from '../../../support/builders';
import {
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingDigestQueue,
  RecordingLogger,
  SettableClock,
} from '../../../support/in-memory-ports';

/** A Friday (ISO weekday 5). */
const DIGEST_DATE = '2025-11-14';
const FRIDAY = 5;

/** A paper whose title and abstract are clearly about speculative decoding. */
const speculativeDecodingPaper = (overrides: Partial<Paper> = {}) =>
  aPaper({
    title: 'Faster Speculative Decoding with Draft Trees',
    abstract: 'We make speculative decoding faster with draft trees.',
    ...overrides,
  });

/** A paper clearly about protein folding. */
const proteinFoldingPaper = (overrides: Partial<Paper> = {}) =>
  aPaper({
    title: 'Protein Folding with Language Models',
    abstract: 'We predict protein folding.',
    ...overrides,
  });

const reads = (...keywords: string[]) => ({ preferences: { keywords } });

function setup(options: { papers?: Paper[]; subscribers?: Subscriber[]; pageSize?: number } = {}) {
  const clock = new SettableClock(`${DIGEST_DATE}T06:00:00.000Z`);
  const papers = new InMemoryPaperRepository(options.papers ?? []);
  const subscribers = new InMemorySubscriberRepository({ pageSize: options.pageSize }).seed(
    ...(options.subscribers ?? []),
  );
  const deliveries = new InMemoryDeliveryRepository(clock);
  const queue = new RecordingDigestQueue();
  const logger = new RecordingLogger();
  return { deps: { papers, subscribers, deliveries, queue, clock, logger }, deliveries, queue, logger };
}

const paperIdsOf = (batch: { papers: { paperId: string }[] }) => batch.papers.map((paper) => paper.paperId);

describe('planDigests', () => {
  it('plans a daily digest of the matching papers of the last 3 days and enqueues it', async () => {
    const today = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 50 });
    const twoDaysAgo = speculativeDecodingPaper({ dailyDate: '2025-11-12', upvotes: 10 });
    const tooOld = speculativeDecodingPaper({ dailyDate: '2025-11-11', upvotes: 90 });
    const offTopic = proteinFoldingPaper({ dailyDate: '2025-11-14' });
    const reader = aSubscriber(reads('speculative decoding'));
    const { deps, queue } = setup({ papers: [today, twoDaysAgo, tooOld, offTopic], subscribers: [reader] });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(DAILY_WINDOW_DAYS).toBe(3);
    expect(result).toMatchObject({
      digestDate: DIGEST_DATE,
      subscribers: 1,
      due: 1,
      withDigest: 1,
      skippedEmpty: 0,
    });
    expect(result.batches).toHaveLength(1);
    const [batch] = result.batches;
    expect(batch).toMatchObject({ digestDate: DIGEST_DATE, cadence: 'daily', subscriberIds: [reader.id] });
    expect(paperIdsOf(batch)).toEqual([today.id, twoDaysAgo.id]);
    expect(batch.papers[0].why).toEqual([
      { topic: 'Speculative decoding', matched: expect.arrayContaining(['Speculative Decoding']) },
    ]);
    expect(queue.batches).toEqual(result.batches);
  });

  it("plans a weekly digest over 7 days, only on the subscriber's weekday", async () => {
    const sevenDaysBack = speculativeDecodingPaper({ dailyDate: '2025-11-08' });
    const eightDaysBack = speculativeDecodingPaper({ dailyDate: '2025-11-07' });
    const onFriday = aSubscriber({
      preferences: { keywords: ['speculative decoding'], cadence: 'weekly', weekday: FRIDAY },
    });
    const onMonday = aSubscriber({
      preferences: { keywords: ['speculative decoding'], cadence: 'weekly', weekday: 1 },
    });
    const { deps } = setup({ papers: [sevenDaysBack, eightDaysBack], subscribers: [onFriday, onMonday] });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(WEEKLY_WINDOW_DAYS).toBe(7);
    expect(result).toMatchObject({ subscribers: 2, due: 1, withDigest: 1 });
    expect(result.batches).toEqual([
      expect.objectContaining({ cadence: 'weekly', subscriberIds: [onFriday.id] }),
    ]);
    expect(paperIdsOf(result.batches[0])).toEqual([sevenDaysBack.id]);
  });

  it('plans nothing for subscribers who are not active', async () => {
    const paper = speculativeDecodingPaper();
    const inactive = [
      aSubscriber({ status: 'unconfirmed', ...reads('speculative decoding') }),
      aSubscriber({ status: 'unsubscribed', ...reads('speculative decoding') }),
      aSubscriber({ preferences: { keywords: ['speculative decoding'], paused: true } }),
      aSubscriber({
        ...reads('speculative decoding'),
        suppressed: { reason: 'hard-bounce', at: '2025-11-01T00:00:00.000Z' },
      }),
    ];
    const { deps, queue } = setup({ papers: [paper], subscribers: inactive });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result).toMatchObject({
      subscribers: 4,
      due: 0,
      withDigest: 0,
      messages: 0,
      plannedSubscriberIds: [],
    });
    expect(queue.enqueueCalls).toBe(0);
  });

  it('counts due subscribers without a topic or without a match as skipped-empty', async () => {
    const paper = speculativeDecodingPaper();
    const noTopics = aSubscriber();
    const noMatch = aSubscriber(reads('protein folding'));
    const { deps, queue } = setup({ papers: [paper], subscribers: [noTopics, noMatch] });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result).toMatchObject({ due: 2, withDigest: 0, skippedEmpty: 2, distinctDigests: 0, messages: 0 });
    expect(queue.batches).toEqual([]);
  });

  it('does not plan a paper the subscriber has already been sent', async () => {
    const sent = speculativeDecodingPaper({ dailyDate: '2025-11-13', upvotes: 80 });
    const fresh = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 1 });
    const reader = aSubscriber(reads('speculative decoding'));
    const { deps, deliveries } = setup({ papers: [sent, fresh], subscribers: [reader] });
    await deliveries.recordSent(reader.id, '2025-11-13', [sent.id], 'message-1');

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result.batches.map(paperIdsOf)).toEqual([[fresh.id]]);
  });

  it('skips a subscriber whose every match was already sent', async () => {
    const sent = speculativeDecodingPaper({ dailyDate: '2025-11-13' });
    const reader = aSubscriber(reads('speculative decoding'));
    const { deps, deliveries } = setup({ papers: [sent], subscribers: [reader] });
    await deliveries.recordSent(reader.id, '2025-11-13', [sent.id], 'message-1');

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result).toMatchObject({ due: 1, withDigest: 0, skippedEmpty: 1, messages: 0 });
  });

  it('fills papersPerEmail with the best papers, replacing already-sent ones from further down', async () => {
    const best = speculativeDecodingPaper({ upvotes: 90 });
    const second = speculativeDecodingPaper({ upvotes: 40 });
    const third = speculativeDecodingPaper({ upvotes: 10 });
    const fourth = speculativeDecodingPaper({ upvotes: 1 });
    const reader = aSubscriber({ preferences: { keywords: ['speculative decoding'], papersPerEmail: 2 } });
    const { deps, deliveries } = setup({ papers: [fourth, third, second, best], subscribers: [reader] });
    await deliveries.recordSent(reader.id, '2025-11-13', [best.id], 'message-1');

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result.batches.map(paperIdsOf)).toEqual([[second.id, third.id]]);
  });

  it('puts two subscribers with identical preferences in one batch', async () => {
    const paper = speculativeDecodingPaper();
    const first = aSubscriber(reads('speculative decoding'));
    const second = aSubscriber(reads('speculative decoding'));
    const other = aSubscriber(reads('protein folding'));
    const { deps, queue } = setup({
      papers: [paper, proteinFoldingPaper()],
      subscribers: [first, second, other],
    });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result).toMatchObject({ withDigest: 3, distinctDigests: 2, messages: 2 });
    const shared = result.batches.find((batch) => paperIdsOf(batch).includes(paper.id));
    expect(shared?.subscriberIds.slice().sort()).toEqual([first.id, second.id].sort());
    expect(queue.enqueueCalls).toBe(1);
    expect(queue.batches).toHaveLength(2);
  });

  it('separates otherwise identical subscribers once their delivery history differs', async () => {
    const older = speculativeDecodingPaper({ dailyDate: '2025-11-13' });
    const newer = speculativeDecodingPaper({ dailyDate: '2025-11-14' });
    const first = aSubscriber(reads('speculative decoding'));
    const second = aSubscriber(reads('speculative decoding'));
    const { deps, deliveries } = setup({ papers: [older, newer], subscribers: [first, second] });
    await deliveries.recordSent(first.id, '2025-11-13', [older.id], 'message-1');

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result.distinctDigests).toBe(2);
    const bySubscriber = new Map(
      result.batches.map((batch) => [batch.subscriberIds[0], paperIdsOf(batch).sort()]),
    );
    expect(bySubscriber.get(first.id)).toEqual([newer.id]);
    expect(bySubscriber.get(second.id)).toEqual([older.id, newer.id].sort());
  });

  it(`splits a large group into messages of at most ${SUBSCRIBERS_PER_MESSAGE} subscribers`, async () => {
    const readers = Array.from({ length: 120 }, () => aSubscriber(reads('speculative decoding')));
    const { deps } = setup({ papers: [speculativeDecodingPaper()], subscribers: readers, pageSize: 7 });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(result).toMatchObject({ subscribers: 120, withDigest: 120, distinctDigests: 1, messages: 3 });
    expect(result.batches.map((batch) => batch.subscriberIds.length)).toEqual([50, 50, 20]);
    expect(new Set(result.plannedSubscriberIds)).toEqual(new Set(readers.map((reader) => reader.id)));
    expect(result.plannedSubscriberIds).toHaveLength(120);
  });

  it('gives the same plan whatever the number of scan segments', async () => {
    const papers = [speculativeDecodingPaper(), proteinFoldingPaper()];
    const readers = [
      ...Array.from({ length: 5 }, () => aSubscriber(reads('speculative decoding'))),
      ...Array.from({ length: 4 }, () => aSubscriber(reads('protein folding'))),
    ];
    const normalize = (result: Awaited<ReturnType<typeof planDigests>>) =>
      result.batches
        .map((batch) => ({ ...batch, subscriberIds: batch.subscriberIds.slice().sort() }))
        .sort((a, b) => a.subscriberIds[0].localeCompare(b.subscriberIds[0]));

    const one = await planDigests(setup({ papers, subscribers: readers, pageSize: 2 }).deps, {
      digestDate: DIGEST_DATE,
      segments: 1,
    });
    const four = await planDigests(setup({ papers, subscribers: readers, pageSize: 2 }).deps, {
      digestDate: DIGEST_DATE,
      segments: 4,
    });

    expect(four.subscribers).toBe(9);
    expect(normalize(four)).toEqual(normalize(one));
  });

  it('enqueues nothing on a dry run but reports the same plan', async () => {
    const reader = aSubscriber(reads('speculative decoding'));
    const { deps, queue } = setup({ papers: [speculativeDecodingPaper()], subscribers: [reader] });

    const result = await planDigests(deps, { digestDate: DIGEST_DATE, dryRun: true });

    expect(result).toMatchObject({ withDigest: 1, messages: 1, plannedSubscriberIds: [reader.id] });
    expect(queue.enqueueCalls).toBe(0);
    expect(queue.batches).toEqual([]);
  });

  it('logs counts, never an email address', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', ...reads('speculative decoding') });
    const { deps, logger } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: [reader, aSubscriber()],
    });

    await planDigests(deps, { digestDate: DIGEST_DATE });

    expect(logger.entries).toEqual([
      expect.objectContaining({
        message: 'digests planned',
        extra: expect.objectContaining({
          subscribers: 2,
          due: 2,
          withDigest: 1,
          skippedEmpty: 1,
          messages: 1,
        }),
      }),
    ]);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });
});

describe('isDue', () => {
  it('is due every day for an active daily subscriber', () => {
    const reader = aSubscriber();

    expect(['2025-11-10', '2025-11-14', '2025-11-16'].map((day) => isDue(reader, day))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('is due only on the ISO weekday for a weekly subscriber (7 = Sunday)', () => {
    const sundayReader = aSubscriber({ preferences: { cadence: 'weekly', weekday: 7 } });

    expect(isDue(sundayReader, '2025-11-16')).toBe(true);
    expect(isDue(sundayReader, '2025-11-15')).toBe(false);
    expect(isDue(sundayReader, '2025-11-17')).toBe(false);
  });

  it('is never due for an inactive subscriber', () => {
    expect(isDue(aSubscriber({ status: 'unsubscribed' }), DIGEST_DATE)).toBe(false);
  });
});

describe('chunk', () => {
  it('splits into pieces of at most the size, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 50)).toEqual([]);
  });
});
