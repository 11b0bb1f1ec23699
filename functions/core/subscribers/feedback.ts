import type { Clock, Logger, SubscriberRepository } from '../ports';
import { suppressAddress, updateByEmail } from './suppress';

/**
 * What the mail provider reported about one recipient, as its adapter reads it (for SES:
 * adapters/ses/feedback.ts). A bounce is hard when the address cannot take mail, soft when it might
 * later; `at` is when the provider saw it.
 */
export interface Feedback {
  kind: 'hard-bounce' | 'soft-bounce' | 'complaint';
  email: string;
  detail?: string;
  at: string;
}

/**
 * Soft bounces that suppress an address: SOFT_BOUNCE_LIMIT of them within SOFT_BOUNCE_WINDOW_DAYS.
 * SES reports a soft bounce only after retrying the mail itself for hours, so each one is a digest
 * that did not arrive; one alone (a full mailbox during a holiday, a server down for a day) is only
 * recorded. Three in three weeks is three weekly digests in a row (days 0, 7 and 14, plus SES's
 * retrying) or three lost daily ones: a mailbox losing that much is not being read, and mail to it only
 * wears the sending reputation. A 7-day window would never reach three for a weekly reader; a longer
 * one would add up a daily reader's unrelated glitches. listmonk counts soft bounces without a window
 * and by default only records them (count 2, action none); paperboy has nobody reading a bounce list,
 * so the rule acts by itself.
 */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_DAYS = 21;
const WINDOW_MS = SOFT_BOUNCE_WINDOW_DAYS * 24 * 60 * 60 * 1000;

/** `duplicate`: this soft bounce (same time) is recorded already, as when SNS delivers an event twice. */
export type FeedbackOutcome = 'suppressed' | 'recorded' | 'duplicate' | 'already-suppressed' | 'unknown';

/**
 * Applies one recipient's feedback: a hard bounce or a complaint suppresses the address at once; a soft
 * bounce is recorded on the subscriber and suppresses when SOFT_BOUNCE_LIMIT of them fall within
 * SOFT_BOUNCE_WINDOW_DAYS. An unknown address is left alone (the person may have deleted their data).
 */
export async function applyFeedback(
  deps: { subscribers: SubscriberRepository; clock: Clock; logger: Logger },
  feedback: Feedback,
): Promise<FeedbackOutcome> {
  if (feedback.kind !== 'soft-bounce') {
    const outcome = await suppressAddress(deps, {
      email: feedback.email,
      reason: feedback.kind,
      detail: feedback.detail,
    });
    return outcome === 'already' ? 'already-suppressed' : outcome;
  }
  return recordSoftBounce(deps, feedback);
}

async function recordSoftBounce(
  deps: { subscribers: SubscriberRepository; clock: Clock; logger: Logger },
  feedback: Feedback,
): Promise<FeedbackOutcome> {
  const { outcome, subscriber } = await updateByEmail(deps, feedback.email, (current, now) => {
    if (current.suppressed) return { outcome: 'already-suppressed' as const };
    const since = Date.parse(now) - WINDOW_MS;
    const earlier = current.softBouncesAt ?? [];
    if (earlier.includes(feedback.at)) return { outcome: 'duplicate' as const };
    const softBouncesAt = [...earlier, feedback.at].filter((at) => Date.parse(at) > since).sort();
    if (softBouncesAt.length < SOFT_BOUNCE_LIMIT)
      return { outcome: 'recorded' as const, next: { ...current, softBouncesAt } };
    const last = feedback.detail ? `; the last: ${feedback.detail}` : '';
    return {
      outcome: 'suppressed' as const,
      next: {
        ...current,
        softBouncesAt,
        suppressed: {
          reason: 'soft-bounces' as const,
          at: now,
          detail: `${softBouncesAt.length} soft bounces within ${SOFT_BOUNCE_WINDOW_DAYS} days${last}`,
        },
      },
    };
  });
  if (outcome === 'suppressed' && subscriber)
    deps.logger.warn('address suppressed', { subscriberId: subscriber.id, reason: 'soft-bounces' });
  else if (outcome === 'recorded' && subscriber)
    deps.logger.info('soft bounce recorded', {
      subscriberId: subscriber.id,
      softBounces: subscriber.softBouncesAt?.length,
    });
  return outcome;
}
