/**
 * Vocabulary learned from the corpus (issue 13): related terms and acronyms mined from papers, so that the
 * field's new names come in without anyone writing them. Two sources, both in the shape the matcher's
 * hand-written lists have (related.ts `RelatedGroup`), read by query.ts after them:
 *
 * - **Acronym definitions**: "Group Relative Policy Optimization (GRPO)" in abstracts, titles, summaries
 *   and keywords (acronyms.ts, Schwartz–Hearst). An acronym defined by at least `minDefinitions` papers,
 *   nearly always with one long form (`minShare` of its definitions), is a group of its two forms: a paper
 *   that writes only "GRPO" then serves a reader who typed the long form, and the other way round. Forms
 *   the lexicon already rewrites to one (LLM = large language model) are left to it.
 * - **ai_keywords that travel together**: two keywords (read as the matcher reads them: stems, lexicon
 *   forms, the mined acronyms as their long forms) listed by the same papers far more often than chance.
 *   Both must be listed by `minKeywordPapers` papers, together by `minCooccurrence`; the association must
 *   be significant (Dunning's log-likelihood ratio G² ≥ `minLogLikelihood`, on the 2×2 table of papers
 *   with keywords) and strong (pointwise mutual information ≥ `minPmi` bits, and each must be in at least
 *   `minConfidence` of the other's papers, P(b|a) and P(a|b)). A keyword's group relates it to its
 *   `maxRelated` strongest partners.
 *
 * Pure and deterministic: the same papers, in any order, give the same vocabulary. Linear in the papers
 * (pairs of one paper's keywords), a few seconds for 30,000 papers (bench/vocabulary-bench.ts).
 */
import type { Paper } from '../papers';
import { findAcronymDefinitions, looksLikeAcronym } from './acronyms';
import { trimStops, type Token } from './analysis';
import { analyze, isAmbiguousAcronym } from './canonical';
import { GENERIC_WORDS } from './lexicon';
import type { RelatedGroup } from './related';

/** A mined vocabulary as stored and shipped: its groups and what they were mined from. */
export interface MinedVocabulary {
  /** Format of the groups; a reader of another version mines afresh. */
  version: typeof VOCABULARY_VERSION;
  /** Papers mined, and the first and last Daily Papers day among them. */
  papers: number;
  from?: string;
  to?: string;
  /** Acronym groups (terms: long form, acronym), then keyword groups (terms: one keyword). */
  groups: RelatedGroup[];
}

export const VOCABULARY_VERSION = 1;

export interface MiningOptions {
  /** Papers that must define an acronym before it is a group. */
  minDefinitions: number;
  /** Share of an acronym's definitions its most common long form must have. */
  minShare: number;
  /** Papers that must list a keyword before it can relate to another. */
  minKeywordPapers: number;
  /** Papers that must list two keywords together. */
  minCooccurrence: number;
  /** Dunning's G² of the pair (10.83: p < 0.001 with one degree of freedom). */
  minLogLikelihood: number;
  /** log2 of observed over expected co-occurrence. */
  minPmi: number;
  /**
   * a relates to b when P(a | b) is at least this: the papers that list b mostly list a too, so a reader
   * of a wants them (directed: "GUI agents" does not relate to "planning", which most planning papers are
   * not about).
   */
  minConfidence: number;
  /** Whether one plain word ("reasoning", "memory") may be a related term. */
  broadRelated: boolean;
  /** Related keywords per group, strongest first. */
  maxRelated: number;
}

export const MINING: MiningOptions = {
  minDefinitions: 2,
  minShare: 0.6,
  minKeywordPapers: 3,
  minCooccurrence: 3,
  minLogLikelihood: 10.83,
  minPmi: 2,
  minConfidence: 0.5,
  broadRelated: false,
  maxRelated: 8,
};

/** Keywords of more words than this are descriptions ("state-of-the-art image-editing models"), not names. */
const MAX_KEYWORD_WORDS = 4;

/** Code-unit order: the same in every locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const keyOf = (tokens: Token[]): string => tokens.map((token) => token.stem).join(' ');

/** Counts a value per key, and which written form of the key is most common. */
class Forms {
  private readonly forms = new Map<string, Map<string, number>>();

  add(key: string, surface: string): void {
    let counts = this.forms.get(key);
    if (!counts) this.forms.set(key, (counts = new Map()));
    counts.set(surface, (counts.get(surface) ?? 0) + 1);
  }

  /** The most common form; ties go to the first in code-unit order (deterministic). */
  best(key: string): string {
    let best = '';
    let count = 0;
    for (const [surface, n] of this.forms.get(key) ?? [])
      if (n > count || (n === count && surface < best)) [best, count] = [surface, n];
    return best;
  }
}

/** How a text is read once: its analyzed tokens, stops trimmed (a bounded cache; texts repeat). */
const ANALYZED = new Map<string, Token[]>();
function analyzed(text: string): Token[] {
  let tokens = ANALYZED.get(text);
  if (!tokens) {
    tokens = trimStops(analyze(text));
    if (ANALYZED.size >= 200_000) ANALYZED.clear();
    ANALYZED.set(text, tokens);
  }
  return tokens;
}

/** A written form as a group shows it: spaces for the hyphens and spaces between words, trimmed. */
const tidy = (text: string): string => text.replace(/\s+/g, ' ').trim();

interface AcronymTable {
  groups: RelatedGroup[];
  /** Lower-cased acronym -> the key (stems) of its long form, to read keyword acronyms as their long form. */
  longKeyOf: Map<string, string>;
}

/** The acronym groups: acronyms defined by enough papers, nearly always in one way. */
function mineAcronyms(papers: Paper[], options: MiningOptions): AcronymTable {
  // acronym (lower case) -> long form key -> papers defining it so
  const definitions = new Map<string, Map<string, number>>();
  const acronymForms = new Forms();
  const longForms = new Forms();
  for (const paper of papers) {
    const seen = new Map<string, string>();
    const texts = [paper.title, paper.abstract, paper.aiSummary ?? '', ...paper.aiKeywords];
    for (const text of texts) {
      if (!text.includes('(')) continue;
      for (const { acronym, longForm } of findAcronymDefinitions(text)) {
        const lower = acronym.toLowerCase();
        if (seen.has(lower)) continue;
        const long = analyzed(longForm);
        if (long.length < 2 || long.some((token) => token.stop && token.surface.length > 3)) continue;
        const key = keyOf(long);
        seen.set(lower, key);
        acronymForms.add(lower, acronym);
        longForms.add(key, tidy(longForm.toLowerCase()));
      }
    }
    for (const [lower, key] of seen) {
      let byLong = definitions.get(lower);
      if (!byLong) definitions.set(lower, (byLong = new Map()));
      byLong.set(key, (byLong.get(key) ?? 0) + 1);
    }
  }
  const groups: RelatedGroup[] = [];
  const longKeyOf = new Map<string, string>();
  for (const lower of [...definitions.keys()].sort()) {
    const byLong = definitions.get(lower) as Map<string, number>;
    let total = 0;
    let bestKey = '';
    let bestCount = 0;
    for (const [key, count] of byLong) {
      total += count;
      if (count > bestCount || (count === bestCount && key < bestKey)) [bestKey, bestCount] = [key, count];
    }
    if (bestCount < options.minDefinitions || bestCount < options.minShare * total) continue;
    const acronym = acronymForms.best(lower);
    if (!looksLikeAcronym(acronym)) continue;
    // The lexicon already reads the letters (LLM = large language model), or reads them only where a
    // paper defines them (TTS: text-to-speech or test-time scaling): left to it.
    const letters = analyzed(acronym);
    if (letters.length !== 1 || letters[0].group || isAmbiguousAcronym(letters[0].stem)) continue;
    if (keyOf(letters) === bestKey) continue;
    longKeyOf.set(lower, bestKey);
    // Inside a phrase too ("GRPO training"), unless two letters could be a word of the phrase.
    groups.push({
      terms: [longForms.best(bestKey), acronym],
      related: [],
      ...(acronym.length >= 3 ? { inPhrase: true } : {}),
    });
  }
  return { groups, longKeyOf };
}

/** A keyword as a key of stems, or undefined when it names nothing specific. */
function keywordKey(keyword: string, acronyms: Map<string, string>): string | undefined {
  // "Large Language Models (LLMs)": the long form; the definition is the acronym miner's.
  const text = tidy(keyword.replace(/\s*\([^()]*\)\s*/g, ' '));
  if (!/\p{L}/u.test(text)) return undefined;
  const tokens = analyzed(text);
  const content = tokens.filter((token) => !token.stop);
  if (content.length === 0 || tokens.length > MAX_KEYWORD_WORDS) return undefined;
  if (content.every((token) => GENERIC_WORDS.has(token.stem))) return undefined;
  if (content.length === 1 && content[0].surface.length < 3) return undefined;
  const key = keyOf(tokens);
  return (tokens.length === 1 && acronyms.get(text.toLowerCase())) || key;
}

/** Dunning's log-likelihood ratio of a 2×2 contingency table. */
function logLikelihood(both: number, a: number, b: number, n: number): number {
  const cells = [
    [both, (a * b) / n],
    [a - both, (a * (n - b)) / n],
    [b - both, ((n - a) * b) / n],
    [n - a - b + both, ((n - a) * (n - b)) / n],
  ];
  let sum = 0;
  for (const [observed, expected] of cells) if (observed > 0) sum += observed * Math.log(observed / expected);
  return 2 * sum;
}

/** The keyword groups: keywords that papers list together far more often than chance. */
function mineKeywords(
  papers: Paper[],
  acronyms: Map<string, string>,
  options: MiningOptions,
): RelatedGroup[] {
  const forms = new Forms();
  const ids = new Map<string, number>();
  const keysOfPapers: number[][] = [];
  for (const paper of papers) {
    const keys = new Set<number>();
    for (const keyword of paper.aiKeywords) {
      const key = keywordKey(keyword, acronyms);
      if (!key) continue;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      forms.add(key, tidy(keyword.replace(/\s*\([^()]*\)\s*/g, ' ')));
      keys.add(id);
    }
    if (keys.size > 0) keysOfPapers.push([...keys].sort((a, b) => a - b));
  }
  const keyById = new Map([...ids].map(([key, id]) => [id, key]));
  const text = (id: number): string => forms.best(keyById.get(id) as string);
  const n = keysOfPapers.length;
  const count = new Array<number>(ids.size).fill(0);
  for (const keys of keysOfPapers) for (const id of keys) count[id] += 1;
  const frequent = (id: number): boolean => count[id] >= options.minKeywordPapers;
  const pairs = new Map<number, number>();
  const width = ids.size;
  for (const keys of keysOfPapers) {
    const kept = keys.filter(frequent);
    for (let i = 0; i < kept.length; i += 1)
      for (let j = i + 1; j < kept.length; j += 1) {
        const pair = kept[i] * width + kept[j];
        pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
      }
  }
  const partners = new Map<number, { id: number; strength: number }[]>();
  const link = (from: number, to: number, strength: number): void => {
    const list = partners.get(from);
    if (list) list.push({ id: to, strength });
    else partners.set(from, [{ id: to, strength }]);
  };
  for (const [pair, both] of pairs) {
    if (both < options.minCooccurrence) continue;
    const a = Math.floor(pair / width);
    const b = pair % width;
    const [na, nb] = [count[a], count[b]];
    if (Math.log2((both * n) / (na * nb)) < options.minPmi) continue;
    const g2 = logLikelihood(both, na, nb, n);
    if (g2 < options.minLogLikelihood) continue;
    // a -> b when the papers listing b mostly list a too: a reader of a wants them.
    if (both / nb >= options.minConfidence && (options.broadRelated || !isBroad(b))) link(a, b, g2);
    if (both / na >= options.minConfidence && (options.broadRelated || !isBroad(a))) link(b, a, g2);
  }
  function isBroad(id: number): boolean {
    // One plain word ("reasoning", "memory", "exploration"): a subject, not a name ("FlashAttention", "GRPO").
    const written = text(id);
    return !/[\s-]/.test(written) && !/\p{Lu}|\d/u.test(written.slice(1));
  }
  return [...partners.entries()]
    .map(([id, list]) => ({
      terms: [text(id)],
      related: list
        .sort((x, y) => y.strength - x.strength || byText(text(x.id), text(y.id)))
        .slice(0, options.maxRelated)
        .map((partner) => text(partner.id)),
    }))
    .sort((x, y) => byText(x.terms[0], y.terms[0]));
}

/** Mines a vocabulary from papers (any order: the result depends only on the set of papers). */
export function mineVocabulary(papers: Paper[], options: MiningOptions = MINING): MinedVocabulary {
  const byId = new Map<string, Paper>();
  for (const paper of papers) if (!byId.has(paper.id)) byId.set(paper.id, paper);
  const sorted = [...byId.values()].sort((a, b) => byText(a.id, b.id));
  const acronyms = mineAcronyms(sorted, options);
  const keywords = mineKeywords(sorted, acronyms.longKeyOf, options);
  const days = sorted.map((paper) => paper.dailyDate).sort();
  return {
    version: VOCABULARY_VERSION,
    papers: sorted.length,
    ...(days.length > 0 ? { from: days[0], to: days[days.length - 1] } : {}),
    groups: [...acronyms.groups, ...keywords],
  };
}
