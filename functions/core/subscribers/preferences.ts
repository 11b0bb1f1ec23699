import { ValidationError } from '../errors';
import { feedToken, subscriberFromLink } from './link-access';
import { validatePreferences } from './preferences-validation';
import { namedPapersOf, type PaperRef, type RatedPaper } from './ratings';
import { saveWithRetry } from './save-with-retry';
import type { Preferences, Subscriber } from './subscriber';
import type { SubscriptionDeps } from './subscription-deps';

export interface PreferencesView extends Preferences {
  email: string;
  subscribed: boolean;
  /** The papers the reader rated, "more like this" first, each newest first (the page's undo list). */
  ratings: RatedPaper[];
  /** `examplePapers` with their titles. */
  examples: PaperRef[];
  /** The reader's Atom feed (absolute URL, signed; renewing the links changes it). */
  feedUrl: string;
}

const toView = async (deps: SubscriptionDeps, subscriber: Subscriber): Promise<PreferencesView> => ({
  email: subscriber.email,
  subscribed: subscriber.status === 'confirmed',
  ...subscriber.preferences,
  ...(await namedPapersOf(deps, subscriber)),
  feedUrl: deps.links.feed(feedToken(deps.tokens, subscriber)),
});

/** What the preferences page shows, behind a manage link. */
export async function getPreferences(deps: SubscriptionDeps, token: unknown): Promise<PreferencesView> {
  return toView(deps, await subscriberFromLink(deps, token, ['manage']));
}

/** Saves the fields the page sends; `subscribed` pauses for good (false) or comes back (true). */
export async function updatePreferences(
  deps: SubscriptionDeps,
  token: unknown,
  changes: Record<string, unknown>,
): Promise<PreferencesView> {
  const subscriber = await subscriberFromLink(deps, token, ['manage']);
  const { subscribed, ...preferenceChanges } = changes;
  if (subscribed !== undefined && typeof subscribed !== 'boolean') {
    throw new ValidationError('subscribed: must be true or false');
  }
  const now = deps.clock.now().toISOString();
  const updated = await saveWithRetry(deps, subscriber, (current) => {
    // Validated against the copy being saved, so a concurrent change to other fields survives.
    const preferences = validatePreferences(preferenceChanges, current.preferences, deps.isKnownTopic);
    let status = current.status;
    if (subscribed === false) status = 'unsubscribed';
    // Resubscribing from the preferences page is safe: the manage link proves the address.
    if (subscribed === true) status = 'confirmed';
    return {
      ...current,
      preferences,
      status,
      unsubscribedAt: status === 'unsubscribed' ? (current.unsubscribedAt ?? now) : undefined,
      confirmedAt: status === 'confirmed' ? (current.confirmedAt ?? now) : current.confirmedAt,
    };
  });
  deps.logger.info('preferences updated', { subscriberId: updated.id });
  return toView(deps, updated);
}
