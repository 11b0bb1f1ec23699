import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseArxivReference } from '../papers';

export type SubscriptionStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';
export type Cadence = 'daily' | 'weekly';

export const MAX_TOPIC_ENTRIES = 30;
/** "Papers like these": a handful describes a topic; more only slows the reader model. */
export const MAX_EXAMPLE_PAPERS = 20;
export const DEFAULT_PAPERS_PER_EMAIL = 10;

/**
 * The reader's own words for a topic: at least a word (a single letter matches nothing a reader means)
 * and short enough to be a topic, not a paragraph. A new keyword, the live preview and the `match`
 * command take the same; a one-letter keyword saved before this rule still reads (see
 * manage-subscription.ts), so the stored schema below only says "not empty".
 */
export const KEYWORD_LENGTH = { min: 2, max: 100 } as const;

/**
 * An entry as it is kept: control characters (NUL, escape codes, a pasted tab) part words like spaces,
 * format characters (zero-width spaces, bidi overrides, soft hyphens) and lone surrogates are dropped, as
 * nobody sees them and they would only split or disguise a word; then spaces are collapsed.
 */
export const cleanEntry = (text: string): string =>
  text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/[\p{Cf}\p{Cs}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Why a text cannot be a keyword, for the preview and the `match` command; undefined when it can. */
export function keywordLengthProblem(text: string): string | undefined {
  const { length } = cleanEntry(text);
  if (length >= KEYWORD_LENGTH.min && length <= KEYWORD_LENGTH.max) return undefined;
  return `A keyword is ${KEYWORD_LENGTH.min} to ${KEYWORD_LENGTH.max} characters; this one is ${length}.`;
}

/** Keywords, organizations and authors alike. */
const ENTRY_MAX_LENGTH = KEYWORD_LENGTH.max;

/**
 * A blank entry is refused; one with characters but nothing printable cleans to "" and is dropped from
 * its list, so one stored before entries were cleaned still reads (as nothing). A new one is refused by
 * the use case (manage-subscription.ts), which knows which entries are new.
 */
const entry = z
  .string({ error: 'must be text' })
  .refine((value) => value.trim() !== '', 'must not be empty')
  .transform(cleanEntry)
  .pipe(z.string().max(ENTRY_MAX_LENGTH, `must be at most ${ENTRY_MAX_LENGTH} characters`));

const entryList = (what: string) =>
  z
    .array(entry)
    .max(MAX_TOPIC_ENTRIES, `at most ${MAX_TOPIC_ENTRIES} ${what}`)
    .transform((entries) => dedupeCaseInsensitive(entries.filter((text) => text !== '')));

/** An example paper as pasted (an arXiv id or a link to the paper), kept as its arXiv id. */
const examplePaper = z.string({ error: 'must be text' }).transform((text, context) => {
  const id = parseArxivReference(text);
  if (id) return id;
  context.addIssue({
    code: 'custom',
    message: 'is not an arXiv id or a link to a paper (like 2510.01234 or https://arxiv.org/abs/2510.01234)',
  });
  return z.NEVER;
});

/** What a subscriber controls from the preferences page. */
export const PreferencesSchema = z.object({
  topics: z
    .array(z.string().regex(/^[a-z0-9-]{1,60}$/, 'topic ids are kebab-case'))
    .max(MAX_TOPIC_ENTRIES)
    .transform(dedupeCaseInsensitive),
  keywords: entryList('keywords'),
  organizations: entryList('organizations'),
  authors: entryList('authors'),
  /** "Papers like these": a topic made of example papers, by arXiv id (read by the reader model). */
  examplePapers: z
    .array(examplePaper)
    .max(MAX_EXAMPLE_PAPERS, `at most ${MAX_EXAMPLE_PAPERS} example papers`)
    .default([])
    .transform((ids) => [...new Set(ids)]),
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
  examplePapers: [],
  cadence: 'daily',
  weekday: 1,
  papersPerEmail: DEFAULT_PAPERS_PER_EMAIL,
  paused: false,
});

export interface Suppression {
  /** `soft-bounces`: soft bounces that kept coming (the rule is in core/subscribers/feedback.ts). */
  reason: 'hard-bounce' | 'complaint' | 'soft-bounces';
  at: string;
  detail?: string;
}

export interface Ratings {
  liked: string[];
  disliked: string[];
}

export interface Subscriber {
  id: string;
  /** Normalized (trimmed, lower-cased) address. */
  email: string;
  status: SubscriptionStatus;
  preferences: Preferences;
  /** Bumped to revoke every link issued before. */
  tokenVersion: number;
  /** Set when SES reported a hard bounce, a complaint or repeated soft bounces: never mail this address again. */
  suppressed?: Suppression;
  /** When SES reported a soft bounce for this address lately (those within the counting window). */
  softBouncesAt?: string[];
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
  /**
   * Papers the reader rated "more like this" (liked) and "not for me" (disliked), by arXiv id, oldest
   * first: the reader model (core/matching/reader-model.ts) reads them when their digest is ranked.
   * Set from the rating links of the emails and the pages (core/subscribers/ratings.ts).
   */
  ratings?: Ratings;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
}

/**
 * RFC 5321: at most 64 octets before the @ (254 in all). z.email takes ASCII only, so a character is an
 * octet.
 */
const LOCAL_PART_MAX_LENGTH = 64;

export const EmailSchema = z
  .string({ error: 'email is required' })
  .trim()
  .toLowerCase()
  .max(254, 'email is too long')
  .pipe(z.email({ error: 'email is not a valid address' }))
  .refine(
    (address) => address.lastIndexOf('@') <= LOCAL_PART_MAX_LENGTH,
    `email is not a valid address: the part before the @ is longer than ${LOCAL_PART_MAX_LENGTH} characters`,
  );

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
    preferences.authors.length +
    preferences.examplePapers.length >
  0;

/** Whether the reader's own item says they already have (or are being sent) this day's digest. */
export const hasDigestOf = (subscriber: Subscriber, digestDate: string): boolean =>
  Object.prototype.hasOwnProperty.call(subscriber.digestHistory ?? {}, digestDate);
