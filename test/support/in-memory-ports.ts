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
  type DigestClaim,
  type DigestRun,
  type PlanCounts,
  type PlanSlice,
  type PlanSliceQueue,
  type RunLedger,
  type RunReport,
  type ScanCursor,
  type SendCounts,
  type SendQuota,
  type SentDigest,
  type SubscriberPage,
  type DigestQueue,
  type EmailRenderer,
  type Logger,
  type Mailer,
  type OutgoingEmail,
  type PaperRepository,
  type RenderedEmail,
  type SubscriberRepository,
  type VocabularyRepository,
} from '../../functions/core/ports';
import type { MinedVocabulary } from '../../functions/core/matching/mine-vocabulary';
import { noPlanCounts } from '../../functions/core/digests/plan-slice';
import { hasDigestOf, isActive, type Subscriber } from '../../functions/core/subscribers/subscriber';

const copy = <T>(value: T): T => structuredClone(value);

/** The current mined vocabulary, a copy in and out as the DynamoDB adapter gives; `puts` counts the writes. */
export class InMemoryVocabularyRepository implements VocabularyRepository {
  private stored: MinedVocabulary | undefined;
  puts = 0;

  constructor(initial?: MinedVocabulary) {
    this.stored = initial && copy(initial);
  }

  async get(): Promise<MinedVocabulary | undefined> {
    return this.stored && copy(this.stored);
  }

  async put(vocabulary: MinedVocabulary): Promise<void> {
    this.puts++;
    this.stored = copy(vocabulary);
  }
}

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
    // As the DynamoDB adapter: a saved profile never overwrites the digest history the send path wrote.
    const { digestHistory: _ignored, ...profile } = copy(subscriber);
    this.byId.set(subscriber.id, {
      ...profile,
      ...(stored.digestHistory ? { digestHistory: stored.digestHistory } : {}),
    });
  }

  async delete(subscriber: Subscriber): Promise<void> {
    this.byId.delete(subscriber.id);
    if (this.idByEmail.get(subscriber.email) === subscriber.id) this.idByEmail.delete(subscriber.email);
  }

  /** Segment = insertion index modulo totalSegments, in pages of `pageSize`; the cursor is the next offset. */
  async scanPage(segment: number, totalSegments: number, cursor?: ScanCursor): Promise<SubscriberPage> {
    this.scanCalls++;
    const mine = [...this.byId.values()].filter((_, index) => index % totalSegments === segment);
    const start = typeof cursor?.offset === 'number' ? cursor.offset : 0;
    const end = start + this.pageSize;
    return {
      subscribers: mine.slice(start, end).map(copy),
      cursor: end < mine.length ? { offset: end } : undefined,
    };
  }

  /** Reads of the whole store (scan pages), to show planning reads nothing per reader. */
  scanCalls = 0;

  /** The send path's claim on the reader's own item (see InMemoryDeliveryRepository). */
  updateHistory(
    id: string,
    change: (subscriber: Subscriber) => Subscriber | undefined,
  ): Subscriber | undefined {
    const stored = this.byId.get(id);
    const changed = stored && change(copy(stored));
    if (changed) this.byId.set(id, copy(changed));
    return changed && copy(changed);
  }

  /** Every stored subscriber (a copy), for assertions. */
  all(): Subscriber[] {
    return [...this.byId.values()].map(copy);
  }
}

/**
 * Digest claims on the reader's own item (their digest history, as the DynamoDB adapter keeps them)
 * and one record per email sent; no TTL (nothing here expires).
 */
export class InMemoryDeliveryRepository implements DeliveryRepository {
  private readonly sentDigests = new Map<string, SentDigest & { sentAt: string }>();
  /** Calls of recordSent (one request each in DynamoDB). */
  recordCalls = 0;

  constructor(
    private readonly subscribers: InMemorySubscriberRepository,
    private readonly clock: Clock = new SettableClock(),
    /** The run ledger kept in the same table (DynamoDB: `RUN#<day>` items of the deliveries table). */
    private readonly ledger?: InMemoryRunLedger,
  ) {}

  async claimDigest({
    subscriberId,
    digestDate,
    paperIds,
    forgetDays,
  }: DigestClaim): Promise<Subscriber | undefined> {
    return this.subscribers.updateHistory(subscriberId, (subscriber) => {
      if (!isActive(subscriber) || hasDigestOf(subscriber, digestDate)) return undefined;
      const history = { ...(subscriber.digestHistory ?? {}), [digestDate]: [...paperIds] };
      for (const day of forgetDays) if (day !== digestDate) delete history[day];
      return { ...subscriber, digestHistory: history };
    });
  }

  async releaseDigest(subscriberId: string, digestDate: string): Promise<void> {
    this.subscribers.updateHistory(subscriberId, (subscriber) => {
      if (!hasDigestOf(subscriber, digestDate)) return undefined;
      const history = { ...subscriber.digestHistory };
      delete history[digestDate];
      return { ...subscriber, digestHistory: history };
    });
  }

  async recordSent(sent: SentDigest[]): Promise<void> {
    this.recordCalls++;
    const sentAt = this.clock.now().toISOString();
    for (const record of sent)
      this.sentDigests.set(`${record.subscriberId}|${record.digestDate}`, { ...copy(record), sentAt });
  }

  /** As the DynamoDB adapter's conditional put: written only when (reader, day) has no record yet. */
  async recordSentOnce(sent: SentDigest): Promise<boolean> {
    const key = `${sent.subscriberId}|${sent.digestDate}`;
    if (this.sentDigests.has(key)) return false;
    this.sentDigests.set(key, { ...copy(sent), sentAt: this.clock.now().toISOString() });
    return true;
  }

  /** Calls of sentDigestsOf (a BatchGet, 100 keys a request, in DynamoDB). */
  batchGetCalls = 0;

  async sentDigestsOf(keys: { subscriberId: string; digestDate: string }[]): Promise<SentDigest[]> {
    this.batchGetCalls++;
    return keys.flatMap(({ subscriberId, digestDate }) => {
      const record = this.sentDigests.get(`${subscriberId}|${digestDate}`);
      if (!record) return [];
      const { sentAt: _sentAt, ...sent } = copy(record);
      return [sent];
    });
  }

  async digestRunsOf(digestDate: string): Promise<DigestRun[]> {
    return this.ledger?.runsOf(digestDate) ?? [];
  }

  async listForSubscriber(subscriberId: string): Promise<DeliveryRecord[]> {
    return [...this.sentDigests.values()]
      .filter((record) => record.subscriberId === subscriberId)
      .flatMap(({ paperIds, digestDate, sentAt }) =>
        paperIds.map((paperId) => ({ paperId, digestDate, sentAt })),
      );
  }

  async deleteForSubscriber(subscriberId: string): Promise<void> {
    for (const [key, record] of this.sentDigests)
      if (record.subscriberId === subscriberId) this.sentDigests.delete(key);
  }

  /** The record of one reader's digest of a day, for assertions. */
  sentDigest(subscriberId: string, digestDate: string): (SentDigest & { sentAt: string }) | undefined {
    const record = this.sentDigests.get(`${subscriberId}|${digestDate}`);
    return record && copy(record);
  }
}

/** Run ledgers by run, adding counts as the DynamoDB adapter's ADD does. */
export class InMemoryRunLedger implements RunLedger {
  private readonly runs = new Map<string, RunReport>();
  /** As the DynamoDB ledger: what each send message's attempts added, for `countedOf`. */
  private readonly byMessage = new Map<string, number>();
  constructor(private readonly clock: Clock = new SettableClock()) {}

  private static key(run: DigestRun): string {
    return `${run.digestDate}|${run.runId}`;
  }

  async start(run: DigestRun, totalSegments: number, quotaLeft?: number): Promise<void> {
    this.runs.set(InMemoryRunLedger.key(run), {
      digestDate: run.digestDate,
      runId: run.runId,
      startedAt: this.clock.now().toISOString(),
      totalSegments,
      ...(quotaLeft === undefined ? {} : { quotaLeft }),
      segmentsDone: 0,
      ...noPlanCounts(),
      sent: 0,
      skipped: 0,
      failed: 0,
      uncertain: 0,
    });
  }

  private add(run: DigestRun, counts: Partial<Record<keyof RunReport, number>>): RunReport {
    const report = this.runs.get(InMemoryRunLedger.key(run));
    if (!report) throw new Error(`no run ${run.runId} of ${run.digestDate}`);
    for (const [name, value] of Object.entries(counts))
      (report as unknown as Record<string, number>)[name] += value ?? 0;
    return copy(report);
  }

  /** As the DynamoDB adapter: the totals after adding, nothing for a run never started. */
  async addPlanned(run: DigestRun, counts: PlanCounts, segmentDone: boolean): Promise<RunReport | undefined> {
    if (!this.runs.has(InMemoryRunLedger.key(run))) return undefined;
    return this.add(run, { ...counts, segmentsDone: segmentDone ? 1 : 0 });
  }

  async addSent(run: DigestRun, counts: SendCounts, message?: { key: string }): Promise<void> {
    const { sent, skipped, failed, uncertain } = counts;
    this.add(run, { sent, skipped, failed, uncertain });
    if (!message) return;
    const key = `${InMemoryRunLedger.key(run)}|${message.key}`;
    this.byMessage.set(key, (this.byMessage.get(key) ?? 0) + sent + skipped + failed + uncertain);
  }

  async countedOf(run: DigestRun, messageKey: string): Promise<number> {
    return this.byMessage.get(`${InMemoryRunLedger.key(run)}|${messageKey}`) ?? 0;
  }

  async read(run: DigestRun): Promise<RunReport | undefined> {
    const report = this.runs.get(InMemoryRunLedger.key(run));
    return report && copy(report);
  }

  /** The runs of a day that were started, as the deliveries table's `RUN#<day>` partition lists them. */
  runsOf(digestDate: string): DigestRun[] {
    return [...this.runs.values()]
      .filter((report) => report.digestDate === digestDate)
      .map(({ runId }) => ({ digestDate, runId }));
  }
}

/**
 * The provider's 24-hour quota as set by the test: a reading, none (no quota, or the provider does not
 * say), or a failure to answer.
 */
export class SettableSendQuota implements SendQuota {
  private answer: () => Promise<{ max24HourSend: number; sentLast24Hours: number } | undefined>;
  reads = 0;

  constructor(quota?: { max24HourSend: number; sentLast24Hours: number }) {
    this.answer = async () => quota && copy(quota);
  }

  set(quota: { max24HourSend: number; sentLast24Hours: number } | undefined): this {
    this.answer = async () => quota && copy(quota);
    return this;
  }

  failWith(error: Error): this {
    this.answer = async () => {
      throw error;
    };
    return this;
  }

  async read(): Promise<{ max24HourSend: number; sentLast24Hours: number } | undefined> {
    this.reads++;
    return this.answer();
  }
}

/** Records the slices queued (a run's start, a slice's continuation). */
export class RecordingSliceQueue implements PlanSliceQueue {
  readonly slices: PlanSlice[] = [];
  async enqueue(slices: PlanSlice[]): Promise<void> {
    this.slices.push(...copy(slices));
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
