import {
  applyFeedback,
  SOFT_BOUNCE_LIMIT,
  SOFT_BOUNCE_WINDOW_DAYS,
  type Feedback,
} from '@functions/core/subscribers/feedback';
import { ConflictError } from '@functions/core/errors';
import type { Subscriber } from '@functions/core/subscribers/subscriber';
import { aSubscriber } from '@support/builders';
import { InMemorySubscriberRepository, RecordingLogger, SettableClock } from '@support/in-memory-ports';

const NOW = '2025-11-14T09:30:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;
const daysBefore = (days: number, from = NOW) => new Date(Date.parse(from) - days * DAY_MS).toISOString();

function setup(...seeded: Subscriber[]) {
  const subscribers = new InMemorySubscriberRepository().seed(...seeded);
  const clock = new SettableClock(NOW);
  const logger = new RecordingLogger();
  return { deps: { subscribers, clock, logger }, subscribers, clock, logger };
}

const soft = (email: string, at = NOW, detail = 'smtp; 452 4.2.2 mailbox full'): Feedback => ({
  kind: 'soft-bounce',
  email,
  detail,
  at,
});

/** A repository where someone else saves (pausing the reader) just before each of the first `times` saves. */
class RacedSubscriberRepository extends InMemorySubscriberRepository {
  constructor(private times: number) {
    super();
  }

  override async save(subscriber: Subscriber, expectedUpdatedAt: string): Promise<void> {
    if (this.times > 0) {
      this.times--;
      const stored = (await this.get(subscriber.id)) as Subscriber;
      const racedAt = `2025-11-14T09:29:0${this.times}.000Z`;
      await super.save(
        { ...stored, preferences: { ...stored.preferences, paused: true }, updatedAt: racedAt },
        stored.updatedAt,
      );
    }
    return super.save(subscriber, expectedUpdatedAt);
  }
}

describe('applyFeedback: hard bounces and complaints', () => {
  it.each(['hard-bounce', 'complaint'] as const)('suppresses the address at once on a %s', async (kind) => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, { kind, email: 'reader@example.com', detail: 'why', at: NOW });

    expect(outcome).toBe('suppressed');
    expect((await subscribers.get(reader.id))?.suppressed).toEqual({ reason: kind, at: NOW, detail: 'why' });
  });

  it('keeps the first suppression of an address suppressed already', async () => {
    const first = { reason: 'complaint' as const, at: '2025-11-01T00:00:00.000Z' };
    const reader = aSubscriber({ email: 'reader@example.com', suppressed: first });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, { kind: 'hard-bounce', email: 'reader@example.com', at: NOW });

    expect(outcome).toBe('already-suppressed');
    expect((await subscribers.get(reader.id))?.suppressed).toEqual(first);
  });

  it('suppresses on the fresh copy when the reader saved in between, keeping their change', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const subscribers = new RacedSubscriberRepository(1).seed(reader);
    const deps = { subscribers, clock: new SettableClock(NOW), logger: new RecordingLogger() };

    const outcome = await applyFeedback(deps, { kind: 'complaint', email: 'reader@example.com', at: NOW });

    expect(outcome).toBe('suppressed');
    const stored = await subscribers.get(reader.id);
    expect(stored?.suppressed?.reason).toBe('complaint');
    expect(stored?.preferences.paused).toBe(true);
  });
});

describe('applyFeedback: soft bounces', () => {
  it(`suppresses after ${SOFT_BOUNCE_LIMIT} soft bounces within ${SOFT_BOUNCE_WINDOW_DAYS} days, recording the ones before`, async () => {
    expect([SOFT_BOUNCE_LIMIT, SOFT_BOUNCE_WINDOW_DAYS]).toEqual([3, 21]);
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, subscribers, clock } = setup(reader);
    const times = [daysBefore(14), daysBefore(7), NOW];

    const outcomes: string[] = [];
    for (const at of times) {
      clock.set(at);
      outcomes.push(await applyFeedback(deps, soft('reader@example.com', at)));
    }

    expect(outcomes).toEqual(['recorded', 'recorded', 'suppressed']);
    const stored = await subscribers.get(reader.id);
    expect(stored?.softBouncesAt).toEqual(times);
    expect(stored?.suppressed).toEqual({
      reason: 'soft-bounces',
      at: NOW,
      detail: '3 soft bounces within 21 days; the last: smtp; 452 4.2.2 mailbox full',
    });
  });

  it('records one soft bounce on the subscriber without suppressing', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, soft(' Reader@EXAMPLE.com '));

    expect(outcome).toBe('recorded');
    const stored = await subscribers.get(reader.id);
    expect(stored?.softBouncesAt).toEqual([NOW]);
    expect(stored?.suppressed).toBeUndefined();
    expect(stored?.updatedAt).toBe(NOW);
  });

  it('forgets soft bounces older than the window: they neither count nor stay', async () => {
    const reader = aSubscriber({
      email: 'reader@example.com',
      softBouncesAt: [daysBefore(SOFT_BOUNCE_WINDOW_DAYS + 5), daysBefore(SOFT_BOUNCE_WINDOW_DAYS + 1)],
    });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, soft('reader@example.com'));

    expect(outcome).toBe('recorded');
    const stored = await subscribers.get(reader.id);
    expect(stored?.suppressed).toBeUndefined();
    expect(stored?.softBouncesAt).toEqual([NOW]);
  });

  it('counts one just inside the window', async () => {
    const inside = daysBefore(SOFT_BOUNCE_WINDOW_DAYS - 1);
    const reader = aSubscriber({ email: 'reader@example.com', softBouncesAt: [inside, daysBefore(1)] });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, soft('reader@example.com'));

    expect(outcome).toBe('suppressed');
    expect((await subscribers.get(reader.id))?.softBouncesAt).toEqual([inside, daysBefore(1), NOW]);
  });

  it('counts a soft bounce delivered twice (same time) once', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', softBouncesAt: [daysBefore(2), NOW] });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, soft('reader@example.com', NOW));

    expect(outcome).toBe('duplicate');
    expect(await subscribers.get(reader.id)).toEqual(reader);
  });

  it('leaves an address suppressed already as it is', async () => {
    const first = { reason: 'hard-bounce' as const, at: '2025-11-01T00:00:00.000Z' };
    const reader = aSubscriber({ email: 'reader@example.com', suppressed: first });
    const { deps, subscribers } = setup(reader);

    const outcome = await applyFeedback(deps, soft('reader@example.com'));

    expect(outcome).toBe('already-suppressed');
    expect(await subscribers.get(reader.id)).toEqual(reader);
  });

  it('does nothing for an unknown address', async () => {
    const someone = aSubscriber({ email: 'someone@example.com' });
    const { deps, subscribers } = setup(someone);

    const outcome = await applyFeedback(deps, soft('nobody@example.com'));

    expect(outcome).toBe('unknown');
    expect(subscribers.all()).toEqual([someone]);
  });

  it('records on the fresh copy when the reader saved in between, keeping their change', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', softBouncesAt: [daysBefore(1)] });
    const subscribers = new RacedSubscriberRepository(2).seed(reader);
    const deps = { subscribers, clock: new SettableClock(NOW), logger: new RecordingLogger() };

    const outcome = await applyFeedback(deps, soft('reader@example.com'));

    expect(outcome).toBe('recorded');
    const stored = await subscribers.get(reader.id);
    expect(stored?.softBouncesAt).toEqual([daysBefore(1), NOW]);
    expect(stored?.preferences.paused).toBe(true);
  });

  it('gives up after three conflicting saves, so the event is retried', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const subscribers = new RacedSubscriberRepository(3).seed(reader);
    const deps = { subscribers, clock: new SettableClock(NOW), logger: new RecordingLogger() };

    await expect(applyFeedback(deps, soft('reader@example.com'))).rejects.toBeInstanceOf(ConflictError);
    expect((await subscribers.get(reader.id))?.softBouncesAt).toBeUndefined();
  });

  it('logs the subscriber id and counts, never the address', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', softBouncesAt: [daysBefore(2)] });
    const { deps, logger } = setup(reader);

    await applyFeedback(deps, soft('reader@example.com', daysBefore(1)));
    await applyFeedback(deps, soft('reader@example.com'));

    expect(logger.entries).toEqual([
      { level: 'info', message: 'soft bounce recorded', extra: { subscriberId: reader.id, softBounces: 2 } },
      {
        level: 'warn',
        message: 'address suppressed',
        extra: { subscriberId: reader.id, reason: 'soft-bounces' },
      },
    ]);
    expect(logger.serialized()).not.toContain('@');
  });
});
