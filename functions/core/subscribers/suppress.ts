import { ConcurrentUpdateError, type Clock, type Logger, type SubscriberRepository } from '../ports';
import type { Subscriber, Suppression } from './subscriber';

const ATTEMPTS = 3;

/**
 * Finds the address's subscriber and saves what `decide` makes of it, with the optimistic-concurrency
 * check. When the reader saved their profile in between, the decision is made again on the fresh copy;
 * after three attempts the error is thrown, so the SES event is retried. `decide` answers no `next` to
 * leave the subscriber as it is.
 */
export async function updateByEmail<O extends string>(
  deps: { subscribers: SubscriberRepository; clock: Clock },
  email: string,
  decide: (current: Subscriber, now: string) => { outcome: O; next?: Subscriber },
): Promise<{ outcome: O | 'unknown'; subscriber?: Subscriber }> {
  let current = await deps.subscribers.findByEmail(email.trim().toLowerCase());
  for (let attempt = 1; current; attempt++) {
    const now = deps.clock.now().toISOString();
    const { outcome, next } = decide(current, now);
    if (!next) return { outcome, subscriber: current };
    const saved = { ...next, updatedAt: now };
    try {
      await deps.subscribers.save(saved, current.updatedAt);
      return { outcome, subscriber: saved };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= ATTEMPTS) throw error;
      current = await deps.subscribers.get(current.id);
    }
  }
  return { outcome: 'unknown' };
}

/**
 * Stops all mail to an address after a hard bounce or a complaint. Unknown addresses are
 * ignored (the person may have deleted their data already).
 */
export async function suppressAddress(
  deps: { subscribers: SubscriberRepository; clock: Clock; logger: Logger },
  input: { email: string; reason: Suppression['reason']; detail?: string },
): Promise<'suppressed' | 'unknown' | 'already'> {
  const { outcome, subscriber } = await updateByEmail(deps, input.email, (current, now) =>
    current.suppressed
      ? { outcome: 'already' as const }
      : {
          outcome: 'suppressed' as const,
          next: { ...current, suppressed: { reason: input.reason, at: now, detail: input.detail } },
        },
  );
  if (outcome === 'suppressed' && subscriber)
    deps.logger.warn('address suppressed', { subscriberId: subscriber.id, reason: input.reason });
  return outcome;
}
