/**
 * How long mining the vocabulary takes (functions/core/matching/mine-vocabulary.ts): on the real papers
 * of data/, and on a 30,000-paper corpus made by repeating them with changed ids (as many papers as some
 * 18 months of Daily Papers). Figures only; `npm run bench` prints them, `npx tsx bench/vocabulary-bench.ts`
 * alone too.
 */
import { performance } from 'node:perf_hooks';
import { mineVocabulary } from '../functions/core/matching/mine-vocabulary';
import type { Paper } from '../functions/core/papers';
import { loadPool } from '../eval/data';

export interface VocabularyFigures {
  papers: number;
  /** First mining in the process (cold analysis caches), then the median of three warm ones. */
  coldMs: number;
  warmMs: number;
  groups: number;
  jsonKB: number;
}

/** `papers` repeated with new ids (and shifted days) until there are `count`. */
export function repeatedCorpus(papers: Paper[], count: number): Paper[] {
  return Array.from({ length: count }, (_, at) => {
    const paper = papers[at % papers.length];
    const round = Math.floor(at / papers.length);
    return round === 0 ? paper : { ...paper, id: `${paper.id}r${round}` };
  });
}

function measure(papers: Paper[]): VocabularyFigures {
  let started = performance.now();
  const vocabulary = mineVocabulary(papers);
  const coldMs = performance.now() - started;
  const warm: number[] = [];
  for (let run = 0; run < 3; run++) {
    started = performance.now();
    mineVocabulary(papers);
    warm.push(performance.now() - started);
  }
  warm.sort((a, b) => a - b);
  return {
    papers: papers.length,
    coldMs,
    warmMs: warm[1],
    groups: vocabulary.groups.length,
    jsonKB: JSON.stringify(vocabulary).length / 1024,
  };
}

export function measureVocabularyMining(papers: Paper[], synthetic = 30_000): VocabularyFigures[] {
  return [measure(papers), measure(repeatedCorpus(papers, synthetic))];
}

if (require.main === module) {
  for (const figures of measureVocabularyMining(loadPool()))
    console.log(
      `  mining ${figures.papers} papers: ${figures.coldMs.toFixed(0)} ms cold, ${figures.warmMs.toFixed(0)} ms warm; ${figures.groups} groups, ${figures.jsonKB.toFixed(1)} KB of JSON`,
    );
}
