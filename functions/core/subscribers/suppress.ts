import type { Clock, Logger, SubscriberRepository } from '../ports';
import { saveDecision } from './save-with-retry';
import type { Subscriber, Suppression } from './subscriber';

/**
 * Finds the address's subscriber and saves what `decide` makes of it (see saveDecision): an SES event
 * whose save keeps conflicting fails, so it is retried.
 */
export async function updateByEmail<O extends string>(
  deps: { subscribers: SubscriberRepository; clock: Clock },
  email: string,
  decide: (current: Subscriber, now: string) => { outcome: O; next?: Subscriber },
): Promise<{ outcome: O | 'unknown'; subscriber?: Subscriber }> {
  return saveDecision(deps, await deps.subscribers.findByEmail(email.trim().toLowerCase()), decide);
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
