import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  ConflictError,
  errorLabel,
  LinkNotSentError,
  NotFoundError,
  TokenError,
  ValidationError,
} from '../errors';
import type { Links } from '../links';
import type {
  Clock,
  DeliveryRecord,
  DeliveryRepository,
  EmailRenderer,
  Logger,
  Mailer,
  SubscriberRepository,
} from '../ports';
import { ConcurrentUpdateError, EmailTakenError } from '../ports';
import { CONFIRM_TOKEN_TTL_SECONDS, type TokenClaims, type TokenPurpose, type TokenSigner } from '../tokens';
import {
  cleanEntry,
  defaultPreferences,
  isActive,
  KEYWORD_LENGTH,
  normalizeEmail,
  PreferencesSchema,
  type Preferences,
  type Subscriber,
} from './subscriber';

const FLOOD_LIMITED = Symbol('flood limited');

/** Flood control: at most this many confirmation mails per address ... */
export const MAX_CONFIRMATIONS_PER_DAY = 3;
/** ... and at least this long between two of them. */
export const MIN_SECONDS_BETWEEN_CONFIRMATIONS = 60;

export interface SubscriptionDeps {
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  mailer: Mailer;
  renderer: EmailRenderer;
  tokens: TokenSigner;
  links: Links;
  clock: Clock;
  logger: Logger;
  /** Topic ids of the curated catalog, to reject unknown ones. */
  isKnownTopic: (id: string) => boolean;
}

export interface PreferencesView extends Preferences {
  email: string;
  subscribed: boolean;
}

const nowSeconds = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

const revokedLink = () =>
  new TokenError('token_revoked', 'This link is no longer valid. Use the link in your latest email.');

const ENTRY_NOUNS: Record<string, string> = {
  keywords: 'Keyword',
  organizations: 'Organization',
  authors: 'Author',
};

/**
 * What was wrong, in the words of the form: "Keyword 2 (“reinforcement learning from…”) must be at most 100
 * characters" for one entry of a list (its place counted from 1, its text to find it by); "field: problem"
 * for the rest, as API clients name the fields.
 */
function describeIssue(issue: z.ZodIssue, input: Record<string, unknown>): string {
  const [field, index] = issue.path;
  if (typeof field === 'string' && ENTRY_NOUNS[field] && typeof index === 'number')
    return describeEntry(field, index, (input[field] as unknown[])[index], issue.message);
  return `${issue.path.join('.') || 'preferences'}: ${issue.message}`;
}

function describeEntry(field: string, index: number, value: unknown, problem: string): string {
  const text = typeof value === 'string' ? cleanEntry(value) : '';
  const shown = text.length > 30 ? `${text.slice(0, 30)}…` : text;
  return `${ENTRY_NOUNS[field]} ${index + 1}${shown ? ` (“${shown}”)` : ''} ${problem}`;
}

/**
 * What the schema lets pass because stored entries must still read: an entry the request sends with
 * nothing printable (the schema drops it), and a keyword shorter than KEYWORD_LENGTH unless it is
 * already stored (saved before the rule), so a reader who has one can still change anything else.
 */
function checkNewEntries(changes: Record<string, unknown>, stored: Preferences): void {
  for (const field of Object.keys(ENTRY_NOUNS)) {
    const values = changes[field];
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (typeof value === 'string' && cleanEntry(value) === '')
        throw new ValidationError(
          describeEntry(
            field,
            index,
            value,
            'has no printable characters (only control or formatting codes)',
          ),
        );
    });
  }
  if (!Array.isArray(changes.keywords)) return;
  const kept = new Set(stored.keywords.map((keyword) => keyword.toLowerCase()));
  changes.keywords.forEach((value, index) => {
    const text = typeof value === 'string' ? cleanEntry(value) : '';
    if (text.length > 0 && text.length < KEYWORD_LENGTH.min && !kept.has(text.toLowerCase()))
      throw new ValidationError(
        describeEntry('keywords', index, text, `must be at least ${KEYWORD_LENGTH.min} characters`),
      );
  });
}

/**
 * Everything a person does to their own subscription. Each use case validates its input,
 * reads the subscriber, applies one change and saves it with an optimistic-concurrency check.
 */
export function createSubscriptionService(deps: SubscriptionDeps) {
  const { subscribers, deliveries, tokens, clock, links, logger } = deps;

  const validatePreferences = (input: unknown, base: Preferences): Preferences => {
    const changes = typeof input === 'object' && input ? (input as Record<string, unknown>) : {};
    const merged = { ...base, ...changes };
    const result = PreferencesSchema.safeParse(merged);
    if (!result.success) throw new ValidationError(describeIssue(result.error.issues[0], merged));
    checkNewEntries(changes, base);
    const unknown = result.data.topics.filter((id) => !deps.isKnownTopic(id));
    if (unknown.length > 0) throw new ValidationError(`topics: unknown topic id "${unknown[0]}"`);
    return result.data;
  };

  const issueLinks = (subscriber: Subscriber) => ({
    manageToken: tokens.issue({
      purpose: 'manage',
      subscriberId: subscriber.id,
      version: subscriber.tokenVersion,
    }),
    unsubscribeToken: tokens.issue({
      purpose: 'unsubscribe',
      subscriberId: subscriber.id,
      version: subscriber.tokenVersion,
    }),
  });

  /** Resolves a link token to its live subscriber, or throws a TokenError/NotFoundError. */
  const verifiedLink = async (
    token: unknown,
    purposes: TokenPurpose[],
  ): Promise<{ subscriber: Subscriber; claims: TokenClaims }> => {
    let lastError: unknown;
    for (const purpose of purposes) {
      try {
        const claims = tokens.verify(token as string, purpose, nowSeconds(clock));
        const subscriber = await subscribers.get(claims.subscriberId);
        if (!subscriber) throw new NotFoundError('This subscription no longer exists.');
        if (claims.version !== subscriber.tokenVersion) throw revokedLink();
        return { subscriber, claims };
      } catch (error) {
        lastError = error;
        if (!(error instanceof TokenError && error.problem === 'token_wrong_purpose')) throw error;
      }
    }
    throw lastError;
  };
  const subscriberFromToken = async (token: unknown, purposes: TokenPurpose[]) =>
    (await verifiedLink(token, purposes)).subscriber;

  /**
   * Applies `change` to the stored subscriber and saves; if someone else saved in between, the
   * change is applied again to the fresh copy (up to three attempts in all).
   */
  const update = async (
    subscriber: Subscriber,
    change: (current: Subscriber) => Subscriber,
  ): Promise<Subscriber> => {
    let current = subscriber;
    for (let attempt = 0; ; attempt++) {
      const next = { ...change(current), updatedAt: clock.now().toISOString() };
      try {
        await subscribers.save(next, current.updatedAt);
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        if (attempt >= 2)
          throw new ConflictError('Your subscription changed at the same moment. Please try again.');
        const fresh = await subscribers.get(current.id);
        if (!fresh) throw new NotFoundError('This subscription no longer exists.');
        current = fresh;
      }
    }
  };

  /** The subscriber a confirmation link may confirm; throws what the confirmation answers otherwise. */
  const confirmableSubscriber = async (token: unknown): Promise<Subscriber> => {
    const { subscriber, claims } = await verifiedLink(token, ['confirm']);
    if (subscriber.suppressed) throw new ValidationError('This address cannot receive mail from paperboy.');
    const issuedAt = (claims.expiresAt ?? 0) - CONFIRM_TOKEN_TTL_SECONDS;
    if (subscriber.unsubscribedAt && issuedAt * 1000 < Date.parse(subscriber.unsubscribedAt)) {
      throw new TokenError(
        'token_revoked',
        'You unsubscribed after this link was sent. Subscribe again from the home page.',
      );
    }
    return subscriber;
  };

  const linkUrls = (subscriber: Subscriber) => {
    const { manageToken, unsubscribeToken } = issueLinks(subscriber);
    return { manageUrl: links.manage(manageToken), unsubscribeUrl: links.unsubscribe(unsubscribeToken) };
  };

  const toView = (subscriber: Subscriber): PreferencesView => ({
    email: subscriber.email,
    subscribed: subscriber.status === 'confirmed',
    ...subscriber.preferences,
  });

  const recentConfirmations = (subscriber: Subscriber): string[] => {
    const dayAgo = clock.now().getTime() - 24 * 3600 * 1000;
    return subscriber.confirmationsSentAt.filter((at) => Date.parse(at) > dayAgo);
  };

  const sendConfirmation = async (subscriber: Subscriber): Promise<void> => {
    const token = tokens.issue({
      purpose: 'confirm',
      subscriberId: subscriber.id,
      version: subscriber.tokenVersion,
      expiresAt: nowSeconds(clock) + CONFIRM_TOKEN_TTL_SECONDS,
    });
    const email = await deps.renderer.renderConfirmation({ confirmUrl: links.confirm(token) });
    await deps.mailer.send({ to: subscriber.email, ...email });
  };

  return {
    /**
     * Starts a double opt-in. The outcome is the same for new, pending and known addresses
     * (the caller answers identically); what differs is only what is stored and mailed.
     */
    async subscribe(input: { email: unknown; topics?: unknown; keywords?: unknown }): Promise<void> {
      const email = normalizeEmail(input.email);
      const requested = validatePreferences(
        { topics: input.topics ?? [], keywords: input.keywords ?? [] },
        defaultPreferences(),
      );
      const now = clock.now().toISOString();
      let subscriber = await subscribers.findByEmail(email);

      if (!subscriber) {
        const fresh: Subscriber = {
          id: randomUUID(),
          email,
          status: 'unconfirmed',
          preferences: requested,
          tokenVersion: 1,
          confirmationsSentAt: [now],
          createdAt: now,
          updatedAt: now,
        };
        try {
          await subscribers.create(fresh);
        } catch (error) {
          if (!(error instanceof EmailTakenError)) throw error;
          subscriber = await subscribers.findByEmail(email);
          if (!subscriber) throw error;
        }
        if (!subscriber) {
          try {
            await sendConfirmation(fresh);
          } catch (error) {
            // Nothing was mailed: forget the address so that trying again works at once.
            await subscribers.delete(fresh).catch(() => undefined);
            throw error;
          }
          logger.info('subscription requested', { subscriberId: fresh.id });
          return;
        }
      }

      if (subscriber.suppressed) {
        logger.warn('subscribe ignored: address suppressed', { subscriberId: subscriber.id });
        return;
      }
      const floodLimited = (current: Subscriber): boolean => {
        const recent = recentConfirmations(current);
        const last = recent.length ? Date.parse(recent[recent.length - 1]) : 0;
        return (
          recent.length >= MAX_CONFIRMATIONS_PER_DAY ||
          clock.now().getTime() - last < MIN_SECONDS_BETWEEN_CONFIRMATIONS * 1000
        );
      };
      let updated: Subscriber;
      try {
        updated = await update(subscriber, (current) => {
          // Checked on the copy being saved, so parallel requests cannot each pass the limit.
          if (floodLimited(current)) throw FLOOD_LIMITED;
          return {
            ...current,
            // Nothing a stranger submits changes what a reader has set up: a confirmed reader keeps
            // everything, and a former subscriber's choice waits in `pendingPreferences` until the
            // confirmation link is used. Only a never-confirmed address starts afresh.
            ...(current.status === 'unconfirmed' ? { preferences: requested } : {}),
            ...(current.status === 'unsubscribed' ? { pendingPreferences: requested } : {}),
            confirmationsSentAt: [...recentConfirmations(current), now],
          };
        });
      } catch (error) {
        if (error !== FLOOD_LIMITED) throw error;
        // Answered like any other request so the form cannot be used to probe or flood an address.
        logger.warn('confirmation not sent: flood limit', { subscriberId: subscriber.id });
        return;
      }
      await sendConfirmation(updated);
      logger.info('confirmation re-sent', { subscriberId: updated.id });
    },

    /** Confirms the address behind a confirmation token; returns the manage token to land on. */
    async confirm(token: unknown): Promise<{ manageToken: string; subscriberId: string }> {
      const subscriber = await confirmableSubscriber(token);
      const confirmed =
        subscriber.status === 'confirmed'
          ? subscriber
          : await update(subscriber, ({ pendingPreferences, ...current }) => ({
              ...current,
              preferences: pendingPreferences ?? current.preferences,
              status: 'confirmed',
              confirmedAt: clock.now().toISOString(),
              unsubscribedAt: undefined,
            }));
      logger.info('subscription confirmed', { subscriberId: confirmed.id });
      return { manageToken: issueLinks(confirmed).manageToken, subscriberId: confirmed.id };
    },

    /**
     * Checks a token without changing anything (the GET of a page). A confirmation link is refused for
     * whatever the confirmation would refuse it, so its page never offers a button that cannot work.
     */
    async checkToken(token: unknown, purpose: TokenPurpose): Promise<void> {
      if (purpose === 'confirm') await confirmableSubscriber(token);
      else await subscriberFromToken(token, [purpose]);
    },

    async getPreferences(token: unknown): Promise<PreferencesView> {
      return toView(await subscriberFromToken(token, ['manage']));
    },

    async updatePreferences(token: unknown, changes: Record<string, unknown>): Promise<PreferencesView> {
      const subscriber = await subscriberFromToken(token, ['manage']);
      const { subscribed, ...preferenceChanges } = changes;
      if (subscribed !== undefined && typeof subscribed !== 'boolean') {
        throw new ValidationError('subscribed: must be true or false');
      }
      const now = clock.now().toISOString();
      const updated = await update(subscriber, (current) => {
        // Validated against the copy being saved, so a concurrent change to other fields survives.
        const preferences = validatePreferences(preferenceChanges, current.preferences);
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
      logger.info('preferences updated', { subscriberId: updated.id });
      return toView(updated);
    },

    /** One-click unsubscribe (RFC 8058) and the unsubscribe page's button. Idempotent. */
    async unsubscribe(token: unknown): Promise<void> {
      const subscriber = await subscriberFromToken(token, ['unsubscribe', 'manage']);
      if (subscriber.status === 'unsubscribed') return;
      await update(subscriber, (current) => ({
        ...current,
        status: 'unsubscribed',
        unsubscribedAt: clock.now().toISOString(),
      }));
      logger.info('unsubscribed', { subscriberId: subscriber.id });
    },

    /** Everything paperboy holds about the person, as JSON. */
    async exportData(token: unknown): Promise<{ subscriber: Subscriber; deliveries: DeliveryRecord[] }> {
      const subscriber = await subscriberFromToken(token, ['manage']);
      return { subscriber, deliveries: await deliveries.listForSubscriber(subscriber.id) };
    },

    /** Erases the subscriber and their delivery history. */
    async deleteData(token: unknown): Promise<void> {
      const subscriber = await subscriberFromToken(token, ['manage']);
      await deliveries.deleteForSubscriber(subscriber.id);
      await subscribers.delete(subscriber);
      logger.info('subscriber deleted', { subscriberId: subscriber.id });
    },

    /**
     * "Get a new link": revokes every link issued so far (manage, unsubscribe, pending confirmation),
     * for when an email was forwarded, and mails a fresh manage link to the subscriber's own address.
     * Unsubscribed readers may renew too (their link still manages and deletes their data). The bump
     * is saved before the mail goes out, so a failed send never revives the old links: it throws
     * LinkNotSentError. A suppressed address is never mailed: its links are revoked and `mailed` is false.
     */
    async renewLinks(token: unknown): Promise<{ mailed: boolean }> {
      const { subscriber, claims } = await verifiedLink(token, ['manage']);
      const renewed = await update(subscriber, (current) => {
        // Checked on the copy being saved: a link revoked meanwhile (a parallel renewal) renews nothing.
        if (current.tokenVersion !== claims.version) throw revokedLink();
        return { ...current, tokenVersion: current.tokenVersion + 1 };
      });
      const mailed = !renewed.suppressed;
      if (mailed) {
        try {
          const email = await deps.renderer.renderNewLink(linkUrls(renewed));
          await deps.mailer.send({ to: renewed.email, ...email });
        } catch (error) {
          logger.error('new link not sent; old links stay revoked', {
            subscriberId: renewed.id,
            error: errorLabel(error),
          });
          const getOneNow =
            'subscribe again from the home page with the same address: the confirmation link opens your settings.';
          throw new LinkNotSentError(
            'Your old links no longer work, but we could not send you a new one. ' +
              (isActive(renewed)
                ? `Your next digest will carry working links; to get a link now, ${getOneNow}`
                : `To get a link, ${getOneNow}`),
            { cause: error },
          );
        }
      }
      logger.info('links renewed', { subscriberId: renewed.id, mailed });
      return { mailed };
    },

    /** Links for the emails a subscriber receives. */
    linksFor(subscriber: Subscriber): { manageUrl: string; unsubscribeUrl: string } {
      return linkUrls(subscriber);
    },
  };
}
export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
