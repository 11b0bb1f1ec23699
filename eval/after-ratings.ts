/**
 * The after-ratings protocol of `npm run eval` (eval/README.md, "After ratings"): for each topic, a
 * simulated reader who typed only the topic's words reads the digests of the first week of days and rates
 * what it was shown (grade 2 "more like this", grade 0 "not for me"; grade 1 and unjudged papers are not
 * rated); a reader shown no grade-2 paper pastes two grade-2 papers as examples instead. The days after the
 * week are then scored twice through the digest's own ranking (match-readers.ts): cold (the words only)
 * and after ratings, with the baselines on the same papers.
 */
import { DEFAULT_PAPERS_PER_EMAIL } from '../functions/core/subscribers/subscriber';
import { createMatcher, type MinedVocabulary } from '../functions/core/matching';
import { matchReaders, type ReaderQuery } from '../functions/core/matching/match-readers';
import type { Paper } from '../functions/core/papers';
import { allWordsBaseline, bm25Baseline } from './baselines';
import type { EvalTopic, Judgments } from './data';
import { figures, type Figures } from './metrics';

/** Days of ratings: one week of digests. */
export const RATING_DAYS = 7;
/** Days further apart than this end a stretch of daily data (weekends and holidays are shorter gaps). */
const DAILY_GAP_DAYS = 4;
/** Papers a reader shown nothing relevant pastes as examples. */
export const PASTED_EXAMPLES = 2;

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

/** What one simulated reader did in the week, and the judgments its scored days are measured with. */
export interface SimulatedReader {
  topic: EvalTopic;
  liked: string[];
  disliked: string[];
  examples: string[];
  /** The topic's judgments of the scored papers, less any example pasted from them. */
  grades: Record<string, number>;
  /** Examples pasted from the scored days: the reader knows them, so no system is scored on them. */
  pastedFromScored: string[];
}

/**
 * The reader of each topic after its week: the cold digest of each week day (that day's papers, the first
 * DEFAULT_PAPERS_PER_EMAIL), rated by the judgments. Examples come from grade-2 papers outside the scored
 * days (the week's, then the latest before it); only when there are fewer than two from the scored days,
 * which then leave the topic's judgments (the reader knows them).
 */
export function simulateReaders(
  papers: Paper[],
  topics: EvalTopic[],
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
    topics.map((topic) => ({ name: topic.query, keywords: [topic.query] })),
    [],
    createMatcher(weekPapers, { vocabulary }),
  );
  return topics.map((topic) => {
    const grades = judgments[topic.query];
    const shown = week.flatMap((day) =>
      cold[topic.query]
        .filter((match) => byId.get(match.id)?.dailyDate === day)
        .slice(0, DEFAULT_PAPERS_PER_EMAIL)
        .map((match) => match.id),
    );
    const liked = shown.filter((id) => grades[id] === 2);
    const disliked = shown.filter((id) => grades[id] === 0);
    const examples: string[] = [];
    const removed = new Set<string>();
    if (liked.length === 0) {
      const grade2 = Object.keys(grades).filter((id) => grades[id] === 2 && byId.has(id));
      const newestFirst = (a: string, b: string): number =>
        (byId.get(b) as Paper).dailyDate.localeCompare((byId.get(a) as Paper).dailyDate) ||
        a.localeCompare(b);
      examples.push(
        ...grade2
          .filter((id) => !scoredIds.has(id))
          .sort(newestFirst)
          .slice(0, PASTED_EXAMPLES),
      );
      for (const id of grade2
        .filter((id) => scoredIds.has(id))
        .sort((a, b) => -newestFirst(a, b))
        .slice(0, PASTED_EXAMPLES - examples.length)) {
        examples.push(id);
        removed.add(id);
      }
    }
    const scoredGrades: Record<string, number> = {};
    for (const id of Object.keys(grades))
      if (scoredIds.has(id) && !removed.has(id)) scoredGrades[id] = grades[id];
    return { topic, liked, disliked, examples, grades: scoredGrades, pastedFromScored: [...removed] };
  });
}

/** Figures of one topic on the scored days. */
export interface AfterRatingsRow {
  reader: SimulatedReader;
  cold: Figures;
  after: Figures;
  /** The examples alone, no words ("papers like these"). */
  examplesOnly: Figures;
  allWords: Figures;
  bm25: Figures;
}

/** Runs the protocol: the simulated readers, then the scored days cold, after ratings and as baselines. */
export function afterRatings(
  papers: Paper[],
  topics: EvalTopic[],
  judgments: Judgments,
  bm25Cutoff: number,
  vocabulary?: MinedVocabulary,
): { week: RatingWeek; rows: AfterRatingsRow[] } {
  const week = ratingWeek(papers);
  const readers = simulateReaders(papers, topics, judgments, week, vocabulary);
  const matcher = createMatcher(week.scored, { vocabulary });
  const queries: ReaderQuery[] = readers.flatMap((reader) => [
    { name: `cold\u0000${reader.topic.query}`, keywords: [reader.topic.query] },
    {
      name: `after\u0000${reader.topic.query}`,
      keywords: [reader.topic.query],
      like: reader.liked,
      dislike: reader.disliked,
      examples: reader.examples,
    },
    {
      name: `examples\u0000${reader.topic.query}`,
      keywords: [],
      examples: exampleSetOf(reader),
    },
  ]);
  const digests = matchReaders(week.scored, queries, papers, matcher);
  const allWords = allWordsBaseline(week.scored);
  const bm25 = bm25Baseline(week.scored, bm25Cutoff);
  const rows = readers.map((reader) => {
    const { query } = reader.topic;
    const known = new Set(reader.pastedFromScored);
    const score = (ids: string[]): Figures =>
      figures(
        ids.filter((id) => !known.has(id)),
        reader.grades,
      );
    const digest = (name: string): Figures =>
      score(digests[`${name}\u0000${query}`].map((match) => match.id));
    return {
      reader,
      cold: digest('cold'),
      after: digest('after'),
      examplesOnly: digest('examples'),
      allWords: score(allWords(query).map((ranked) => ranked.id)),
      bm25: score(bm25(query).map((ranked) => ranked.id)),
    };
  });
  return { week, rows };
}

/**
 * The examples of the "papers like these" line: the reader's own when it pasted some, else the first two
 * it liked (its liked papers are grade 2 and outside the scored days too).
 */
function exampleSetOf(reader: SimulatedReader): string[] {
  return reader.examples.length > 0 ? reader.examples : reader.liked.slice(0, PASTED_EXAMPLES);
}
