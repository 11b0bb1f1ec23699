/** The fakes in test/support must keep the ports' contracts, or tests built on them prove nothing. */
import { ConcurrentUpdateError, EmailTakenError, type ScanCursor } from '../../../functions/core/ports';
import { aPaper, aSubscriber } from '../../support/builders';
import {
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemoryRunLedger,
  InMemorySubscriberRepository,
  RecordingMailer,
  RecordingSliceQueue,
  SettableClock,
} from '../../support/in-memory-ports';

describe('InMemorySubscriberRepository', () => {
  it('refuses a second subscriber for a taken address', async () => {
    const repository = new InMemorySubscriberRepository();
    await repository.create(aSubscriber({ email: 'reader@example.com' }));

    await expect(repository.create(aSubscriber({ email: 'reader@example.com' }))).rejects.toBeInstanceOf(
      EmailTakenError,
    );
  });

  it('saves only over the expected version', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);
    await repository.save({ ...reader, updatedAt: '2025-11-14T00:00:00.000Z' }, reader.updatedAt);

    await expect(
      repository.save({ ...reader, status: 'unsubscribed' }, reader.updatedAt),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await repository.get(reader.id))?.status).toBe('confirmed');
  });

  it('hands out copies, so a caller cannot change what is stored without saving', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);

    const copy = (await repository.get(reader.id)) as typeof reader;
    copy.preferences.keywords.push('sneaky');

    expect((await repository.get(reader.id))?.preferences.keywords).toEqual([]);
  });

  it('scans every subscriber exactly once across segments and pages, one scanCall per page', async () => {
    const readers = Array.from({ length: 11 }, () => aSubscriber());
    const repository = new InMemorySubscriberRepository({ pageSize: 2 }).seed(...readers);
    const seen: string[] = [];
    let pages = 0;

    for (let segment = 0; segment < 3; segment++) {
      let cursor: ScanCursor | undefined;
      do {
        const page = await repository.scanPage(
          segment,
          3,
          cursor && (JSON.parse(JSON.stringify(cursor)) as ScanCursor),
        );
        pages++;
        expect(page.subscribers.length).toBeLessThanOrEqual(2);
        seen.push(...page.subscribers.map((reader) => reader.id));
        cursor = page.cursor;
      } while (cursor);
    }

    expect(seen.sort()).toEqual(readers.map((reader) => reader.id).sort());
    // Segments of 4, 4 and 3 readers: 2 + 2 + 2 pages.
    expect(pages).toBe(6);
    expect(repository.scanCalls).toBe(pages);
  });

  it('never overwrites the digest history the send path wrote when a profile is saved', async () => {
    const reader = aSubscriber();
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const deliveries = new InMemoryDeliveryRepository(subscribers);
    const readBeforeTheClaim = (await subscribers.get(reader.id)) as typeof reader;
    await deliveries.claimDigest({
      subscriberId: reader.id,
      digestDate: '2025-11-14',
      paperIds: ['p1'],
      forgetDays: [],
    });

    await subscribers.save(
      { ...readBeforeTheClaim, digestHistory: {}, updatedAt: '2025-11-14T08:00:00.000Z' },
      readBeforeTheClaim.updatedAt,
    );

    const stored = await subscribers.get(reader.id);
    expect(stored?.updatedAt).toBe('2025-11-14T08:00:00.000Z');
    expect(stored?.digestHistory).toEqual({ '2025-11-14': ['p1'] });
  });
});

describe('InMemoryDeliveryRepository', () => {
  const claim = (
    subscriberId: string,
    digestDate = '2025-11-14',
    paperIds = ['p1'],
    forgetDays: string[] = [],
  ) => ({
    subscriberId,
    digestDate,
    paperIds,
    forgetDays,
  });

  it("claims a reader's digest of a day once, on their own item, and gives it back on release", async () => {
    const reader = aSubscriber({ digestHistory: { '2025-11-13': ['p0'] } });
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const deliveries = new InMemoryDeliveryRepository(subscribers, new SettableClock());

    const claimed = await deliveries.claimDigest(claim(reader.id));

    expect(claimed).toMatchObject({ id: reader.id, email: reader.email });
    expect(claimed?.digestHistory).toEqual({ '2025-11-13': ['p0'], '2025-11-14': ['p1'] });
    expect((await subscribers.get(reader.id))?.digestHistory).toEqual(claimed?.digestHistory);
    expect(await deliveries.claimDigest(claim(reader.id, '2025-11-14', ['p2']))).toBeUndefined();

    await deliveries.releaseDigest(reader.id, '2025-11-14');

    expect((await subscribers.get(reader.id))?.digestHistory).toEqual({ '2025-11-13': ['p0'] });
    expect((await deliveries.claimDigest(claim(reader.id, '2025-11-14', ['p2'])))?.digestHistory).toEqual({
      '2025-11-13': ['p0'],
      '2025-11-14': ['p2'],
    });
  });

  it('drops the forgotten days in the claim, but never the day it claims', async () => {
    const reader = aSubscriber({
      digestHistory: { '2025-11-04': ['a'], '2025-11-05': ['b'], '2025-11-13': ['c'] },
    });
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const deliveries = new InMemoryDeliveryRepository(subscribers);

    const claimed = await deliveries.claimDigest(
      claim(reader.id, '2025-11-14', ['d'], ['2025-11-04', '2025-11-05', '2025-11-14']),
    );

    expect(claimed?.digestHistory).toEqual({ '2025-11-13': ['c'], '2025-11-14': ['d'] });
  });

  it('refuses the claim for a reader who is not active or is gone, and writes nothing', async () => {
    const notActive = [
      aSubscriber({ status: 'unconfirmed' }),
      aSubscriber({ status: 'unsubscribed' }),
      aSubscriber({ preferences: { paused: true } }),
      aSubscriber({ suppressed: { reason: 'hard-bounce', at: '2025-11-01T00:00:00.000Z' } }),
    ];
    const subscribers = new InMemorySubscriberRepository().seed(...notActive);
    const deliveries = new InMemoryDeliveryRepository(subscribers);

    for (const reader of notActive) expect(await deliveries.claimDigest(claim(reader.id))).toBeUndefined();
    expect(await deliveries.claimDigest(claim('subscriber-gone'))).toBeUndefined();

    expect(subscribers.all().map((reader) => reader.digestHistory)).toEqual(notActive.map(() => undefined));
    expect(await subscribers.get('subscriber-gone')).toBeUndefined();
  });

  it('records many sent emails in one call, lists them by paper, and deletes them', async () => {
    const deliveries = new InMemoryDeliveryRepository(
      new InMemorySubscriberRepository(),
      new SettableClock('2025-11-14T07:00:00.000Z'),
    );

    await deliveries.recordSent([
      { subscriberId: 's1', digestDate: '2025-11-14', paperIds: ['p1', 'p2'], messageId: 'm1' },
      { subscriberId: 's2', digestDate: '2025-11-14', paperIds: ['p1'], messageId: 'm2' },
    ]);

    expect(deliveries.recordCalls).toBe(1);
    expect(deliveries.sentDigest('s1', '2025-11-14')).toEqual({
      subscriberId: 's1',
      digestDate: '2025-11-14',
      paperIds: ['p1', 'p2'],
      messageId: 'm1',
      sentAt: '2025-11-14T07:00:00.000Z',
    });
    expect(await deliveries.listForSubscriber('s1')).toEqual([
      { paperId: 'p1', digestDate: '2025-11-14', sentAt: '2025-11-14T07:00:00.000Z' },
      { paperId: 'p2', digestDate: '2025-11-14', sentAt: '2025-11-14T07:00:00.000Z' },
    ]);

    await deliveries.deleteForSubscriber('s1');

    expect(await deliveries.listForSubscriber('s1')).toEqual([]);
    expect(await deliveries.listForSubscriber('s2')).toHaveLength(1);
  });
});

describe('InMemoryRunLedger', () => {
  const run = { digestDate: '2025-11-14', runId: 'run-1' };
  const planned = { subscribers: 10, due: 8, withDigest: 6, skippedEmpty: 1, alreadySent: 1, messages: 1 };

  it("adds up a run's plan and send counts, a segment done only when a slice says so", async () => {
    const ledger = new InMemoryRunLedger(new SettableClock('2025-11-14T06:00:00.000Z'));
    await ledger.start(run, 2);

    await ledger.addPlanned(run, planned, false);
    await ledger.addPlanned(run, planned, true);
    await ledger.addSent(run, { sent: 5, skipped: 1, failed: 0, uncertain: 0 });
    await ledger.addSent(run, { sent: 6, skipped: 0, failed: 1, uncertain: 1 });

    expect(await ledger.read(run)).toEqual({
      ...run,
      startedAt: '2025-11-14T06:00:00.000Z',
      totalSegments: 2,
      segmentsDone: 1,
      subscribers: 20,
      due: 16,
      withDigest: 12,
      skippedEmpty: 2,
      alreadySent: 2,
      messages: 2,
      sent: 11,
      skipped: 1,
      failed: 1,
      uncertain: 1,
    });
  });

  it("keeps the run's quota left and answers the totals after each slice's counts, as the DynamoDB adapter does", async () => {
    const ledger = new InMemoryRunLedger();
    await ledger.start(run, 2, 7);

    const afterFirst = await ledger.addPlanned(run, planned, true);
    const afterSecond = await ledger.addPlanned(run, planned, false);
    const neverStarted = await ledger.addPlanned({ ...run, runId: 'never-started' }, planned, true);

    expect(afterFirst).toMatchObject({ quotaLeft: 7, withDigest: 6, segmentsDone: 1 });
    expect(afterSecond).toMatchObject({ quotaLeft: 7, withDigest: 12, segmentsDone: 1 });
    expect(neverStarted).toBeUndefined();
    expect(await ledger.read(run)).toEqual(afterSecond);
  });

  it('keeps two runs of one day apart, and knows no run it was not told of', async () => {
    const ledger = new InMemoryRunLedger();
    const rerun = { ...run, runId: 'run-2' };
    await ledger.start(run, 1);
    await ledger.start(rerun, 1);

    await ledger.addSent(rerun, { sent: 3, skipped: 0, failed: 0, uncertain: 0 });

    expect((await ledger.read(run))?.sent).toBe(0);
    expect((await ledger.read(rerun))?.sent).toBe(3);
    expect(await ledger.read({ ...run, runId: 'never-started' })).toBeUndefined();
  });
});

describe('RecordingSliceQueue', () => {
  it('records copies of the slices queued', async () => {
    const queue = new RecordingSliceQueue();
    const slice = {
      digestDate: '2025-11-14',
      runId: 'run-1',
      segment: 0,
      totalSegments: 1,
      cursor: { offset: 5 },
    };

    await queue.enqueue([slice]);
    slice.cursor.offset = 10;

    expect(queue.slices).toEqual([{ ...slice, cursor: { offset: 5 } }]);
  });
});

describe('InMemoryPaperRepository', () => {
  it('keeps the day a paper was first listed on', async () => {
    const paper = aPaper({ dailyDate: '2025-11-12' });
    const papers = new InMemoryPaperRepository([paper]);

    const counts = await papers.upsert([{ ...paper, dailyDate: '2025-11-13' }]);

    expect(counts).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await papers.listByDays(['2025-11-13'])).toEqual([]);
  });
});

describe('RecordingMailer', () => {
  it('fails for chosen addresses and records only accepted mail as sent', async () => {
    const mailer = new RecordingMailer({ failFor: ['down@example.com'] });
    const email = { subject: 's', html: 'h', text: 't' };

    await expect(mailer.send({ ...email, to: 'down@example.com' })).rejects.toThrow('mailer unavailable');
    await expect(mailer.send({ ...email, to: 'up@example.com' })).resolves.toEqual({
      messageId: 'message-1',
    });
    expect(mailer.sent.map((sent) => sent.to)).toEqual(['up@example.com']);
    expect(mailer.attempts).toHaveLength(2);
  });
});
