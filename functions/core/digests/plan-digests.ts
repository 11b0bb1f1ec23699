import {
  createMatcher,
  rankForDigest,
  topicKey,
  type PaperMatcher,
  type TopicHit,
  type TopicRef,
} from '../matching';
import { chunk } from '../collections';
import { daysEnding, isoWeekday } from '../dates';
import type { Paper } from '../papers';
import type {
  Clock,
  DeliveryRepository,
  DigestBatch,
  DigestQueue,
  Logger,
  PaperRepository,
  SubscriberRepository,
} from '../ports';
import { hasAnyTopic, isActive, type Preferences, type Subscriber } from '../subscribers/subscriber';

/** A daily digest looks back this many days, so papers listed after yesterday's send still go out once. */
export const DAILY_WINDOW_DAYS = 3;
export const WEEKLY_WINDOW_DAYS = 7;
/** Subscribers per queue message. */
export const SUBSCRIBERS_PER_MESSAGE = 50;
/** Candidates checked against delivery history beyond papersPerEmail, so already-sent papers can be replaced. */
const CANDIDATE_SLACK = 20;

export interface PlanDeps {
  papers: PaperRepository;
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  queue: DigestQueue;
  clock: Clock;
  logger: Logger;
}

export interface PlanResult {
  digestDate: string;
  subscribers: number;
  due: number;
  withDigest: number;
  skippedEmpty: number;
  distinctDigests: number;
  messages: number;
  plannedSubscriberIds: string[];
  batches: DigestBatch[];
}

export function subscriberTopics(preferences: Preferences): TopicRef[] {
  return [
    ...preferences.topics.map((id): TopicRef => ({ kind: 'catalog', id })),
    ...preferences.keywords.map((text): TopicRef => ({ kind: 'keyword', text })),
    ...preferences.organizations.map((name): TopicRef => ({ kind: 'organization', name })),
    ...preferences.authors.map((name): TopicRef => ({ kind: 'author', name })),
  ];
}

/** A matcher over one window of papers that evaluates each distinct topic once per run. */
class WindowMatcher {
  private readonly matcher: PaperMatcher;
  private readonly hitsByTopic = new Map<string, TopicHit[]>();
  readonly papersById: Map<string, Paper>;
  constructor(papers: Paper[]) {
    this.matcher = createMatcher(papers);
    this.papersById = new Map(papers.map((paper) => [paper.id, paper]));
  }
  hits(topic: TopicRef): TopicHit[] {
    const key = topicKey(topic);
    let hits = this.hitsByTopic.get(key);
    if (!hits) {
      hits = this.matcher.match(topic);
      this.hitsByTopic.set(key, hits);
    }
    return hits;
  }
  get distinctTopics(): number {
    return this.hitsByTopic.size;
  }
}

export type PlannedPaper = DigestBatch['papers'][number];

/**
 * Matches subscribers against the papers of one digest day: the daily window (last
 * DAILY_WINDOW_DAYS days) and the weekly window (last WEEKLY_WINDOW_DAYS), each indexed once.
 */
export async function createDigestComposer(
  deps: Pick<PlanDeps, 'papers' | 'deliveries'>,
  digestDate: string,
) {
  const weeklyDays = daysEnding(digestDate, WEEKLY_WINDOW_DAYS);
  const dailyDays = new Set(daysEnding(digestDate, DAILY_WINDOW_DAYS));
  const windowPapers = await deps.papers.listByDays(weeklyDays);
  const windows = {
    daily: new WindowMatcher(windowPapers.filter((paper) => dailyDays.has(paper.dailyDate))),
    weekly: new WindowMatcher(windowPapers),
  };
  return {
    papersInWindow: windowPapers.length,
    get distinctTopics() {
      return windows.daily.distinctTopics + windows.weekly.distinctTopics;
    },
    /** The subscriber's digest: their matches, best first, without papers already sent to them. */
    async digestFor(subscriber: Subscriber): Promise<PlannedPaper[]> {
      const { preferences } = subscriber;
      if (!hasAnyTopic(preferences)) return [];
      const window = windows[preferences.cadence];
      const ranked = rankForDigest(
        subscriberTopics(preferences).map((topic) => ({ topic, hits: window.hits(topic) })),
        window.papersById,
        preferences.papersPerEmail + CANDIDATE_SLACK,
      );
      if (ranked.length === 0) return [];
      const alreadySent = await deps.deliveries.sentPaperIds(
        subscriber.id,
        ranked.map((paper) => paper.paperId),
      );
      return ranked
        .filter((paper) => !alreadySent.has(paper.paperId))
        .slice(0, preferences.papersPerEmail)
        .map(({ paperId, score, why }) => ({ paperId, score: Math.round(score * 1000) / 1000, why }));
    },
  };
}

/** Whether the subscriber gets a digest on this day at all (active, and their weekday if weekly). */
export const isDue = (subscriber: Subscriber, digestDate: string): boolean =>
  isActive(subscriber) &&
  (subscriber.preferences.cadence === 'daily' || subscriber.preferences.weekday === isoWeekday(digestDate));

/**
 * Decides who gets which digest on `digestDate` and enqueues one message per group of
 * subscribers whose digests are identical.
 */
export async function planDigests(
  deps: PlanDeps,
  options: { digestDate: string; segments?: number; dryRun?: boolean },
): Promise<PlanResult> {
  const { digestDate, segments = 4, dryRun = false } = options;
  const composer = await createDigestComposer(deps, digestDate);
  const groups = new Map<string, DigestBatch>();
  const counts = { subscribers: 0, due: 0, withDigest: 0, skippedEmpty: 0 };

  const planOne = async (subscriber: Subscriber): Promise<void> => {
    counts.subscribers++;
    if (!isDue(subscriber, digestDate)) return;
    counts.due++;
    const papers = await composer.digestFor(subscriber);
    if (papers.length === 0) {
      counts.skippedEmpty++;
      return;
    }
    counts.withDigest++;
    const { cadence } = subscriber.preferences;
    const key = JSON.stringify([cadence, papers]);
    const group = groups.get(key) ?? { digestDate, cadence, papers, subscriberIds: [] };
    group.subscriberIds.push(subscriber.id);
    groups.set(key, group);
  };

  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const page of deps.subscribers.scanSegment(segment, segments)) {
        for (const subscriber of page) await planOne(subscriber);
      }
    }),
  );

  const batches = [...groups.values()].flatMap((group) =>
    chunk(group.subscriberIds, SUBSCRIBERS_PER_MESSAGE).map((subscriberIds) => ({ ...group, subscriberIds })),
  );
  if (!dryRun && batches.length > 0) await deps.queue.enqueue(batches);
  deps.logger.info('digests planned', {
    digestDate,
    ...counts,
    papersInWindow: composer.papersInWindow,
    distinctTopics: composer.distinctTopics,
    distinctDigests: groups.size,
    messages: batches.length,
    dryRun,
  });
  return {
    digestDate,
    ...counts,
    distinctDigests: groups.size,
    messages: batches.length,
    plannedSubscriberIds: batches.flatMap((batch) => batch.subscriberIds),
    batches,
  };
}
