import { subscriberFromLink } from './link-access';
import { saveWithRetry } from './save-with-retry';
import type { SubscriptionDeps } from './subscription-deps';

/** One-click unsubscribe (RFC 8058) and the unsubscribe page's button. Idempotent. */
export async function unsubscribe(deps: SubscriptionDeps, token: unknown): Promise<void> {
  const subscriber = await subscriberFromLink(deps, token, ['unsubscribe', 'manage']);
  if (subscriber.status === 'unsubscribed') return;
  await saveWithRetry(deps, subscriber, (current) => ({
    ...current,
    status: 'unsubscribed',
    unsubscribedAt: deps.clock.now().toISOString(),
  }));
  deps.logger.info('unsubscribed', { subscriberId: subscriber.id });
}
