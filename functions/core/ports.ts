import type { Paper } from './papers';
import type { Subscriber } from './subscribers/subscriber';
import type { MatchReason } from './matching';

/** Ports the core talks to; adapters in functions/adapters implement them. */

export interface PaperRepository {
  /** Inserts new papers and updates changed ones; a paper keeps the day it was first listed on. */
  upsert(papers: Paper[]): Promise<{ created: number; updated: number; unchanged: number }>;
  listByDays(days: string[]): Promise<Paper[]>;
  getMany(ids: string[]): Promise<Paper[]>;
  /** Most recent Daily Papers days that have papers, newest first. */
  recentDays(limit: number, notAfter?: string): Promise<string[]>;
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
  /** Pages through every subscriber in one parallel-scan segment. */
  scanSegment(segment: number, totalSegments: number): AsyncIterable<Subscriber[]>;
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

export interface DeliveryRepository {
  /** Which of `paperIds` this subscriber has already been sent. */
  sentPaperIds(subscriberId: string, paperIds: string[]): Promise<Set<string>>;
  /** Claims the digest of `digestDate` for the subscriber; false when already claimed (sent or in flight). */
  claimDigest(subscriberId: string, digestDate: string): Promise<boolean>;
  /** Gives a claim back after a send that certainly failed, so a retry can send it. */
  releaseDigest(subscriberId: string, digestDate: string): Promise<void>;
  recordSent(subscriberId: string, digestDate: string, paperIds: string[], messageId: string): Promise<void>;
  listForSubscriber(subscriberId: string): Promise<DeliveryRecord[]>;
  deleteForSubscriber(subscriberId: string): Promise<void>;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
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

/** One SQS message: a digest shared by a group of subscribers. */
export interface DigestBatch {
  digestDate: string;
  cadence: 'daily' | 'weekly';
  papers: { paperId: string; score: number; why: MatchReason[] }[];
  subscriberIds: string[];
}

export interface DigestQueue {
  enqueue(batches: DigestBatch[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
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
  }): Promise<RenderedEmail>;
  /** Fills one subscriber's links into an email rendered once for many. */
  personalize(email: RenderedEmail, links: { manageUrl: string; unsubscribeUrl: string }): RenderedEmail;
}
