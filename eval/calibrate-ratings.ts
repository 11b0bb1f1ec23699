/**
 * How the reader model's constants (RATINGS in functions/core/matching/reader-model.ts) were chosen: a
 * coarse grid over the affinity that brings a paper in alone or with some support of the reader's words,
 * the support needed, and the weight of the affinity in the order, maximizing the mean F1 (then nDCG@10) of
 * the after-ratings protocol over the DEV topics only. Run: `npx tsx eval/calibrate-ratings.ts`. It prints
 * the best settings; copying them into RATINGS is a deliberate, reviewed step.
 */
import { afterRatings } from './after-ratings';
import { loadJudgments, loadPool, loadTopics } from './data';
import { average } from './metrics';
import { BM25_CUTOFF } from './baselines';
import { RATINGS, type ReaderModelParameters } from '../functions/core/matching/reader-model';

function main(): void {
  const papers = loadPool();
  const judgments = loadJudgments();
  const topics = loadTopics().filter((topic) => topic.split === 'dev');
  const original = { ...RATINGS };
  const results: { settings: Partial<ReaderModelParameters>; f1: number; ndcg: number; line: string }[] = [];
  for (const alone of [0.25, 0.3, 0.4])
    for (const supported of [0.1, 0.12, 0.15])
      for (const support of [0.3, 0.6])
        for (const weight of [0.25, 0.5, 1]) {
          const settings = { alone, supported, support, weight };
          Object.assign(RATINGS, original, settings);
          const mean = average(
            afterRatings(papers, topics, judgments, BM25_CUTOFF).rows.map((row) => row.after),
          );
          const line = `${JSON.stringify(settings)}: P ${mean.precision.toFixed(3)} R2 ${mean.recall2.toFixed(3)} nDCG ${mean.ndcg10.toFixed(3)} F1 ${mean.f1.toFixed(3)}`;
          results.push({ settings, f1: mean.f1, ndcg: mean.ndcg10, line });
          console.log(line);
        }
  Object.assign(RATINGS, original);
  results.sort((a, b) => b.f1 - a.f1 || b.ndcg - a.ndcg);
  console.log('\nbest (dev F1, then nDCG@10):');
  for (const result of results.slice(0, 5)) console.log(`  ${result.line}`);
}

main();
