/**
 * What `npm run cli -- match --readers` prints, and what the evaluation's after-ratings protocol scores:
 * each reader's digest from a set of papers, through the digest's own ranking (rankForDigest, with the
 * reader model behind it), every included paper (no email-size cap), best first.
 */
import { z } from 'zod';
import type { Paper } from '../papers';
import { findCatalogTopic } from '../topics/catalog';
import { keywordLengthProblem } from '../subscribers/subscriber';
import {
  createMatcher,
  rankForDigest,
  ratedReader,
  topicKey,
  type MatchReason,
  type PaperMatcher,
  type TopicHit,
  type TopicRef,
} from './index';
import { hasRatings, type ReaderRatings } from './reader-model';

/** A reader as the `match` command reads them: their words, catalog topics, ratings and examples. */
export interface ReaderQuery {
  name: string;
  keywords: string[];
  /** Catalog topic ids. */
  topics?: string[];
  like?: string[];
  dislike?: string[];
  examples?: string[];
}

const ids = (what: string) => z.array(z.string({ error: `${what} holds arXiv ids` })).default([]);

/** READERS.json of `match --readers`: a list of readers (missing lists are empty). */
export const ReadersFileSchema = z.array(
  z.object({
    name: z.string({ error: 'a reader needs a "name"' }).min(1, 'a reader\'s "name" is empty'),
    keywords: z.array(z.string({ error: 'keywords are text' })).default([]),
    topics: z.array(z.string({ error: 'topics are catalog ids' })).default([]),
    like: ids('like'),
    dislike: ids('dislike'),
    examples: ids('examples'),
  }),
  { error: 'READERS.json is a list of readers' },
);

/**
 * What is wrong with these readers, or undefined: a repeated name, a keyword too short or too long, an
 * unknown catalog topic, a paper id among neither `isKnown`'s papers, a reader with nothing to match (no
 * words, topics, liked or example papers; rejected papers alone bring nothing in).
 */
export function readersProblem(readers: ReaderQuery[], isKnown: (id: string) => boolean): string | undefined {
  const names = new Set<string>();
  for (const reader of readers) {
    const who = `reader "${reader.name}"`;
    if (names.has(reader.name)) return `${who} is listed twice`;
    names.add(reader.name);
    for (const keyword of reader.keywords) {
      const problem = keywordLengthProblem(keyword);
      if (problem) return `${who}, keyword "${keyword.slice(0, 40)}": ${problem}`;
    }
    const unknownTopic = (reader.topics ?? []).find((id) => !findCatalogTopic(id));
    if (unknownTopic !== undefined) return `${who}: no catalog topic "${unknownTopic}"`;
    for (const [list, values] of Object.entries({
      like: reader.like,
      dislike: reader.dislike,
      examples: reader.examples,
    })) {
      const unknown = (values ?? []).find((id) => !isKnown(id));
      if (unknown !== undefined) return `${who}, ${list}: no paper "${unknown}" in --papers or --known`;
    }
    const something =
      reader.keywords.length +
      (reader.topics?.length ?? 0) +
      (reader.like?.length ?? 0) +
      (reader.examples?.length ?? 0);
    if (something === 0) return `${who} has nothing to match: no keywords, topics, liked or example papers`;
  }
  return undefined;
}

/** One paper of a reader's digest as `match --readers --json` prints it. */
export interface ReaderMatch {
  id: string;
  /** The paper's relevance to the reader (0..1), ratings included; the order also weighs trending. */
  relevance: number;
  /** Why it is in: each reason as the email words it ("RLHF (related: DPO)", "like “…” you rated"). */
  why: string;
}

/** A reason in one line: the topic, then the words that matched (marked when only related terms did). */
export function reasonText({ topic, matched, related }: MatchReason): string {
  if (matched.length === 0) return topic;
  return `${topic} (${related ? 'related: ' : ''}${matched.join(', ')})`;
}

export const readerTopics = (reader: ReaderQuery): TopicRef[] => [
  ...(reader.topics ?? []).map((id): TopicRef => ({ kind: 'catalog', id })),
  ...reader.keywords.map((text): TopicRef => ({ kind: 'keyword', text })),
];

export const readerRatings = (reader: ReaderQuery): ReaderRatings => ({
  liked: reader.like,
  disliked: reader.dislike,
  examples: reader.examples,
});

/**
 * Each reader's digest from `papers`: rated and example papers are looked up among `papers` and `known`
 * (the validation that they exist is the caller's). Readers are keyed by name ("__proto__" included).
 */
export function matchReaders(
  papers: Paper[],
  readers: ReaderQuery[],
  known: Paper[] = [],
  matcher: PaperMatcher = createMatcher(papers),
): Record<string, ReaderMatch[]> {
  const papersById = new Map(papers.map((paper) => [paper.id, paper]));
  const knownById = new Map(known.map((paper) => [paper.id, paper]));
  const paperOf = (id: string): Paper | undefined => papersById.get(id) ?? knownById.get(id);
  const hitsByKey = new Map<string, TopicHit[]>();
  const hitsOf = (topic: TopicRef): TopicHit[] => {
    const key = topicKey(topic);
    let hits = hitsByKey.get(key);
    if (!hits) hitsByKey.set(key, (hits = matcher.match(topic)));
    return hits;
  };
  const nearMissesByKey = new Map<string, ReadonlyMap<string, number>>();
  const nearMissesOf = (topic: TopicRef): ReadonlyMap<string, number> => {
    const key = topicKey(topic);
    let near = nearMissesByKey.get(key);
    if (!near) nearMissesByKey.set(key, (near = matcher.nearMisses(topic)));
    return near;
  };
  const result: Record<string, ReaderMatch[]> = Object.create(null);
  for (const reader of readers) {
    const topics = readerTopics(reader);
    const ratings = readerRatings(reader);
    const rated = hasRatings(ratings)
      ? ratedReader(matcher, ratings, paperOf, topics.map(nearMissesOf))
      : undefined;
    const ranked = rankForDigest(
      topics.map((topic) => ({ topic, hits: hitsOf(topic) })),
      papersById,
      undefined,
      rated,
    );
    result[reader.name] = ranked.map(({ paperId, relevance, why }) => ({
      id: paperId,
      relevance,
      why: why.map(reasonText).join('; '),
    }));
  }
  return result;
}
