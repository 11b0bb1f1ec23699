import type {
  DigestBatch,
  DigestQueue,
  Logger,
  PaperRepository,
  PlanCounts,
  PlannedPaperRef,
  PlanSlice,
  PlanSliceQueue,
  Recipient,
  RunLedger,
  SubscriberRepository,
  VocabularyRepository,
  WindowSizes,
} from '../ports';
import { hasDigestOf, type Subscriber } from '../subscribers/subscriber';
import {
  createDigestComposer,
  historyDaysToForget,
  isDue,
  oldestHistoryDay,
  type DigestComposer,
  type PlannedPaper,
} from './digest-composer';

/** Readers per send-queue message. */
export const SUBSCRIBERS_PER_MESSAGE = 50;
/** Send messages handed to the queue at once (SQS SendMessageBatch takes ten). */
const MESSAGES_PER_ENQUEUE = 10;

export const noPlanCounts = (): PlanCounts => ({
  subscribers: 0,
  due: 0,
  withDigest: 0,
  skippedEmpty: 0,
  alreadySent: 0,
  messages: 0,
});

/**
 * A send message's size in bytes that closes it early (SQS takes 256 KiB; readers with 50 papers each
 * and reasons of their own could pass it before SUBSCRIBERS_PER_MESSAGE readers).
 */
export const MESSAGE_BYTES_LIMIT = 200 * 1024;

// Readers of one topic list share their ranking's reasons objects: each is measured once.
const reasonsSizes = new WeakMap<PlannedPaper['why'], number>();
const reasonsBytes = (why: PlannedPaper['why']): number => {
  let size = reasonsSizes.get(why);
  if (size === undefined) reasonsSizes.set(why, (size = JSON.stringify(why).length));
  return size;
};

/** Collects readers' digests into send messages, each with one table of the papers its readers share. */
class BatchBuilder {
  private papers: PlannedPaperRef[] = [];
  /** Entries by paper and reasons: the rankings are cached, so readers of one topic list share `why`. */
  private paperIndex = new Map<string, Map<PlannedPaper['why'], number>>();
  private recipients: Recipient[] = [];
  private bytes = 0;
  readonly full: DigestBatch[] = [];

  constructor(private readonly run: { digestDate: string; runId: string; papersInWindow?: WindowSizes }) {}

  add(subscriber: Subscriber, digest: PlannedPaper[], forgetDays: string[]): void {
    const picks = digest.map(({ paperId, why }) => {
      let byReasons = this.paperIndex.get(paperId);
      if (!byReasons) this.paperIndex.set(paperId, (byReasons = new Map()));
      let index = byReasons.get(why);
      if (index === undefined) {
        index = this.papers.push({ paperId, why }) - 1;
        byReasons.set(why, index);
        this.bytes += paperId.length + reasonsBytes(why) + 24;
      }
      return index;
    });
    this.recipients.push({
      subscriberId: subscriber.id,
      cadence: subscriber.preferences.cadence,
      picks,
      ...(forgetDays.length ? { forgetDays } : {}),
    });
    this.bytes += subscriber.id.length + picks.length * 4 + forgetDays.length * 13 + 48;
    if (this.recipients.length === SUBSCRIBERS_PER_MESSAGE || this.bytes >= MESSAGE_BYTES_LIMIT) this.close();
  }

  /** Ends the current message, if it has readers. */
  close(): void {
    if (this.recipients.length === 0) return;
    this.full.push({ ...this.run, papers: this.papers, recipients: this.recipients });
    this.papers = [];
    this.paperIndex = new Map();
    this.recipients = [];
    this.bytes = 0;
  }

  take(): DigestBatch[] {
    return this.full.splice(0, this.full.length);
  }
}

export interface PlanSliceDeps {
  papers: PaperRepository;
  /** The vocabulary the ingest mined; without it (or before the first ingest) the shipped one. */
  vocabulary?: VocabularyRepository;
  subscribers: SubscriberRepository;
  queue: DigestQueue;
  logger: Logger;
}

export interface SliceResult {
  counts: PlanCounts;
  /** Where the segment continues when this invocation stopped early (out of time), else undefined. */
  next?: PlanSlice;
}

/**
 * Plans one slice of a digest run: reads its scan segment page by page from the slice's cursor,
 * composes each due reader's digest, and queues send messages as they fill, so memory holds one page
 * and one message whatever the segment's size. Stops early, returning where to continue, when
 * `hasTimeLeft` says so.
 */
export async function planSlice(
  deps: PlanSliceDeps,
  slice: PlanSlice,
  options: { composer?: DigestComposer; hasTimeLeft?: () => boolean } = {},
): Promise<SliceResult> {
  const composer = options.composer ?? (await createDigestComposer(deps, slice.digestDate));
  const counts = noPlanCounts();
  const builder = new BatchBuilder({
    digestDate: slice.digestDate,
    runId: slice.runId,
    papersInWindow: composer.windowSizes,
  });
  const flush = async (all: boolean) => {
    if (all) builder.close();
    if (builder.full.length < (all ? 1 : MESSAGES_PER_ENQUEUE)) return;
    const batches = builder.take();
    await deps.queue.enqueue(batches);
    counts.messages += batches.length;
  };

  const forgetBefore = oldestHistoryDay(slice.digestDate);
  let cursor = slice.cursor;
  do {
    const page = await deps.subscribers.scanPage(slice.segment, slice.totalSegments, cursor);
    // Papers the page's readers rated outside the window: one read for the page (none without ratings).
    await composer.prepareReaders(page.subscribers);
    for (const subscriber of page.subscribers) {
      counts.subscribers++;
      if (!isDue(subscriber, slice.digestDate)) continue;
      counts.due++;
      if (hasDigestOf(subscriber, slice.digestDate)) {
        counts.alreadySent++;
        continue;
      }
      const digest = composer.digestFor(subscriber);
      if (digest.length === 0) {
        counts.skippedEmpty++;
        continue;
      }
      counts.withDigest++;
      builder.add(subscriber, digest, historyDaysToForget(subscriber, forgetBefore));
      await flush(false);
    }
    cursor = page.cursor;
  } while (cursor && (options.hasTimeLeft?.() ?? true));
  await flush(true);

  deps.logger.info('digest slice planned', {
    digestDate: slice.digestDate,
    runId: slice.runId,
    segment: slice.segment,
    totalSegments: slice.totalSegments,
    ...counts,
    papersInWindow: composer.papersInWindow,
    vocabularyGroups: composer.vocabularyGroups,
    distinctTopics: composer.distinctTopics,
    continues: cursor !== undefined,
  });
  return { counts, next: cursor ? { ...slice, cursor } : undefined };
}

/**
 * The slice consumer's use case: plans the slice, queues its continuation when it stopped early, and
 * adds its counts to the run's ledger (once the messages are queued, so a crash before adds nothing).
 * When the run's digests so far, every slice's, pass what was left of the SES 24-hour quota at its
 * start, says by how many: SES will refuse those sends.
 */
export async function runPlanSlice(
  deps: PlanSliceDeps & { sliceQueue: PlanSliceQueue; ledger: RunLedger },
  slice: PlanSlice,
  options: { composer?: DigestComposer; hasTimeLeft?: () => boolean } = {},
): Promise<SliceResult & { quotaShortfall?: number }> {
  const result = await planSlice(deps, slice, options);
  if (result.next) await deps.sliceQueue.enqueue([result.next]);
  const totals = await deps.ledger.addPlanned(slice, result.counts, result.next === undefined);
  const quotaLeft = totals?.quotaLeft;
  if (totals === undefined || quotaLeft === undefined || totals.withDigest <= quotaLeft) return result;
  const quotaShortfall = totals.withDigest - quotaLeft;
  deps.logger.error('digest run exceeds the SES 24-hour quota', {
    digestDate: slice.digestDate,
    runId: slice.runId,
    planned: totals.withDigest,
    quotaLeft,
    shortfall: quotaShortfall,
  });
  return { ...result, quotaShortfall };
}
