/**
 * Honest in-memory implementations of the core's ports (functions/core/ports.ts), for unit tests.
 * They keep the contracts the real adapters keep (copies in and out, EmailTakenError,
 * optimistic concurrency, claim-before-send) so a test that passes here means something.
 */
import type { DigestPaperView } from '../../functions/core/digests/paper-view';
import type { Paper } from '../../functions/core/papers';
import {
  ConcurrentUpdateError,
  EmailTakenError,
  MailNotSentError,
  type Clock,
  type DeliveryRecord,
  type DeliveryRepository,
  type DigestBatch,
  type DigestQueue,
  type EmailRenderer,
  type Logger,
  type Mailer,
  type OutgoingEmail,
  type PaperRepository,
  type RenderedEmail,
  type SubscriberRepository,
} from '../../functions/core/ports';
import type { Subscriber } from '../../functions/core/subscribers/subscriber';

const copy = <T>(value: T): T => structuredClone(value);

/** Papers by id; a paper keeps the day it was first listed on, as the DynamoDB adapter does. */
export class InMemoryPaperRepository implements PaperRepository {
  private readonly papers = new Map<string, Paper>();

  constructor(initial: Paper[] = []) {
    for (const paper of initial) this.papers.set(paper.id, copy(paper));
  }

  async upsert(papers: Paper[]): Promise<{ created: number; updated: number; unchanged: number }> {
    const latest = new Map(papers.map((paper) => [paper.id, paper]));
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const paper of latest.values()) {
      const before = this.papers.get(paper.id);
      const next = before ? { ...copy(paper), dailyDate: before.dailyDate } : copy(paper);
      if (!before) counts.created++;
      else if (JSON.stringify(before) !== JSON.stringify(next)) counts.updated++;
      else {
        counts.unchanged++;
        continue;
      }
      this.papers.set(paper.id, next);
    }
    return counts;
  }

  async listByDays(days: string[]): Promise<Paper[]> {
    const wanted = new Set(days);
    return [...this.papers.values()].filter((paper) => wanted.has(paper.dailyDate)).map(copy);
  }

  async getMany(ids: string[]): Promise<Paper[]> {
    return [...new Set(ids)].flatMap((id) => {
      const paper = this.papers.get(id);
      return paper ? [copy(paper)] : [];
    });
  }

  async recentDays(limit: number, notAfter?: string): Promise<string[]> {
    const days = [...new Set([...this.papers.values()].map((paper) => paper.dailyDate))]
      .filter((day) => notAfter === undefined || day <= notAfter)
      .sort()
      .reverse();
    return days.slice(0, limit);
  }

  /** Every stored paper (a copy), for assertions. */
  all(): Paper[] {
    return [...this.papers.values()].map(copy);
  }
}

/** Subscribers by id with a unique address index and `updatedAt`-based optimistic concurrency. */
export class InMemorySubscriberRepository implements SubscriberRepository {
  private readonly byId = new Map<string, Subscriber>();
  private readonly idByEmail = new Map<string, string>();
  /** Subscribers per page yielded by scanSegment. */
  private readonly pageSize: number;

  constructor(options: { pageSize?: number } = {}) {
    this.pageSize = options.pageSize ?? 25;
  }

  /** Stores subscribers directly (Arrange step); same uniqueness rule as create(). */
  seed(...subscribers: Subscriber[]): this {
    for (const subscriber of subscribers) {
      if (this.idByEmail.has(subscriber.email)) throw new EmailTakenError();
      this.byId.set(subscriber.id, copy(subscriber));
      this.idByEmail.set(subscriber.email, subscriber.id);
    }
    return this;
  }

  async get(id: string): Promise<Subscriber | undefined> {
    const subscriber = this.byId.get(id);
    return subscriber && copy(subscriber);
  }

  async getMany(ids: string[]): Promise<Subscriber[]> {
    return [...new Set(ids)].flatMap((id) => {
      const subscriber = this.byId.get(id);
      return subscriber ? [copy(subscriber)] : [];
    });
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const id = this.idByEmail.get(email);
    return id === undefined ? undefined : this.get(id);
  }

  async create(subscriber: Subscriber): Promise<void> {
    if (this.idByEmail.has(subscriber.email)) throw new EmailTakenError();
    if (this.byId.has(subscriber.id)) throw new Error(`subscriber ${subscriber.id} already exists`);
    this.byId.set(subscriber.id, copy(subscriber));
    this.idByEmail.set(subscriber.email, subscriber.id);
  }

  async save(subscriber: Subscriber, expectedUpdatedAt: string): Promise<void> {
    const stored = this.byId.get(subscriber.id);
    if (!stored || stored.updatedAt !== expectedUpdatedAt) throw new ConcurrentUpdateError();
    if (stored.email !== subscriber.email) {
      if (this.idByEmail.has(subscriber.email)) throw new EmailTakenError();
      this.idByEmail.delete(stored.email);
      this.idByEmail.set(subscriber.email, subscriber.id);
    }
    this.byId.set(subscriber.id, copy(subscriber));
  }

  async delete(subscriber: Subscriber): Promise<void> {
    this.byId.delete(subscriber.id);
    if (this.idByEmail.get(subscriber.email) === subscriber.id) this.idByEmail.delete(subscriber.email);
  }

  /** Segment = insertion index modulo totalSegments, yielded in pages of `pageSize`. */
  async *scanSegment(segment: number, totalSegments: number): AsyncIterable<Subscriber[]> {
    const mine = [...this.byId.values()].filter((_, index) => index % totalSegments === segment);
    for (let start = 0; start < mine.length; start += this.pageSize) {
      yield mine.slice(start, start + this.pageSize).map(copy);
    }
  }

  /** Every stored subscriber (a copy), for assertions. */
  all(): Subscriber[] {
    return [...this.byId.values()].map(copy);
  }
}

export type DigestClaimState = 'sending' | 'sent';

/** Delivery history and per-(subscriber, day) digest claims; no TTL (nothing here expires). */
export class InMemoryDeliveryRepository implements DeliveryRepository {
  private readonly claims = new Map<
    string,
    { state: DigestClaimState; messageId?: string; paperIds?: string[] }
  >();
  private readonly deliveries = new Map<string, Map<string, DeliveryRecord>>();

  constructor(private readonly clock: Clock = new SettableClock()) {}

  private static claimKey(subscriberId: string, digestDate: string): string {
    return `${subscriberId}|${digestDate}`;
  }

  async sentPaperIds(subscriberId: string, paperIds: string[]): Promise<Set<string>> {
    const sent = this.deliveries.get(subscriberId);
    return new Set(paperIds.filter((paperId) => sent?.has(paperId)));
  }

  async claimDigest(subscriberId: string, digestDate: string): Promise<boolean> {
    const key = InMemoryDeliveryRepository.claimKey(subscriberId, digestDate);
    if (this.claims.has(key)) return false;
    this.claims.set(key, { state: 'sending' });
    return true;
  }

  async releaseDigest(subscriberId: string, digestDate: string): Promise<void> {
    const key = InMemoryDeliveryRepository.claimKey(subscriberId, digestDate);
    // Only an in-flight claim is given back; a sent digest stays sent.
    if (this.claims.get(key)?.state === 'sending') this.claims.delete(key);
  }

  async recordSent(
    subscriberId: string,
    digestDate: string,
    paperIds: string[],
    messageId: string,
  ): Promise<void> {
    const sentAt = this.clock.now().toISOString();
    const records = this.deliveries.get(subscriberId) ?? new Map<string, DeliveryRecord>();
    for (const paperId of paperIds) records.set(paperId, { paperId, digestDate, sentAt });
    this.deliveries.set(subscriberId, records);
    this.claims.set(InMemoryDeliveryRepository.claimKey(subscriberId, digestDate), {
      state: 'sent',
      messageId,
      paperIds: [...paperIds],
    });
  }

  async listForSubscriber(subscriberId: string): Promise<DeliveryRecord[]> {
    return [...(this.deliveries.get(subscriberId)?.values() ?? [])].map(copy);
  }

  async deleteForSubscriber(subscriberId: string): Promise<void> {
    this.deliveries.delete(subscriberId);
    for (const key of [...this.claims.keys()]) {
      if (key.startsWith(`${subscriberId}|`)) this.claims.delete(key);
    }
  }

  /** The claim of one subscriber's digest for a day, for assertions. */
  claimState(subscriberId: string, digestDate: string): DigestClaimState | undefined {
    return this.claims.get(InMemoryDeliveryRepository.claimKey(subscriberId, digestDate))?.state;
  }
}

/** Records every email; fails (after recording the attempt) for chosen addresses. */
export class RecordingMailer implements Mailer {
  /** Emails accepted for delivery, in order. */
  readonly sent: OutgoingEmail[] = [];
  /** Every call, accepted or not. */
  readonly attempts: OutgoingEmail[] = [];
  private readonly failing = new Set<string>();
  private readonly makeError: (email: OutgoingEmail) => Error;

  constructor(options: { failFor?: string[]; error?: (email: OutgoingEmail) => Error } = {}) {
    for (const address of options.failFor ?? []) this.failing.add(address);
    this.makeError = options.error ?? (() => new MailNotSentError('mailer unavailable'));
  }

  /** From now on, sends to `address` throw. */
  failFor(address: string): this {
    this.failing.add(address);
    return this;
  }

  /** Sends to `address` succeed again. */
  recover(address: string): this {
    this.failing.delete(address);
    return this;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const recorded = copy(email);
    this.attempts.push(recorded);
    if (this.failing.has(email.to)) throw this.makeError(recorded);
    this.sent.push(recorded);
    return { messageId: `message-${this.sent.length}` };
  }

  /** Emails accepted for one address. */
  sentTo(address: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to === address);
  }
}

/** What FakeEmailRenderer puts where personalize() later fills in a subscriber's links. */
export const FAKE_LINK_PLACEHOLDERS = {
  manageUrl: '{{manageUrl}}',
  unsubscribeUrl: '{{unsubscribeUrl}}',
} as const;

/**
 * A deterministic renderer: subject, HTML and text name the date, cadence and every paper id
 * ("paper:<id>"), and digests carry link placeholders until personalize() fills them.
 */
export class FakeEmailRenderer implements EmailRenderer {
  readonly confirmationRenders: { confirmUrl: string }[] = [];
  readonly newLinkRenders: { manageUrl: string; unsubscribeUrl: string }[] = [];
  readonly digestRenders: { date: string; cadence: 'daily' | 'weekly'; papers: DigestPaperView[] }[] = [];
  personalizeCalls = 0;

  async renderConfirmation(input: { confirmUrl: string }): Promise<RenderedEmail> {
    this.confirmationRenders.push(copy(input));
    return {
      subject: 'Confirm your paperboy subscription',
      html: `<p><a href="${input.confirmUrl}">Confirm</a></p>`,
      text: `Confirm: ${input.confirmUrl}`,
    };
  }

  async renderNewLink(input: { manageUrl: string; unsubscribeUrl: string }): Promise<RenderedEmail> {
    this.newLinkRenders.push(copy(input));
    return {
      subject: 'Your new paperboy link',
      html: `<p><a href="${input.manageUrl}">Open my settings</a> <a href="${input.unsubscribeUrl}">Unsubscribe</a></p>`,
      text: `Open your settings: ${input.manageUrl}\nUnsubscribe: ${input.unsubscribeUrl}`,
    };
  }

  async renderDigest(input: {
    date: string;
    cadence: 'daily' | 'weekly';
    papers: DigestPaperView[];
  }): Promise<RenderedEmail> {
    this.digestRenders.push(copy(input));
    const { manageUrl, unsubscribeUrl } = FAKE_LINK_PLACEHOLDERS;
    const ids = input.papers.map((paper) => `paper:${paper.id}`);
    return {
      subject: `paperboy ${input.cadence} digest ${input.date}: ${input.papers.length} papers`,
      html: [
        '<ul>',
        ...input.papers.map((paper) => `<li data-paper="paper:${paper.id}">${paper.title}</li>`),
        '</ul>',
        `<a href="${manageUrl}">Preferences</a> <a href="${unsubscribeUrl}">Unsubscribe</a>`,
      ].join('\n'),
      text: [...ids, `Preferences: ${manageUrl}`, `Unsubscribe: ${unsubscribeUrl}`].join('\n'),
    };
  }

  personalize(email: RenderedEmail, links: { manageUrl: string; unsubscribeUrl: string }): RenderedEmail {
    this.personalizeCalls++;
    const fill = (content: string) =>
      content
        .split(FAKE_LINK_PLACEHOLDERS.manageUrl)
        .join(links.manageUrl)
        .split(FAKE_LINK_PLACEHOLDERS.unsubscribeUrl)
        .join(links.unsubscribeUrl);
    return { subject: email.subject, html: fill(email.html), text: fill(email.text) };
  }
}

/** The token of the first `<path>?token=...` link in an email's text (e.g. the confirm link). */
export function tokenFromLink(text: string, path: '/confirm' | '/preferences' | '/unsubscribe'): string {
  const match = new RegExp(`${path}\\?token=([^\\s"<>]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return decodeURIComponent(match[1]);
}

export class RecordingDigestQueue implements DigestQueue {
  /** Every enqueued batch, in order. */
  readonly batches: DigestBatch[] = [];
  enqueueCalls = 0;

  async enqueue(batches: DigestBatch[]): Promise<void> {
    this.enqueueCalls++;
    this.batches.push(...copy(batches));
  }
}

/** A clock that stands still until told otherwise. */
export class SettableClock implements Clock {
  private current: Date;

  constructor(start: string | Date = '2025-11-14T07:00:00.000Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: string | Date): this {
    this.current = new Date(instant);
    return this;
  }

  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): this {
    const ms =
      ((((by.days ?? 0) * 24 + (by.hours ?? 0)) * 60 + (by.minutes ?? 0)) * 60 + (by.seconds ?? 0)) * 1000;
    this.current = new Date(this.current.getTime() + ms);
    return this;
  }
}

export type LogLevel = 'info' | 'warn' | 'error';
export interface LogEntry {
  level: LogLevel;
  message: string;
  extra?: Record<string, unknown>;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  info(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, extra });
  }

  warn(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, extra });
  }

  error(message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, extra });
  }

  messages(level?: LogLevel): string[] {
    return this.entries.filter((entry) => !level || entry.level === level).map((entry) => entry.message);
  }

  /** Everything logged, messages and extras, as one JSON string (to assert what never appears). */
  serialized(): string {
    return JSON.stringify(this.entries);
  }
}
