import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createDeliveryRepository } from '../../functions/adapters/dynamodb/delivery-repository';
import { createPaperRepository } from '../../functions/adapters/dynamodb/paper-repository';
import { createSubscriberRepository } from '../../functions/adapters/dynamodb/subscriber-repository';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { ConcurrentUpdateError, EmailTakenError } from '../../functions/core/ports';
import { defaultPreferences, type Subscriber } from '../../functions/core/subscribers/subscriber';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { HF_DAYS_DIR } from '../support/paths';

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

const aSubscriber = (overrides: Partial<Subscriber> = {}): Subscriber => ({
  id: `sub-${Math.random().toString(36).slice(2)}`,
  email: `reader-${Math.random().toString(36).slice(2)}@example.com`,
  status: 'confirmed',
  preferences: { ...defaultPreferences(), topics: ['ai-agents'] },
  tokenVersion: 1,
  confirmationsSentAt: [],
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ...overrides,
});

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
    const subscriber = aSubscriber({ preferences: { ...defaultPreferences(), keywords: ['R'] } });

    await subscribers.create(subscriber);

    expect((await subscribers.get(subscriber.id))?.preferences.keywords).toEqual(['R']);
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
    for (let segment = 0; segment < 3; segment++) {
      for await (const page of subscribers.scanSegment(segment, 3)) seen.push(...page.map((s) => s.id));
    }

    expect(await subscribers.findByEmail(many[0].email)).toBeUndefined();
    expect(seen).not.toContain(many[0].id);
    for (const subscriber of many.slice(1)) expect(seen).toContain(subscriber.id);
    expect(new Set(seen).size).toBe(seen.length);
    await expect(subscribers.create(aSubscriber({ email: many[0].email }))).resolves.toBeUndefined();
  });
});

describe('delivery repository on dynalite', () => {
  it('claims a digest once, releases it after a failed send, and remembers sent papers', async () => {
    const deliveries = createDeliveryRepository(db(), standIns.tables.deliveries, clock);

    const firstClaim = await deliveries.claimDigest('s1', '2025-11-13');
    const secondClaim = await deliveries.claimDigest('s1', '2025-11-13');
    await deliveries.releaseDigest('s1', '2025-11-13');
    const afterRelease = await deliveries.claimDigest('s1', '2025-11-13');
    await deliveries.recordSent('s1', '2025-11-13', ['p1', 'p2'], 'msg-1');
    await deliveries.releaseDigest('s1', '2025-11-13');
    const afterSent = await deliveries.claimDigest('s1', '2025-11-13');

    expect([firstClaim, secondClaim, afterRelease, afterSent]).toEqual([true, false, true, false]);
    expect(await deliveries.sentPaperIds('s1', ['p1', 'p3', 'p2'])).toEqual(new Set(['p1', 'p2']));
    expect((await deliveries.listForSubscriber('s1')).map((record) => record.paperId).sort()).toEqual([
      'p1',
      'p2',
    ]);
  });

  it('treats records past their TTL as gone even before DynamoDB deletes them', async () => {
    const deliveries = createDeliveryRepository(db(), standIns.tables.deliveries, clock);
    await deliveries.recordSent('s2', '2025-11-13', ['p9'], 'msg-2');
    const saved = now;
    now = new Date(now.getTime() + 200 * 86400 * 1000);
    try {
      expect(await deliveries.sentPaperIds('s2', ['p9'])).toEqual(new Set());
      expect(await deliveries.listForSubscriber('s2')).toEqual([]);
    } finally {
      now = saved;
    }
  });

  it('deletes everything held for a subscriber', async () => {
    const deliveries = createDeliveryRepository(db(), standIns.tables.deliveries, clock);
    await deliveries.recordSent('s3', '2025-11-13', ['a', 'b', 'c'], 'msg-3');
    await deliveries.deleteForSubscriber('s3');
    expect(await deliveries.listForSubscriber('s3')).toEqual([]);
    expect(await deliveries.claimDigest('s3', '2025-11-13')).toBe(true);
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

    const seen: string[] = [];
    for await (const page of subscribers.scanSegment(0, 1)) seen.push(...page.map((s) => s.id));

    expect(seen).toContain(good.id);
    expect(seen).not.toContain('damaged');
    expect(unreadable).toEqual(['SUB#damaged']);
  });
});
