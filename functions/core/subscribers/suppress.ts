import type { Clock, Logger, SubscriberRepository } from '../ports';
import type { Suppression } from './subscriber';

/**
 * Stops all mail to an address after a hard bounce or a complaint. Unknown addresses are
 * ignored (the person may have deleted their data already).
 */
export async function suppressAddress(
  deps: { subscribers: SubscriberRepository; clock: Clock; logger: Logger },
  input: { email: string; reason: Suppression['reason']; detail?: string },
): Promise<'suppressed' | 'unknown' | 'already'> {
  const subscriber = await deps.subscribers.findByEmail(input.email.trim().toLowerCase());
  if (!subscriber) return 'unknown';
  if (subscriber.suppressed) return 'already';
  const now = deps.clock.now().toISOString();
  await deps.subscribers.save(
    { ...subscriber, suppressed: { reason: input.reason, at: now, detail: input.detail }, updatedAt: now },
    subscriber.updatedAt,
  );
  deps.logger.warn('address suppressed', { subscriberId: subscriber.id, reason: input.reason });
  return 'suppressed';
}
