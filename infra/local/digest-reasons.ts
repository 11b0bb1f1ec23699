import { addDays, isoWeekday } from '../../functions/core/dates';
import { readerRatingsOf } from '../../functions/core/digests/digest-composer';
import { hasRatings } from '../../functions/core/matching/reader-model';
import type { ScanCursor, SubscriberRepository } from '../../functions/core/ports';
import { hasAnyTopic, hasDigestOf, type Subscriber } from '../../functions/core/subscribers/subscriber';

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Why a reader gets no digest on a day before any paper is looked at, in the planner's order
 * (isDue, hasDigestOf, then the composer's "no topic and no rating" check), or undefined when the
 * planner composes their digest. `not due` carries the reader's weekday.
 */
export type NoDigestReason =
  | { reason: 'not confirmed' }
  | { reason: 'unsubscribed' }
  | { reason: 'suppressed'; detail: string }
  | { reason: 'paused' }
  | { reason: 'not due'; detail: string }
  | { reason: 'already sent' }
  | { reason: 'no topics' };

export function whyNoDigest(subscriber: Subscriber, digestDate: string): NoDigestReason | undefined {
  if (subscriber.status === 'unsubscribed') return { reason: 'unsubscribed' };
  if (subscriber.status !== 'confirmed') return { reason: 'not confirmed' };
  if (subscriber.suppressed) return { reason: 'suppressed', detail: subscriber.suppressed.reason };
  if (subscriber.preferences.paused) return { reason: 'paused' };
  const { cadence, weekday } = subscriber.preferences;
  if (cadence === 'weekly' && weekday !== isoWeekday(digestDate))
    return { reason: 'not due', detail: `weekly on ${WEEKDAY_NAMES[weekday - 1]}` };
  if (hasDigestOf(subscriber, digestDate)) return { reason: 'already sent' };
  const ratings =
    subscriber.ratings || subscriber.preferences.examplePapers.length > 0
      ? readerRatingsOf(subscriber)
      : undefined;
  if (!hasAnyTopic(subscriber.preferences) && !hasRatings(ratings)) return { reason: 'no topics' };
  return undefined;
}

/** The reader's next digest day on or after `today`: today for a daily reader, their weekday for a weekly one. */
export function nextDigestDay(subscriber: Subscriber, today: string): string {
  if (subscriber.preferences.cadence === 'daily') return today;
  const ahead = (subscriber.preferences.weekday - isoWeekday(today) + 7) % 7;
  return addDays(today, ahead);
}

/** Addresses listed per reason at most; beyond, "and N more". */
export const ADDRESSES_PER_REASON = 10;

/** Readers of a day without a digest, counted by reason, with the first addresses of each. */
export interface ReasonTally {
  subscribers: number;
  /** By reason label ("unsubscribed", "weekly on Friday", ...), in the order first met. */
  counts: Map<string, number>;
  addresses: Map<string, string[]>;
  /** Readers the planner composes a digest for (no reason above): some may get nothing new. */
  composedCount: number;
  /** The first `keepComposed` of them. */
  composed: Subscriber[];
}

/** Every reader of the table, read page by page as the planner does, sorted into reasons for `digestDate`. */
export async function tallyReasons(
  subscribers: SubscriberRepository,
  digestDate: string,
  options: { keepComposed?: number } = {},
): Promise<ReasonTally> {
  const tally: ReasonTally = {
    subscribers: 0,
    counts: new Map(),
    addresses: new Map(),
    composedCount: 0,
    composed: [],
  };
  let cursor: ScanCursor | undefined;
  do {
    const page = await subscribers.scanPage(0, 1, cursor);
    for (const subscriber of page.subscribers) {
      tally.subscribers++;
      const why = whyNoDigest(subscriber, digestDate);
      if (!why) {
        if (tally.composedCount++ < (options.keepComposed ?? 0)) tally.composed.push(subscriber);
        continue;
      }
      addTo(tally, why.reason === 'not due' ? why.detail : why.reason, subscriber.email);
    }
    cursor = page.cursor;
  } while (cursor);
  return tally;
}

export function addTo(tally: Pick<ReasonTally, 'counts' | 'addresses'>, label: string, email: string): void {
  tally.counts.set(label, (tally.counts.get(label) ?? 0) + 1);
  const listed = tally.addresses.get(label) ?? [];
  if (listed.length < ADDRESSES_PER_REASON) listed.push(email);
  tally.addresses.set(label, listed);
}

const REASON_ORDER = [
  'not due',
  'not confirmed',
  'unsubscribed',
  'paused',
  'suppressed',
  'already sent',
  'no topics',
  'nothing new',
];

/**
 * The lines `digest` prints under its figures: counts by reason ("not due: 2 (weekly on Friday: 1,
 * weekly on Monday: 1)  unsubscribed: 1"), then, when `withAddresses`, who (at most
 * ADDRESSES_PER_REASON per reason). No line when every reader got a digest.
 */
export function formatReasons(
  tally: Pick<ReasonTally, 'counts' | 'addresses'>,
  options: { withAddresses: boolean },
): string[] {
  const weekly = [...tally.counts].filter(([label]) => label.startsWith('weekly on '));
  weekly.sort(([a], [b]) => WEEKDAY_NAMES.indexOf(a.slice(10)) - WEEKDAY_NAMES.indexOf(b.slice(10)));
  const parts: string[] = [];
  for (const reason of REASON_ORDER) {
    if (reason === 'not due') {
      const total = weekly.reduce((sum, [, count]) => sum + count, 0);
      if (total > 0)
        parts.push(`not due: ${total} (${weekly.map(([label, count]) => `${label}: ${count}`).join(', ')})`);
      continue;
    }
    const count = tally.counts.get(reason) ?? 0;
    if (count > 0) parts.push(`${reason}: ${count}`);
  }
  if (parts.length === 0) return [];
  const lines = [`  no digest: ${parts.join('  ')}`];
  if (!options.withAddresses) return lines;
  for (const label of [...weekly.map(([label]) => label), ...REASON_ORDER]) {
    const listed = tally.addresses.get(label);
    if (!listed?.length) continue;
    const more = (tally.counts.get(label) ?? 0) - listed.length;
    lines.push(`    ${label}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  return lines;
}
