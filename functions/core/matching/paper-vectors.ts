/**
 * Papers as vectors of their terms, for the reader model (reader-model.ts): how close a paper is to the
 * papers a reader rated or gave as examples.
 *
 * A paper's terms come from the matcher's own analysis of it (score.ts `indexPaper`: stems, the lexicon's
 * forms and the paper's own acronyms read as their long forms, release notices left out): each word, each
 * pair of adjacent words that the corpus uses together far more often than chance (a phrase: "KV cache",
 * "property prediction"; not "comprehensive experiments"), each whole ai_keyword of three or more words and
 * each such form the lexicon or the paper's acronyms wrote out ("mixture of experts" for "MoE"). Counts are
 * weighted by field (the title says what a paper is about more than one abstract sentence does), dampened
 * (1 + ln count) and multiplied by the term's inverse document frequency; a term no other paper has is
 * left out (it relates the paper to nothing and would only shrink its cosines). Vectors keep their
 * MAX_VECTOR_TERMS heaviest terms and are unit length, so the dot product of two is their cosine.
 *
 * Document frequencies are counted over the papers at hand (a digest's window) plus the corpus statistics
 * the repository ships (corpus-terms.json, counted over the papers of data/; `npx tsx eval/corpus-terms.ts`
 * rebuilds it), so a window of fifty papers still knows that "agent" is common and "splatting" is not.
 * Field weights, the phrase test and the vector size were compared on the development topics of eval/
 * (after-ratings protocol); the figures were flat around these values.
 */
import { GenerationalCache } from '../generational-cache';
import type { Token } from './analysis';
import type { Field, IndexedPaper } from './score';
import shippedTerms from './corpus-terms.json';

/** How many times a field's occurrence of a term counts. */
export const TERM_FIELD_WEIGHTS: Record<Field, number> = {
  title: 3,
  keywords: 2,
  summary: 1.5,
  abstract: 1,
};

/** The heaviest terms a vector keeps: enough to describe a paper, bounded for the dot products. */
export const MAX_VECTOR_TERMS = 100;

/** Document frequencies: of how many papers each term is a term. */
export interface TermStats {
  papers: number;
  df: ReadonlyMap<string, number>;
  /** The papers counted, when known: the window's papers among them are not counted twice. */
  ids?: ReadonlySet<string>;
}

/** A unit-length sparse vector: term -> weight. */
export type PaperVector = ReadonlyMap<string, number>;

const hasLetter = (stem: string): boolean => /\p{L}/u.test(stem);
const isTermWord = (token: Token): boolean => !token.stop && token.stem.length >= 2 && hasLetter(token.stem);

/** A term's key: its stems joined by spaces ("kv cache"). */
const phraseKey = (stems: string[]): string => stems.join(' ');

function countSegment(segment: Token[], weight: number, counts: Map<string, number>, whole: boolean): void {
  const add = (term: string): void => {
    counts.set(term, (counts.get(term) ?? 0) + weight);
  };
  let previous: Token | undefined;
  let group: string[] | undefined;
  for (const token of segment) {
    if (!isTermWord(token)) {
      previous = undefined;
      continue;
    }
    add(token.stem);
    if (previous && previous.stem !== token.stem) add(phraseKey([previous.stem, token.stem]));
    // A form the lexicon or the paper wrote out ("mixture of experts" for MoE) is also one term.
    if (token.group && token.group !== group && token.group.length > 2) add(phraseKey(token.group));
    group = token.group;
    previous = token;
  }
  if (whole) {
    const words = segment.filter(isTermWord).map((token) => token.stem);
    if (words.length > 2) add(phraseKey(words));
  }
}

/** A paper's terms with their field-weighted counts. */
export function termCounts(paper: IndexedPaper): Map<string, number> {
  const counts = new Map<string, number>();
  for (const field of Object.keys(TERM_FIELD_WEIGHTS) as Field[]) {
    for (const segment of paper.fields[field])
      countSegment(segment, TERM_FIELD_WEIGHTS[field], counts, field === 'keywords');
  }
  return counts;
}

/** Document frequencies over these papers. */
export function termStatsOf(papers: IndexedPaper[]): TermStats {
  const df = new Map<string, number>();
  for (const paper of papers)
    for (const term of termCounts(paper).keys()) df.set(term, (df.get(term) ?? 0) + 1);
  return { papers: papers.length, df, ids: new Set(papers.map((paper) => paper.paper.id)) };
}

/** The shipped statistics and the papers at hand, each paper counted once. */
export function combineStats(shipped: TermStats, papers: IndexedPaper[]): TermStats {
  const extra = papers.filter((paper) => !shipped.ids?.has(paper.paper.id));
  if (extra.length === 0) return shipped;
  const own = termStatsOf(extra);
  const df = new Map(shipped.df);
  for (const [term, count] of own.df) df.set(term, (df.get(term) ?? 0) + count);
  return {
    papers: shipped.papers + own.papers,
    df,
    ids: new Set([...(shipped.ids ?? []), ...(own.ids ?? [])]),
  };
}

interface ShippedTermsFile {
  about: string;
  papers: number;
  /** The counted papers' arXiv ids, space-separated. */
  ids: string;
  /** One term a line: "term<TAB>document frequency"; terms of a single paper are left out. */
  df: string;
}

let shipped: TermStats | undefined;

/** The corpus statistics shipped with the repository (read on first use, not at import). */
export function shippedTermStats(): TermStats {
  if (!shipped) shipped = parseTermStats(shippedTerms as ShippedTermsFile);
  return shipped;
}

/** Reads the shipped file's shape; a malformed file is a build error, so it fails loudly. */
export function parseTermStats(file: ShippedTermsFile): TermStats {
  if (!Number.isInteger(file.papers) || file.papers < 1 || typeof file.df !== 'string')
    throw new Error('corpus-terms.json: expected { papers, ids, df }');
  const df = new Map<string, number>();
  for (const line of file.df.split('\n')) {
    if (!line) continue;
    const tab = line.lastIndexOf('\t');
    df.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return { papers: file.papers, df, ids: new Set(file.ids.split(' ').filter(Boolean)) };
}

/** The file corpus-terms.json holds for these papers (terms of one paper left out: they relate no two). */
export function termStatsFile(papers: IndexedPaper[], about: string): ShippedTermsFile {
  const stats = termStatsOf(papers);
  const lines = [...stats.df.entries()]
    .filter(([, count]) => count >= 2)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([term, count]) => `${term}\t${count}`);
  const ids = papers.map((paper) => paper.paper.id).sort();
  return { about, papers: stats.papers, ids: ids.join(' '), df: `${lines.join('\n')}\n` };
}

/** Inverse document frequency: ln((N + 1) / (df + 1)); a term of every paper weighs almost nothing. */
const idfOf = (stats: TermStats, term: string): number =>
  Math.log((stats.papers + 1) / ((stats.df.get(term) ?? 0) + 1));

/** A pair of words is a phrase when papers use it together this many times more often than by chance. */
export const COLLOCATION_LIFT = 8;

/**
 * A two-word term is kept when its words go together ("KV cache", "property prediction"), not when they
 * only happened to meet ("comprehensive experimental", "future improvements"): its document frequency
 * against what the words' own frequencies would give by chance.
 */
function isCollocation(stats: TermStats, term: string): boolean {
  const space = term.indexOf(' ');
  if (space < 0 || term.indexOf(' ', space + 1) >= 0) return true;
  const both = stats.df.get(term) ?? 0;
  const first = stats.df.get(term.slice(0, space)) ?? 1;
  const second = stats.df.get(term.slice(space + 1)) ?? 1;
  return both * stats.papers >= COLLOCATION_LIFT * first * second;
}

/** A paper's unit-length TF-IDF vector, its MAX_VECTOR_TERMS heaviest terms. */
export function paperVector(paper: IndexedPaper, stats: TermStats): PaperVector {
  // A term no other paper has relates this paper to none: it would only lengthen the vector.
  const counted = stats.ids?.has(paper.paper.id) ? 1 : 0;
  const weighted: [string, number][] = [];
  for (const [term, count] of termCounts(paper)) {
    if ((stats.df.get(term) ?? 0) - counted < 1 || !isCollocation(stats, term)) continue;
    const weight = (1 + Math.log(count)) * idfOf(stats, term);
    if (weight > 0 && Number.isFinite(weight)) weighted.push([term, weight]);
  }
  weighted.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = weighted.slice(0, MAX_VECTOR_TERMS);
  const norm = Math.sqrt(kept.reduce((sum, [, weight]) => sum + weight * weight, 0));
  return new Map(norm > 0 ? kept.map(([term, weight]) => [term, weight / norm]) : []);
}

/** Rated papers whose cosines with the window a space keeps (a float per window paper each). */
const RATED_SIMILARITIES_KEPT = 20_000;

/**
 * The papers of one window as vectors, indexed by term: the cosine of any vector with every window paper
 * costs one pass over that vector's terms.
 */
export class PaperSpace {
  readonly ids: readonly string[];
  readonly stats: TermStats;
  private readonly positions: ReadonlyMap<string, number>;
  private readonly vectors: PaperVector[];
  private readonly postings = new Map<string, { at: number[]; weight: number[] }>();
  /** Rated papers' cosines with the window, by paper id: many readers rate the same papers. */
  private readonly rated = new GenerationalCache<string, Float32Array>(RATED_SIMILARITIES_KEPT);
  /** Terms as numbers and vectors as arrays of them, for sums without a Map per sum. */
  private readonly termNumbers = new Map<string, number>();
  private readonly numbered = new WeakMap<PaperVector, { terms: Int32Array; weights: Float64Array }>();
  private sums = new Float64Array(4096);

  constructor(papers: IndexedPaper[], shippedStats: TermStats = shippedTermStats()) {
    this.stats = combineStats(shippedStats, papers);
    this.ids = papers.map((paper) => paper.paper.id);
    this.positions = new Map(this.ids.map((id, at) => [id, at]));
    this.vectors = papers.map((paper) => paperVector(paper, this.stats));
    this.vectors.forEach((vector, at) => {
      for (const [term, weight] of vector) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = { at: [], weight: [] }));
        list.at.push(at);
        list.weight.push(weight);
      }
    });
  }

  /** Where a paper of the window is in `ids` (and in similarity arrays), or undefined. */
  positionOf(paperId: string): number | undefined {
    return this.positions.get(paperId);
  }

  /** The vector of the window paper at `at`. */
  vectorAt(at: number): PaperVector {
    return this.vectors[at];
  }

  /** Any paper's vector, with this window's statistics. */
  vectorOf(paper: IndexedPaper): PaperVector {
    return paperVector(paper, this.stats);
  }

  /**
   * The cosine of a known paper (by id, with its vector in this space) with each window paper, in the order
   * of `ids`; computed once per paper while kept.
   */
  similaritiesTo(paperId: string, vector: PaperVector): Float32Array {
    let kept = this.rated.get(paperId);
    if (!kept) {
      kept = Float32Array.from(this.similarities(vector));
      this.rated.set(paperId, kept);
    }
    return kept;
  }

  /** The length of the sum of the vectors (a reader's profile, before it is made unit length). */
  normOfSum(vectors: readonly PaperVector[]): number {
    const touched: number[] = [];
    for (const vector of vectors) {
      const { terms, weights } = this.numberedOf(vector);
      for (let index = 0; index < terms.length; index += 1) {
        const term = terms[index];
        if (this.sums[term] === 0) touched.push(term);
        this.sums[term] += weights[index];
      }
    }
    let squares = 0;
    for (const term of touched) {
      squares += this.sums[term] * this.sums[term];
      this.sums[term] = 0;
    }
    return Math.sqrt(squares);
  }

  private numberedOf(vector: PaperVector): { terms: Int32Array; weights: Float64Array } {
    let known = this.numbered.get(vector);
    if (!known) {
      const terms = new Int32Array(vector.size);
      const weights = new Float64Array(vector.size);
      let index = 0;
      for (const [term, weight] of vector) {
        let number = this.termNumbers.get(term);
        if (number === undefined) this.termNumbers.set(term, (number = this.termNumbers.size));
        terms[index] = number;
        weights[index] = weight;
        index += 1;
      }
      if (this.termNumbers.size > this.sums.length) {
        const grown = new Float64Array(Math.max(this.termNumbers.size, this.sums.length * 2));
        grown.set(this.sums);
        this.sums = grown;
      }
      known = { terms, weights };
      this.numbered.set(vector, known);
    }
    return known;
  }

  /** The cosine of `vector` with each window paper, in the order of `ids`. */
  similarities(vector: PaperVector): Float64Array {
    const out = new Float64Array(this.ids.length);
    for (const [term, weight] of vector) {
      const list = this.postings.get(term);
      if (!list) continue;
      for (let index = 0; index < list.at.length; index += 1)
        out[list.at[index]] += weight * list.weight[index];
    }
    return out;
  }
}

/** The cosine of two vectors. */
export function cosine(a: PaperVector, b: PaperVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) sum += weight * (large.get(term) ?? 0);
  return sum;
}
