import { ConflictError, NotFoundError } from '../errors';
import { ConcurrentUpdateError, type Clock, type SubscriberRepository } from '../ports';
import type { Subscriber } from './subscriber';

const ATTEMPTS = 3;

/**
 * Applies `change` to the stored subscriber and saves with an optimistic-concurrency check; if someone
 * else saved in between, the change is applied again to the fresh copy (three attempts in all). A
 * change may throw to give up (a rule that no longer holds on the fresh copy).
 */
export async function saveWithRetry(
  deps: { subscribers: SubscriberRepository; clock: Clock },
  subscriber: Subscriber,
  change: (current: Subscriber) => Subscriber,
): Promise<Subscriber> {
  let current = subscriber;
  for (let attempt = 1; ; attempt++) {
    const next = { ...change(current), updatedAt: deps.clock.now().toISOString() };
    try {
      await deps.subscribers.save(next, current.updatedAt);
      return next;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      if (attempt >= ATTEMPTS)
        throw new ConflictError('Your subscription changed at the same moment. Please try again.');
      const fresh = await deps.subscribers.get(current.id);
      if (!fresh) throw new NotFoundError('This subscription no longer exists.');
      current = fresh;
    }
  }
}
