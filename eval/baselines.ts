/**
 * The two baselines the matcher is compared with, both over title + abstract only, with the same
 * stemmer and stop words as the matcher but none of its analysis (no acronyms, no phrases, no fields).
 */
import { tokenize } from '../functions/core/matching/analysis';
import type { Paper } from '../functions/core/papers';

const words = (text: string): string[] =>
  tokenize(text)
    .filter((token) => !token.stop)
    .map((token) => token.stem);

interface Doc {
  id: string;
  terms: Map<string, number>;
  titleTerms: Set<string>;
  length: number;
}

function toDoc(paper: Paper): Doc {
  const title = words(paper.title);
  const all = [...title, ...words(paper.abstract)];
  const terms = new Map<string, number>();
  for (const term of all) terms.set(term, (terms.get(term) ?? 0) + 1);
  return { id: paper.id, terms, titleTerms: new Set(title), length: all.length };
}

export interface Ranked {
  id: string;
  score: number;
}

/** Every query word present in title + abstract; ordered by occurrences (title words twice). */
export function allWordsBaseline(papers: Paper[]): (query: string) => Ranked[] {
  const docs = papers.map(toDoc);
  return (query) => {
    const terms = [...new Set(words(query))];
    if (terms.length === 0) return [];
    return docs
      .filter((doc) => terms.every((term) => doc.terms.has(term)))
      .map((doc) => ({
        id: doc.id,
        score: terms.reduce(
          (sum, term) => sum + (doc.terms.get(term) ?? 0) + (doc.titleTerms.has(term) ? 2 : 0),
          0,
        ),
      }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  };
}

/**
 * The BM25 baseline's cut-off on the normalized score (score / the query's best possible score). 0.5
 * is the value of {0.2, 0.25, ..., 0.7} with the best mean F1 over the dev topics (eval/calibrate.ts):
 * the most favourable single cut-off, so the comparison does not flatter our matcher.
 */
export const BM25_CUTOFF = 0.5;

export const BM25 = { k1: 1.2, b: 0.75 };

/**
 * Plain BM25 over title + abstract. Scores are divided by the query's best possible score
 * (sum of idf·(k1+1)) so one cut-off serves every query; `cutoff` keeps papers at or above it.
 */
export function bm25Baseline(papers: Paper[], cutoff: number): (query: string) => Ranked[] {
  const docs = papers.map(toDoc);
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.terms.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const averageLength = docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, docs.length);
  const idf = (term: string): number => {
    const n = df.get(term) ?? 0;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  };
  return (query) => {
    const terms = [...new Set(words(query))];
    const best = terms.reduce((sum, term) => sum + idf(term) * (BM25.k1 + 1), 0);
    if (best === 0) return [];
    return docs
      .map((doc) => {
        let score = 0;
        for (const term of terms) {
          const tf = doc.terms.get(term) ?? 0;
          if (tf === 0) continue;
          score +=
            (idf(term) * tf * (BM25.k1 + 1)) /
            (tf + BM25.k1 * (1 - BM25.b + (BM25.b * doc.length) / averageLength));
        }
        return { id: doc.id, score: score / best };
      })
      .filter((ranked) => ranked.score > 0 && ranked.score >= cutoff)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  };
}
