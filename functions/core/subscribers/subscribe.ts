import { randomUUID } from 'node:crypto';
import { CONFIRM_TOKEN_TTL_SECONDS } from '../tokens';
import type { MailJob } from './mail-jobs';
import { validatePreferences } from './preferences-validation';
import { saveWithRetry } from './save-with-retry';
import {
  defaultPreferences,
  hasAnyTopic,
  normalizeEmail,
  type Preferences,
  type Subscriber,
} from './subscriber';
import { nowSeconds, type SubscriptionDeps } from './subscription-deps';
import { EmailTakenError } from '../ports';
import { ValidationError } from '../errors';

/** Flood control: at most this many confirmation mails per address ... */
export const MAX_CONFIRMATIONS_PER_DAY = 3;
/** ... and at least this long between two of them. */
export const MIN_SECONDS_BETWEEN_CONFIRMATIONS = 60;

const FLOOD_LIMITED = Symbol('flood limited');

/** The sign-up form: the address, and topics, keywords or example papers ("papers like these"). */
export interface SignUpInput {
  email: unknown;
  topics?: unknown;
  keywords?: unknown;
  examplePapers?: unknown;
}

export type SignUpOutcome = 'mailed' | 'flood-limited' | 'suppressed';

/** A sign-up with nothing to match would confirm an address that never gets a digest. */
export const NOTHING_TO_MATCH =
  'Pick at least one topic, or type a keyword or paste a paper you liked, so paperboy knows what to send you.';

/**
 * The sign-up form's request: checked here (a bad address or topic, or nothing to match at all, is
 * answered at once), then queued whole for the mail worker. The answer is the same work for every
 * address, new or known.
 */
export async function requestSignUp(
  deps: Pick<SubscriptionDeps, 'mailJobs' | 'isKnownTopic'>,
  input: SignUpInput,
): Promise<void> {
  const email = normalizeEmail(input.email);
  const preferences = validatePreferences(
    { topics: input.topics ?? [], keywords: input.keywords ?? [], examplePapers: input.examplePapers ?? [] },
    defaultPreferences(),
    deps.isKnownTopic,
  );
  if (!hasAnyTopic(preferences)) throw new ValidationError(NOTHING_TO_MATCH);
  await deps.mailJobs.enqueue({ job: 'sign-up', email, preferences });
}

/**
 * Starts a double opt-in (the mail worker, for a queued sign-up): a new address is stored unconfirmed
 * and mailed a confirmation link; a known one is mailed again within the flood limits, and nothing a
 * stranger submits changes what a reader has set up. Throws when the mail could not be sent, with
 * nothing recorded, so the queue's retry tries again.
 */
export async function signUp(
  deps: SubscriptionDeps,
  request: Extract<MailJob, { job: 'sign-up' }>,
): Promise<SignUpOutcome> {
  const known = await deps.subscribers.findByEmail(request.email);
  const created = known ? undefined : await createUnconfirmed(deps, request.email, request.preferences);
  if (created) {
    await mailFirstConfirmation(deps, created);
    return 'mailed';
  }
  const subscriber = known ?? (await deps.subscribers.findByEmail(request.email));
  if (!subscriber) throw new Error('the address was taken and is gone again: retrying');
  if (subscriber.suppressed) {
    deps.logger.warn('subscribe ignored: address suppressed', { subscriberId: subscriber.id });
    return 'suppressed';
  }
  return mailAnotherConfirmation(deps, subscriber, request.preferences);
}

/** The new unconfirmed subscriber, or undefined when a parallel sign-up stored the address first. */
async function createUnconfirmed(
  deps: SubscriptionDeps,
  email: string,
  preferences: Preferences,
): Promise<Subscriber | undefined> {
  const now = deps.clock.now().toISOString();
  const fresh: Subscriber = {
    id: randomUUID(),
    email,
    status: 'unconfirmed',
    preferences,
    tokenVersion: 1,
    confirmationsSentAt: [now],
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.subscribers.create(fresh);
    return fresh;
  } catch (error) {
    if (error instanceof EmailTakenError) return undefined;
    throw error;
  }
}

async function mailFirstConfirmation(deps: SubscriptionDeps, created: Subscriber): Promise<void> {
  try {
    await mailConfirmation(deps, created);
  } catch (error) {
    // Nothing was mailed: forget the address so that the retry (or the person) starts afresh.
    await deps.subscribers.delete(created).catch(() => undefined);
    throw error;
  }
  deps.logger.info('subscription requested', { subscriberId: created.id });
}

async function mailAnotherConfirmation(
  deps: SubscriptionDeps,
  subscriber: Subscriber,
  requested: Preferences,
): Promise<SignUpOutcome> {
  const now = deps.clock.now().toISOString();
  let recorded: Subscriber;
  try {
    recorded = await saveWithRetry(deps, subscriber, (current) => {
      // Checked on the copy being saved, so parallel requests cannot each pass the limit.
      if (floodLimited(deps, current)) throw FLOOD_LIMITED;
      return {
        ...current,
        // A confirmed reader keeps everything, and a former subscriber's choice waits in
        // `pendingPreferences` until the confirmation link is used. Only a never-confirmed address
        // starts afresh.
        ...(current.status === 'unconfirmed' ? { preferences: requested } : {}),
        ...(current.status === 'unsubscribed' ? { pendingPreferences: requested } : {}),
        confirmationsSentAt: [...recentConfirmations(deps, current), now],
      };
    });
  } catch (error) {
    if (error !== FLOOD_LIMITED) throw error;
    deps.logger.warn('confirmation not sent: flood limit', { subscriberId: subscriber.id });
    return 'flood-limited';
  }
  try {
    await mailConfirmation(deps, recorded);
  } catch (error) {
    // Not mailed: take the mail off the flood count, so the queue's retry is not refused by it.
    await saveWithRetry(deps, recorded, (current) => ({
      ...current,
      confirmationsSentAt: current.confirmationsSentAt.filter((at) => at !== now),
    })).catch(() => undefined);
    throw error;
  }
  deps.logger.info('confirmation re-sent', { subscriberId: recorded.id });
  return 'mailed';
}

function recentConfirmations(deps: Pick<SubscriptionDeps, 'clock'>, subscriber: Subscriber): string[] {
  const dayAgo = deps.clock.now().getTime() - 24 * 3600 * 1000;
  return subscriber.confirmationsSentAt.filter((at) => Date.parse(at) > dayAgo);
}

function floodLimited(deps: Pick<SubscriptionDeps, 'clock'>, subscriber: Subscriber): boolean {
  const recent = recentConfirmations(deps, subscriber);
  const last = recent.length ? Date.parse(recent[recent.length - 1]) : 0;
  return (
    recent.length >= MAX_CONFIRMATIONS_PER_DAY ||
    deps.clock.now().getTime() - last < MIN_SECONDS_BETWEEN_CONFIRMATIONS * 1000
  );
}

async function mailConfirmation(deps: SubscriptionDeps, subscriber: Subscriber): Promise<void> {
  const token = deps.tokens.issue({
    purpose: 'confirm',
    subscriberId: subscriber.id,
    version: subscriber.tokenVersion,
    expiresAt: nowSeconds(deps.clock) + CONFIRM_TOKEN_TTL_SECONDS,
  });
  const email = await deps.renderer.renderConfirmation({ confirmUrl: deps.links.confirm(token) });
  await deps.mailer.send({ to: subscriber.email, ...email });
}
