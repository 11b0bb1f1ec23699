import {
  createMatcher,
  rankForDigest,
  ratedReader,
  reasonsKey,
  topicKey,
  topicNaming,
  type PaperMatcher,
  type RankedPaper,
  type TopicHit,
  type TopicNaming,
  type TopicRef,
} from '../matching';
import { hasRatings, type ReaderRatings } from '../matching/reader-model';
import type { MinedVocabulary } from '../matching/mine-vocabulary';
import { shippedVocabulary } from '../matching/shipped-vocabulary';
import { addDays, daysEnding, isoWeekday } from '../dates';
import { GenerationalCache } from '../generational-cache';
import type { Paper } from '../papers';
import type { PaperRepository, VocabularyRepository, WindowSizes } from '../ports';
import {
  hasAnyTopic,
  hasDigestOf,
  isActive,
  type Preferences,
  type Subscriber,
} from '../subscribers/subscriber';

/** A daily digest looks back this many days, so papers listed after yesterday's send still go out once. */
export const DAILY_WINDOW_DAYS = 3;
export const WEEKLY_WINDOW_DAYS = 7;
/**
 * Digest days a reader's history keeps: a paper is in a window for at most WEEKLY_WINDOW_DAYS days, so
 * a digest older than that cannot hold a paper still in any window (one day more for a late re-run).
 */
export const HISTORY_DAYS = WEEKLY_WINDOW_DAYS + 1;
/** Candidates ranked beyond papersPerEmail, so already-sent papers can be replaced. */
const CANDIDATE_SLACK = 20;
/** Distinct topic lists whose ranking a window keeps (the most recently used; a memory bound). */
const RANKINGS_KEPT = 20_000;
/** Distinct reasons a window shares (a paper's reasons differ by the reader's topics that matched it). */
const REASONS_KEPT = 10_000;
/** Rated papers from outside the window a composer keeps (read from storage once each). */
const RATED_PAPERS_KEPT = 20_000;

/** A paper of one reader's digest: its digest score (rounded) and why it matched. */
export type PlannedPaper = Omit<RankedPaper, 'relevance'>;

/** What the reader model reads of a subscriber: their ratings and example papers. */
export const readerRatingsOf = (subscriber: Subscriber): ReaderRatings => ({
  liked: subscriber.ratings?.liked,
  disliked: subscriber.ratings?.disliked,
  examples: subscriber.preferences.examplePapers,
});

export function subscriberTopics(preferences: Preferences): TopicRef[] {
  return [
    ...preferences.topics.map((id): TopicRef => ({ kind: 'catalog', id })),
    ...preferences.keywords.map((text): TopicRef => ({ kind: 'keyword', text })),
    ...preferences.organizations.map((name): TopicRef => ({ kind: 'organization', name })),
    ...preferences.authors.map((name): TopicRef => ({ kind: 'author', name })),
  ];
}

/** The topic as typed: readers who typed the same text share one entry without re-reading it. */
const rawTopicKey = (topic: TopicRef): string => {
  switch (topic.kind) {
    case 'catalog':
      return `c\u0000${topic.id}`;
    case 'keyword':
      return `k\u0000${topic.text}`;
    case 'organization':
      return `o\u0000${topic.name}`;
    case 'author':
      return `a\u0000${topic.name}`;
  }
};

interface PreparedTopic {
  topic: TopicRef;
  hits: TopicHit[];
  naming: TopicNaming;
}

/**
 * A matcher over one window of papers. Each distinct topic is matched once per window, each text a
 * reader typed is read once, and each distinct list of topics is ranked once: readers differ after
 * that only by what they were already sent.
 */
class WindowMatcher {
  private readonly matcher: PaperMatcher;
  private readonly hitsByKey = new Map<string, TopicHit[]>();
  private readonly nearMissesByKey = new Map<string, ReadonlyMap<string, number>>();
  private readonly preparedByText = new Map<string, PreparedTopic>();
  /** One object per distinct reasons content, shared by every ranking that shows them. */
  private readonly reasons = new GenerationalCache<string, RankedPaper['why']>(REASONS_KEPT);
  private readonly rankings = new GenerationalCache<string, PlannedPaper[]>(RANKINGS_KEPT);
  readonly papersById: Map<string, Paper>;

  constructor(papers: Paper[], vocabulary: MinedVocabulary) {
    this.matcher = createMatcher(papers, { vocabulary });
    this.papersById = new Map(papers.map((paper) => [paper.id, paper]));
  }

  private prepared(topic: TopicRef): PreparedTopic {
    const raw = rawTopicKey(topic);
    let prepared = this.preparedByText.get(raw);
    if (!prepared) {
      const key = topicKey(topic);
      let hits = this.hitsByKey.get(key);
      if (!hits) {
        hits = this.matcher.match(topic);
        this.hitsByKey.set(key, hits);
      }
      prepared = { topic, hits, naming: topicNaming(topic) };
      this.preparedByText.set(raw, prepared);
    }
    return prepared;
  }

  /**
   * The papers of these topics, best first, at most `limit`, scores rounded as a digest keeps them.
   * Readers who follow the same topics in another order share one ranking: topics are ranked in the
   * order of their keys, which is also the order their reasons are listed in. Shared: read, never change.
   */
  ranked(topics: TopicRef[], limit: number): PlannedPaper[] {
    const keyed = topics.map((topic) => ({ topic, raw: rawTopicKey(topic) }));
    keyed.sort((a, b) => (a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0));
    const key = `${limit}\u0001${keyed.map(({ raw }) => raw).join('\u0001')}`;
    let ranked = this.rankings.get(key);
    if (!ranked) {
      ranked = rankForDigest(
        keyed.map(({ topic }) => this.prepared(topic)),
        this.papersById,
        limit,
      ).map(({ paperId, score, why }) => ({
        paperId,
        score: Math.round(score * 1000) / 1000,
        why: this.shared(why),
      }));
      this.rankings.set(key, ranked);
    }
    return ranked;
  }

  /**
   * The ranking of one reader with ratings or example papers (reader-model.ts): their own, never shared;
   * undefined when none of their rated papers is known (they are ranked as readers without ratings).
   */
  rankedFor(
    topics: TopicRef[],
    limit: number,
    ratings: ReaderRatings,
    paperOf: (id: string) => Paper | undefined,
  ): PlannedPaper[] | undefined {
    const reader = ratedReader(
      this.matcher,
      ratings,
      paperOf,
      topics.map((topic) => this.nearMisses(topic)),
    );
    if (!reader) return undefined;
    return rankForDigest(
      topics.map((topic) => this.prepared(topic)),
      this.papersById,
      limit,
      reader,
    ).map(({ paperId, score, why }) => ({
      paperId,
      score: Math.round(score * 1000) / 1000,
      why: this.shared(why),
    }));
  }

  private nearMisses(topic: TopicRef): ReadonlyMap<string, number> {
    const key = topicKey(topic);
    let near = this.nearMissesByKey.get(key);
    if (!near) {
      near = this.matcher.nearMisses(topic);
      this.nearMissesByKey.set(key, near);
    }
    return near;
  }

  /**
   * Most readers have a topic list of their own, but the reasons a paper shows repeat across them: one
   * object per content lets a send message list a paper once for all its readers with those reasons.
   */
  private shared(why: RankedPaper['why']): RankedPaper['why'] {
    const key = reasonsKey(why);
    const known = this.reasons.get(key);
    if (known) return known;
    this.reasons.set(key, why);
    return why;
  }

  get distinctTopics(): number {
    return this.hitsByKey.size;
  }
}

/**
 * Papers a reader's history says they were sent in the digests of other days: earlier ones, and later
 * ones too when an earlier day is run again (a re-run sends nothing the reader already has).
 */
function sentOnOtherDays(subscriber: Subscriber, digestDate: string): Set<string> | undefined {
  let sent: Set<string> | undefined;
  const history = subscriber.digestHistory ?? {};
  for (const day in history)
    if (day !== digestDate) for (const paperId of history[day]) (sent ??= new Set()).add(paperId);
  return sent;
}

/** The oldest history day a digest of `digestDate` still needs. */
export const oldestHistoryDay = (digestDate: string): string => addDays(digestDate, -HISTORY_DAYS);

/** History days before `oldest` (see oldestHistoryDay), to drop with the next claim. */
export function historyDaysToForget(subscriber: Subscriber, oldest: string): string[] {
  const days: string[] = [];
  for (const day in subscriber.digestHistory) if (day < oldest) days.push(day);
  return days;
}

export type DigestComposer = Awaited<ReturnType<typeof createDigestComposer>>;

/**
 * The vocabulary a digest run matches with: the one the ingest stored (read once per composer), else the
 * one mined from the shipped data (matching/shipped-vocabulary.ts).
 */
export async function digestVocabulary(vocabulary?: VocabularyRepository): Promise<MinedVocabulary> {
  return (await vocabulary?.get()) ?? shippedVocabulary();
}

/**
 * Matches readers against the papers of one digest day: the daily window (last DAILY_WINDOW_DAYS days)
 * and the weekly window (last WEEKLY_WINDOW_DAYS), each indexed once, with the mined vocabulary
 * (digestVocabulary, read once). Reads nothing per reader: what a reader was already sent comes with
 * their own item.
 */
export async function createDigestComposer(
  deps: { papers: PaperRepository; vocabulary?: VocabularyRepository },
  digestDate: string,
) {
  const weeklyDays = daysEnding(digestDate, WEEKLY_WINDOW_DAYS);
  const dailyDays = new Set(daysEnding(digestDate, DAILY_WINDOW_DAYS));
  const [windowPapers, vocabulary] = await Promise.all([
    deps.papers.listByDays(weeklyDays),
    digestVocabulary(deps.vocabulary),
  ]);
  const windows = {
    daily: new WindowMatcher(
      windowPapers.filter((paper) => dailyDays.has(paper.dailyDate)),
      vocabulary,
    ),
    weekly: new WindowMatcher(windowPapers, vocabulary),
  };
  // Papers readers rated that are not in the window, read from storage as their readers come.
  const ratedPapers = new GenerationalCache<string, Paper>(RATED_PAPERS_KEPT);
  const absent = new GenerationalCache<string, true>(RATED_PAPERS_KEPT);
  const paperOf = (id: string): Paper | undefined => windows.weekly.papersById.get(id) ?? ratedPapers.get(id);
  return {
    digestDate,
    papersInWindow: windowPapers.length,
    /** Papers in each cadence's window, matched or not: the email says "7 of the 41…". */
    windowSizes: { daily: windows.daily.papersById.size, weekly: windowPapers.length } as WindowSizes,
    /** Groups of the vocabulary the run matches with (stored or shipped). */
    vocabularyGroups: vocabulary.groups.length,
    get distinctTopics() {
      return windows.daily.distinctTopics + windows.weekly.distinctTopics;
    },
    /**
     * Reads the papers these readers rated or gave as examples that are neither in the window nor read
     * before (one read for a page of readers): call before digestFor. Readers without ratings cost nothing.
     */
    async prepareReaders(subscribers: Subscriber[]): Promise<void> {
      const wanted = new Set<string>();
      for (const subscriber of subscribers) {
        if (!subscriber.ratings && subscriber.preferences.examplePapers.length === 0) continue;
        const { liked = [], disliked = [], examples = [] } = readerRatingsOf(subscriber);
        for (const id of [...liked, ...disliked, ...examples])
          if (!paperOf(id) && !absent.get(id)) wanted.add(id);
      }
      if (wanted.size === 0) return;
      for (const paper of await deps.papers.getMany([...wanted])) {
        ratedPapers.set(paper.id, paper);
        wanted.delete(paper.id);
      }
      for (const id of wanted) absent.set(id, true);
    },
    /**
     * The reader's digest: their matches, best first, without papers already sent to them. Readers
     * with nothing to leave out share one array: read it, never change it.
     */
    digestFor(subscriber: Subscriber): PlannedPaper[] {
      const { preferences } = subscriber;
      const ratings =
        subscriber.ratings || preferences.examplePapers.length > 0 ? readerRatingsOf(subscriber) : undefined;
      if (!hasAnyTopic(preferences) && !hasRatings(ratings)) return [];
      const window = windows[preferences.cadence];
      const topics = subscriberTopics(preferences);
      const limit = preferences.papersPerEmail + CANDIDATE_SLACK;
      const ranked =
        (hasRatings(ratings) ? window.rankedFor(topics, limit, ratings, paperOf) : undefined) ??
        window.ranked(topics, limit);
      if (ranked.length === 0) return [];
      const alreadySent = sentOnOtherDays(subscriber, digestDate);
      if (!alreadySent) return ranked.slice(0, preferences.papersPerEmail);
      const digest: PlannedPaper[] = [];
      for (const planned of ranked) {
        if (alreadySent.has(planned.paperId)) continue;
        digest.push(planned);
        if (digest.length === preferences.papersPerEmail) break;
      }
      return digest;
    },
  };
}

/** Whether the subscriber gets a digest on this day at all (active, and their weekday if weekly). */
export const isDue = (subscriber: Subscriber, digestDate: string): boolean =>
  isActive(subscriber) &&
  (subscriber.preferences.cadence === 'daily' || subscriber.preferences.weekday === isoWeekday(digestDate));
