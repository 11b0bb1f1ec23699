import { addDays, isValidDay } from '../dates';
import { ValidationError } from '../errors';
import { GenerationalCache } from '../generational-cache';
import { createMatcher, rankForDigest, type TopicRef } from '../matching';
import type { MinedVocabulary } from '../matching/mine-vocabulary';
import type { Paper } from '../papers';
import type { Clock, PaperRepository, VocabularyRepository } from '../ports';
import { topicCatalog, type CatalogTopic } from '../topics/catalog';
import { digestVocabulary } from './digest-composer';
import { toPaperView, type DigestPaperView } from './paper-view';

/**
 * The public archive: every day paperboy has papers for, and each day's papers matched to the curated
 * topics by the digest's own matcher (createMatcher over the day's papers, with the vocabulary a digest
 * run reads: digestVocabulary) and in the digest's order (rankForDigest). Readable without signing up.
 *
 * A matched day is kept in the instance (a warm Lambda answers from memory):
 *  - a day older than RECENT_DAYS: its papers are listed for good (a paper keeps the day it was first
 *    listed on, and the scheduled ingest fetches only today and yesterday), so only a backfill or an
 *    upvote count changes it: kept PAST_DAY_TTL_MS (6 h, one ingest interval, so a backfill shows
 *    within one ingest);
 *  - a recent day: an ingest (every 6 hours) may still add papers or summaries: kept RECENT_DAY_TTL_MS.
 * The list of days is kept DAYS_TTL_MS (a new day appears with its first ingest). At most DAYS_KEPT days
 * are held (a day is a few dozen papers: well under a megabyte for all of them).
 */
export const ARCHIVE_DAYS_LISTED = 3650;
export const RECENT_DAYS = 2;
export const DAYS_TTL_MS = 10 * 60 * 1000;
export const RECENT_DAY_TTL_MS = 15 * 60 * 1000;
export const PAST_DAY_TTL_MS = 6 * 60 * 60 * 1000;
const DAYS_KEPT = 60;

/** A paper as the archive shows it: the digest's view of it (paper-view.ts), without reasons. */
export type ArchivePaper = Pick<
  DigestPaperView,
  'id' | 'title' | 'url' | 'authorsLine' | 'summary' | 'arxivUrl' | 'pdfUrl' | 'githubUrl'
>;

export interface ArchiveTopic {
  id: string;
  name: string;
  description: string;
  /** The day's papers about the topic, in digest order (relevance and trending). */
  papers: ArchivePaper[];
}

export interface ArchiveDay {
  day: string;
  /** How many papers the day has. */
  paperCount: number;
  /** The curated topics with at least one paper of the day, in catalog order. */
  topics: ArchiveTopic[];
  /** The day's papers no curated topic matches, most upvoted first. */
  others: ArchivePaper[];
  /** The neighbouring days with papers, when there are. */
  newerDay?: string;
  olderDay?: string;
}

/** The curated topic with exactly this id (ids are lower-case kebab-case), or undefined. */
export const archiveTopicOf = (id: string): CatalogTopic | undefined =>
  topicCatalog.find((topic) => topic.id === id);

/** Why a text is not an archive day, or undefined when it is one. */
export function archiveDayProblem(text: string): string | undefined {
  if (isValidDay(text)) return undefined;
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `“${shown}” is not a date. Archive days are written YYYY-MM-DD, like 2025-11-12.`;
}

const toArchivePaper = (paper: Paper): ArchivePaper => {
  const { id, title, url, authorsLine, summary, arxivUrl, pdfUrl, githubUrl } = toPaperView(paper, []);
  return { id, title, url, authorsLine, summary, arxivUrl, pdfUrl, ...(githubUrl ? { githubUrl } : {}) };
};

/** Matches one day's papers to every curated topic, as a digest would. */
export function matchArchiveDay(
  day: string,
  papers: Paper[],
  vocabulary: MinedVocabulary,
  neighbours: { newerDay?: string; olderDay?: string } = {},
): ArchiveDay {
  const matcher = createMatcher(papers, { vocabulary });
  const papersById = new Map(papers.map((paper) => [paper.id, paper]));
  const views = new Map<string, ArchivePaper>();
  const viewOf = (paper: Paper): ArchivePaper => {
    let view = views.get(paper.id);
    if (!view) views.set(paper.id, (view = toArchivePaper(paper)));
    return view;
  };
  const matched = new Set<string>();
  const topics: ArchiveTopic[] = [];
  for (const { id, name, description } of topicCatalog) {
    const topic: TopicRef = { kind: 'catalog', id };
    const ranked = rankForDigest([{ topic, hits: matcher.match(topic) }], papersById);
    if (ranked.length === 0) continue;
    for (const { paperId } of ranked) matched.add(paperId);
    topics.push({
      id,
      name,
      description,
      papers: ranked.map(({ paperId }) => viewOf(papersById.get(paperId) as Paper)),
    });
  }
  const others = papers
    .filter((paper) => !matched.has(paper.id))
    .sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0) || a.id.localeCompare(b.id))
    .map(viewOf);
  return { day, paperCount: papers.length, topics, others, ...neighbours };
}

interface Kept<T> {
  /** Epoch ms after which the value is loaded again. */
  until: number;
  value: Promise<T>;
}

export type Archive = ReturnType<typeof createArchive>;

export function createArchive(deps: {
  papers: Pick<PaperRepository, 'recentDays' | 'listByDays'>;
  vocabulary?: VocabularyRepository;
  clock: Clock;
}) {
  let days: Kept<string[]> | undefined;
  let vocabulary: Kept<MinedVocabulary> | undefined;
  const matchedDays = new GenerationalCache<string, Kept<ArchiveDay>>(DAYS_KEPT);
  const now = () => deps.clock.now().getTime();

  /** A promise kept until `ttl` from now; a failed one is forgotten at once, so the next request retries. */
  const keep = <T>(load: () => Promise<T>, ttl: number, forget: () => void): Kept<T> => {
    const value = load();
    value.catch(forget);
    return { until: now() + ttl, value };
  };

  const listedDays = (): Promise<string[]> => {
    if (!days || days.until <= now()) {
      const kept = keep(
        () => deps.papers.recentDays(ARCHIVE_DAYS_LISTED),
        DAYS_TTL_MS,
        () => {
          if (days === kept) days = undefined;
        },
      );
      days = kept;
    }
    return days.value;
  };

  const currentVocabulary = (): Promise<MinedVocabulary> => {
    if (!vocabulary || vocabulary.until <= now()) {
      const kept = keep(
        () => digestVocabulary(deps.vocabulary),
        RECENT_DAY_TTL_MS,
        () => {
          if (vocabulary === kept) vocabulary = undefined;
        },
      );
      vocabulary = kept;
    }
    return vocabulary.value;
  };

  const today = () => deps.clock.now().toISOString().slice(0, 10);

  const load = async (day: string, listed: string[]): Promise<ArchiveDay> => {
    const at = listed.indexOf(day);
    const [papers, words] = await Promise.all([deps.papers.listByDays([day]), currentVocabulary()]);
    return matchArchiveDay(day, papers, words, { newerDay: listed[at - 1], olderDay: listed[at + 1] });
  };

  return {
    /** Every day with papers, newest first. */
    days: listedDays,

    /** The day's papers per curated topic; undefined when paperboy has no papers for that day. */
    async day(day: string): Promise<ArchiveDay | undefined> {
      const problem = archiveDayProblem(day);
      if (problem) throw new ValidationError(problem);
      // Unknown days are answered from the list of days, never matched nor kept.
      const listed = await listedDays();
      if (!listed.includes(day)) return undefined;
      let kept = matchedDays.get(day);
      if (!kept || kept.until <= now()) {
        const ttl = day >= addDays(today(), -RECENT_DAYS) ? RECENT_DAY_TTL_MS : PAST_DAY_TTL_MS;
        const fresh = keep(
          () => load(day, listed),
          ttl,
          () => {
            if (matchedDays.get(day) === fresh) matchedDays.set(day, { until: 0, value: fresh.value });
          },
        );
        matchedDays.set(day, (kept = fresh));
      }
      return kept.value;
    },
  };
}
