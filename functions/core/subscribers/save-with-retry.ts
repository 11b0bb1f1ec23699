import { ConflictError, NotFoundError } from '../errors';
import { ConcurrentUpdateError, type Clock, type SubscriberRepository } from '../ports';
import type { Subscriber } from './subscriber';

const ATTEMPTS = 3;

type SaveDeps = { subscribers: SubscriberRepository; clock: Clock };

/**
 * Saves what `decide` makes of the subscriber, with the optimistic-concurrency check. If someone else
 * saved in between, the decision is made again on the fresh copy (three attempts in all, then a
 * ConflictError). `decide` answers no `next` to leave the subscriber as it is, or throws to give up
 * (a rule that no longer holds on the fresh copy). `unknown`: there is no subscriber (any more).
 */
export async function saveDecision<O extends string>(
  deps: SaveDeps,
  subscriber: Subscriber | undefined,
  decide: (current: Subscriber, now: string) => { outcome: O; next?: Subscriber },
): Promise<{ outcome: O | 'unknown'; subscriber?: Subscriber }> {
  let current = subscriber;
  for (let attempt = 1; current; attempt++) {
    const now = deps.clock.now().toISOString();
    const { outcome, next } = decide(current, now);
    if (!next) return { outcome, subscriber: current };
    const saved = { ...next, updatedAt: now };
    try {
      await deps.subscribers.save(saved, current.updatedAt);
      return { outcome, subscriber: saved };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      if (attempt >= ATTEMPTS)
        throw new ConflictError('Your subscription changed at the same moment. Please try again.');
      current = await deps.subscribers.get(current.id);
    }
  }
  return { outcome: 'unknown' };
}

/** Applies `change` to the stored subscriber and saves it (see saveDecision); the saved copy. */
export async function saveWithRetry(
  deps: SaveDeps,
  subscriber: Subscriber,
  change: (current: Subscriber) => Subscriber,
): Promise<Subscriber> {
  const { subscriber: saved } = await saveDecision(deps, subscriber, (current) => ({
    outcome: 'saved',
    next: change(current),
  }));
  if (!saved) throw new NotFoundError('This subscription no longer exists.');
  return saved;
}
