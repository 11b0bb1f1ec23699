/**
 * What the reader model (functions/core/matching/reader-model.ts) costs per rated reader: the digest's
 * work for a reader with ratings (ratedReader, then rankForDigest with the model), on a weekly window of
 * the real papers of data/, for generated readers who each liked 10 papers, rejected 5 and gave 1 example,
 * drawn from the papers before the window (a few areas each). Warm: each rated paper's cosines with the
 * window are computed once and shared, as in a digest run. Figures only:
 * `npx tsx bench/reader-model-bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { createMatcher, rankForDigest, ratedReader, type TopicRef } from '../functions/core/matching';
import type { Paper } from '../functions/core/papers';
import { loadPool } from '../eval/data';

export interface ReaderModelFigures {
  papersInWindow: number;
  readers: number;
  /** Median over runs of the time per rated reader, and per reader without ratings (the words only). */
  ratedMs: number;
  wordsOnlyMs: number;
  /** Interests per rated reader, on average. */
  interests: number;
}

const WINDOW_LAST_DAY = '2025-11-13';
const WINDOW_DAYS = 7;

/** A deterministic pseudo-random sequence (the readers are the same in every run). */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function measureReaderModel(papers: Paper[], readers = 2_000): ReaderModelFigures {
  const last = Date.parse(WINDOW_LAST_DAY);
  const inWindow = (paper: Paper): boolean => {
    const age = (last - Date.parse(paper.dailyDate)) / 86_400_000;
    return age >= 0 && age < WINDOW_DAYS;
  };
  const window = papers.filter(inWindow);
  const earlier = papers.filter((paper) => paper.dailyDate < window[0].dailyDate || !inWindow(paper));
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  const papersById = new Map(window.map((paper) => [paper.id, paper]));
  const matcher = createMatcher(window);
  const topics: TopicRef[] = [{ kind: 'keyword', text: 'AI agents' }];
  const perTopic = topics.map((topic) => ({ topic, hits: matcher.match(topic) }));
  const nearMisses = topics.map((topic) => matcher.nearMisses(topic));
  const random = sequence(13);
  const pick = (count: number): string[] =>
    Array.from({ length: count }, () => earlier[Math.floor(random() * earlier.length)].id);
  const ratings = Array.from({ length: readers }, () => ({
    liked: pick(10),
    disliked: pick(5),
    examples: pick(1),
  }));
  const runOnce = (rated: boolean): number => {
    const started = performance.now();
    for (const reader of ratings) {
      const model = rated ? ratedReader(matcher, reader, (id) => byId.get(id), nearMisses) : undefined;
      rankForDigest(perTopic, papersById, 10, model);
    }
    return (performance.now() - started) / readers;
  };
  const median = (rated: boolean): number => {
    runOnce(rated); // warm: cosines of the rated papers with the window, analysis caches
    const runs = Array.from({ length: 7 }, () => runOnce(rated)).sort((a, b) => a - b);
    return runs[3];
  };
  let interests = 0;
  for (const reader of ratings)
    interests += ratedReader(matcher, reader, (id) => byId.get(id))?.model.interests?.length ?? 0;
  return {
    papersInWindow: window.length,
    readers,
    ratedMs: median(true),
    wordsOnlyMs: median(false),
    interests: interests / readers,
  };
}

if (require.main === module) {
  const figures = measureReaderModel(loadPool());
  console.log(
    `reader model: ${figures.readers.toLocaleString('en')} rated readers (10 liked, 5 rejected, 1 example; ${figures.interests.toFixed(1)} interests each on average), a weekly window of ${figures.papersInWindow} papers, one core, warm`,
  );
  console.log(`  per rated reader (ratedReader + rankForDigest)    ${figures.ratedMs.toFixed(3)} ms`);
  console.log(`  per reader without ratings (rankForDigest)        ${figures.wordsOnlyMs.toFixed(3)} ms`);
}
