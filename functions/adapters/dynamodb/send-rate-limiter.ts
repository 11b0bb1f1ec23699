import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client';

/**
 * Permission to make one send under a rate shared by every sender of the account. `acquire`
 * resolves at the moment the caller may send, or rejects when the limiter could not be reached
 * (nothing was sent, so the send may be retried later).
 */
export interface SendPermits {
  acquire(): Promise<void>;
}

/** What a limiter has cost so far: DynamoDB requests against permits handed out. */
export interface SendRateStats {
  /** UpdateItem calls made, successful or not (each one is a billed request). */
  requests: number;
  /** Leases granted (runs of consecutive send slots). */
  leases: number;
  /** Permits handed out (sends allowed). */
  permits: number;
  /** Leased slots that went unused because nobody asked in time; they are never sent late. */
  forfeited: number;
}

export interface SharedSendRateLimiter extends SendPermits {
  readonly stats: SendRateStats;
}

export interface SendRateOptions {
  /** The budget's name; senders sharing a name share its rate (`digest`, `transactional`). */
  budget: string;
  /** Sends per second that all senders of this budget together stay under. */
  perSecond: number;
  /**
   * How late after its slot a send may still go out (event-loop lag, a slow answer). Slots are
   * spaced (1000 + tolerance) / perSecond ms apart, so even sends that are this late never put
   * more than `perSecond` sends into any one-second window; a slot missed by more is forfeited.
   */
  toleranceMs?: number;
  /** Largest lease, in slots: fewer DynamoDB requests per email against more slots held by one sender. */
  maxLease?: number;
  /** Milliseconds since the epoch; every sender's clock must agree (NTP, as Lambda's do). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The limiter's items live in the deliveries table, one per budget. */
export const rateKeys = {
  budget: (budget: string) => ({ pk: `RATE#${budget}`, sk: 'SCHEDULE' }),
};

const DEFAULT_TOLERANCE_MS = 25;
const DEFAULT_MAX_LEASE = 10;
/**
 * The next lease is asked for this long before the held slots run out, so a slot that DynamoDB
 * answers late is not already past; asking earlier would only hold more slots.
 */
const PREFETCH_LEAD_US = 150_000;
/** An idle budget's item is left to TTL this long after its last slot. */
const IDLE_EXPIRY_SECONDS = 24 * 3600;

/**
 * An account-wide send rate over one DynamoDB item per budget, as a virtual schedule (GCRA):
 * the item holds `tat`, the first free slot in microseconds since the epoch. A sender leases k
 * consecutive slots with one atomic UpdateItem that moves `tat` on by k slots (from now when the
 * schedule lies in the past) and then sends at each slot's time. Every slot belongs to exactly
 * one sender, so the senders together stay within the rate however many there are.
 *
 * The lease grows from 1 to `maxLease` while its slots all get used and halves when some are
 * forfeited, so a busy sender costs about 1/maxLease requests per email and an idle one (the
 * api) holds almost nothing. The next lease is fetched while half of the current one is still
 * left, which hides DynamoDB's latency; when DynamoDB is slower than that the late slots are
 * forfeited rather than sent in a burst.
 */
export function createSharedSendRateLimiter(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: SendRateOptions,
): SharedSendRateLimiter {
  if (!(options.perSecond > 0)) throw new Error(`send rate of ${options.budget} must be positive`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const toleranceUs = (options.toleranceMs ?? DEFAULT_TOLERANCE_MS) * 1000;
  const spacingUs = Math.ceil(
    (1_000_000 + toleranceUs * Number(process.env.MARGIN_X ?? 1)) / options.perSecond,
  );
  // A lease spans at most half a second of the budget, so one sender never holds a small budget.
  const maxLease = Math.max(
    1,
    Math.min(options.maxLease ?? DEFAULT_MAX_LEASE, Math.floor(options.perSecond / 2)),
  );
  const key = rateKeys.budget(options.budget);
  const stats: SendRateStats = { requests: 0, leases: 0, permits: 0, forfeited: 0 };

  /** Slot times (µs) this sender holds, earliest first. */
  const slots: number[] = [];
  let leaseSize = 1;
  let forfeitedSinceLease = 0;
  let lastKnownTat = 0;
  let pending: Promise<void> | undefined;

  async function update(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) {
    stats.requests++;
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({ TableName: tableName, Key: key, ReturnValues: 'UPDATED_NEW', ...input }),
      );
      return Attributes?.tat as number;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Moves the schedule on by `count` slots; returns the new end of the schedule. */
  async function reserve(count: number): Promise<number> {
    const cost = count * spacingUs;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 8) throw new Error(`send-rate budget ${options.budget} is contended beyond reason`);
      const nowUs = now() * 1000;
      const expiresAt = Math.ceil(nowUs / 1_000_000) + IDLE_EXPIRY_SECONDS;
      const values = { ':now': nowUs, ':cost': cost, ':exp': expiresAt };
      // Busy (or new) schedule: append after the last slot taken. Idle: start from now, since
      // slots in the past are gone. Try first whichever this sender last saw.
      const busy = () =>
        update({
          UpdateExpression: 'SET tat = if_not_exists(tat, :now) + :cost, expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(tat) OR tat >= :now',
          ExpressionAttributeValues: values,
        });
      const idle = () =>
        update({
          UpdateExpression: 'SET tat = :end, expiresAt = :exp',
          ConditionExpression: 'tat < :now',
          ExpressionAttributeValues: { ':now': nowUs, ':end': nowUs + cost, ':exp': expiresAt },
        });
      const order = lastKnownTat >= nowUs ? [busy, idle] : [idle, busy];
      for (const step of order) {
        const tat = await step();
        if (tat !== undefined) return tat;
      }
    }
  }

  function lease(): Promise<void> {
    pending ??= (async () => {
      try {
        // Start small (a lone confirmation mail takes one slot); grow while every slot gets used.
        if (stats.leases > 0)
          leaseSize =
            forfeitedSinceLease > 0 ? Math.max(1, leaseSize >> 1) : Math.min(maxLease, leaseSize * 2);
        forfeitedSinceLease = 0;
        const count = leaseSize;
        const end = await reserve(count);
        lastKnownTat = end;
        stats.leases++;
        for (let index = count; index > 0; index--) slots.push(end - index * spacingUs);
        slots.sort((a, b) => a - b);
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  function forfeitExpired(nowUs: number) {
    while (slots.length > 0 && slots[0] < nowUs - toleranceUs) {
      slots.shift();
      stats.forfeited++;
      forfeitedSinceLease++;
    }
  }

  return {
    stats,
    async acquire() {
      for (;;) {
        forfeitExpired(now() * 1000);
        const slot = slots.shift();
        if (slot === undefined) {
          await lease();
          continue;
        }
        const heldUntil = slots.length > 0 ? slots[slots.length - 1] : slot;
        if (leaseSize > 1 && heldUntil - now() * 1000 < PREFETCH_LEAD_US && !pending)
          lease().catch(() => undefined);
        const waitMs = slot / 1000 - now();
        if (waitMs > 0) await sleep(waitMs);
        if (now() * 1000 - slot > toleranceUs) {
          stats.forfeited++;
          forfeitedSinceLease++;
          continue;
        }
        stats.permits++;
        return;
      }
    },
  };
}
