/**
 * Mined against hand-written vocabulary (issue 13): the matcher with the related terms written by hand
 * (vocabulary/related.json, vocabulary/field-terms.json), with the vocabulary mined from the papers
 * (mine-vocabulary.ts), with both and with neither, on dev and held-out topics, and the unseen-topic proxy
 * (dev topics without related.json's groups, written after rounds had shown their topics) with and without
 * the mined vocabulary. `npx tsx eval/vocabulary.ts [--dev-only]`.
 *
 * The vocabulary is mined from every paper of the pool, as the ingest does from the papers stored so far
 * (the papers of the day a digest is planned included); `--earlier-half` mines only from the papers of the
 * first half of the days instead, so that no scored paper of the later half taught the vocabulary anything.
 */
import { loadJudgments, loadPool, loadTopics } from './data';
import { average, figures, type Figures } from './metrics';
import { createMatcher, type MatcherOptions } from '../functions/core/matching';
import {
  mineVocabulary,
  type MinedVocabulary,
  type MiningOptions,
  MINING,
} from '../functions/core/matching/mine-vocabulary';
import type { Paper } from '../functions/core/papers';

export interface VocabularySystem {
  name: string;
  options: MatcherOptions;
  /** Only dev topics are read this way (the unseen-topic proxy). */
  devOnly?: boolean;
}

export function vocabularySystems(vocabulary: MinedVocabulary): VocabularySystem[] {
  return [
    { name: 'hand only', options: {} },
    { name: 'mined only', options: { relatedTerms: false, fieldTerms: false, vocabulary } },
    { name: 'hand and mined', options: { vocabulary } },
    { name: 'neither', options: { relatedTerms: false, fieldTerms: false } },
    { name: 'proxy: field terms only', options: { relatedTerms: false }, devOnly: true },
    {
      name: 'proxy: mined only',
      options: { relatedTerms: false, fieldTerms: false, vocabulary },
      devOnly: true,
    },
    { name: 'proxy: field terms and mined', options: { relatedTerms: false, vocabulary }, devOnly: true },
  ];
}

/** Mean figures per system and split. */
export function compareVocabularies(
  papers: Paper[],
  systems: VocabularySystem[],
  splits: ('dev' | 'heldout')[] = ['dev', 'heldout'],
  scored: Paper[] = papers,
): Map<string, Figures> {
  const topics = loadTopics();
  const judgments = loadJudgments();
  const out = new Map<string, Figures>();
  for (const system of systems) {
    const matcher = createMatcher(scored, system.options);
    for (const split of splits) {
      if (system.devOnly && split !== 'dev') continue;
      const rows = topics
        .filter((topic) => topic.split === split && judgments[topic.query])
        .map((topic) =>
          figures(
            matcher.match({ kind: 'keyword', text: topic.query }).map((hit) => hit.paperId),
            judgments[topic.query],
          ),
        );
      if (rows.length > 0) out.set(`${system.name} (${split})`, average(rows));
    }
  }
  return out;
}

const pct = (value: number): string => value.toFixed(3);

if (require.main === module) {
  const papers = loadPool();
  const days = [...new Set(papers.map((paper) => paper.dailyDate))].sort();
  const earlier = process.argv.includes('--earlier-half');
  const cut = days[Math.floor(days.length / 2)];
  const minedFrom = earlier ? papers.filter((paper) => paper.dailyDate < cut) : papers;
  const overrides = process.argv.find((arg) => arg.startsWith('--mining='));
  const options: MiningOptions = overrides
    ? { ...MINING, ...(JSON.parse(overrides.slice('--mining='.length)) as Partial<MiningOptions>) }
    : MINING;
  const vocabulary = mineVocabulary(minedFrom, options);
  console.log(
    `vocabulary mined from ${vocabulary.papers} papers (${vocabulary.from}..${vocabulary.to}): ${vocabulary.groups.length} groups`,
  );
  const splits: ('dev' | 'heldout')[] = process.argv.includes('--dev-only') ? ['dev'] : ['dev', 'heldout'];
  const means = compareVocabularies(papers, vocabularySystems(vocabulary), splits);
  console.log(`${'system'.padEnd(44)} incl   prec   rec2   nDCG   F1`);
  for (const [label, f] of means)
    console.log(
      `${label.padEnd(44)} ${String(Math.round(f.included)).padStart(4)}  ${pct(f.precision)}  ${pct(f.recall2)}  ${pct(f.ndcg10)}  ${pct(f.f1)}`,
    );
}
