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

/** What one sender's limiter has cost so far. */
export interface SendRateStats {
  /** UpdateItem calls made, successful or not (each one is a billed request). */
  requests: number;
  /** Leases granted (runs of one lane's slots). */
  leases: number;
  /** Permits handed out (sends allowed). */
  permits: number;
  /** Leased slots that went unused because nobody asked in time; a slot is never used late. */
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
   * About how many sends per second one sender draws (default 10: what one send-digests instance
   * sustains). The budget's slots are dealt round-robin to lanes of about this rate and a sender
   * leases runs of one lane's slots, so its slots come at a pace it can follow.
   */
  laneRate?: number;
  /** How late after its slot a send may still go out (timer lag); a slot missed by more is forfeited. */
  toleranceMs?: number;
  /** Allowance for the spread of the time between a permit and SES receiving the call. */
  jitterMs?: number;
  /** Largest lease, in slots: fewer DynamoDB requests per email against more slots held by one sender. */
  maxLease?: number;
  /** Milliseconds since the epoch; every sender's clock must agree (NTP, as Lambda's do). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The limiter's item, in the deliveries table: one per budget, one attribute per lane. */
export const rateKeys = {
  budget: (budget: string) => ({ pk: `RATE#${budget}`, sk: 'LANES' }),
  laneAttribute: (lane: number) => `lane${lane}`,
};

const DEFAULT_LANE_RATE = 10;
const DEFAULT_TOLERANCE_MS = 10;
const DEFAULT_JITTER_MS = 20;
const DEFAULT_MAX_LEASE = 10;
const INITIAL_LEASE = 4;
/** The item is left to TTL this long after its last lease. */
const IDLE_EXPIRY_SECONDS = 24 * 3600;

/**
 * An account-wide send rate over one DynamoDB item per budget. The budget's send slots form a
 * grid on the epoch clock, (1000 + tolerance + jitter) / rate ms apart, so sends that are a little
 * late still never put more than `perSecond` into any one-second window. The grid is dealt
 * round-robin to lanes; each lane is a virtual schedule (GCRA): its attribute holds the lane's
 * first free slot. A sender leases k slots of a lane with one atomic UpdateItem that moves the
 * lane on by k slots (from now when it lies idle), then sends at each slot's time, at most
 * `toleranceMs` late. Each slot goes to one sender, so the senders together stay within the
 * budget however many there are.
 *
 * The lease grows to `maxLease` while its slots all get used and halves when some are forfeited,
 * so a busy sender costs about 1/maxLease requests per email and an idle one (the api) holds
 * almost nothing. Every answer carries all lanes, so a sender that finds another on its lane
 * moves to the lane that is free soonest. The next lease is asked for before the held slots run
 * out, hiding DynamoDB's latency; when DynamoDB is slower than that, late slots are forfeited,
 * never sent in a burst.
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
  // Whole slots per second: a fraction would round up within some windows.
  const rate = options.perSecond >= 1 ? Math.floor(options.perSecond) : options.perSecond;
  const marginUs = toleranceUs + (options.jitterMs ?? DEFAULT_JITTER_MS) * 1000;
  const gridUs = Math.ceil((1_000_000 + marginUs) / rate);
  const lanes = Math.max(1, Math.round(rate / (options.laneRate ?? DEFAULT_LANE_RATE)));
  const maxLease = Math.max(1, Math.min(options.maxLease ?? DEFAULT_MAX_LEASE, Math.floor(rate / lanes)));
  const prefetchLeadUs = Math.max(200_000, 2 * lanes * gridUs);
  // A sender holds up to a prefetch lead of its lane ahead of now; only a lane free sooner than
  // that by as much again is worth moving to.
  const moveGainSlots = Math.ceil((2 * prefetchLeadUs) / gridUs);
  const stats: SendRateStats = { requests: 0, leases: 0, permits: 0, forfeited: 0 };

  /** Slot times (µs) this sender holds, earliest first. */
  const slots: number[] = [];
  let lane = Math.floor(Math.random() * lanes);
  let leaseSize = Math.min(INITIAL_LEASE, maxLease);
  let forfeitedSinceLease = 0;
  /** Each lane's first free slot as this sender last read the item (grid slot numbers). */
  let seen: number[] | undefined;
  let seenAt = 0;
  /** Where this sender's last lease on its lane ended, and what others appended ahead of it. */
  let ownEnd: number | undefined;
  let othersAppended = 0;
  let pending: Promise<void> | undefined;

  const nowSlot = () => Math.ceil((now() * 1000) / gridUs);
  /** A lane's first slot from `slot` on: slot n belongs to lane n mod lanes. */
  const laneSlotFrom = (on: number, slot: number) => slot + ((((on - slot) % lanes) + lanes) % lanes);
  const key = rateKeys.budget(options.budget);
  const readLanes = (item: Record<string, unknown> | undefined) =>
    Array.from({ length: lanes }, (_, index) => Number(item?.[rateKeys.laneAttribute(index)] ?? 0));

  /** One conditional UpdateItem on lane `on`; true when it was made (and `seen` is fresh). */
  async function update(on: number, expression: string, condition: string, values: Record<string, number>) {
    stats.requests++;
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `${expression}, expiresAt = :exp`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#lane': rateKeys.laneAttribute(on) },
          ExpressionAttributeValues: { ...values, ':exp': Math.ceil(now() / 1000) + IDLE_EXPIRY_SECONDS },
          ReturnValues: 'ALL_NEW',
        }),
      );
      seen = readLanes(Attributes);
      seenAt = nowSlot();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * The lane to lease next: this sender's own lane, unless others crowd it (it frees up later
   * than this sender's own lease would keep it busy) and another lane lay idle when last read
   * (lanes busy then are taken for busy still, however old the reading).
   * Busy lanes are never worth moving to: every slot of theirs is used either way.
   */
  function chooseLane(from: number): number {
    if (!seen) return lane;
    const ownFree = seen[lane] + othersAppended;
    if (ownFree < from + moveGainSlots) return lane;
    const idle = seen.flatMap((next, index) => (index !== lane && next < seenAt ? [index] : []));
    return idle.length > 0 ? idle[Math.floor(Math.random() * idle.length)] : lane;
  }

  /** Leases `count` slots of one lane; answers the first of them. */
  async function reserve(count: number): Promise<number> {
    const cost = count * lanes;
    const from = nowSlot();
    const on = chooseLane(from);
    const idleStart = laneSlotFrom(on, from);
    const idle = () =>
      update(on, 'SET #lane = :end', 'attribute_not_exists(#lane) OR #lane < :now', {
        ':now': from,
        ':end': idleStart + cost,
      });
    // Moving to an idle lane: only while it is still idle, so senders that read the same idle lane
    // do not all pile onto it; the others stay where they are.
    if (on !== lane && (await idle())) {
      lane = on;
      othersAppended = 0;
      ownEnd = seen![on];
      return idleStart;
    }
    // Its own lane: append after the last slot taken, or start from now when the lane lies idle
    // (its slots in the past are gone); whichever the item as read suggests first.
    const busy = () =>
      update(
        lane,
        'SET #lane = if_not_exists(#lane, :start) + :cost',
        'attribute_not_exists(#lane) OR #lane >= :now',
        { ':now': from, ':cost': cost, ':start': laneSlotFrom(lane, from) },
      );
    const ownIdle = () =>
      update(lane, 'SET #lane = :end', '#lane < :now', {
        ':now': from,
        ':end': laneSlotFrom(lane, from) + cost,
      });
    for (let attempt = 0; attempt < 4; attempt++) {
      for (const step of seen && seen[lane] < from ? [ownIdle, busy] : [busy, ownIdle]) {
        if (await step()) {
          const start = seen![lane] - cost;
          othersAppended = Math.max(0, start - (ownEnd ?? laneSlotFrom(lane, from)));
          ownEnd = seen![lane];
          return start;
        }
      }
    }
    throw new Error(`send-rate budget ${options.budget} is contended beyond reason`);
  }

  function lease(): Promise<void> {
    pending ??= (async () => {
      try {
        // Start small (a lone confirmation mail holds few slots); grow while every slot gets used.
        if (stats.leases > 0)
          leaseSize =
            forfeitedSinceLease > 0 ? Math.max(1, leaseSize >> 1) : Math.min(maxLease, leaseSize * 4);
        forfeitedSinceLease = 0;
        const start = await reserve(leaseSize);
        stats.leases++;
        for (let index = 0; index < leaseSize; index++) slots.push((start + index * lanes) * gridUs);
        slots.sort((a, b) => a - b);
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  function forfeitPast(nowUs: number) {
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
        forfeitPast(now() * 1000);
        const slot = slots.shift();
        if (slot === undefined) {
          await lease();
          continue;
        }
        const heldUntil = slots.length > 0 ? slots[slots.length - 1] : slot;
        if (leaseSize > 1 && !pending && heldUntil - now() * 1000 < prefetchLeadUs)
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
