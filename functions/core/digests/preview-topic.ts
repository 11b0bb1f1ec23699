import {
  createMatcher,
  curatedTopicFor,
  rankForDigest,
  ratedReader,
  type PaperMatcher,
  type TopicRef,
} from '../matching';
import { hasRatings, type ReaderRatings } from '../matching/reader-model';
import type { Paper } from '../papers';
import { paperUrl } from '../papers';
import type { Clock, PaperRepository, VocabularyRepository } from '../ports';
import { digestVocabulary } from './digest-composer';
import { ValidationError } from '../errors';
import { keywordLengthProblem } from '../subscribers/subscriber';
import { readableMatches } from './paper-view';

export const PREVIEW_DAYS = 7;
const PREVIEW_LIMIT = 10;
const INDEX_TTL_MS = 5 * 60 * 1000;

export interface PreviewPaper {
  id: string;
  title: string;
  url: string;
  score: number;
  matched: string[];
  /** True when the paper says only related terms, not the words typed. */
  related: boolean;
  /** Why else it is in: a paper like one the reader rated or gave as an example ("like “…” you rated"). */
  because: string[];
}

export interface TopicPreview {
  papers: PreviewPaper[];
  /** The papers of this many last days (those with papers, at most PREVIEW_DAYS) were looked at. */
  days: number;
  /** A curated topic that says the same (its name or one of its phrases), with a few of its other phrases. */
  curated?: { id: string; name: string; alsoCovers: string[] };
}

const CURATED_PHRASES_SHOWN = 3;

/**
 * "Which recent papers would this topic have matched?" for the preferences page. The matcher
 * over the last days' papers (with the vocabulary a digest matches with) is built once and reused for a
 * few minutes.
 */
export function createTopicPreview(deps: {
  papers: PaperRepository;
  clock: Clock;
  /** The vocabulary the ingest mined, as the digest reads it (the shipped one until there is one). */
  vocabulary?: VocabularyRepository;
}) {
  let cached:
    { builtAt: number; matcher: PaperMatcher; papersById: Map<string, Paper>; dayCount: number } | undefined;

  const index = async () => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.builtAt > INDEX_TTL_MS) {
      const days = await deps.papers.recentDays(PREVIEW_DAYS);
      const [papers, vocabulary] = await Promise.all([
        deps.papers.listByDays(days),
        digestVocabulary(deps.vocabulary),
      ]);
      cached = {
        builtAt: now,
        matcher: createMatcher(papers, { vocabulary }),
        papersById: new Map(papers.map((p) => [p.id, p])),
        dayCount: days.length,
      };
    }
    return cached;
  };

  /** The reader model of a reader with ratings, over the preview's window (as their digest ranks them). */
  const readerOf = async (
    matcher: PaperMatcher,
    papersById: Map<string, Paper>,
    topic: TopicRef,
    ratings?: ReaderRatings,
  ) => {
    if (!hasRatings(ratings)) return undefined;
    const rated = [...(ratings.liked ?? []), ...(ratings.disliked ?? []), ...(ratings.examples ?? [])];
    const outside = rated.filter((id) => !papersById.has(id));
    const read = new Map((outside.length ? await deps.papers.getMany(outside) : []).map((p) => [p.id, p]));
    return ratedReader(matcher, ratings, (id) => papersById.get(id) ?? read.get(id), [
      matcher.nearMisses(topic),
    ]);
  };

  /**
   * `ratings`: the reader's, when the preview is theirs (the preferences page): the papers their digest
   * would include for this keyword, through the digest's own ranking.
   */
  return async (query: unknown, ratings?: ReaderRatings): Promise<TopicPreview> => {
    const text = typeof query === 'string' ? query.replace(/\s+/g, ' ').trim() : '';
    const problem = keywordLengthProblem(text);
    if (problem) throw new ValidationError(problem);
    const { matcher, papersById, dayCount } = await index();
    const topic: TopicRef = { kind: 'keyword', text };
    const reader = await readerOf(matcher, papersById, topic, ratings);
    const papers = rankForDigest(
      [{ topic, hits: matcher.match(topic) }],
      papersById,
      PREVIEW_LIMIT,
      reader,
    ).map((ranked) => ({
      id: ranked.paperId,
      title: papersById.get(ranked.paperId)?.title ?? ranked.paperId,
      url: paperUrl(ranked.paperId),
      score: Math.round(ranked.score * 1000) / 1000,
      // The email's words for the same paper (not those that only repeat the query, shown above them).
      matched: ranked.why.flatMap((why) => readableMatches(why.matched, why.topic)),
      related: ranked.why.every((why) => why.related),
      because: ranked.why.filter((why) => why.matched.length === 0).map((why) => why.topic),
    }));
    const curated = curatedTopicFor(text);
    if (!curated) return { papers, days: dayCount };
    const { topic: catalogTopic, otherPhrases } = curated;
    return {
      papers,
      days: dayCount,
      curated: {
        id: catalogTopic.id,
        name: catalogTopic.name,
        alsoCovers: otherPhrases.slice(0, CURATED_PHRASES_SHOWN),
      },
    };
  };
}
