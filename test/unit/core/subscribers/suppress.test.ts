import { suppressAddress } from '@functions/core/subscribers/suppress';
import { aSubscriber } from '@support/builders';
import { InMemorySubscriberRepository, RecordingLogger, SettableClock } from '@support/in-memory-ports';

function setup(...seeded: ReturnType<typeof aSubscriber>[]) {
  const subscribers = new InMemorySubscriberRepository().seed(...seeded);
  const clock = new SettableClock('2025-11-14T09:30:00.000Z');
  const logger = new RecordingLogger();
  return { deps: { subscribers, clock, logger }, subscribers, clock, logger };
}

describe('suppressAddress', () => {
  it('marks a known address suppressed with the reason, time and detail', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, subscribers } = setup(reader);

    const outcome = await suppressAddress(deps, {
      email: 'reader@example.com',
      reason: 'hard-bounce',
      detail: '550 5.1.1',
    });

    expect(outcome).toBe('suppressed');
    const stored = await subscribers.get(reader.id);
    expect(stored?.suppressed).toEqual({
      reason: 'hard-bounce',
      at: '2025-11-14T09:30:00.000Z',
      detail: '550 5.1.1',
    });
    expect(stored?.updatedAt).toBe('2025-11-14T09:30:00.000Z');
    expect(stored?.status).toBe(reader.status);
  });

  it('matches the address case- and whitespace-insensitively', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, subscribers } = setup(reader);

    const outcome = await suppressAddress(deps, { email: ' Reader@EXAMPLE.com ', reason: 'complaint' });

    expect(outcome).toBe('suppressed');
    expect((await subscribers.get(reader.id))?.suppressed?.reason).toBe('complaint');
  });

  it('ignores an unknown address', async () => {
    const { deps, subscribers } = setup();

    const outcome = await suppressAddress(deps, { email: 'nobody@example.com', reason: 'hard-bounce' });

    expect(outcome).toBe('unknown');
    expect(subscribers.all()).toEqual([]);
  });

  it('keeps the first suppression when the address is already suppressed', async () => {
    const first = { reason: 'hard-bounce' as const, at: '2025-11-01T00:00:00.000Z' };
    const reader = aSubscriber({ email: 'reader@example.com', suppressed: first });
    const { deps, subscribers } = setup(reader);

    const outcome = await suppressAddress(deps, { email: 'reader@example.com', reason: 'complaint' });

    expect(outcome).toBe('already');
    expect((await subscribers.get(reader.id))?.suppressed).toEqual(first);
  });

  it('logs the subscriber id and reason, never the address', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { deps, logger } = setup(reader);

    await suppressAddress(deps, { email: 'reader@example.com', reason: 'complaint' });

    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'address suppressed',
        extra: { subscriberId: reader.id, reason: 'complaint' },
      },
    ]);
    expect(logger.serialized()).not.toContain('@');
  });
});
