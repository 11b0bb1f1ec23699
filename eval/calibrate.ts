/**
 * How the global scoring weights (SCORING in functions/core/matching/score.ts) were chosen: a coarse
 * grid over the field weights, the abstract weight of papers without ai_keywords/ai_summary, and the
 * credit of scattered words, maximizing the mean F1 over the DEV topics only (held-out topics are never
 * looked at). The threshold stays 1: weights are relative to it. Run: `npx tsx eval/calibrate.ts`.
 * It prints the best settings; copying them into SCORING is a deliberate, reviewed step.
 */
import { bm25Baseline } from './baselines';
import { loadJudgments, loadPool, loadTopics } from './data';
import { figures } from './metrics';
import { parseQuery } from '../functions/core/matching/query';
import { indexPaper, SCORING, topicEvidence, type ScoringParameters } from '../functions/core/matching/score';

/** The BM25 baseline's cut-off: the single value with the best mean F1 over the dev topics. */
function calibrateBm25(): void {
  const papers = loadPool();
  const judgments = loadJudgments();
  const topics = loadTopics().filter((topic) => topic.split === 'dev');
  const lines: string[] = [];
  for (let cutoff = 0.2; cutoff <= 0.701; cutoff += 0.05) {
    const run = bm25Baseline(papers, cutoff);
    const f1 = topics.reduce(
      (sum, topic) =>
        sum +
        figures(
          run(topic.query).map((ranked) => ranked.id),
          judgments[topic.query],
        ).f1,
      0,
    );
    lines.push(`BM25 cut-off ${cutoff.toFixed(2)}: mean F1 ${(f1 / topics.length).toFixed(3)}`);
  }
  console.log(lines.join('\n'));
}

function main(): void {
  calibrateBm25();
  if (process.argv.includes('--bm25-only')) return;
  const papers = loadPool().map(indexPaper);
  const judgments = loadJudgments();
  const topics = loadTopics().filter((topic) => topic.split === 'dev');
  const queries = topics.map((topic) => ({ topic, query: parseQuery(topic.query) }));
  const grid = {
    title: [1.5, 2.0],
    summary: [0.8, 1.2, 1.6],
    keywords: [0.3, 0.6, 0.9],
    abstract: [0.8, 1.2, 1.6],
    abstractAlone: [1.2, 1.5, 1.8],
    nearCredit: [0.4, 0.6],
  };
  const results: { params: ScoringParameters; f1: number; precision: number; recall2: number }[] = [];
  for (const title of grid.title)
    for (const summary of grid.summary)
      for (const keywords of grid.keywords)
        for (const abstract of grid.abstract)
          for (const abstractAlone of grid.abstractAlone)
            for (const nearCredit of grid.nearCredit) {
              const params = { ...SCORING, title, summary, keywords, abstract, abstractAlone, nearCredit };
              let f1 = 0;
              let precision = 0;
              let recall2 = 0;
              for (const { topic, query } of queries) {
                const ranked = papers
                  .map((paper) => ({
                    id: paper.paper.id,
                    score: topicEvidence(paper, query.include, query.exclude, params).score,
                  }))
                  .filter((entry) => entry.score >= params.threshold)
                  .sort((a, b) => b.score - a.score)
                  .map((entry) => entry.id);
                const result = figures(ranked, judgments[topic.query] ?? {});
                f1 += result.f1 / queries.length;
                precision += result.precision / queries.length;
                recall2 += result.recall2 / queries.length;
              }
              results.push({ params, f1, precision, recall2 });
            }
  results.sort((a, b) => b.f1 - a.f1);
  const show = ({ params, f1, precision, recall2 }: (typeof results)[number]): string =>
    `F1 ${f1.toFixed(3)} P ${precision.toFixed(3)} R2 ${recall2.toFixed(3)}  title ${params.title} summary ${params.summary} keywords ${params.keywords} abstract ${params.abstract} abstractAlone ${params.abstractAlone} near ${params.nearCredit}`;
  console.log(`${results.length} settings over ${queries.length} dev topics; best 10:`);
  results.slice(0, 10).forEach((result) => console.log(show(result)));
  const current = results.find((result) => JSON.stringify(result.params) === JSON.stringify(SCORING));
  if (current) console.log(`current SCORING: ${show(current)}`);
}

main();
