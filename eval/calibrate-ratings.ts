/**
 * How the reader model's constants (RATINGS in functions/core/matching/reader-model.ts) were chosen: a
 * coarse grid over the affinity that brings a paper in alone or with some support of the reader's words,
 * the support needed, and the weight of the affinity in the order, maximizing the mean F1 (then nDCG@10) of
 * the after-ratings protocol over the DEV topics only; then a grid over the interests (RATINGS.interest,
 * RATINGS.interestShare: eval/README.md, "Readers with several interests"), printing the single-topic
 * and the multi-interest protocols side by side (a setting is kept only when no single-topic dev figure
 * drops). Both read the mined vocabulary, as `npm run eval` does. Run: `npx tsx eval/calibrate-ratings.ts`
 * (`--interests` for the second grid only). It prints the best settings; copying them into RATINGS is a
 * deliberate, reviewed step.
 */
import { afterRatings, multiInterestAfterRatings } from './after-ratings';
import { loadJudgments, loadPool, loadTopics } from './data';
import { average, type Figures } from './metrics';
import { BM25_CUTOFF } from './baselines';
import { mineVocabulary } from '../functions/core/matching';
import { RATINGS, type ReaderModelParameters } from '../functions/core/matching/reader-model';

const figuresText = (mean: Figures): string =>
  `P ${mean.precision.toFixed(3)} R2 ${mean.recall2.toFixed(3)} nDCG ${mean.ndcg10.toFixed(3)} F1 ${mean.f1.toFixed(3)}`;

function main(): void {
  const papers = loadPool();
  const judgments = loadJudgments();
  const topics = loadTopics().filter((topic) => topic.split === 'dev');
  const vocabulary = mineVocabulary(papers);
  const original = { ...RATINGS };
  if (!process.argv.includes('--interests')) {
    const results: { settings: Partial<ReaderModelParameters>; f1: number; ndcg: number; line: string }[] =
      [];
    for (const alone of [0.25, 0.3, 0.4])
      for (const supported of [0.1, 0.12, 0.15])
        for (const support of [0.3, 0.6])
          for (const weight of [0.25, 0.5, 1]) {
            const settings = { alone, supported, support, weight };
            Object.assign(RATINGS, original, settings);
            const mean = average(
              afterRatings(papers, topics, judgments, BM25_CUTOFF, vocabulary).rows.map((row) => row.after),
            );
            const line = `${JSON.stringify(settings)}: ${figuresText(mean)}`;
            results.push({ settings, f1: mean.f1, ndcg: mean.ndcg10, line });
            console.log(line);
          }
    Object.assign(RATINGS, original);
    results.sort((a, b) => b.f1 - a.f1 || b.ndcg - a.ndcg);
    console.log('\nbest (dev F1, then nDCG@10):');
    for (const result of results.slice(0, 5)) console.log(`  ${result.line}`);
  }
  // The interests: interestShare 0 is the centroid alone (the model before them).
  console.log(
    '\ninterests (dev): single-topic after ratings, examples only | several interests: after, examples',
  );
  for (const interest of [0.03, 0.04, 0.05, 0.06])
    for (const interestShare of [0, 0.8, 0.85, 0.9, 1]) {
      if (interestShare === 0 && interest !== 0.04) continue;
      Object.assign(RATINGS, original, { interest, interestShare });
      const single = afterRatings(papers, topics, judgments, BM25_CUTOFF, vocabulary).rows;
      const multi = multiInterestAfterRatings(papers, topics, judgments, BM25_CUTOFF, vocabulary).rows;
      const mean = (rows: typeof single, pick: (row: (typeof single)[number]) => Figures) =>
        figuresText(average(rows.map(pick)));
      console.log(
        `${JSON.stringify({ interest, interestShare })}: ${mean(single, (row) => row.after)}, ${mean(single, (row) => row.examplesOnly)} | ${mean(multi, (row) => row.after)}, ${mean(multi, (row) => row.examplesOnly)}`,
      );
    }
  Object.assign(RATINGS, original);
}

main();
