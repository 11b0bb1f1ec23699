import { createMatcher, rankForDigest, type PaperMatcher, type TopicRef } from '../matching';
import type { Paper } from '../papers';
import { paperUrl } from '../papers';
import type { Clock, PaperRepository } from '../ports';
import { ValidationError } from '../errors';
import { KEYWORD_LENGTH } from '../subscribers/subscriber';
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
}

/**
 * "Which recent papers would this topic have matched?" for the preferences page. The matcher
 * over the last days' papers is built once and reused for a few minutes.
 */
export function createTopicPreview(deps: { papers: PaperRepository; clock: Clock }) {
  let cached: { builtAt: number; matcher: PaperMatcher; papersById: Map<string, Paper> } | undefined;

  const index = async () => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.builtAt > INDEX_TTL_MS) {
      const days = await deps.papers.recentDays(PREVIEW_DAYS);
      const papers = await deps.papers.listByDays(days);
      cached = {
        builtAt: now,
        matcher: createMatcher(papers),
        papersById: new Map(papers.map((p) => [p.id, p])),
      };
    }
    return cached;
  };

  return async (query: unknown): Promise<PreviewPaper[]> => {
    const text = typeof query === 'string' ? query.replace(/\s+/g, ' ').trim() : '';
    if (text.length < KEYWORD_LENGTH.min || text.length > KEYWORD_LENGTH.max)
      throw new ValidationError(
        `A keyword is ${KEYWORD_LENGTH.min} to ${KEYWORD_LENGTH.max} characters; this one is ${text.length}.`,
      );
    const { matcher, papersById } = await index();
    const topic: TopicRef = { kind: 'keyword', text };
    return rankForDigest([{ topic, hits: matcher.match(topic) }], papersById, PREVIEW_LIMIT).map(
      (ranked) => ({
        id: ranked.paperId,
        title: papersById.get(ranked.paperId)?.title ?? ranked.paperId,
        url: paperUrl(ranked.paperId),
        score: Math.round(ranked.score * 1000) / 1000,
        // The email's words for the same paper (not those that only repeat the query, shown above them).
        matched: ranked.why.flatMap((why) => readableMatches(why.matched, why.topic)),
        related: ranked.why.every((why) => why.related),
      }),
    );
  };
}
