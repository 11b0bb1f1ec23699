import { chunk } from '@functions/core/collections';
import {
  DAILY_WINDOW_DAYS,
  HISTORY_DAYS,
  isDue,
  WEEKLY_WINDOW_DAYS,
} from '@functions/core/digests/digest-composer';
import { planSlice, runPlanSlice, SUBSCRIBERS_PER_MESSAGE } from '@functions/core/digests/plan-slice';
import {
  dryRunDigests,
  planWholeRun,
  readQuotaLeft,
  startDigestRun,
} from '@functions/core/digests/start-digest-run';
import type { Paper } from '@functions/core/papers';
import type { DigestBatch, DigestQueue, PlanSlice, ScanCursor } from '@functions/core/ports';
import type { Subscriber } from '@functions/core/subscribers/subscriber';
import { aPaper, aSubscriber } from '@support/builders';
import {
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemoryRunLedger,
  InMemorySubscriberRepository,
  RecordingDigestQueue,
  RecordingLogger,
  RecordingSliceQueue,
  SettableClock,
  SettableSendQuota,
} from '@support/in-memory-ports';

/** A Friday (ISO weekday 5). */
const DIGEST_DATE = '2025-11-14';
const FRIDAY = 5;
const RUN = { digestDate: DIGEST_DATE, runId: 'run-1' };

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

/** Counts every read a planner could make per reader (get, getMany, findByEmail); scans are counted by scanCalls. */
class CountingSubscriberRepository extends InMemorySubscriberRepository {
  readsPerReader = 0;
  override async get(id: string) {
    this.readsPerReader++;
    return super.get(id);
  }
  override async getMany(ids: string[]) {
    this.readsPerReader++;
    return super.getMany(ids);
  }
  override async findByEmail(email: string) {
    this.readsPerReader++;
    return super.findByEmail(email);
  }
}

/** Counts the paper reads (the composer reads its window once). */
class CountingPaperRepository extends InMemoryPaperRepository {
  listByDaysCalls = 0;
  getManyCalls = 0;
  override async listByDays(days: string[]) {
    this.listByDaysCalls++;
    return super.listByDays(days);
  }
  override async getMany(ids: string[]) {
    this.getManyCalls++;
    return super.getMany(ids);
  }
}

function setup(options: { papers?: Paper[]; subscribers?: Subscriber[]; pageSize?: number } = {}) {
  const clock = new SettableClock(`${DIGEST_DATE}T06:00:00.000Z`);
  const papers = new CountingPaperRepository(options.papers ?? []);
  const subscribers = new CountingSubscriberRepository({ pageSize: options.pageSize }).seed(
    ...(options.subscribers ?? []),
  );
  const queue = new RecordingDigestQueue();
  const sliceQueue = new RecordingSliceQueue();
  const ledger = new InMemoryRunLedger(clock);
  // No quota unless a test sets one.
  const sendQuota = new SettableSendQuota();
  const logger = new RecordingLogger();
  return {
    deps: { papers, subscribers, queue, logger },
    papers,
    subscribers,
    queue,
    sliceQueue,
    ledger,
    sendQuota,
    clock,
    logger,
  };
}

const aSlice = (overrides: Partial<PlanSlice> = {}): PlanSlice => ({
  ...RUN,
  segment: 0,
  totalSegments: 1,
  ...overrides,
});

/** Each planned reader with the paper ids their picks point at; fails on a reader planned twice. */
function digestsOf(batches: DigestBatch[]): Map<string, string[]> {
  const digests = new Map<string, string[]>();
  for (const batch of batches)
    for (const recipient of batch.recipients) {
      if (digests.has(recipient.subscriberId)) throw new Error(`${recipient.subscriberId} planned twice`);
      digests.set(
        recipient.subscriberId,
        recipient.picks.map((pick) => batch.papers[pick].paperId),
      );
    }
  return digests;
}

const plannedIds = (batches: DigestBatch[]) => [...digestsOf(batches).keys()].sort();
const idsOf = (subscribers: Subscriber[]) => subscribers.map((subscriber) => subscriber.id).sort();

describe('planSlice', () => {
  it('plans a daily digest of the matching papers of the last 3 days and queues it', async () => {
    const today = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 50 });
    const twoDaysAgo = speculativeDecodingPaper({ dailyDate: '2025-11-12', upvotes: 10 });
    const tooOld = speculativeDecodingPaper({ dailyDate: '2025-11-11', upvotes: 90 });
    const offTopic = proteinFoldingPaper({ dailyDate: '2025-11-14' });
    const reader = aSubscriber(reads('speculative decoding'));
    const { deps, queue } = setup({ papers: [today, twoDaysAgo, tooOld, offTopic], subscribers: [reader] });

    const result = await planSlice(deps, aSlice());

    expect(DAILY_WINDOW_DAYS).toBe(3);
    expect(result).toEqual({
      counts: { subscribers: 1, due: 1, withDigest: 1, skippedEmpty: 0, alreadySent: 0, messages: 1 },
      next: undefined,
    });
    expect(queue.batches).toHaveLength(1);
    const [batch] = queue.batches;
    expect(batch).toMatchObject({
      digestDate: DIGEST_DATE,
      runId: 'run-1',
      recipients: [{ subscriberId: reader.id, cadence: 'daily', picks: [0, 1] }],
    });
    expect(batch.recipients[0]).not.toHaveProperty('forgetDays');
    expect(batch.papers.map((paper) => paper.paperId)).toEqual([today.id, twoDaysAgo.id]);
    expect(batch.papers[0].why).toEqual([
      { topic: 'Speculative decoding', matched: expect.arrayContaining(['Speculative Decoding']) },
    ]);
  });

  it("carries how many papers each cadence's window holds, matched or not, for the email", async () => {
    const papers = [
      speculativeDecodingPaper({ dailyDate: '2025-11-14' }),
      proteinFoldingPaper({ dailyDate: '2025-11-13' }),
      proteinFoldingPaper({ dailyDate: '2025-11-10' }),
      proteinFoldingPaper({ dailyDate: '2025-11-01' }),
    ];
    const { deps, queue } = setup({ papers, subscribers: [aSubscriber(reads('speculative decoding'))] });

    await planSlice(deps, aSlice());

    // Daily: the last 3 days (2 papers); weekly: the last 7 (3); the one before is in neither.
    expect(queue.batches.map((batch) => batch.papersInWindow)).toEqual([{ daily: 2, weekly: 3 }]);
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
    const { deps, queue } = setup({
      papers: [sevenDaysBack, eightDaysBack],
      subscribers: [onFriday, onMonday],
    });

    const result = await planSlice(deps, aSlice());

    expect(WEEKLY_WINDOW_DAYS).toBe(7);
    expect(result.counts).toMatchObject({ subscribers: 2, due: 1, withDigest: 1 });
    expect(queue.batches).toHaveLength(1);
    expect(queue.batches[0].recipients).toEqual([
      { subscriberId: onFriday.id, cadence: 'weekly', picks: [0] },
    ]);
    expect(digestsOf(queue.batches).get(onFriday.id)).toEqual([sevenDaysBack.id]);
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

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toEqual({
      subscribers: 4,
      due: 0,
      withDigest: 0,
      skippedEmpty: 0,
      alreadySent: 0,
      messages: 0,
    });
    expect(queue.enqueueCalls).toBe(0);
  });

  it('counts due subscribers without a topic or without a match as skipped-empty', async () => {
    const paper = speculativeDecodingPaper();
    const noTopics = aSubscriber();
    const noMatch = aSubscriber(reads('protein folding'));
    const { deps, queue } = setup({ papers: [paper], subscribers: [noTopics, noMatch] });

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toMatchObject({ due: 2, withDigest: 0, skippedEmpty: 2, messages: 0 });
    expect(queue.batches).toEqual([]);
  });

  it("does not plan a paper the reader's own history says they were sent on an earlier day", async () => {
    const sent = speculativeDecodingPaper({ dailyDate: '2025-11-13', upvotes: 80 });
    const fresh = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 1 });
    const reader = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-13': [sent.id] },
    });
    const { deps, queue } = setup({ papers: [sent, fresh], subscribers: [reader] });

    await planSlice(deps, aSlice());

    expect(digestsOf(queue.batches).get(reader.id)).toEqual([fresh.id]);
  });

  it('skips a subscriber whose every match was already sent', async () => {
    const sent = speculativeDecodingPaper({ dailyDate: '2025-11-13' });
    const reader = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-13': [sent.id] },
    });
    const { deps, queue } = setup({ papers: [sent], subscribers: [reader] });

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toMatchObject({ due: 1, withDigest: 0, skippedEmpty: 1, messages: 0 });
    expect(queue.batches).toEqual([]);
  });

  it('fills papersPerEmail with the best papers, replacing already-sent ones from further down', async () => {
    const best = speculativeDecodingPaper({ upvotes: 90 });
    const second = speculativeDecodingPaper({ upvotes: 40 });
    const third = speculativeDecodingPaper({ upvotes: 10 });
    const fourth = speculativeDecodingPaper({ upvotes: 1 });
    const reader = aSubscriber({
      preferences: { keywords: ['speculative decoding'], papersPerEmail: 2 },
      digestHistory: { '2025-11-13': [best.id] },
    });
    const { deps, queue } = setup({ papers: [fourth, third, second, best], subscribers: [reader] });

    await planSlice(deps, aSlice());

    expect(digestsOf(queue.batches).get(reader.id)).toEqual([second.id, third.id]);
  });

  it('puts readers in one message with one table of the papers they share', async () => {
    const shared = speculativeDecodingPaper();
    const other = proteinFoldingPaper();
    const first = aSubscriber(reads('speculative decoding'));
    const second = aSubscriber(reads('speculative decoding'));
    const third = aSubscriber(reads('protein folding'));
    const { deps, queue } = setup({ papers: [shared, other], subscribers: [first, second, third] });

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toMatchObject({ withDigest: 3, messages: 1 });
    expect(queue.enqueueCalls).toBe(1);
    const [batch] = queue.batches;
    expect(batch.papers.map((paper) => paper.paperId)).toEqual([shared.id, other.id]);
    expect(batch.recipients.map(({ subscriberId, picks }) => ({ subscriberId, picks }))).toEqual([
      { subscriberId: first.id, picks: [0] },
      { subscriberId: second.id, picks: [0] },
      { subscriberId: third.id, picks: [1] },
    ]);
  });

  it('gives otherwise identical readers different papers once their histories differ', async () => {
    const older = speculativeDecodingPaper({ dailyDate: '2025-11-13' });
    const newer = speculativeDecodingPaper({ dailyDate: '2025-11-14' });
    const first = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-13': [older.id] },
    });
    const second = aSubscriber(reads('speculative decoding'));
    const { deps, queue } = setup({ papers: [older, newer], subscribers: [first, second] });

    await planSlice(deps, aSlice());

    const digests = digestsOf(queue.batches);
    expect(digests.get(first.id)).toEqual([newer.id]);
    expect(digests.get(second.id)?.slice().sort()).toEqual([older.id, newer.id].sort());
  });

  it('reads nothing per reader: one scan per page, and no other read of subscribers, deliveries or papers', async () => {
    const seen = speculativeDecodingPaper({ dailyDate: '2025-11-13' });
    const fresh = speculativeDecodingPaper({ dailyDate: '2025-11-14' });
    const readers = Array.from({ length: 30 }, (_, index) =>
      aSubscriber({
        ...reads('speculative decoding'),
        ...(index % 2 === 0 ? { digestHistory: { '2025-11-13': [seen.id] } } : {}),
      }),
    );
    const { deps, subscribers, papers, queue } = setup({
      papers: [seen, fresh],
      subscribers: readers,
      pageSize: 7,
    });
    // Planning is given a delivery repository it must not ask anything.
    const deliveryCalls: string[] = [];
    const deliveries = new Proxy(new InMemoryDeliveryRepository(subscribers), {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          deliveryCalls.push(String(property));
          return value.apply(target, args);
        };
      },
    });

    const planningDeps = { ...deps, deliveries };

    const result = await planSlice(planningDeps, aSlice());

    expect(result.counts).toMatchObject({ subscribers: 30, withDigest: 30 });
    expect(subscribers.scanCalls).toBe(Math.ceil(30 / 7));
    expect(subscribers.readsPerReader).toBe(0);
    expect(deliveryCalls).toEqual([]);
    expect(papers.listByDaysCalls).toBe(1);
    expect(papers.getManyCalls).toBe(0);
    // The history that came with each reader's item was still applied.
    const digests = digestsOf(queue.batches);
    readers.forEach((reader, index) =>
      expect(digests.get(reader.id)).toEqual(
        index % 2 === 0 ? [fresh.id] : expect.arrayContaining([seen.id]),
      ),
    );
  });

  // A paper keeps the day it was first listed on, so it is sent at the earliest on that day: a history
  // day older than HISTORY_DAYS cannot hold a paper of any window. Were it to, the planner still leaves
  // the paper out (at most once), though it asks the same claim to forget that day.
  it(`leaves out a paper found on any earlier history day, even one older than HISTORY_DAYS (${HISTORY_DAYS}) that it forgets`, async () => {
    const seen = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 50 });
    const fresh = speculativeDecodingPaper({ dailyDate: '2025-11-14', upvotes: 1 });
    const sentWithinHistory = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-06': [seen.id] },
    });
    const sentBeforeHistory = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-05': [seen.id] },
    });
    const { deps, queue } = setup({
      papers: [seen, fresh],
      subscribers: [sentWithinHistory, sentBeforeHistory],
    });

    await planSlice(deps, aSlice());

    const digests = digestsOf(queue.batches);
    expect(digests.get(sentWithinHistory.id)).toEqual([fresh.id]);
    expect(digests.get(sentBeforeHistory.id)).toEqual([fresh.id]);
    const recipients = queue.batches.flatMap((batch) => batch.recipients);
    expect(recipients.map((recipient) => recipient.forgetDays)).toEqual([undefined, ['2025-11-05']]);
  });

  it('leaves out a paper sent in a later digest when an earlier day is run again', async () => {
    const seen = speculativeDecodingPaper({ dailyDate: '2025-11-13', upvotes: 50 });
    const fresh = speculativeDecodingPaper({ dailyDate: '2025-11-13', upvotes: 1 });
    const sentTheDayAfter = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-15': [seen.id] },
    });
    const { deps, queue } = setup({ papers: [seen, fresh], subscribers: [sentTheDayAfter] });

    await planSlice(deps, aSlice());

    expect(digestsOf(queue.batches).get(sentTheDayAfter.id)).toEqual([fresh.id]);
  });

  it("counts a reader whose history already has this day's digest as already sent, and does not plan them", async () => {
    const paper = speculativeDecodingPaper();
    const alreadyHasIt = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { [DIGEST_DATE]: ['2511.99999'] },
    });
    const emptyDigestToday = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { [DIGEST_DATE]: [] },
    });
    const hadYesterdays = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-13': ['2511.99999'] },
    });
    const { deps, queue } = setup({
      papers: [paper],
      subscribers: [alreadyHasIt, emptyDigestToday, hadYesterdays],
    });

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toEqual({
      subscribers: 3,
      due: 3,
      withDigest: 1,
      skippedEmpty: 0,
      alreadySent: 2,
      messages: 1,
    });
    expect(plannedIds(queue.batches)).toEqual([hadYesterdays.id]);
  });

  it(`carries the history days older than HISTORY_DAYS (${HISTORY_DAYS}) as the reader's forgetDays`, async () => {
    const paper = speculativeDecodingPaper();
    const withOldDays = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-04': ['a'], '2025-11-05': ['b'], '2025-11-06': ['c'], '2025-11-13': ['d'] },
    });
    const withRecentDays = aSubscriber({
      ...reads('speculative decoding'),
      digestHistory: { '2025-11-06': ['c'], '2025-11-13': ['d'] },
    });
    const { deps, queue } = setup({ papers: [paper], subscribers: [withOldDays, withRecentDays] });

    await planSlice(deps, aSlice());

    const recipients = queue.batches.flatMap((batch) => batch.recipients);
    expect(recipients.find((recipient) => recipient.subscriberId === withOldDays.id)?.forgetDays).toEqual([
      '2025-11-04',
      '2025-11-05',
    ]);
    expect(recipients.find((recipient) => recipient.subscriberId === withRecentDays.id)).not.toHaveProperty(
      'forgetDays',
    );
  });

  it(`splits 120 due readers into messages of at most ${SUBSCRIBERS_PER_MESSAGE}, each reader's picks pointing into their own message's paper table`, async () => {
    const decoding = speculativeDecodingPaper({ upvotes: 30 });
    const folding = proteinFoldingPaper({ upvotes: 20 });
    const both = aPaper({
      title: 'Speculative Decoding for Protein Folding',
      abstract: 'We apply speculative decoding to protein folding.',
      upvotes: 90,
    });
    const topics = [
      ['speculative decoding'],
      ['protein folding'],
      ['speculative decoding', 'protein folding'],
    ];
    const readers = Array.from({ length: 120 }, (_, index) =>
      aSubscriber(reads(...topics[index < 60 ? 0 : index < 100 ? 1 : 2])),
    );
    const expected = (index: number) =>
      index < 60
        ? [both.id, decoding.id]
        : index < 100
          ? [both.id, folding.id]
          : [both.id, decoding.id, folding.id];
    const { deps, queue } = setup({ papers: [decoding, folding, both], subscribers: readers, pageSize: 7 });

    const result = await planSlice(deps, aSlice());

    expect(result.counts).toMatchObject({ subscribers: 120, withDigest: 120, messages: 3 });
    expect(queue.batches.map((batch) => batch.recipients.length)).toEqual([50, 50, 20]);
    for (const batch of queue.batches) {
      // Each message's table holds each (paper, reasons) once, and only what its readers pick.
      const keys = batch.papers.map((paper) => `${paper.paperId}|${JSON.stringify(paper.why)}`);
      expect(new Set(keys).size).toBe(keys.length);
      const picked = new Set(batch.recipients.flatMap((recipient) => recipient.picks));
      expect(picked).toEqual(new Set(batch.papers.map((_, index) => index)));
    }
    // The last message (readers 100-119) carries a table of its own, not the first message's.
    expect(queue.batches[2].papers.map((paper) => paper.paperId).sort()).toEqual(
      [both.id, decoding.id, folding.id].sort(),
    );
    const digests = digestsOf(queue.batches);
    expect(digests.size).toBe(120);
    readers.forEach((reader, index) =>
      expect(digests.get(reader.id)?.slice().sort()).toEqual(expected(index).slice().sort()),
    );
  });

  it('queues send messages as they fill, ten at most to a call, before the segment is read to its end', async () => {
    const readers = Array.from({ length: 12 * SUBSCRIBERS_PER_MESSAGE + 5 }, () =>
      aSubscriber(reads('speculative decoding')),
    );
    const { deps, subscribers } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: readers,
      pageSize: SUBSCRIBERS_PER_MESSAGE,
    });
    const events: string[] = [];
    const queued: DigestBatch[][] = [];
    const queue: DigestQueue = {
      enqueue: async (batches) => {
        events.push(`enqueue ${batches.length} after ${subscribers.scanCalls} pages`);
        queued.push(batches);
      },
    };

    const result = await planSlice({ ...deps, queue }, aSlice());

    expect(subscribers.scanCalls).toBe(13);
    expect(events).toEqual(['enqueue 10 after 10 pages', 'enqueue 3 after 13 pages']);
    expect(result.counts.messages).toBe(13);
    expect(plannedIds(queued.flat())).toEqual(idsOf(readers));
  });

  it('stops when out of time, returning where to continue; the continuation plans exactly the rest', async () => {
    const readers = Array.from({ length: 30 }, () => aSubscriber(reads('speculative decoding')));
    const { deps, queue, subscribers } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: readers,
      pageSize: 7,
    });

    const first = await planSlice(deps, aSlice(), { hasTimeLeft: () => false });

    expect(subscribers.scanCalls).toBe(1);
    expect(first.counts).toMatchObject({ subscribers: 7, withDigest: 7, messages: 1 });
    expect(first.next).toEqual({ ...aSlice(), cursor: expect.any(Object) });
    expect(plannedIds(queue.batches)).toEqual(idsOf(readers.slice(0, 7)));
    const next = JSON.parse(JSON.stringify(first.next)) as PlanSlice; // as the plan queue carries it

    const rest = await planSlice(deps, next);

    expect(rest.next).toBeUndefined();
    expect(rest.counts).toMatchObject({ subscribers: 23, withDigest: 23 });
    expect(plannedIds(queue.batches)).toEqual(idsOf(readers)); // digestsOf throws on a reader planned twice
  });

  it('covers a segment exactly once when every invocation runs out of time after one page', async () => {
    const readers = Array.from({ length: 23 }, () => aSubscriber(reads('speculative decoding')));
    const { deps, queue } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: readers,
      pageSize: 5,
    });
    const cursors: (ScanCursor | undefined)[] = [];

    let slice: PlanSlice | undefined = aSlice({ segment: 0, totalSegments: 1 });
    // Bounded, so a continuation that never ends fails the test instead of hanging it.
    while (slice && cursors.length < 20) {
      cursors.push(slice.cursor);
      slice = (await planSlice(deps, slice, { hasTimeLeft: () => false })).next;
    }

    expect(slice).toBeUndefined();
    expect(cursors).toHaveLength(Math.ceil(23 / 5));
    expect(plannedIds(queue.batches)).toEqual(idsOf(readers));
  });

  it('logs counts, never an email address', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', ...reads('speculative decoding') });
    const { deps, logger } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: [reader, aSubscriber()],
    });

    await planSlice(deps, aSlice());

    expect(logger.entries).toEqual([
      expect.objectContaining({
        message: 'digest slice planned',
        extra: expect.objectContaining({
          runId: 'run-1',
          segment: 0,
          subscribers: 2,
          due: 2,
          withDigest: 1,
          skippedEmpty: 1,
          messages: 1,
          continues: false,
        }),
      }),
    ]);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });
});

describe('runPlanSlice', () => {
  it('queues the continuation and adds the counts, marking the segment done only when it is read to its end', async () => {
    const readers = Array.from({ length: 12 }, () => aSubscriber(reads('speculative decoding')));
    const { deps, sliceQueue, ledger, queue } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: readers,
      pageSize: 5,
    });
    await ledger.start(RUN, 1);

    const first = await runPlanSlice({ ...deps, sliceQueue, ledger }, aSlice(), { hasTimeLeft: () => false });

    expect(sliceQueue.slices).toEqual([first.next]);
    expect(first.next?.cursor).toBeDefined();
    expect(await ledger.read(RUN)).toMatchObject({
      segmentsDone: 0,
      subscribers: 5,
      withDigest: 5,
      messages: 1,
    });

    const rest = await runPlanSlice({ ...deps, sliceQueue, ledger }, sliceQueue.slices[0]);

    expect(rest.next).toBeUndefined();
    expect(sliceQueue.slices).toHaveLength(1);
    expect(await ledger.read(RUN)).toMatchObject({
      totalSegments: 1,
      segmentsDone: 1,
      subscribers: 12,
      due: 12,
      withDigest: 12,
      messages: 2,
    });
    expect(plannedIds(queue.batches)).toEqual(idsOf(readers));
  });

  it('adds nothing to the ledger and queues no continuation when the send messages could not be queued', async () => {
    const { deps, sliceQueue, ledger } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: [aSubscriber(reads('speculative decoding'))],
    });
    await ledger.start(RUN, 1);
    const failingQueue: DigestQueue = {
      enqueue: async () => {
        throw new Error('SQS unavailable');
      },
    };

    await expect(
      runPlanSlice({ ...deps, queue: failingQueue, sliceQueue, ledger }, aSlice()),
    ).rejects.toThrow('SQS unavailable');

    expect(await ledger.read(RUN)).toMatchObject({ segmentsDone: 0, subscribers: 0, messages: 0 });
    expect(sliceQueue.slices).toEqual([]);
  });
});

describe('startDigestRun', () => {
  it('opens the ledger and queues one slice per segment, all of the same run', async () => {
    const { sliceQueue, ledger, sendQuota, clock, logger } = setup();

    const run = await startDigestRun(
      { sliceQueue, ledger, sendQuota, clock, logger },
      { digestDate: DIGEST_DATE, totalSegments: 4 },
    );

    const runId = `${DIGEST_DATE}T06:00:00.000Z`;
    expect(run).toEqual({ digestDate: DIGEST_DATE, runId, totalSegments: 4 });
    expect(sliceQueue.slices).toEqual(
      [0, 1, 2, 3].map((segment) => ({ digestDate: DIGEST_DATE, runId, segment, totalSegments: 4 })),
    );
    expect(await ledger.read(run)).toMatchObject({
      digestDate: DIGEST_DATE,
      runId,
      totalSegments: 4,
      segmentsDone: 0,
      startedAt: `${DIGEST_DATE}T06:00:00.000Z`,
    });
  });

  it('names the run by the runId it is given', async () => {
    const { sliceQueue, ledger, sendQuota, clock, logger } = setup();

    await startDigestRun(
      { sliceQueue, ledger, sendQuota, clock, logger },
      { digestDate: DIGEST_DATE, totalSegments: 2, runId: '2025-11-14T06:00:00Z-slot' },
    );

    expect(sliceQueue.slices.map((slice) => slice.runId)).toEqual([
      '2025-11-14T06:00:00Z-slot',
      '2025-11-14T06:00:00Z-slot',
    ]);
    expect(await ledger.read({ digestDate: DIGEST_DATE, runId: '2025-11-14T06:00:00Z-slot' })).toBeDefined();
  });

  it('plans every reader once when its slices are consumed, however often they run out of time', async () => {
    const readers = Array.from({ length: 37 }, () => aSubscriber(reads('speculative decoding')));
    const { deps, sliceQueue, ledger, sendQuota, clock, logger, queue } = setup({
      papers: [speculativeDecodingPaper()],
      subscribers: [...readers, aSubscriber({ status: 'unsubscribed' })],
      pageSize: 4,
    });
    const run = await startDigestRun(
      { sliceQueue, ledger, sendQuota, clock, logger },
      { digestDate: DIGEST_DATE, totalSegments: 3 },
    );

    let consumed = 0;
    // Bounded, so a run whose slices never end fails the test instead of hanging it.
    while (consumed < sliceQueue.slices.length && consumed < 100) {
      const slice = sliceQueue.slices[consumed++];
      await runPlanSlice({ ...deps, sliceQueue, ledger }, slice, { hasTimeLeft: () => consumed % 2 === 0 });
    }

    expect(consumed).toBe(sliceQueue.slices.length);
    expect(plannedIds(queue.batches)).toEqual(idsOf(readers));
    expect(queue.batches.every((batch) => batch.runId === run.runId)).toBe(true);
    expect(await ledger.read(run)).toMatchObject({
      totalSegments: 3,
      segmentsDone: 3,
      subscribers: 38,
      due: 37,
      withDigest: 37,
      messages: queue.batches.length,
    });
  });
});

describe('planWholeRun', () => {
  it('plans every reader of every segment exactly once, reading the paper window once, and queues nothing', async () => {
    const papers = [speculativeDecodingPaper(), proteinFoldingPaper()];
    const readers = Array.from({ length: 23 }, (_, index) =>
      aSubscriber(reads(index % 3 === 0 ? 'protein folding' : 'speculative decoding')),
    );
    const { deps, queue, papers: paperRepository } = setup({ papers, subscribers: readers, pageSize: 2 });

    const result = await planWholeRun(deps, { digestDate: DIGEST_DATE, totalSegments: 5 });

    expect(result.counts).toEqual({
      subscribers: 23,
      due: 23,
      withDigest: 23,
      skippedEmpty: 0,
      alreadySent: 0,
      messages: 5,
    });
    expect(result.batches).toHaveLength(5);
    expect(plannedIds(result.batches)).toEqual(idsOf(readers));
    expect(result.batches.every((batch) => batch.runId === 'dry-run')).toBe(true);
    expect(result.distinctTopics).toBeGreaterThan(0);
    expect(paperRepository.listByDaysCalls).toBe(1);
    expect(queue.enqueueCalls).toBe(0);
  });

  it('gives each reader the same digest whatever the number of segments', async () => {
    const papers = [
      speculativeDecodingPaper({ upvotes: 9 }),
      speculativeDecodingPaper({ upvotes: 3, dailyDate: '2025-11-13' }),
      proteinFoldingPaper(),
    ];
    const readers = [
      ...Array.from({ length: 5 }, () => aSubscriber(reads('speculative decoding'))),
      ...Array.from({ length: 4 }, () => aSubscriber(reads('protein folding'))),
      aSubscriber({ ...reads('speculative decoding'), digestHistory: { '2025-11-13': [papers[0].id] } }),
    ];

    const one = await planWholeRun(setup({ papers, subscribers: readers, pageSize: 2 }).deps, {
      digestDate: DIGEST_DATE,
      totalSegments: 1,
    });
    const four = await planWholeRun(setup({ papers, subscribers: readers, pageSize: 2 }).deps, {
      digestDate: DIGEST_DATE,
      totalSegments: 4,
    });

    expect(four.counts.subscribers).toBe(10);
    expect(digestsOf(four.batches)).toEqual(digestsOf(one.batches));
    expect(digestsOf(four.batches).size).toBe(10);
  });
});

describe('the SES 24-hour quota', () => {
  const QUOTA_EXCEEDED = 'digest run exceeds the SES 24-hour quota';
  const QUOTA_NOT_READ = 'SES sending quota not read: using the configured quota';

  /** A day where each of `count` readers gets a digest. */
  const readersWithDigests = (count: number) =>
    Array.from({ length: count }, () => aSubscriber(reads('speculative decoding')));

  /** Starts a run and plans each of its slices in turn, as the plan queue's consumer would. */
  async function runDay(
    fixture: ReturnType<typeof setup>,
    options: { totalSegments: number; configuredQuota?: number },
  ) {
    const { deps, sliceQueue, ledger, sendQuota, clock, logger } = fixture;
    const run = await startDigestRun(
      { sliceQueue, ledger, sendQuota, clock, logger },
      { digestDate: DIGEST_DATE, ...options },
    );
    const slices = [];
    for (const slice of sliceQueue.slices)
      slices.push(await runPlanSlice({ ...deps, sliceQueue, ledger }, slice));
    return { run, slices, report: await ledger.read(run) };
  }

  describe('readQuotaLeft', () => {
    const left = async (
      configuredQuota: number | undefined,
      reading: { max24HourSend: number; sentLast24Hours: number } | undefined,
    ) =>
      readQuotaLeft(
        { sendQuota: new SettableSendQuota(reading), logger: new RecordingLogger() },
        configuredQuota,
      );

    it("is SES's quota less what was sent in the last 24 hours, never below zero", async () => {
      expect(await left(undefined, { max24HourSend: 200, sentLast24Hours: 150 })).toBe(50);
      expect(await left(undefined, { max24HourSend: 200, sentLast24Hours: 230 })).toBe(0);
    });

    it('is the smaller of that and the configured quota, or whichever of the two is known', async () => {
      expect(await left(40, { max24HourSend: 200, sentLast24Hours: 150 })).toBe(40);
      expect(await left(500, { max24HourSend: 200, sentLast24Hours: 150 })).toBe(50);
      expect(await left(500, undefined)).toBe(500);
      expect(await left(undefined, undefined)).toBeUndefined();
    });

    it('falls back to the configured quota with a warning when SES cannot be asked', async () => {
      const logger = new RecordingLogger();
      const sendQuota = new SettableSendQuota().failWith(new Error('Rate exceeded'));

      const withConfigured = await readQuotaLeft({ sendQuota, logger }, 300);
      const without = await readQuotaLeft({ sendQuota, logger }, undefined);

      expect(withConfigured).toBe(300);
      expect(without).toBeUndefined();
      expect(logger.entries).toEqual([
        { level: 'warn', message: QUOTA_NOT_READ, extra: { configuredQuota: 300, error: 'Rate exceeded' } },
        {
          level: 'warn',
          message: QUOTA_NOT_READ,
          extra: { configuredQuota: undefined, error: 'Rate exceeded' },
        },
      ]);
    });
  });

  it("stores what is left of the quota with the run's ledger, logs it and returns it", async () => {
    const fixture = setup();
    fixture.sendQuota.set({ max24HourSend: 1000, sentLast24Hours: 400 });

    const run = await startDigestRun(fixture, {
      digestDate: DIGEST_DATE,
      totalSegments: 2,
      configuredQuota: 800,
    });

    expect(fixture.sendQuota.reads).toBe(1);
    expect(run).toMatchObject({ totalSegments: 2, quotaLeft: 600 });
    expect((await fixture.ledger.read(run))?.quotaLeft).toBe(600);
    expect(fixture.logger.entries).toEqual([
      { level: 'info', message: 'digest run started', extra: { ...run, totalSegments: 2, quotaLeft: 600 } },
    ]);
  });

  it('stores no quota and compares nothing when none is known', async () => {
    const fixture = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(9) });

    const { run, slices, report } = await runDay(fixture, { totalSegments: 3 });

    expect(run).not.toHaveProperty('quotaLeft');
    expect(report).not.toHaveProperty('quotaLeft');
    expect(report?.withDigest).toBe(9);
    expect(slices.map((slice) => slice.quotaShortfall)).toEqual([undefined, undefined, undefined]);
    expect(fixture.logger.messages('error')).toEqual([]);
  });

  it('reports nothing while the digests planned stay within the quota (up to exactly what is left)', async () => {
    const fixture = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(6) });
    fixture.sendQuota.set({ max24HourSend: 200, sentLast24Hours: 194 });

    const { slices, report } = await runDay(fixture, { totalSegments: 3 });

    expect(report).toMatchObject({ quotaLeft: 6, withDigest: 6 });
    expect(slices.every((slice) => slice.quotaShortfall === undefined)).toBe(true);
    expect(fixture.logger.messages('error')).toEqual([]);
  });

  it("reports the shortfall from the slice whose digests take the run's total past the quota, and every slice after", async () => {
    const readers = readersWithDigests(9);
    const fixture = setup({ papers: [speculativeDecodingPaper()], subscribers: readers });
    fixture.sendQuota.set({ max24HourSend: 200, sentLast24Hours: 196 });

    const { run, slices, report } = await runDay(fixture, { totalSegments: 3 });

    // Three readers a slice (segment = insertion index modulo 3): 3, then 6 and 9 of 4 left.
    expect(report).toMatchObject({ quotaLeft: 4, withDigest: 9 });
    expect(slices.map((slice) => slice.quotaShortfall)).toEqual([undefined, 2, 5]);
    // Planning goes on: SES refuses what is past the quota, the planner does not guess which.
    expect(plannedIds(fixture.queue.batches)).toEqual(idsOf(readers));
    const errors = fixture.logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: QUOTA_EXCEEDED,
        extra: { digestDate: DIGEST_DATE, runId: run.runId, planned: 6, quotaLeft: 4, shortfall: 2 },
      },
      {
        level: 'error',
        message: QUOTA_EXCEEDED,
        extra: { digestDate: DIGEST_DATE, runId: run.runId, planned: 9, quotaLeft: 4, shortfall: 5 },
      },
    ]);
    expect(fixture.logger.serialized()).not.toContain('@');
  });

  it('falls back to the configured quota when SES cannot be asked, and still reports the run over it', async () => {
    const fixture = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(3) });
    fixture.sendQuota.failWith(new Error('connect ECONNREFUSED'));

    const { run, slices, report } = await runDay(fixture, { totalSegments: 1, configuredQuota: 2 });

    expect(run.quotaLeft).toBe(2);
    expect(report).toMatchObject({ quotaLeft: 2, withDigest: 3, segmentsDone: 1 });
    expect(slices.map((slice) => slice.quotaShortfall)).toEqual([1]);
    expect(fixture.logger.messages('warn')).toEqual([QUOTA_NOT_READ]);
    expect(fixture.logger.messages('error')).toEqual([QUOTA_EXCEEDED]);
  });

  it('says nothing of the quota for a slice of a run that has no ledger', async () => {
    const fixture = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(3) });
    const { deps, sliceQueue, ledger } = fixture;

    const result = await runPlanSlice({ ...deps, sliceQueue, ledger }, aSlice());

    expect(result.counts.withDigest).toBe(3);
    expect(result).not.toHaveProperty('quotaShortfall');
    expect(await ledger.read(RUN)).toBeUndefined();
  });

  it("the dry run says what is left of the quota and whether the day's digests exceed it, queueing nothing", async () => {
    const over = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(5) });
    over.sendQuota.set({ max24HourSend: 200, sentLast24Hours: 196 });
    const within = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(4) });
    within.sendQuota.set({ max24HourSend: 200, sentLast24Hours: 196 });
    const unknown = setup({ papers: [speculativeDecodingPaper()], subscribers: readersWithDigests(4) });

    const dryRun = (fixture: ReturnType<typeof setup>) =>
      dryRunDigests(
        { ...fixture.deps, sendQuota: fixture.sendQuota },
        { digestDate: DIGEST_DATE, totalSegments: 2 },
      );

    expect(await dryRun(over)).toMatchObject({ counts: { withDigest: 5 }, quotaLeft: 4, exceedsQuota: true });
    expect(await dryRun(within)).toMatchObject({
      counts: { withDigest: 4 },
      quotaLeft: 4,
      exceedsQuota: false,
    });
    const unknownResult = await dryRun(unknown);
    expect(unknownResult.counts.withDigest).toBe(4);
    expect(unknownResult).not.toHaveProperty('quotaLeft');
    expect(unknownResult).not.toHaveProperty('exceedsQuota');
    for (const fixture of [over, within, unknown]) {
      expect(fixture.queue.enqueueCalls).toBe(0);
      expect(fixture.sliceQueue.slices).toEqual([]);
    }
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
