/**
 * `npm run eval`: our matcher against two baselines on the judged evaluation set.
 * Prints, per topic and averaged (dev topics, held-out topics, all), the precision of what a digest
 * would include, the recall of grade-2 papers, nDCG@10 and F1. Exits 1 when the data is missing.
 * See eval/README.md for how the set was made. The matcher is also run without the related terms of
 * related.ts (written after rounds had shown their topics): on dev topics that estimates how it matches a
 * topic nobody has seen yet (held-out rounds agree with it; eval/README.md).
 *
 *   tsx eval/run.ts              everything
 *   tsx eval/run.ts --dev-only   dev topics only (what to look at while changing the matcher: held-out
 *                                topics are reported once, at the end of a round of work)
 */
import { allWordsBaseline, bm25Baseline, type Ranked } from './baselines';
import { loadJudgments, loadPool, loadTopics, MissingDataError } from './data';
import { average, figures, type Figures } from './metrics';
import { createMatcher } from '../functions/core/matching';

/**
 * The BM25 baseline's cut-off on the normalized score (score / the query's best possible score). 0.5
 * is the value of {0.2, 0.25, ..., 0.7} with the best mean F1 over the dev topics (eval/calibrate.ts):
 * the most favourable single cut-off, so the comparison does not flatter our matcher.
 */
export const BM25_CUTOFF = 0.5;

type System = { name: string; run: (query: string) => string[] };

const pct = (value: number): string => value.toFixed(2);

function row(label: string, f: Figures): string {
  return `${label.padEnd(44)} ${String(Math.round(f.included)).padStart(4)}  ${pct(f.precision)}  ${pct(f.recall2)}  ${pct(f.ndcg10)}  ${pct(f.f1)}${f.unjudged ? `  (${f.unjudged} unjudged)` : ''}`;
}

function main(): void {
  let papers;
  try {
    papers = loadPool();
  } catch (error) {
    if (error instanceof MissingDataError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const devOnly = process.argv.includes('--dev-only');
  const topics = loadTopics().filter((topic) => !devOnly || topic.split === 'dev');
  const judgments = loadJudgments();
  // Between rounds every topic is dev: there is no held-out mean to print.
  const showHeldOut = topics.some((topic) => topic.split === 'heldout');
  const missing = topics.filter((topic) => !judgments[topic.query]);
  if (missing.length > 0) {
    console.error(`no judgments for: ${missing.map((topic) => topic.query).join(', ')}`);
    process.exit(1);
  }
  const matcher = createMatcher(papers);
  // The related terms (related.ts) were written for topics earlier rounds showed; without them a dev
  // topic is read as a topic nobody has seen yet is (eval/README.md, "unseen-topic proxy").
  const unseenMatcher = createMatcher(papers, { relatedTerms: false });
  const ids = (ranked: Ranked[]): string[] => ranked.map((entry) => entry.id);
  const allWords = allWordsBaseline(papers);
  const bm25 = bm25Baseline(papers, BM25_CUTOFF);
  const systems: System[] = [
    {
      name: 'paperboy matcher',
      run: (query) => matcher.match({ kind: 'keyword', text: query }).map((hit) => hit.paperId),
    },
    {
      name: 'matcher without related terms',
      run: (query) => unseenMatcher.match({ kind: 'keyword', text: query }).map((hit) => hit.paperId),
    },
    { name: 'baseline: all words present', run: (query) => ids(allWords(query)) },
    { name: `baseline: BM25 title+abstract, cut-off ${BM25_CUTOFF}`, run: (query) => ids(bm25(query)) },
  ];
  console.log(
    `${papers.length} papers, ${topics.length} topics (${topics.filter((t) => t.split === 'heldout').length} held out), ${Object.values(judgments).reduce((sum, grades) => sum + Object.keys(grades).length, 0)} judgments\n`,
  );
  const header = `${'topic'.padEnd(44)} incl  prec  rec2  nDCG  F1`;
  const summary: string[] = [];
  for (const system of systems) {
    console.log(`== ${system.name}`);
    console.log(header);
    const bySplit: Record<string, Figures[]> = { dev: [], heldout: [] };
    for (const topic of topics) {
      const result = figures(system.run(topic.query), judgments[topic.query]);
      bySplit[topic.split].push(result);
      console.log(row(`${topic.split === 'heldout' ? '* ' : '  '}${topic.query}`, result));
    }
    const all = [...bySplit.dev, ...bySplit.heldout];
    console.log(row('  MEAN dev topics', average(bySplit.dev)));
    if (showHeldOut) {
      console.log(row('  MEAN held-out topics (*)', average(bySplit.heldout)));
      console.log(row('  MEAN all topics', average(all)));
    }
    console.log();
    summary.push(row(`${system.name} (dev)`, average(bySplit.dev)));
    if (showHeldOut) {
      summary.push(row(`${system.name} (held-out)`, average(bySplit.heldout)));
      summary.push(row(`${system.name} (all)`, average(all)));
    }
  }
  console.log('== summary (means)');
  console.log(header.replace('topic', 'system'));
  for (const line of summary) console.log(line);
}

main();
