/** Test data builders: sensible defaults, override only what the test is about. */
import type { Paper } from '../../functions/core/papers';
import type { DigestBatch, Recipient } from '../../functions/core/ports';
import {
  defaultPreferences,
  type Preferences,
  type Subscriber,
} from '../../functions/core/subscribers/subscriber';

let paperSequence = 0;
let subscriberSequence = 0;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * A paper listed on 2025-11-14 about nothing any test topic matches
 * (give it a `title`/`abstract` that says its topic).
 */
export function aPaper(overrides: Partial<Paper> = {}): Paper {
  paperSequence++;
  return {
    id: `2511.${pad(paperSequence, 5)}`,
    title: `Untitled Study Number ${paperSequence}`,
    abstract: 'We report results.',
    aiKeywords: [],
    authors: ['Ada Lovelace', 'Alan Turing'],
    upvotes: 5,
    numComments: 0,
    publishedAt: '2025-11-13T00:00:00.000Z',
    dailyDate: '2025-11-14',
    ...overrides,
  };
}

export type SubscriberOverrides = Partial<Omit<Subscriber, 'preferences'>> & {
  preferences?: Partial<Preferences>;
};

/** A confirmed, active, daily subscriber with no topics; `preferences` overrides are merged into the defaults. */
export function aSubscriber(overrides: SubscriberOverrides = {}): Subscriber {
  subscriberSequence++;
  const { preferences, ...rest } = overrides;
  return {
    id: `subscriber-${pad(subscriberSequence, 4)}`,
    email: `reader${subscriberSequence}@example.com`,
    status: 'confirmed',
    preferences: { ...defaultPreferences(), ...preferences },
    tokenVersion: 1,
    confirmationsSentAt: [],
    createdAt: '2025-11-01T08:00:00.000Z',
    updatedAt: '2025-11-01T08:00:00.000Z',
    confirmedAt: '2025-11-01T08:05:00.000Z',
    ...rest,
  };
}

/**
 * One send message for 2025-11-14: `papers` planned, each reader given as id (all papers, daily) or as
 * a recipient of their own.
 */
export function aDigestBatch(
  overrides: Partial<Omit<DigestBatch, 'recipients'>> & {
    recipients?: (string | (Partial<Recipient> & { subscriberId: string }))[];
  } = {},
): DigestBatch {
  const papers = overrides.papers ?? [];
  const all = papers.map((_, index) => index);
  return {
    digestDate: '2025-11-14',
    runId: 'run-1',
    ...overrides,
    papers,
    recipients: (overrides.recipients ?? []).map((recipient) =>
      typeof recipient === 'string'
        ? { subscriberId: recipient, cadence: 'daily', picks: all }
        : { cadence: 'daily', picks: all, ...recipient },
    ),
  };
}

/** A planned paper entry of a batch, as plan-slice produces it. */
export function aPlannedPaper(
  paperId: string,
  topic = 'Speculative decoding',
  matched = [topic],
): DigestBatch['papers'][number] {
  return { paperId, why: [{ topic, matched }] };
}

/**
 * `count` confirmed daily readers of the catalog topic "ai-agents", stored through `subscribers` (the real
 * repository on dynalite, or an in-memory one); `overrides` apply to each.
 */
export async function storedReaders(
  subscribers: { create(subscriber: Subscriber): Promise<void> },
  count: number,
  overrides: SubscriberOverrides = {},
): Promise<Subscriber[]> {
  const readers = Array.from({ length: count }, () =>
    aSubscriber({ ...overrides, preferences: { topics: ['ai-agents'], ...overrides.preferences } }),
  );
  for (const reader of readers) await subscribers.create(reader);
  return readers;
}
