import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createDeliveryRepository } from '../../functions/adapters/dynamodb/delivery-repository';
import { createPaperRepository } from '../../functions/adapters/dynamodb/paper-repository';
import { createSubscriberRepository } from '../../functions/adapters/dynamodb/subscriber-repository';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { ConcurrentUpdateError, EmailTakenError } from '../../functions/core/ports';
import type { Subscriber } from '../../functions/core/subscribers/subscriber';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { HF_DAYS_DIR } from '../support/paths';
import { createRunLedger } from '../../functions/adapters/dynamodb/run-ledger';
import type { SubscriberRepository } from '../../functions/core/ports';
import { countedRun, countRequests } from '../support/counted-run';
import { aSubscriber } from '../support/builders';

/** Every subscriber id of one scan segment, page after page. */
async function scanAll(subscribers: SubscriberRepository, segment: number, totalSegments: number) {
  const ids: string[] = [];
  let cursor;
  do {
    const page = await subscribers.scanPage(segment, totalSegments, cursor);
    ids.push(...page.subscribers.map((subscriber) => subscriber.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

let standIns: StandIns;
let now = new Date('2025-11-13T08:00:00Z');
const clock = { now: () => now };

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'repo-test-' });
});
afterAll(async () => standIns.stop());

const db = () => createDocumentClient({ endpoint: standIns.endpoints.dynamodb });
const realDay = (day: string) =>
  parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8')), day).papers;

describe('paper repository on dynalite', () => {
  it('counts new, updated and unchanged papers and keeps the first listing day', async () => {
    const papers = createPaperRepository(db(), standIns.tables.papers);
    const day = realDay('2025-11-13');

    const first = await papers.upsert(day);
    const again = await papers.upsert(day);
    const bumped = day.map((paper, index) =>
      index === 0 ? { ...paper, upvotes: (paper.upvotes ?? 0) + 5, dailyDate: '2025-11-14' } : paper,
    );
    const third = await papers.upsert(bumped);

    expect(first).toEqual({ created: day.length, updated: 0, unchanged: 0 });
    expect(again).toEqual({ created: 0, updated: 0, unchanged: day.length });
    expect(third).toEqual({ created: 0, updated: 1, unchanged: day.length - 1 });
    const [stored] = await papers.getMany([day[0].id]);
    expect(stored.upvotes).toBe((day[0].upvotes ?? 0) + 5);
    expect(stored.dailyDate).toBe('2025-11-13');
  });

  it('lists papers by day through the byDay index and knows the recent days', async () => {
    const papers = createPaperRepository(db(), standIns.tables.papers);
    await papers.upsert(realDay('2025-11-12'));

    const listed = await papers.listByDays(['2025-11-12', '2025-11-13']);
    const recent = await papers.recentDays(5);
    const notAfter = await papers.recentDays(5, '2025-11-12');

    expect(listed.length).toBe(realDay('2025-11-12').length + realDay('2025-11-13').length);
    expect(new Set(listed.map((paper) => paper.dailyDate))).toEqual(new Set(['2025-11-12', '2025-11-13']));
    expect(recent).toEqual(['2025-11-13', '2025-11-12']);
    expect(notAfter).toEqual(['2025-11-12']);
  });

  it('returns only the papers that exist, in the order asked', async () => {
    const papers = createPaperRepository(db(), standIns.tables.papers);
    const [a, b] = realDay('2025-11-13');
    const found = await papers.getMany([b.id, 'missing-id', a.id]);
    expect(found.map((paper) => paper.id)).toEqual([b.id, a.id]);
  });
});

describe('subscriber repository on dynalite', () => {
  it('claims an address once and finds the subscriber by it', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const subscriber = aSubscriber();

    await subscribers.create(subscriber);

    await expect(subscribers.create(aSubscriber({ email: subscriber.email }))).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    expect((await subscribers.findByEmail(subscriber.email))?.id).toBe(subscriber.id);
  });

  it('reads a subscriber saved with a one-letter keyword (allowed before keywords needed 2 characters)', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const subscriber = aSubscriber({ preferences: { keywords: ['R'] } });

    await subscribers.create(subscriber);

    expect((await subscribers.get(subscriber.id))?.preferences.keywords).toEqual(['R']);
  });

  it('keeps the ratings and example papers a reader saved, and reads a reader saved before either existed', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const before = aSubscriber();
    const { examplePapers: _none, ...preferencesBefore } = before.preferences;
    await subscribers.create({ ...before, preferences: preferencesBefore as typeof before.preferences });
    const rater = aSubscriber({ preferences: { examplePapers: ['2510.01234'] } });
    await subscribers.create(rater);

    await subscribers.save(
      {
        ...rater,
        ratings: { liked: ['2510.00001'], disliked: ['2510.00002'] },
        updatedAt: '2025-11-14T08:00:00.000Z',
      },
      rater.updatedAt,
    );

    const saved = await subscribers.get(rater.id);
    expect(saved?.ratings).toEqual({ liked: ['2510.00001'], disliked: ['2510.00002'] });
    expect(saved?.preferences.examplePapers).toEqual(['2510.01234']);
    expect((await subscribers.get(before.id))?.preferences.examplePapers).toEqual([]);
  });

  it('refuses a save based on a stale copy', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const subscriber = aSubscriber();
    await subscribers.create(subscriber);
    const later = { ...subscriber, updatedAt: '2025-11-13T09:00:00.000Z' };
    await subscribers.save(later, subscriber.updatedAt);

    await expect(
      subscribers.save(
        { ...subscriber, status: 'unsubscribed', updatedAt: '2025-11-13T09:01:00.000Z' },
        subscriber.updatedAt,
      ),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await subscribers.get(subscriber.id))?.status).toBe('confirmed');
  });

  it('frees the address on delete and scans every subscriber across segments', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const many = Array.from({ length: 12 }, () => aSubscriber());
    for (const subscriber of many) await subscribers.create(subscriber);
    await subscribers.delete(many[0]);

    const seen: string[] = [];
    for (let segment = 0; segment < 3; segment++) seen.push(...(await scanAll(subscribers, segment, 3)));

    expect(await subscribers.findByEmail(many[0].email)).toBeUndefined();
    expect(seen).not.toContain(many[0].id);
    for (const subscriber of many.slice(1)) expect(seen).toContain(subscriber.id);
    expect(new Set(seen).size).toBe(seen.length);
    await expect(subscribers.create(aSubscriber({ email: many[0].email }))).resolves.toBeUndefined();
  });
});

const repositories = (client = db()) => ({
  subscribers: createSubscriberRepository(client, standIns.tables.subscribers),
  deliveries: createDeliveryRepository(
    client,
    { deliveries: standIns.tables.deliveries, subscribers: standIns.tables.subscribers },
    clock,
  ),
});
describe('delivery repository on dynalite', () => {
  const claimOf = (
    subscriberId: string,
    digestDate: string,
    paperIds = ['p1', 'p2'],
    forgetDays: string[] = [],
  ) => ({
    subscriberId,
    digestDate,
    paperIds,
    forgetDays,
  });

  it("claims a day's digest once on the reader's own item, and again after a release", async () => {
    const { subscribers, deliveries } = repositories();
    const reader = aSubscriber();
    await subscribers.create(reader);

    const first = await deliveries.claimDigest(claimOf(reader.id, '2025-11-13'));
    const second = await deliveries.claimDigest(claimOf(reader.id, '2025-11-13'));
    await deliveries.releaseDigest(reader.id, '2025-11-13');
    const afterRelease = await deliveries.claimDigest(claimOf(reader.id, '2025-11-13', ['p3']));
    const nextDay = await deliveries.claimDigest(claimOf(reader.id, '2025-11-14', ['p4']));

    expect(first?.email).toBe(reader.email);
    expect(first?.digestHistory).toEqual({ '2025-11-13': ['p1', 'p2'] });
    expect(second).toBeUndefined();
    expect(afterRelease?.digestHistory).toEqual({ '2025-11-13': ['p3'] });
    expect((await subscribers.get(reader.id))?.digestHistory).toEqual(nextDay?.digestHistory);
    expect(nextDay?.digestHistory).toEqual({ '2025-11-13': ['p3'], '2025-11-14': ['p4'] });
  });

  it('drops the history days the planner named, in the same write', async () => {
    const { subscribers, deliveries } = repositories();
    const reader = aSubscriber();
    await subscribers.create(reader);
    await deliveries.claimDigest(claimOf(reader.id, '2025-11-01', ['old']));

    const claimed = await deliveries.claimDigest(claimOf(reader.id, '2025-11-13', ['new'], ['2025-11-01']));

    expect(claimed?.digestHistory).toEqual({ '2025-11-13': ['new'] });
  });

  it('refuses the claim of a reader who is no longer active, or gone', async () => {
    const { subscribers, deliveries } = repositories();
    const paused = aSubscriber({
      preferences: { topics: ['ai-agents'], paused: true },
    });
    const suppressed = aSubscriber({ suppressed: { reason: 'complaint', at: now.toISOString() } });
    const unsubscribed = aSubscriber({ status: 'unsubscribed' });
    for (const reader of [paused, suppressed, unsubscribed]) await subscribers.create(reader);

    for (const id of [paused.id, suppressed.id, unsubscribed.id, 'nobody'])
      expect(await deliveries.claimDigest(claimOf(id, '2025-11-13'))).toBeUndefined();
    expect((await subscribers.get(paused.id))?.digestHistory).toEqual({});
  });

  it("keeps a claim when the reader's profile is saved from a copy read before the send", async () => {
    const { subscribers, deliveries } = repositories();
    const reader = aSubscriber();
    await subscribers.create(reader);
    const readBeforeSend = (await subscribers.get(reader.id)) as Subscriber;

    await deliveries.claimDigest(claimOf(reader.id, '2025-11-13'));
    await subscribers.save(
      {
        ...readBeforeSend,
        preferences: { ...readBeforeSend.preferences, papersPerEmail: 5 },
        updatedAt: 'later',
      },
      readBeforeSend.updatedAt,
    );

    const stored = await subscribers.get(reader.id);
    expect(stored?.preferences.papersPerEmail).toBe(5);
    expect(stored?.digestHistory).toEqual({ '2025-11-13': ['p1', 'p2'] });
    expect(await deliveries.claimDigest(claimOf(reader.id, '2025-11-13'))).toBeUndefined();
  });

  it('records one item per email and lists its papers for the export', async () => {
    const { deliveries } = repositories();
    await deliveries.recordSent([
      { subscriberId: 's1', digestDate: '2025-11-12', paperIds: ['p1', 'p2'], messageId: 'm1' },
      { subscriberId: 's1', digestDate: '2025-11-13', paperIds: ['p3'], messageId: 'm2' },
    ]);

    const records = await deliveries.listForSubscriber('s1');

    expect(records.map((record) => `${record.digestDate}:${record.paperId}`).sort()).toEqual([
      '2025-11-12:p1',
      '2025-11-12:p2',
      '2025-11-13:p3',
    ]);
  });

  it('treats records past their TTL as gone even before DynamoDB deletes them', async () => {
    const { deliveries } = repositories();
    await deliveries.recordSent([
      { subscriberId: 's2', digestDate: '2025-11-13', paperIds: ['p9'], messageId: 'm' },
    ]);
    const saved = now;
    now = new Date(now.getTime() + 200 * 86400 * 1000);
    try {
      expect(await deliveries.listForSubscriber('s2')).toEqual([]);
    } finally {
      now = saved;
    }
  });

  it('deletes everything held for a subscriber', async () => {
    const { deliveries } = repositories();
    await deliveries.recordSent([
      { subscriberId: 's3', digestDate: '2025-11-13', paperIds: ['a', 'b'], messageId: 'm' },
    ]);
    await deliveries.deleteForSubscriber('s3');
    expect(await deliveries.listForSubscriber('s3')).toEqual([]);
  });
});

describe('run ledger on dynalite', () => {
  it('adds the counts of slices and messages to a started run, and keeps none for a run never started', async () => {
    const ledger = createRunLedger(db(), standIns.tables.deliveries, clock);
    const run = { digestDate: '2025-11-13', runId: `ledger-${Date.now()}` };
    const counts = { subscribers: 10, due: 8, withDigest: 6, skippedEmpty: 2, alreadySent: 0, messages: 1 };

    await ledger.start(run, 2);
    await ledger.addPlanned(run, counts, true);
    await ledger.addPlanned(run, counts, false);
    await ledger.addSent(run, { sent: 5, skipped: 1, failed: 0, uncertain: 0 });
    await ledger.addSent(
      { ...run, runId: 'never-started' },
      { sent: 3, skipped: 0, failed: 0, uncertain: 0 },
    );

    expect(await ledger.read(run)).toMatchObject({
      segmentsDone: 1,
      totalSegments: 2,
      subscribers: 20,
      withDigest: 12,
      sent: 5,
      skipped: 1,
    });
    expect(await ledger.read({ ...run, runId: 'never-started' })).toBeUndefined();
  });
});

describe('a digest run on dynalite, counted in DynamoDB requests', () => {
  it('plans and sends with about one request per reader: the claim, and a share of the scans, records and ledger', async () => {
    const client = db();
    const requests = countRequests(client);
    await createPaperRepository(client, standIns.tables.papers).upsert(realDay('2025-11-13').slice(0, 30));
    const { subscribers } = repositories(client);
    const readers = Array.from({ length: 120 }, () =>
      aSubscriber({
        preferences: { keywords: ['language model', 'agents', 'video'] },
      }),
    );
    for (const reader of readers) await subscribers.create(reader);

    const run = await countedRun({
      client,
      requests,
      tables: standIns.tables,
      clock,
      digestDate: '2025-11-13',
      segments: 2,
    });

    expect(run.planned.filter((id) => readers.some((reader) => reader.id === id))).toHaveLength(
      readers.length,
    );
    expect(run.report).toMatchObject({ sent: run.planned.length, segmentsDone: 2 });
    // Everything the run asked DynamoDB, over every reader it planned and sent to (fixed costs included:
    // the window's papers, the ledger).
    expect(run.perReader).toBeLessThanOrEqual(1.3);
    expect(run.byCommand.UpdateItemCommand).toBeGreaterThanOrEqual(run.planned.length);
    // No read of history per reader: the only per-reader request is the claim (the one GetItem reads the ledger).
    expect(run.byCommand.GetItemCommand).toBe(1);
  });
});

describe('subscriber repository under concurrent sign-ups', () => {
  it('gives an address to exactly one of many subscribers created at once', async () => {
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers);
    const email = 'race@example.com';
    const contenders = Array.from({ length: 6 }, () => aSubscriber({ email }));

    const outcomes = await Promise.allSettled(contenders.map((subscriber) => subscribers.create(subscriber)));
    const winners = contenders.filter((_, index) => outcomes[index].status === 'fulfilled');
    const profiles = await subscribers.getMany(contenders.map((subscriber) => subscriber.id));

    expect(winners).toHaveLength(1);
    expect(profiles.map((profile) => profile.id)).toEqual([winners[0].id]);
    expect((await subscribers.findByEmail(email))?.id).toBe(winners[0].id);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(EmailTakenError);
    }
  });
});

describe('subscriber repository and damaged items', () => {
  it('reports and passes over an item that no longer fits the schema instead of failing the scan', async () => {
    const unreadable: string[] = [];
    const subscribers = createSubscriberRepository(db(), standIns.tables.subscribers, {
      onUnreadable: (key) => unreadable.push(key),
    });
    const good = aSubscriber();
    await subscribers.create(good);
    await db().send(
      new PutCommand({
        TableName: standIns.tables.subscribers,
        Item: { pk: 'SUB#damaged', sk: 'PROFILE', id: 'damaged', status: 'confirmed' },
      }),
    );

    const seen = await scanAll(subscribers, 0, 1);

    expect(seen).toContain(good.id);
    expect(seen).not.toContain('damaged');
    expect(unreadable).toEqual(['SUB#damaged']);
  });
});
