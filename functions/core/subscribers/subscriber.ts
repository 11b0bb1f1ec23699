import { z } from 'zod';
import { ValidationError } from '../errors';

export type SubscriptionStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';
export type Cadence = 'daily' | 'weekly';

export const MAX_TOPIC_ENTRIES = 30;
export const DEFAULT_PAPERS_PER_EMAIL = 10;

/**
 * The reader's own words for a topic: at least a word (a single letter matches nothing a reader means)
 * and short enough to be a topic, not a paragraph. A new keyword, the live preview and the `match`
 * command take the same; a one-letter keyword saved before this rule still reads (see
 * manage-subscription.ts), so the stored schema below only says "not empty".
 */
export const KEYWORD_LENGTH = { min: 2, max: 100 } as const;
/** Why a text cannot be a keyword, for the preview and the `match` command; undefined when it can. */
export function keywordLengthProblem(text: string): string | undefined {
  const { length } = text.replace(/\s+/g, ' ').trim();
  if (length >= KEYWORD_LENGTH.min && length <= KEYWORD_LENGTH.max) return undefined;
  return `A keyword is ${KEYWORD_LENGTH.min} to ${KEYWORD_LENGTH.max} characters; this one is ${length}.`;
}

/** Keywords, organizations and authors alike. */
const ENTRY_MAX_LENGTH = KEYWORD_LENGTH.max;

const entry = z
  .string({ error: 'must be text' })
  .transform((value) => value.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(ENTRY_MAX_LENGTH, `must be at most ${ENTRY_MAX_LENGTH} characters`),
  );

const entryList = (what: string) =>
  z
    .array(entry)
    .max(MAX_TOPIC_ENTRIES, `at most ${MAX_TOPIC_ENTRIES} ${what}`)
    .transform(dedupeCaseInsensitive);

/** What a subscriber controls from the preferences page. */
export const PreferencesSchema = z.object({
  topics: z
    .array(z.string().regex(/^[a-z0-9-]{1,60}$/, 'topic ids are kebab-case'))
    .max(MAX_TOPIC_ENTRIES)
    .transform(dedupeCaseInsensitive),
  keywords: entryList('keywords'),
  organizations: entryList('organizations'),
  authors: entryList('authors'),
  cadence: z.enum(['daily', 'weekly']),
  /** ISO weekday the weekly digest goes out on: 1 = Monday ... 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  papersPerEmail: z
    .number()
    .int()
    .min(1, 'at least 1 paper per email')
    .max(50, 'at most 50 papers per email'),
  paused: z.boolean(),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const defaultPreferences = (): Preferences => ({
  topics: [],
  keywords: [],
  organizations: [],
  authors: [],
  cadence: 'daily',
  weekday: 1,
  papersPerEmail: DEFAULT_PAPERS_PER_EMAIL,
  paused: false,
});

export interface Suppression {
  reason: 'hard-bounce' | 'complaint';
  at: string;
  detail?: string;
}

export interface Subscriber {
  id: string;
  /** Normalized (trimmed, lower-cased) address. */
  email: string;
  status: SubscriptionStatus;
  preferences: Preferences;
  /** Bumped to revoke every link issued before. */
  tokenVersion: number;
  /** Set when SES reported a hard bounce or complaint: never mail this address again. */
  suppressed?: Suppression;
  /** Topics a former subscriber asked for when subscribing again; applied when they confirm. */
  pendingPreferences?: Preferences;
  /** Timestamps of the confirmation mails sent recently (flood control). */
  confirmationsSentAt: string[];
  /**
   * The papers of each recent digest, by digest day: the claim of that day's digest and the history the
   * planner reads with the reader (no read per reader). Written only by the send path (claimDigest);
   * a saved profile never overwrites it.
   */
  digestHistory?: Record<string, string[]>;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
}

const EmailSchema = z
  .string({ error: 'email is required' })
  .trim()
  .toLowerCase()
  .max(254, 'email is too long')
  .pipe(z.email({ error: 'email is not a valid address' }));

export function normalizeEmail(raw: unknown): string {
  const result = EmailSchema.safeParse(raw);
  if (!result.success) throw new ValidationError(result.error.issues[0].message);
  return result.data;
}

export function dedupeCaseInsensitive(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether a subscriber should get digests at all (cadence aside). */
export const isActive = (subscriber: Subscriber): boolean =>
  subscriber.status === 'confirmed' && !subscriber.preferences.paused && !subscriber.suppressed;

export const hasAnyTopic = (preferences: Preferences): boolean =>
  preferences.topics.length +
    preferences.keywords.length +
    preferences.organizations.length +
    preferences.authors.length >
  0;
