/**
 * The after-ratings protocol of `npm run eval` (eval/README.md, "After ratings"): for each topic, a
 * simulated reader who typed only the topic's words reads the digests of the first week of days and rates
 * what it was shown (grade 2 "more like this", grade 0 "not for me"; grade 1 and unjudged papers are not
 * rated); a reader shown no grade-2 paper pastes two grade-2 papers as examples instead. The days after the
 * week are then scored twice through the digest's own ranking (match-readers.ts): cold (the words only)
 * and after ratings, with the baselines on the same papers.
 *
 * The multi-interest variant (eval/README.md, "Readers with several interests"): each simulated reader
 * follows 2-3 topics at once (interestGroups: consecutive topics of topics.json, dev and held-out apart),
 * types each topic's words, rates its combined digests by the union of its topics' judgments (a paper's
 * grade is its best over the reader's topics), pastes examples per topic as above, and is scored against
 * that union.
 */
import { DEFAULT_PAPERS_PER_EMAIL } from '../functions/core/subscribers/subscriber';
import { createMatcher, type MinedVocabulary } from '../functions/core/matching';
import { matchReaders, type ReaderQuery } from '../functions/core/matching/match-readers';
import type { Paper } from '../functions/core/papers';
import { allWordsBaseline, bm25Baseline, type Ranked } from './baselines';
import type { EvalTopic, Judgments } from './data';
import { figures, type Figures } from './metrics';

/** Days of ratings: one week of digests. */
export const RATING_DAYS = 7;
/** Days further apart than this end a stretch of daily data (weekends and holidays are shorter gaps). */
const DAILY_GAP_DAYS = 4;
/** Papers a reader shown nothing relevant pastes as examples (per topic). */
export const PASTED_EXAMPLES = 2;
/** Topics a reader of the multi-interest variant follows (the last group of a split may have 2). */
export const INTERESTS_PER_READER = 3;

export interface RatingWeek {
  /** The days whose digests the reader rates. */
  week: string[];
  /** The papers of the days after the week: what is scored. */
  scored: Paper[];
}

const daysApart = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 86_400_000;

/**
 * The first week of the pool's daily stretch (the data before it is one day a month: no reader receives
 * those as a week of digests) and the papers of every day after it.
 */
export function ratingWeek(papers: Paper[]): RatingWeek {
  const days = [...new Set(papers.map((paper) => paper.dailyDate))].sort();
  let start = days.length - 1;
  while (start > 0 && daysApart(days[start - 1], days[start]) <= DAILY_GAP_DAYS) start -= 1;
  const week = days.slice(start, start + RATING_DAYS);
  const last = week[week.length - 1];
  return { week, scored: papers.filter((paper) => paper.dailyDate > last) };
}

/**
 * The readers of the multi-interest variant: the topics of each split in their topics.json order, cut
 * into consecutive groups of INTERESTS_PER_READER; a remainder of one topic takes one from the group
 * before it (two groups of two), so every reader follows 2-3 topics. Deterministic; dev and held-out
 * topics are never grouped together.
 */
export function interestGroups(topics: EvalTopic[]): EvalTopic[][] {
  const groups: EvalTopic[][] = [];
  for (const split of ['dev', 'heldout'] as const) {
    const ofSplit = topics.filter((topic) => topic.split === split);
    const own: EvalTopic[][] = [];
    for (let at = 0; at < ofSplit.length; at += INTERESTS_PER_READER)
      own.push(ofSplit.slice(at, at + INTERESTS_PER_READER));
    const last = own[own.length - 1];
    if (own.length > 1 && last.length === 1) last.unshift(own[own.length - 2].pop() as EvalTopic);
    groups.push(...own);
  }
  return groups;
}

/** What one simulated reader did in the week, and the judgments its scored days are measured with. */
export interface SimulatedReader {
  /** Its topics' queries, joined by " + " (the query itself for a reader of one topic). */
  name: string;
  /** The topics it follows: one, or 2-3 in the multi-interest variant (all of one split). */
  topics: EvalTopic[];
  split: EvalTopic['split'];
  liked: string[];
  disliked: string[];
  examples: string[];
  /** The examples of the "papers like these" line: per topic, its pasted examples, else its first two liked. */
  exampleSet: string[];
  /** Its topics' judgments of the scored papers (the best grade over them), less any pasted example. */
  grades: Record<string, number>;
  /** Examples pasted from the scored days: the reader knows them, so no system is scored on them. */
  pastedFromScored: string[];
}

const readerName = (topics: EvalTopic[]): string => topics.map((topic) => topic.query).join(' + ');

/** A paper's grade for a reader of several topics: its best grade among the topics that judged it. */
function unionGrades(judgments: Judgments, topics: EvalTopic[]): Record<string, number> {
  const union: Record<string, number> = {};
  for (const topic of topics)
    for (const [id, grade] of Object.entries(judgments[topic.query]))
      union[id] = Math.max(union[id] ?? 0, grade);
  return union;
}

/**
 * The reader of each group of topics after its week: the cold digest of each week day (that day's papers,
 * the first DEFAULT_PAPERS_PER_EMAIL), rated by the union of its topics' judgments. For each topic of
 * which it was shown no grade-2 paper it pastes two of the topic's grade-2 papers, from outside the scored
 * days (the week's, then the latest before it); only when there are fewer than two, from the scored days,
 * which then leave its judgments (the reader knows them).
 */
export function simulateReaders(
  papers: Paper[],
  groups: EvalTopic[][],
  judgments: Judgments,
  { week, scored }: RatingWeek,
  vocabulary?: MinedVocabulary,
): SimulatedReader[] {
  const weekDays = new Set(week);
  const weekPapers = papers.filter((paper) => weekDays.has(paper.dailyDate));
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  const scoredIds = new Set(scored.map((paper) => paper.id));
  const cold = matchReaders(
    weekPapers,
    groups.map((topics) => ({ name: readerName(topics), keywords: topics.map((topic) => topic.query) })),
    [],
    createMatcher(weekPapers, { vocabulary }),
  );
  const newestFirst = (a: string, b: string): number =>
    (byId.get(b) as Paper).dailyDate.localeCompare((byId.get(a) as Paper).dailyDate) || a.localeCompare(b);
  return groups.map((topics) => {
    const name = readerName(topics);
    const union = unionGrades(judgments, topics);
    const shown = week.flatMap((day) =>
      cold[name]
        .filter((match) => byId.get(match.id)?.dailyDate === day)
        .slice(0, DEFAULT_PAPERS_PER_EMAIL)
        .map((match) => match.id),
    );
    const liked = shown.filter((id) => union[id] === 2);
    const disliked = shown.filter((id) => union[id] === 0);
    const examples: string[] = [];
    const exampleSet: string[] = [];
    const removed = new Set<string>();
    for (const topic of topics) {
      const grades = judgments[topic.query];
      const likedHere = liked.filter((id) => grades[id] === 2);
      if (likedHere.length > 0) {
        exampleSet.push(...likedHere.slice(0, PASTED_EXAMPLES));
        continue;
      }
      const grade2 = Object.keys(grades).filter(
        (id) => grades[id] === 2 && byId.has(id) && !examples.includes(id),
      );
      const pasted = grade2
        .filter((id) => !scoredIds.has(id))
        .sort(newestFirst)
        .slice(0, PASTED_EXAMPLES);
      for (const id of grade2
        .filter((id) => scoredIds.has(id))
        .sort((a, b) => -newestFirst(a, b))
        .slice(0, PASTED_EXAMPLES - pasted.length)) {
        pasted.push(id);
        removed.add(id);
      }
      examples.push(...pasted);
      exampleSet.push(...pasted);
    }
    const scoredGrades: Record<string, number> = {};
    for (const id of Object.keys(union))
      if (scoredIds.has(id) && !removed.has(id)) scoredGrades[id] = union[id];
    return {
      name,
      topics,
      split: topics[0].split,
      liked,
      disliked,
      examples,
      exampleSet: [...new Set(exampleSet)],
      grades: scoredGrades,
      pastedFromScored: [...removed],
    };
  });
}

/** Figures of one reader on the scored days. */
export interface AfterRatingsRow {
  reader: SimulatedReader;
  cold: Figures;
  after: Figures;
  /** The examples alone, no words ("papers like these"). */
  examplesOnly: Figures;
  allWords: Figures;
  bm25: Figures;
}

/** A baseline for a reader of several topics: the union of its topics' lists, best score first. */
function unionOfRanked(lists: Ranked[][]): string[] {
  const best = new Map<string, number>();
  for (const list of lists)
    for (const { id, score } of list) best.set(id, Math.max(best.get(id) ?? -Infinity, score));
  return [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
}

/**
 * Runs the protocol for readers of these groups of topics: the simulated readers, then the scored days
 * cold, after ratings and as baselines.
 */
export function afterRatingsOf(
  papers: Paper[],
  groups: EvalTopic[][],
  judgments: Judgments,
  bm25Cutoff: number,
  vocabulary?: MinedVocabulary,
): { week: RatingWeek; rows: AfterRatingsRow[] } {
  const week = ratingWeek(papers);
  const readers = simulateReaders(papers, groups, judgments, week, vocabulary);
  const matcher = createMatcher(week.scored, { vocabulary });
  const queries: ReaderQuery[] = readers.flatMap((reader) => {
    const keywords = reader.topics.map((topic) => topic.query);
    return [
      { name: `cold\u0000${reader.name}`, keywords },
      {
        name: `after\u0000${reader.name}`,
        keywords,
        like: reader.liked,
        dislike: reader.disliked,
        examples: reader.examples,
      },
      { name: `examples\u0000${reader.name}`, keywords: [], examples: reader.exampleSet },
    ];
  });
  const digests = matchReaders(week.scored, queries, papers, matcher);
  const allWords = allWordsBaseline(week.scored);
  const bm25 = bm25Baseline(week.scored, bm25Cutoff);
  const rows = readers.map((reader) => {
    const known = new Set(reader.pastedFromScored);
    const score = (ids: string[]): Figures =>
      figures(
        ids.filter((id) => !known.has(id)),
        reader.grades,
      );
    const digest = (name: string): Figures =>
      score(digests[`${name}\u0000${reader.name}`].map((match) => match.id));
    const baseline = (run: (query: string) => Ranked[]): Figures =>
      score(unionOfRanked(reader.topics.map((topic) => run(topic.query))));
    return {
      reader,
      cold: digest('cold'),
      after: digest('after'),
      examplesOnly: digest('examples'),
      allWords: baseline(allWords),
      bm25: baseline(bm25),
    };
  });
  return { week, rows };
}

/** The single-topic protocol: one reader per topic. */
export function afterRatings(
  papers: Paper[],
  topics: EvalTopic[],
  judgments: Judgments,
  bm25Cutoff: number,
  vocabulary?: MinedVocabulary,
): { week: RatingWeek; rows: AfterRatingsRow[] } {
  return afterRatingsOf(
    papers,
    topics.map((topic) => [topic]),
    judgments,
    bm25Cutoff,
    vocabulary,
  );
}

/** The multi-interest variant: one reader per group of interestGroups(topics). */
export function multiInterestAfterRatings(
  papers: Paper[],
  topics: EvalTopic[],
  judgments: Judgments,
  bm25Cutoff: number,
  vocabulary?: MinedVocabulary,
): { week: RatingWeek; rows: AfterRatingsRow[] } {
  return afterRatingsOf(papers, interestGroups(topics), judgments, bm25Cutoff, vocabulary);
}
