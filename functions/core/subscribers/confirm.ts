import { confirmableSubscriber, personalTokens } from './link-access';
import { saveWithRetry } from './save-with-retry';
import type { SubscriptionDeps } from './subscription-deps';

/** Confirms the address behind a confirmation token; returns the manage token to land on. */
export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: unknown,
): Promise<{ manageToken: string; subscriberId: string }> {
  const subscriber = await confirmableSubscriber(deps, token);
  const confirmed =
    subscriber.status === 'confirmed'
      ? subscriber
      : await saveWithRetry(deps, subscriber, ({ pendingPreferences, ...current }) => ({
          ...current,
          preferences: pendingPreferences ?? current.preferences,
          status: 'confirmed',
          confirmedAt: deps.clock.now().toISOString(),
          unsubscribedAt: undefined,
        }));
  deps.logger.info('subscription confirmed', { subscriberId: confirmed.id });
  return { manageToken: personalTokens(deps.tokens, confirmed).manageToken, subscriberId: confirmed.id };
}
