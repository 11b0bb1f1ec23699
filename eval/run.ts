/**
 * `npm run eval`: our matcher against two baselines on the judged evaluation set.
 * Prints, per topic and averaged (dev topics, held-out topics, all), the precision of what a digest
 * would include, the recall of grade-2 papers, nDCG@10 and F1. Exits 1 when the data is missing.
 * See eval/README.md for how the set was made. The matcher reads the vocabulary mined from the papers
 * (mine-vocabulary.ts) after the hand-written related terms. It is also run without the related terms of
 * related.ts (written after rounds had shown their topics): on dev topics that estimates how it matches a
 * topic nobody has seen yet (held-out rounds agree with it; eval/README.md); and with the mined or the
 * hand-written related terms alone.
 *
 * Then the after-ratings protocol (after-ratings.ts): a simulated reader per topic rates the first week
 * of digests, and the days after are scored cold and after ratings, with the baselines on the same days;
 * and its multi-interest variant: readers who each follow 2-3 topics at once, scored against the union of
 * their topics' judgments.
 * Exits 1 when a summary figure is below its floor (floors.json), which CI runs.
 *
 *   tsx eval/run.ts              everything
 *   tsx eval/run.ts --dev-only   dev topics only (what to look at while changing the matcher: held-out
 *                                topics are reported once, at the end of a round of work)
 */
import {
  afterRatings,
  INTERESTS_PER_READER,
  multiInterestAfterRatings,
  RATING_DAYS,
  type AfterRatingsRow,
} from './after-ratings';
import { allWordsBaseline, BM25_CUTOFF, bm25Baseline, type Ranked } from './baselines';
import { loadFloors, loadJudgments, loadPool, loadTopics, MissingDataError, type Floors } from './data';
import { average, figures, type Figures } from './metrics';
import { createMatcher, mineVocabulary, type MinedVocabulary } from '../functions/core/matching';
import type { Paper } from '../functions/core/papers';

type System = { name: string; run: (query: string) => string[] };

const pct = (value: number): string => value.toFixed(2);

function row(label: string, f: Figures): string {
  return `${label.padEnd(44)} ${String(Math.round(f.included)).padStart(4)}  ${pct(f.precision)}  ${pct(f.recall2)}  ${pct(f.ndcg10)}  ${pct(f.f1)}${f.unjudged ? `  (${f.unjudged} unjudged)` : ''}`;
}

/** The summary rows below their floors, as lines to print; a floor naming no row of the report fails too. */
function belowFloors(
  rows: Map<string, Figures>,
  floors: Record<string, Partial<Figures>>,
  showHeldOut: boolean,
): string[] {
  const failures: string[] = [];
  for (const [label, floor] of Object.entries(floors)) {
    const measured = rows.get(label);
    if (!measured) {
      // --dev-only (or no held-out round) prints no held-out or all rows.
      if (!showHeldOut && /\((held-out|all)\)$/.test(label)) continue;
      failures.push(`${label}: no such row in the report`);
      continue;
    }
    for (const [metric, minimum] of Object.entries(floor) as [keyof Figures, number][])
      if (measured[metric] < minimum)
        failures.push(`${label}: ${metric} ${pct(measured[metric])} is below its floor ${pct(minimum)}`);
  }
  return failures;
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
  // The vocabulary mined from the papers (mine-vocabulary.ts), as the ingest mines it from the papers
  // stored so far: the matcher reads it after the hand-written related terms.
  const vocabulary = mineVocabulary(papers);
  const matcher = createMatcher(papers, { vocabulary });
  // The related terms (related.ts) were written for topics earlier rounds showed; without them a dev
  // topic is read as a topic nobody has seen yet is (eval/README.md, "unseen-topic proxy").
  const unseenMatcher = createMatcher(papers, { relatedTerms: false, vocabulary });
  // Mined against hand-written: each alone (eval/vocabulary.ts compares more combinations).
  const handOnly = createMatcher(papers);
  const minedOnly = createMatcher(papers, { relatedTerms: false, fieldTerms: false, vocabulary });
  const unseenHandOnly = createMatcher(papers, { relatedTerms: false });
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
    {
      name: 'matcher, hand-written related terms only',
      run: (query) => handOnly.match({ kind: 'keyword', text: query }).map((hit) => hit.paperId),
    },
    {
      name: 'matcher, mined related terms only',
      run: (query) => minedOnly.match({ kind: 'keyword', text: query }).map((hit) => hit.paperId),
    },
    {
      name: 'without related terms, nor mined ones',
      run: (query) => unseenHandOnly.match({ kind: 'keyword', text: query }).map((hit) => hit.paperId),
    },
    { name: 'baseline: all words present', run: (query) => ids(allWords(query)) },
    { name: `baseline: BM25 title+abstract, cut-off ${BM25_CUTOFF}`, run: (query) => ids(bm25(query)) },
  ];
  console.log(
    `${papers.length} papers, ${topics.length} topics (${topics.filter((t) => t.split === 'heldout').length} held out), ${Object.values(judgments).reduce((sum, grades) => sum + Object.keys(grades).length, 0)} judgments\n`,
  );
  const header = `${'topic'.padEnd(44)} incl  prec  rec2  nDCG  F1`;
  const summary: string[] = [];
  const coldRows = new Map<string, Figures>();
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
    const means: [string, Figures][] = [[`${system.name} (dev)`, average(bySplit.dev)]];
    if (showHeldOut)
      means.push(
        [`${system.name} (held-out)`, average(bySplit.heldout)],
        [`${system.name} (all)`, average(all)],
      );
    for (const [label, mean] of means) {
      summary.push(row(label, mean));
      coldRows.set(label, mean);
    }
  }
  console.log('== summary (means)');
  console.log(header.replace('topic', 'system'));
  for (const line of summary) console.log(line);

  console.log(
    `(mined vocabulary: ${vocabulary.groups.length} groups from ${vocabulary.papers} papers, ${vocabulary.from}..${vocabulary.to})`,
  );

  const afterRows = new Map([
    ...reportAfterRatings(papers, topics, judgments, showHeldOut, vocabulary),
    ...reportMultiInterest(papers, topics, judgments, showHeldOut, vocabulary),
  ]);
  const floors: Floors = loadFloors();
  const failures = [
    ...belowFloors(coldRows, floors.cold, showHeldOut),
    ...belowFloors(afterRows, floors.afterRatings, showHeldOut),
  ];
  if (failures.length > 0) {
    console.error(`\n${failures.length} figure(s) below the floors of eval/floors.json:`);
    for (const failure of failures) console.error(`  ${failure}`);
    process.exit(1);
  }
}

/** Prints the after-ratings protocol, per topic and averaged; returns its summary rows by label. */
function reportAfterRatings(
  papers: Paper[],
  topics: ReturnType<typeof loadTopics>,
  judgments: ReturnType<typeof loadJudgments>,
  showHeldOut: boolean,
  vocabulary: MinedVocabulary,
): Map<string, Figures> {
  const { week, rows } = afterRatings(papers, topics, judgments, BM25_CUTOFF, vocabulary);
  const days = new Set(week.scored.map((paper) => paper.dailyDate)).size;
  console.log(
    `\n== after ratings: each topic's reader typed only its words and rated its digests of the first week of days (${week.week[0]}..${week.week[week.week.length - 1]}, ${Math.min(RATING_DAYS, week.week.length)} days): grade 2 "more like this", grade 0 "not for me"; shown no grade-2 paper, it pasted two as examples. The ${week.scored.length} papers of the ${days} days after are scored, in the digest's order (relevance and trending).`,
  );
  console.log(
    `${'topic'.padEnd(44)} like  not  ex |  cold: incl  prec  rec2  nDCG  F1  | after: incl  prec  rec2  nDCG  F1`,
  );
  for (const { reader, cold, after } of rows) {
    const label = `${reader.split === 'heldout' ? '* ' : '  '}${reader.name}`;
    console.log(
      `${label.padEnd(44)} ${ratedOf(reader)} |      ${figuresOf(cold)}  |        ${figuresOf(after)}`,
    );
  }
  return summarizeReaders('\n== after-ratings summary (means over the scored days)', rows, '', showHeldOut);
}

/** Prints a protocol's summary under `title` and how many readers rated or pasted; the means by label. */
function summarizeReaders(
  title: string,
  rows: AfterRatingsRow[],
  prefix: string,
  showHeldOut: boolean,
): Map<string, Figures> {
  console.log(title);
  const means = summarize(rows, prefix, showHeldOut);
  const rated = rows.filter((row) => row.reader.liked.length + row.reader.disliked.length > 0).length;
  const pasted = rows.filter((row) => row.reader.examples.length > 0).length;
  console.log(`(${rows.length} readers; ${rated} rated something in their week; ${pasted} pasted examples)`);
  return means;
}

/**
 * Prints the multi-interest variant of the after-ratings protocol (readers of 2-3 topics each), per reader
 * and averaged; returns its summary rows by label ("several interests: ...").
 */
function reportMultiInterest(
  papers: Paper[],
  topics: ReturnType<typeof loadTopics>,
  judgments: ReturnType<typeof loadJudgments>,
  showHeldOut: boolean,
  vocabulary: MinedVocabulary,
): Map<string, Figures> {
  const { rows } = multiInterestAfterRatings(papers, topics, judgments, BM25_CUTOFF, vocabulary);
  console.log(
    `\n== after ratings, readers with several interests: each reader follows ${INTERESTS_PER_READER} consecutive topics of topics.json (2 for the last group of a split; dev and held-out apart), types each topic's words and rates its combined digests of the same week (grade 2 for any of its topics "more like this", grade 0 "not for me"); for each topic it was shown no grade-2 paper of, it pasted two as examples. Scored on the same days against the union of its topics' judgments (best grade).`,
  );
  console.log(
    `like  not  ex |  cold: incl  prec  rec2  nDCG  F1  | after: incl  prec  rec2  nDCG  F1  | reader`,
  );
  for (const { reader, cold, after } of rows)
    console.log(
      `${ratedOf(reader).trimStart()} |      ${figuresOf(cold)}  |        ${figuresOf(after)}  | ${reader.split === 'heldout' ? '* ' : ''}${reader.name}`,
    );
  return summarizeReaders(
    '\n== after-ratings summary, readers with several interests (means over the scored days)',
    rows,
    MULTI_PREFIX,
    showHeldOut,
  );
}

/** The label prefix of the multi-interest summary rows (and of their floors). */
const MULTI_PREFIX = 'several interests: ';

const figuresOf = (f: Figures): string =>
  `${String(Math.round(f.included)).padStart(4)}  ${pct(f.precision)}  ${pct(f.recall2)}  ${pct(f.ndcg10)}  ${pct(f.f1)}`;

const ratedOf = (reader: AfterRatingsRow['reader']): string =>
  `${String(reader.liked.length).padStart(4)} ${String(reader.disliked.length).padStart(4)} ${String(reader.examples.length).padStart(3)}`;

/** Prints the means of each system by split; returns them by label. */
function summarize(rows: AfterRatingsRow[], prefix: string, showHeldOut: boolean): Map<string, Figures> {
  const systems: [string, (row: AfterRatingsRow) => Figures][] = [
    ['words only, cold', (row) => row.cold],
    ['after ratings', (row) => row.after],
    ['papers like these: two examples, no words', (row) => row.examplesOnly],
    ['baseline: all words present', (row) => row.allWords],
    [`baseline: BM25 title+abstract, cut-off ${BM25_CUTOFF}`, (row) => row.bm25],
  ];
  const splits: [string, AfterRatingsRow[]][] = [['dev', rows.filter((row) => row.reader.split === 'dev')]];
  if (showHeldOut)
    splits.push(['held-out', rows.filter((row) => row.reader.split === 'heldout')], ['all', rows]);
  const means = new Map<string, Figures>();
  console.log(`${'system'.padEnd(44)} incl  prec  rec2  nDCG  F1`);
  for (const [name, pick] of systems)
    for (const [split, splitRows] of splits) {
      const label = `${prefix}${name} (${split})`;
      const mean = average(splitRows.map(pick));
      means.set(label, mean);
      console.log(row(label, mean));
    }
  return means;
}

main();
