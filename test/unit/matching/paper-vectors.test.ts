import { readFileSync } from 'node:fs';
import { indexPaper } from '../../../functions/core/matching/score';
import {
  combineStats,
  cosine,
  MAX_VECTOR_TERMS,
  PaperSpace,
  paperVector,
  shippedTermStats,
  termStatsFile,
  termStatsOf,
  type TermStats,
} from '../../../functions/core/matching/paper-vectors';
import { CORPUS_TERMS_ABOUT, CORPUS_TERMS_FILE } from '../../../eval/corpus-terms';
import { loadPool } from '../../../eval/data';
import { aPaper, fillerPapers } from './builders';

const noShippedStats: TermStats = { papers: 0, df: new Map(), ids: new Set() };

const cachePaper = (title: string, abstract: string) =>
  aPaper({ title, abstract, aiKeywords: ['KV cache', 'cache eviction'] });

describe('paper vectors', () => {
  const first = cachePaper(
    'Evicting the KV Cache by Attention Scores',
    'We evict tokens from the KV cache of long-context models. The KV cache shrinks fourfold.',
  );
  const second = cachePaper(
    'Quantized KV Cache for Long Context',
    'We quantize the KV cache to two bits. Long-context decoding keeps its accuracy.',
  );
  const other = aPaper({
    title: 'Protein Folding with Equivariant Networks',
    abstract: 'We fold proteins with equivariant networks. Structures improve.',
  });
  const window = [first, second, other, ...fillerPapers(20)].map(indexPaper);

  it('are unit length, so a paper is its own nearest neighbour at cosine 1', () => {
    const space = new PaperSpace(window, noShippedStats);
    const vector = space.vectorOf(window[0]);
    const norm = Math.sqrt([...vector.values()].reduce((sum, weight) => sum + weight * weight, 0));
    expect(norm).toBeCloseTo(1, 10);
    expect(cosine(vector, vector)).toBeCloseTo(1, 10);
    expect(vector.size).toBeLessThanOrEqual(MAX_VECTOR_TERMS);
  });

  it('put papers on one subject closer than papers on another', () => {
    const space = new PaperSpace(window, noShippedStats);
    const toFirst = space.similarities(space.vectorOf(window[0]));
    expect(toFirst[1]).toBeGreaterThan(0.2);
    expect(toFirst[1]).toBeGreaterThan(toFirst[2] + 0.2);
    expect(toFirst[2]).toBeLessThan(0.05);
  });

  it('keep phrases that go together and leave out terms no other paper has', () => {
    const stats = termStatsOf(window);
    const vector = paperVector(window[0], stats);
    expect(vector.has('valu cach')).toBe(true);
    // "KV cache" is the lexicon's key-value cache; "fourfold" is this paper's alone: it relates it to nothing.
    expect([...vector.keys()].some((term) => term.includes('fourfold'))).toBe(false);
  });

  it('do not depend on the order of the window', () => {
    const forward = new PaperSpace(window, noShippedStats);
    const backward = new PaperSpace([...window].reverse(), noShippedStats);
    expect([...backward.vectorOf(window[0])]).toEqual([...forward.vectorOf(window[0])]);
  });

  it('count a window paper the shipped statistics already hold once', () => {
    const shipped = termStatsOf(window.slice(0, 2));
    const combined = combineStats(shipped, window);
    expect(combined.papers).toBe(window.length);
    expect(combined.df.get('valu cach')).toBe(2);
    expect(combineStats(shipped, window.slice(0, 2))).toBe(shipped);
  });

  it('ship corpus statistics that match the analysis and the data (rebuild: npx tsx eval/corpus-terms.ts)', () => {
    const shipped = JSON.parse(readFileSync(CORPUS_TERMS_FILE, 'utf8'));
    const rebuilt = termStatsFile(loadPool().map(indexPaper), CORPUS_TERMS_ABOUT);
    expect(shipped.papers).toBe(rebuilt.papers);
    expect(shipped.ids).toBe(rebuilt.ids);
    expect(shipped.df === rebuilt.df).toBe(true);
    expect(shippedTermStats().papers).toBe(rebuilt.papers);
  }, 60_000);
});
