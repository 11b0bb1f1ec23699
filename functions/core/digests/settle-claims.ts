import type { Clock, DeliveryRepository, Logger, RunLedger, RunReport, SubscriberRepository } from '../ports';
import { hasDigestOf } from '../subscribers/subscriber';

/**
 * A claim of (reader, day) is settled as sent by its delivery record: the sender's, or the one written
 * from SES's Send event, which finds the claim through the message tag below. A claim with no record
 * once no run of the day may still be sending was never accepted by SES (a crash between claim and
 * send, a timeout before SES took it) or its Send event was lost: the operator lists and releases it,
 * and a re-run of the day sends it.
 */

/** The message tag each digest carries: `<subscriberId>_<digestDate>`. */
export const CLAIM_TAG = 'claim';

/**
 * How long after a run starts its claims may still be in flight (a message being sent, its records
 * not yet written, SES's Send event on its way): no claim of a run younger than this is settled.
 */
export const CLAIM_LEASE_MS = 2 * 60 * 60 * 1000;

/** Subscriber ids sent as they are: what an SES tag value allows, minus `_` (the separator) and `.`. */
const PLAIN_ID = /^[A-Za-z0-9@-]+$/;
const TAG_VALUE = /^[A-Za-z0-9_.@-]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Marks an id that did not fit and is sent as base64url (`.` never starts a plain id). */
const ENCODED = '.';

/** The tag value of a reader's digest of a day; an id SES would refuse is sent base64url-encoded. */
export function claimTagValue(subscriberId: string, digestDate: string): string {
  const id = PLAIN_ID.test(subscriberId)
    ? subscriberId
    : ENCODED + Buffer.from(subscriberId, 'utf8').toString('base64url');
  return `${id}_${digestDate}`;
}

/** The (reader, day) a claim tag names, or undefined when the value is not one. */
export function parseClaimTag(value: string): { subscriberId: string; digestDate: string } | undefined {
  if (!TAG_VALUE.test(value)) return undefined;
  const separator = value.lastIndexOf('_');
  const id = value.slice(0, separator);
  const digestDate = value.slice(separator + 1);
  if (separator < 1 || !DAY.test(digestDate)) return undefined;
  if (!id.startsWith(ENCODED)) return PLAIN_ID.test(id) ? { subscriberId: id, digestDate } : undefined;
  const subscriberId = Buffer.from(id.slice(ENCODED.length), 'base64url').toString('utf8');
  return subscriberId && claimTagValue(subscriberId, digestDate) === value
    ? { subscriberId, digestDate }
    : undefined;
}

export type SendEventOutcome = 'recorded' | 'already-recorded' | 'no-claim' | 'not-a-claim';

/**
 * SES accepted a digest (its Send event): writes the reader's delivery record of that day with the
 * claimed papers, unless one exists. Nothing is written for a reader who is gone (their data was
 * erased) or holds no claim of that day (it was released or forgotten).
 */
export async function settleSentClaim(
  deps: { subscribers: SubscriberRepository; deliveries: DeliveryRepository; logger: Logger },
  input: { tag: string; messageId: string },
): Promise<SendEventOutcome> {
  const claim = parseClaimTag(input.tag);
  if (!claim) {
    deps.logger.warn('send event with an unreadable claim tag', { tag: input.tag.slice(0, 80) });
    return 'not-a-claim';
  }
  const reader = await deps.subscribers.get(claim.subscriberId);
  if (!reader || !hasDigestOf(reader, claim.digestDate)) return 'no-claim';
  const written = await deps.deliveries.recordSentOnce({
    ...claim,
    paperIds: reader.digestHistory?.[claim.digestDate] ?? [],
    messageId: input.messageId,
  });
  return written ? 'recorded' : 'already-recorded';
}

export interface SettleDeps {
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  ledger: RunLedger;
  clock: Clock;
}

/** A run of the day that may still be sending, and why. */
export interface BusyRun {
  runId: string;
  startedAt: string;
  reason: 'started-within-lease' | 'planning-not-finished' | 'outcomes-missing';
  /** Readers planned a digest with no send outcome in the ledger yet. */
  unaccounted: number;
}

export interface StuckClaims {
  digestDate: string;
  /** Readers whose claim of the day has no delivery record, in scan order. */
  subscriberIds: string[];
  /** Runs of the day that may still be sending: while any is listed, nothing is released unforced. */
  busyRuns: BusyRun[];
}

/**
 * Lists the claims of `digestDate` that no delivery record settles: one pass over the readers (their
 * items hold the claims), their records read a page at a time in batches.
 */
export async function findStuckClaims(deps: SettleDeps, digestDate: string): Promise<StuckClaims> {
  const subscriberIds: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.subscribers.scanPage(0, 1, cursor);
    cursor = page.cursor;
    const claimed = page.subscribers.filter((reader) => hasDigestOf(reader, digestDate));
    if (claimed.length === 0) continue;
    const recorded = new Set(
      (
        await deps.deliveries.sentDigestsOf(
          claimed.map((reader) => ({ subscriberId: reader.id, digestDate })),
        )
      ).map((record) => record.subscriberId),
    );
    for (const reader of claimed) if (!recorded.has(reader.id)) subscriberIds.push(reader.id);
  } while (cursor);
  return { digestDate, subscriberIds, busyRuns: await busyRunsOf(deps, digestDate) };
}

/** The runs of the day whose ledger says they may still be sending, or that started within the lease. */
async function busyRunsOf(deps: SettleDeps, digestDate: string): Promise<BusyRun[]> {
  const reports = await Promise.all(
    (await deps.deliveries.digestRunsOf(digestDate)).map((run) => deps.ledger.read(run)),
  );
  const now = deps.clock.now().getTime();
  return reports.flatMap((report): BusyRun[] => {
    if (!report) return [];
    const unaccounted = unaccountedOf(report);
    const reason: BusyRun['reason'] | undefined =
      report.segmentsDone < report.totalSegments
        ? 'planning-not-finished'
        : unaccounted > 0
          ? 'outcomes-missing'
          : !(now - Date.parse(report.startedAt) >= CLAIM_LEASE_MS)
            ? 'started-within-lease'
            : undefined;
    return reason ? [{ runId: report.runId, startedAt: report.startedAt, reason, unaccounted }] : [];
  });
}

const unaccountedOf = (report: RunReport): number =>
  Math.max(0, report.withDigest - report.sent - report.skipped - report.failed - report.uncertain);

export type SettleResult =
  (StuckClaims & { settled: true; released: number }) | (StuckClaims & { settled: false });

/**
 * Releases every stuck claim of the day, so a re-run sends those readers (once: the re-run claims
 * them again). Refused while a run of the day may still be sending, unless `force`: a claim in
 * flight released now could be sent twice.
 */
export async function settleStuckClaims(
  deps: SettleDeps & { logger: Logger },
  digestDate: string,
  options: { force?: boolean } = {},
): Promise<SettleResult> {
  const found = await findStuckClaims(deps, digestDate);
  if (found.busyRuns.length > 0 && !options.force) return { ...found, settled: false };
  for (const subscriberId of found.subscriberIds)
    await deps.deliveries.releaseDigest(subscriberId, digestDate);
  deps.logger.warn('stuck digest claims released', {
    digestDate,
    released: found.subscriberIds.length,
    forced: Boolean(options.force && found.busyRuns.length > 0),
  });
  return { ...found, settled: true, released: found.subscriberIds.length };
}
