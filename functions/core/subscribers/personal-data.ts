import type { DeliveryRecord } from '../ports';
import { subscriberFromLink } from './link-access';
import type { Subscriber } from './subscriber';
import type { SubscriptionDeps } from './subscription-deps';

/** Everything paperboy holds about the person, as JSON. */
export async function exportData(
  deps: SubscriptionDeps,
  token: unknown,
): Promise<{ subscriber: Subscriber; deliveries: DeliveryRecord[] }> {
  const subscriber = await subscriberFromLink(deps, token, ['manage']);
  return { subscriber, deliveries: await deps.deliveries.listForSubscriber(subscriber.id) };
}

/** Erases the subscriber and their delivery history. */
export async function deleteData(deps: SubscriptionDeps, token: unknown): Promise<void> {
  const subscriber = await subscriberFromLink(deps, token, ['manage']);
  await deps.deliveries.deleteForSubscriber(subscriber.id);
  await deps.subscribers.delete(subscriber);
  deps.logger.info('subscriber deleted', { subscriberId: subscriber.id });
}
