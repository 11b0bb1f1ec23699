import type { Paper } from './papers';
import type { Subscriber } from './subscribers/subscriber';
import type { MatchReason } from './matching';
import type { MinedVocabulary } from './matching/mine-vocabulary';

/** Ports the core talks to; adapters in functions/adapters implement them. */

export interface PaperRepository {
  /** Inserts new papers and updates changed ones; a paper keeps the day it was first listed on. */
  upsert(papers: Paper[]): Promise<{ created: number; updated: number; unchanged: number }>;
  listByDays(days: string[]): Promise<Paper[]>;
  getMany(ids: string[]): Promise<Paper[]>;
  /** Most recent Daily Papers days that have papers, newest first. */
  recentDays(limit: number, notAfter?: string): Promise<string[]>;
}

/**
 * The vocabulary mined from the papers stored so far (matching/mine-vocabulary.ts): rebuilt by the
 * ingest, read once per digest run by the planner. One current vocabulary; a put replaces it whole.
 */
export interface VocabularyRepository {
  /** The vocabulary stored last, or undefined when none is (or it cannot be read whole). */
  get(): Promise<MinedVocabulary | undefined>;
  put(vocabulary: MinedVocabulary): Promise<void>;
}

export interface PapersSource {
  /** Papers listed on one Daily Papers day, plus the items that failed validation. */
  fetchDay(day: string): Promise<{ papers: Paper[]; rejected: { id?: string; reason: string }[] }>;
}

export interface SubscriberRepository {
  get(id: string): Promise<Subscriber | undefined>;
  getMany(ids: string[]): Promise<Subscriber[]>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Creates the subscriber and claims its address; fails with EmailTakenError when the address is taken. */
  create(subscriber: Subscriber): Promise<void>;
  /** Saves when the stored copy is still at `expectedUpdatedAt` (optimistic concurrency). */
  save(subscriber: Subscriber, expectedUpdatedAt: string): Promise<void>;
  delete(subscriber: Subscriber): Promise<void>;
  /**
   * One page of one parallel-scan segment, from `cursor` (undefined: the segment's start). The
   * answer's cursor is undefined once the segment is read to its end.
   */
  scanPage(segment: number, totalSegments: number, cursor?: ScanCursor): Promise<SubscriberPage>;
}

/** Where a segment's scan stopped: opaque, JSON-safe, passed back to continue. */
export type ScanCursor = Record<string, unknown>;

export interface SubscriberPage {
  subscribers: Subscriber[];
  cursor?: ScanCursor;
}

export class EmailTakenError extends Error {
  constructor() {
    super('email address already has a subscriber');
    this.name = 'EmailTakenError';
  }
}

export class ConcurrentUpdateError extends Error {
  constructor() {
    super('subscriber changed since it was read');
    this.name = 'ConcurrentUpdateError';
  }
}

export interface DeliveryRecord {
  paperId: string;
  digestDate: string;
  sentAt: string;
}

/**
 * A reader's digest of one day, claimed before it is sent. The claim is written on the reader's own
 * item (their digest history), so a planner reading that item knows what was sent without another read.
 */
export interface DigestClaim {
  subscriberId: string;
  digestDate: string;
  paperIds: string[];
  /** History days the planner saw fall out of every window: dropped in the same write. */
  forgetDays: string[];
}

/** One email that went out: one delivery record. */
export interface SentDigest {
  subscriberId: string;
  digestDate: string;
  paperIds: string[];
  messageId: string;
}

export interface DeliveryRepository {
  /**
   * Claims the reader's digest of `digestDate`, only while they are active and have no digest of that
   * day yet (sent or in flight). Answers the reader as stored after the claim, or undefined when the
   * claim was refused (already claimed, no longer active, gone).
   */
  claimDigest(claim: DigestClaim): Promise<Subscriber | undefined>;
  /** Gives a claim back after a send that certainly failed, so a retry can send it. */
  releaseDigest(subscriberId: string, digestDate: string): Promise<void>;
  /** Records emails that went out, one item each, in as few requests as the store allows. */
  recordSent(sent: SentDigest[]): Promise<void>;
  /**
   * Records one email that went out unless its (reader, day) already has a record; answers whether
   * this call wrote it (SES's Send event settling a claim the sender may have recorded already).
   */
  recordSentOnce(sent: SentDigest): Promise<boolean>;
  /** The records of these (reader, day) pairs that exist, in as few requests as the store allows. */
  sentDigestsOf(keys: { subscriberId: string; digestDate: string }[]): Promise<SentDigest[]>;
  /** The digest runs of a day that have a ledger (their reports are read from the RunLedger). */
  digestRunsOf(digestDate: string): Promise<DigestRun[]>;
  listForSubscriber(subscriberId: string): Promise<DeliveryRecord[]>;
  deleteForSubscriber(subscriberId: string): Promise<void>;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /**
   * Message tags the provider returns in its events about this email (SES `EmailTags`). Values
   * may hold only ASCII letters, digits, `_`, `-`, `.` and `@`.
   */
  tags?: Record<string, string>;
}

/**
 * Sends one email. Throws MailNotSentError when the provider certainly did not accept it
 * (throttled, rejected); any other error leaves it unknown whether the mail went out.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The provider refused the email before accepting it: sending it again later is safe. */
export class MailNotSentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailNotSentError';
  }
}

/**
 * The provider refuses every email of the account for now, not this one alone (SES: sending paused,
 * the account suspended, the sender's domain unverified, the 24-hour quota spent): certainly not sent,
 * and the next emails would be refused the same way. `reason` is the provider's name for it.
 */
export class SendingRefusedError extends MailNotSentError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the email provider refuses to send for the account (${reason})`, options);
    this.name = 'SendingRefusedError';
  }
}

/** One digest run: a day's planning, sliced, and the sends it queues. */
export interface DigestRun {
  digestDate: string;
  /** Tells two runs of one day apart (a re-run sends nothing twice, but reports on its own). */
  runId: string;
}

/** One slice of a run: a parallel-scan segment of the subscribers, from `cursor` on. */
export interface PlanSlice extends DigestRun {
  segment: number;
  totalSegments: number;
  cursor?: ScanCursor;
}

/** A paper planned for one or more readers of a send batch, with why it matched. */
export interface PlannedPaperRef {
  paperId: string;
  why: MatchReason[];
}

/** One reader of a send batch: their cadence and their papers, best first, as indexes into `papers`. */
export interface Recipient {
  subscriberId: string;
  cadence: 'daily' | 'weekly';
  picks: number[];
  forgetDays?: string[];
}

/** One SQS message of the send queue: up to SUBSCRIBERS_PER_MESSAGE readers, each with their own digest. */
export interface DigestBatch extends DigestRun {
  papers: PlannedPaperRef[];
  recipients: Recipient[];
  /**
   * Papers in each cadence's window that day, matched or not, for the email's "7 of the 41…"; absent
   * in messages planned before it was carried.
   */
  papersInWindow?: WindowSizes;
}

/** Papers in the daily and in the weekly window of a digest day. */
export interface WindowSizes {
  daily: number;
  weekly: number;
}

export interface DigestQueue {
  enqueue(batches: DigestBatch[]): Promise<void>;
}

export interface PlanSliceQueue {
  enqueue(slices: PlanSlice[]): Promise<void>;
}

/** What planning found, added up over a run's slices. */
export interface PlanCounts {
  subscribers: number;
  due: number;
  withDigest: number;
  skippedEmpty: number;
  /** Readers whose item says this day's digest is already theirs (an earlier run): not planned again. */
  alreadySent: number;
  messages: number;
}

/** What sending did, added up over a run's batches (each reader counted once, on their final outcome). */
export interface SendCounts {
  sent: number;
  /** Already had this day's digest (an earlier run), or no longer active: not sent, on purpose. */
  skipped: number;
  /** Certainly not sent after the last attempt. */
  failed: number;
  /**
   * Handed to SES but the answer was lost, or claimed by an attempt that died before it counted them
   * (a killed sender): not sent again by the run (at most once).
   */
  uncertain: number;
}

export interface RunReport extends DigestRun, PlanCounts, SendCounts {
  totalSegments: number;
  segmentsDone: number;
  startedAt: string;
  /** Emails left of the SES 24-hour quota when the run started; absent when no quota was known. */
  quotaLeft?: number;
}

/** The running totals of each digest run, for the operator and the CLI. */
export interface RunLedger {
  /** Opens the run's ledger, with what is left of the 24-hour quota when it is known. */
  start(run: DigestRun, totalSegments: number, quotaLeft?: number): Promise<void>;
  /**
   * Adds one slice's plan counts; `segmentDone` when the slice read its segment to the end. Answers
   * the run's totals after adding (every slice's so far), or undefined when the run was never started.
   */
  addPlanned(run: DigestRun, counts: PlanCounts, segmentDone: boolean): Promise<RunReport | undefined>;
  /**
   * Adds one attempt's send counts. With `message` (the send message's key, the same on every
   * delivery of it), they are kept under that message too, so a redelivery can ask what earlier
   * attempts counted (`countedOf`).
   */
  addSent(run: DigestRun, counts: SendCounts, message?: { key: string }): Promise<void>;
  /**
   * How many of one send message's readers the attempts so far counted (sent, skipped, failed or
   * uncertain), 0 when none did.
   */
  countedOf(run: DigestRun, messageKey: string): Promise<number>;
  read(run: DigestRun): Promise<RunReport | undefined>;
}

/** The email provider's 24-hour sending quota. */
export interface SendQuota {
  /**
   * The account's quota and what it sent in the last 24 hours; undefined when the provider sets no
   * quota (unlimited) or does not say. Throws when the provider cannot be asked.
   */
  read(): Promise<{ max24HourSend: number; sentLast24Hours: number } | undefined>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * One reader's links in an email: manage and unsubscribe in every one, and in a digest each paper's
 * rating link (signed for that reader and paper; the email adds `&verdict=more|less`).
 */
export interface ReaderLinks {
  manageUrl: string;
  unsubscribeUrl: string;
  rateUrl?: (paperId: string) => string;
  /** The hosted copy of this digest ("View in browser"). */
  viewUrl?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface EmailRenderer {
  renderConfirmation(input: { confirmUrl: string }): Promise<RenderedEmail>;
  /** The email that carries a subscriber's new links after they revoked the old ones. */
  renderNewLink(input: { manageUrl: string; unsubscribeUrl: string }): Promise<RenderedEmail>;
  renderDigest(input: {
    date: string;
    cadence: 'daily' | 'weekly';
    papers: import('./digests/paper-view').DigestPaperView[];
    /** Papers in the digest's window that day, when known. */
    papersInWindow?: number;
  }): Promise<RenderedEmail>;
  /** Fills one subscriber's links into an email rendered once for many. */
  personalize(email: RenderedEmail, links: ReaderLinks): RenderedEmail;
}
