/**
 * Scoring one paper against phrases, and the decision whether the paper is about them.
 *
 * Evidence is counted per field: title, ai_summary, ai_keywords, abstract. In each sentence (each
 * keyword) a phrase counts 1 when it occurs as a phrase, and `nearCredit` when all its words occur
 * close together in any order ("compressing the KV cache" for "KV cache compression"). Per field the
 * count saturates (1 - 0.5^count) and is weighted:
 *
 *   evidence = title·sat(title) + summary·sat(summary) + keywords·sat(keywords) + abstract·sat(abstract)
 *
 * with the weights of SCORING. ai_keywords are extracted from the abstract, so a keyword mention is
 * weak extra evidence; ai_summary is one sentence on what the paper is about, so a mention there
 * confirms the abstract. Two mentions in the abstract decide as the title does. Older papers have
 * neither summary nor keywords; for them the abstract weighs `abstractAlone`.
 *
 * A paper is in a digest when evidence ≥ SCORING.threshold. The decision uses only the paper and the
 * query, never the other papers of the day, so it does not depend on how many arrived.
 * The weights were calibrated once over the development topics of eval/ (eval/calibrate.ts), as global
 * constants: nothing in them is specific to a phrase.
 */
import { analyze, isModelName, paperRewriters, rewrite, type Rewriter } from './canonical';
import { findAcronymDefinitions } from './acronyms';
import { isReleaseNotice, splitSentences, type Token } from './analysis';
import type { Concept } from './query';
import { GENERIC_WORDS } from './lexicon';
import type { Paper } from '../papers';

export interface ScoringParameters {
  title: number;
  summary: number;
  keywords: number;
  abstract: number;
  /** Abstract weight for papers with neither ai_keywords nor ai_summary. */
  abstractAlone: number;
  /** Credit of a co-occurrence of all the words in one sentence, as a share of a phrase occurrence. */
  nearCredit: number;
  /** In a title every word is chosen: all the words of the phrase there count almost as the phrase. */
  titleNearCredit: number;
  /**
   * All the words of the phrase in the title with at most TIGHT_TITLE_WORDS_BETWEEN others among them
   * count as the phrase ("Training LLM Agents for Long-Horizon Decision Making" is about long-horizon
   * agents). Round 22: dev recall +0.01, and every paper it newly included was graded relevant.
   */
  titleTightCredit: number;
  /**
   * Title credit when the title holds the distinctive words of the phrase ("GUI" of "GUI agents": "GUI
   * Grounding via ...") and the whole phrase occurs elsewhere in the paper.
   */
  titleWordsCredit: number;
  /** A phrase of 3+ words not found whole: its best part counts at this share when the rest occurs too. */
  partShare: number;
  /** Secondary phrases of a topic add this share of their evidence to the best one's. */
  secondaryShare: number;
  /**
   * Evidence of a phrase in related words (query.ts expansions, related.ts) counts at this share: below
   * 1/title·sat(1) = 1, so a related phrase once in the title, or once in the summary and once in the
   * abstract, is not enough alone; in the title and the summary (or abstract) it is.
   */
  expansion: number;
  /**
   * Evidence of the reader's phrase less a generic modifier ("jailbreak" for "LLM jailbreaks") counts at
   * this share, and only when the title, the summary or the keywords hold it.
   */
  modifierDropped: number;
  /**
   * Ranking only: the order of the included papers is evidence + centrality·centrality, where
   * centrality (0..1) says how much the paper is about the phrase rather than mentioning it (see
   * `centralityOf`). The decision does not use it.
   */
  centrality: number;
  /**
   * Ranking only: evidence from related terms alone counts at this share in the order, so that a paper
   * in the reader's own words comes before one about a neighbouring term (DPO for "RLHF").
   */
  relatedRank: number;
  /** The decision threshold on the evidence. */
  threshold: number;
}

export const SCORING: ScoringParameters = {
  title: 2.0,
  summary: 0.8,
  keywords: 0.3,
  abstract: 1.6,
  abstractAlone: 1.8,
  nearCredit: 0.6,
  titleNearCredit: 0.8,
  titleTightCredit: 1.0,
  titleWordsCredit: 0.5,
  partShare: 0.5,
  secondaryShare: 0.25,
  expansion: 0.6,
  modifierDropped: 1.0,
  centrality: 1,
  relatedRank: 1,
  threshold: 1.0,
};

export const THRESHOLD = SCORING.threshold;

/** Words of a title between the words of a phrase that still leave it said "close together". */
const TIGHT_TITLE_WORDS_BETWEEN = 4;
export type Field = 'title' | 'summary' | 'keywords' | 'abstract';
const FIELDS: Field[] = ['title', 'summary', 'keywords', 'abstract'];
export const FIELD_WEIGHTS: Record<Field, number> = {
  title: SCORING.title,
  summary: SCORING.summary,
  keywords: SCORING.keywords,
  abstract: SCORING.abstract,
};

export interface IndexedPaper {
  paper: Paper;
  fields: Record<Field, Token[][]>;
  /** Every stem of the paper: a phrase with a word the paper never uses has no evidence (fast path). */
  stems: Set<string>;
  /** The paper's own acronyms (not in the lexicon) for reading queries; undefined when none. */
  acronyms?: Rewriter;
}

/** Analyzes a paper once: sentences of each field, tokens rewritten by the lexicon and its own acronyms. */
export function indexPaper(paper: Paper): IndexedPaper {
  const definitions = findAcronymDefinitions([paper.title, paper.abstract, paper.aiSummary ?? ''].join('. '));
  const local = definitions.length > 0 ? paperRewriters(definitions) : undefined;
  const extra = local ? [local.text] : [];
  const segments = (texts: string[]): Token[][] =>
    texts.map((text) => analyze(text, extra)).filter((tokens) => tokens.length > 0);
  const fields: Record<Field, Token[][]> = {
    title: segments([paper.title]),
    keywords: segments(paper.aiKeywords),
    summary: segments(paper.aiSummary ? splitSentences(paper.aiSummary) : []),
    abstract: segments(splitSentences(paper.abstract).filter((sentence) => !isReleaseNotice(sentence))),
  };
  const stems = new Set<string>();
  for (const field of FIELDS)
    for (const segment of fields[field]) for (const token of segment) stems.add(token.stem);
  return {
    paper,
    acronyms: local && !local.query.isEmpty ? local.query : undefined,
    fields,
    stems,
  };
}

export interface Evidence {
  score: number;
  /** Matched phrases as written in the paper, best field first. */
  matched: string[];
  counts: Record<Field, number>;
  /** Occurrences of the phrase itself (not its scattered words) per field. */
  exact?: Record<Field, number>;
  /** The phrase (or its words together) in the first sentence of the abstract. */
  lead?: boolean;
  /** Share of the abstract's sentences that hold the phrase (or its words together). */
  spread?: number;
  /** True when the evidence is the reader's own words, not related terms. */
  direct?: boolean;
  /**
   * Of a topic's evidence (topicEvidence): whether the paper says any of the reader's own phrases at all,
   * even where a related term weighs more. False: it matched through related terms only.
   */
  saysReaderWords?: boolean;
}

const saturate = (count: number): number => 1 - 0.5 ** count;

/**
 * Model names a writer slips into a phrase ("self-improving LLM agents", "jailbreaking multimodal
 * models"): one such run between two words of the phrase still makes the phrase.
 */
/** The modality word a writer puts in a model's name or slips into a phrase ("multimodal"). */
const MODALITY_WORDS = new Set(analyze('multimodal').map((token) => token.stem));

/** Length of the inserted model name starting at `index`, or 0. */
function insertionAt(segment: Token[], index: number): number {
  const token = segment[index];
  if (MODALITY_WORDS.has(token.stem)) return 1;
  if (!isModelName(token.group)) return 0;
  // A rewritten form is one token per word of the long form, each carrying the whole group.
  let end = index;
  while (end < segment.length && segment[end].group === token.group) end += 1;
  return end - index;
}

/** The same word; a name-like word also in the same spelling, its plural included ("EHRs" for "EHR"). */
const sameWord = (token: Token, wanted: Token): boolean =>
  token.stem === wanted.stem &&
  (!wanted.exactCase || token.surface === wanted.surface || token.surface === `${wanted.surface}s`) &&
  (!wanted.spelled || sameSpelling(token.surface, wanted.surface));

/** The same letters in any case, with a capital ("LoRA" for "LORA"), not the lower-case word ("clips"). */
const sameSpelling = (surface: string, wanted: string): boolean => {
  if (surface === surface.toLowerCase()) return false;
  const lower = surface.toLowerCase();
  const target = wanted.toLowerCase();
  return lower === target || lower === `${target}s`;
};

/** Where the phrase occurs in the segment: start and end (exclusive) of each occurrence. */
function occurrences(segment: Token[], phrase: Token[]): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let index = 0; index + phrase.length <= segment.length; index += 1) {
    if (!sameWord(segment[index], phrase[0])) continue;
    let at = index + 1;
    let skipped = false;
    let offset = 1;
    while (offset < phrase.length && at < segment.length) {
      if (sameWord(segment[at], phrase[offset])) {
        at += 1;
        offset += 1;
        continue;
      }
      const inserted = skipped ? 0 : insertionAt(segment, at);
      if (inserted === 0) break;
      skipped = true;
      at += inserted;
    }
    if (offset === phrase.length) {
      found.push({ start: index, end: at });
      index = at - 1;
    }
  }
  return found;
}

/**
 * A token may stand for a word of a phrase whose words are scattered when it is a plain word, or part of a
 * rewritten form (an acronym's long form) all of whose words are the phrase's: "LLM" serves "large
 * language model agents", but the "language model" inside "MLLM" or "VLA" does not serve "diffusion
 * language models".
 */
// A modality word inside a model's name still says the modality: "reasoning in large multimodal models"
// is multimodal reasoning.
const usable = (token: Token, wanted: Set<string>): boolean =>
  wanted.has(token.stem) &&
  (!token.group || MODALITY_WORDS.has(token.stem) || token.group.every((stem) => wanted.has(stem)));

/** Smallest window of the segment holding every stem of `words`, or undefined. */
function nearestWindow(segment: Token[], words: string[]): { start: number; end: number } | undefined {
  const wanted = new Set(words);
  const have = new Map<string, number>();
  let best: { start: number; end: number } | undefined;
  let start = 0;
  for (let end = 0; end < segment.length; end += 1) {
    const stem = segment[end].stem;
    if (!usable(segment[end], wanted)) continue;
    have.set(stem, (have.get(stem) ?? 0) + 1);
    while (have.size === wanted.size) {
      if (!best || end - start < best.end - best.start) best = { start, end };
      const first = segment[start].stem;
      if (usable(segment[start], wanted)) {
        const left = (have.get(first) ?? 0) - 1;
        if (left === 0) have.delete(first);
        else have.set(first, left);
      }
      start += 1;
    }
  }
  return best;
}

/**
 * Words that may stand between two words of a phrase read in order ("image-conditioned 3D" for
 * "image-to-3D"); never a stop word ("text and speech" is no text-to-speech).
 */
const ORDERED_GAP = 1;

/** The first window holding the stems in their order, at most ORDERED_GAP other words between two of them. */
function orderedWindow(segment: Token[], stems: string[]): { start: number; end: number } | undefined {
  const wanted = new Set(stems);
  for (let start = 0; start < segment.length; start += 1) {
    if (segment[start].stem !== stems[0] || !usable(segment[start], wanted)) continue;
    let at = start;
    let next = 1;
    while (next < stems.length) {
      let found = -1;
      for (let step = at + 1; step <= at + 1 + ORDERED_GAP && step < segment.length; step += 1) {
        if (segment[step].stem === stems[next] && usable(segment[step], wanted)) {
          found = step;
          break;
        }
        if (segment[step].stop) break;
      }
      if (found < 0) break;
      at = found;
      next += 1;
    }
    if (next === stems.length) return { start, end: at };
  }
  return undefined;
}

function surfaceOf(tokens: Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) if (parts[parts.length - 1] !== token.surface) parts.push(token.surface);
  return parts.join(' ');
}

function phraseFor(concept: Concept, paper: IndexedPaper): Token[] {
  // A related term is the lexicon's word, not the reader's: a paper's own acronyms do not re-read it.
  if (concept.related) return concept.tokens;
  const local = paper.acronyms;
  if (!local || !concept.tokens.some((token) => local.has(token.stem))) return concept.tokens;
  return rewrite(concept.tokens, [local]);
}

const CONTENT = new WeakMap<Token[], string[]>();

/** The distinct stems of a phrase's words other than stop words (memoized per phrase). */
export function contentOf(phrase: Token[]): string[] {
  let content = CONTENT.get(phrase);
  if (!content) {
    content = [...new Set(phrase.filter((token) => !token.stop).map((token) => token.stem))];
    CONTENT.set(phrase, content);
  }
  return content;
}

/**
 * A single mention deep in the abstract, with nothing else in the paper saying the phrase (the title does
 * not hold its words together, no summary or keyword, no second abstract sentence, not the opening
 * sentence): a passing mention, not what the paper is about. One loose distinctive word in the title does
 * not save it; all the words together in the title ("A Benchmark for ... Temporal Reasoning") do.
 */
function isPassingMention(
  paper: IndexedPaper,
  counts: Record<Field, number>,
  lead: boolean,
  sentences: number,
  params: ScoringParameters,
): boolean {
  if (counts.title >= params.titleNearCredit || counts.summary > 0 || counts.keywords > 0) return false;
  if (sentences !== 1 || lead) return false;
  return paper.fields.abstract.length >= PASSING_MIN_SENTENCES;
}

/**
 * One of the stems in the title, the summary or the keywords (the whole abstract for a paper without
 * summary or keywords): where a paper says what it is about.
 */
function saysAny(paper: IndexedPaper, stems: string[]): boolean {
  const fields: Field[] = hasAbstractOnly(paper) ? ['title', 'abstract'] : ['title', 'summary', 'keywords'];
  return fields.some((field) =>
    paper.fields[field].some((segment) => segment.some((token) => stems.includes(token.stem))),
  );
}

/** A paper with neither ai_summary nor ai_keywords (older API items, the seed): its abstract says it all. */
const hasAbstractOnly = (paper: IndexedPaper): boolean =>
  paper.paper.aiKeywords.length === 0 && !paper.paper.aiSummary;

/** An abstract of at least this many sentences is long enough for a mention in passing. */
const PASSING_MIN_SENTENCES = 6;

/**
 * How much a paper is about the phrase rather than mentioning it, in [0, 1] (ranking only): the phrase
 * in the title, in the keywords, opening the abstract or in the one-line summary, and the share of the
 * abstract's sentences that hold it. Related terms count at SCORING.expansion.
 */
export function centralityOf(evidence: Evidence, params: ScoringParameters = SCORING): number {
  const { counts } = evidence;
  const title = Math.min(1, counts.title);
  const value =
    0.35 * title +
    0.2 * (counts.summary > 0 ? 1 : 0) +
    0.15 * (counts.keywords > 0 ? 1 : 0) +
    0.1 * (evidence.lead ? 1 : 0) +
    0.2 * Math.min(1, (evidence.spread ?? 0) * 2);
  return evidence.direct === false ? value * params.expansion : value;
}

/** The key that orders the included papers (the decision is on the evidence alone). */
export function rankScore(evidence: Evidence, params: ScoringParameters = SCORING): number {
  const base = evidence.direct === false ? evidence.score * params.relatedRank : evidence.score;
  return base + params.centrality * centralityOf(evidence, params);
}

/** Evidence that a paper is about one phrase. */
export function conceptEvidence(
  paper: IndexedPaper,
  concept: Concept,
  params: ScoringParameters = SCORING,
): Evidence {
  const phrase = phraseFor(concept, paper);
  const content = contentOf(phrase);
  const counts: Record<Field, number> = { title: 0, keywords: 0, summary: 0, abstract: 0 };
  // Every kind of evidence (the phrase, its words together, its parts) needs every word in the paper.
  for (const stem of content) if (!paper.stems.has(stem)) return { score: 0, matched: [], counts };
  const maxSpan = Math.max(10, 3 * content.length + 2);
  const matched: string[] = [];
  const note = (text: string): void => {
    if (!matched.some((known) => known.toLowerCase() === text.toLowerCase())) matched.push(text);
  };
  const exact: Record<Field, number> = { title: 0, keywords: 0, summary: 0, abstract: 0 };
  let lead = false;
  let sentences = 0;
  for (const field of FIELDS) {
    // Words read in order are read where no list can run them together ("text, speech, and video").
    if (concept.ordered && (field === 'summary' || field === 'abstract')) continue;
    for (const [at, segment] of paper.fields[field].entries()) {
      const spans = occurrences(segment, phrase);
      if (spans.length > 0) {
        counts[field] += spans.length;
        exact[field] += spans.length;
        if (field === 'abstract') {
          sentences += 1;
          if (at === 0) lead = true;
        }
        for (const { start, end } of spans) note(surfaceOf(segment.slice(start, end)));
        continue;
      }
      // Related terms (and fixed expressions) count only as whole phrases; the reader's own words less a
      // modifier or head may be said in another order ("data synthesis" for "synthetic data").
      if (content.length < 2 || concept.rigid || (concept.related && !concept.modifierDropped)) continue;
      const window = concept.ordered ? orderedWindow(segment, content) : nearestWindow(segment, content);
      if (!window || window.end - window.start + 1 > maxSpan) continue;
      const words = segment
        .slice(window.start, window.end + 1)
        .filter((token) => content.includes(token.stem));
      if (field !== 'title') counts[field] += params.nearCredit;
      else {
        // Close together ("LLM Agents for Long-Horizon Decision Making") the title says the phrase; with
        // other words between ("Self-Improving Code Review for Software Agents") it may name another thing.
        const between = window.end - window.start + 1 - words.length;
        counts.title +=
          between <= TIGHT_TITLE_WORDS_BETWEEN ? params.titleTightCredit : params.titleNearCredit;
      }
      if (field === 'abstract') {
        sentences += 1;
        if (at === 0) lead = true;
      }
      note(surfaceOf(words));
    }
  }
  if (
    !concept.rigid &&
    counts.title === 0 &&
    content.length >= 2 &&
    counts.summary + counts.keywords + counts.abstract >= 1
  ) {
    const distinctive = content.filter((stem) => !GENERIC_WORDS.has(stem));
    const titleStems = new Set(paper.fields.title.flat().map((token) => token.stem));
    // All the distinctive words; or, for the reader's own phrase with two or more, one of them (4+
    // letters): the title names the head or the modifier ("Tool Decathlon", "Thinner Key Cache") and the
    // paper says the whole phrase elsewhere. For a related phrase that word must be one the reader typed
    // ("Thinner Key Cache" for "key cache pruning" of "KV cache compression", not "Calling" for "function
    // calling" of "tool use").
    // Credit chosen on dev among 0.15 / 0.25 / 0.4 / 0.5 / 0.6 (0.5, the same as all the words, best).
    const inTitle = distinctive.filter((stem) => titleStems.has(stem));
    if (
      distinctive.length > 0 &&
      (inTitle.length === distinctive.length ||
        (distinctive.length >= 2 &&
          inTitle.some(
            (stem) =>
              stem.length >= 4 &&
              (!concept.related || concept.modifierDropped || !!concept.readerStems?.includes(stem)),
          )))
    ) {
      counts.title = params.titleWordsCredit;
    }
  }
  if (concept.modifierDropped && counts.title + counts.summary + counts.keywords === 0) {
    return { score: 0, matched: [], counts };
  }
  if (concept.process && !saysAny(paper, concept.process)) return { score: 0, matched: [], counts };
  const alone = hasAbstractOnly(paper);
  const spread = paper.fields.abstract.length > 0 ? sentences / paper.fields.abstract.length : 0;
  if (isPassingMention(paper, counts, lead, sentences, params)) return { score: 0, matched: [], counts };
  const score = alone
    ? params.title * saturate(counts.title) + params.abstractAlone * saturate(counts.abstract)
    : FIELDS.reduce((sum, field) => sum + params[field] * saturate(counts[field]), 0);
  const direct = !concept.related || !!concept.modifierDropped;
  const whole: Evidence = { score, matched, counts, exact, lead, spread, direct };
  let best = whole;
  for (const { sub, rest } of concept.parts ?? []) {
    const restEvidence = conceptEvidence(paper, rest, params);
    if (restEvidence.score === 0) continue;
    const subEvidence = conceptEvidence(paper, sub, params);
    const partial = score + params.partShare * subEvidence.score;
    if (partial > best.score) {
      best = {
        ...subEvidence,
        score: partial,
        matched: [...matched, ...subEvidence.matched, ...restEvidence.matched],
        direct,
      };
    }
  }
  return best;
}

/**
 * Evidence for one phrase of a topic: the reader's words, or the best of its related phrases at a lower
 * weight (not both: "human feedback" inside "reinforcement learning from human feedback" is no second
 * signal). When the paper never says the phrase, several different related phrases corroborate each other
 * ("function calling" and "MCP" for "tool use"): the best one plus a share of the others. Undefined when
 * the paper has no evidence of it.
 */
function phraseEvidence(
  paper: IndexedPaper,
  concept: Concept,
  params: ScoringParameters,
): Evidence | undefined {
  const direct = conceptEvidence(paper, concept, params);
  const related = (concept.expansions ?? [])
    .map((expansion) => {
      const evidence = conceptEvidence(paper, expansion, params);
      const share = expansion.modifierDropped ? params.modifierDropped : params.expansion;
      return { ...evidence, score: evidence.score * share };
    })
    .filter((evidence) => evidence.score > 0)
    .sort((a, b) => b.score - a.score);
  let best: Evidence | undefined;
  if (related.length === 0 || direct.score >= related[0].score) {
    if (direct.score > 0) best = { ...direct, saysReaderWords: true };
  } else {
    const [first, ...others] = related;
    const corroboration =
      direct.score > 0
        ? 0
        : Math.min(1, others.reduce((sum, evidence) => sum + evidence.score, 0) * params.secondaryShare);
    best = {
      ...first,
      score: first.score + corroboration,
      matched: [...first.matched, ...others.flatMap((other) => other.matched)],
      saysReaderWords: direct.score > 0,
    };
  }
  const joined = concept.sides && sidesEvidence(paper, concept.sides, params);
  return joined && joined.score > (best?.score ?? 0) ? joined : best;
}

/** Where a paper says what it is about: title, summary or keywords (the abstract, for a paper with neither). */
const saysCentrally = (paper: IndexedPaper, { counts }: Evidence): boolean =>
  counts.title + counts.summary + counts.keywords > 0 || (hasAbstractOnly(paper) && counts.abstract >= 1);

/**
 * "X for Y" said apart: each side (with its related terms) where the paper says what it is about; the
 * stronger side plus a share of the other, as for a topic's secondary phrases.
 */
function sidesEvidence(
  paper: IndexedPaper,
  sides: [Concept, Concept],
  params: ScoringParameters,
): Evidence | undefined {
  const [first, second] = sides.map((side) => phraseEvidence(paper, side, params));
  if (!first || !second || !saysCentrally(paper, first) || !saysCentrally(paper, second)) return undefined;
  const [strong, weak] = first.score >= second.score ? [first, second] : [second, first];
  return {
    ...strong,
    score: strong.score + Math.min(1, weak.score * params.secondaryShare),
    matched: [...strong.matched, ...weak.matched],
    direct: strong.direct !== false && weak.direct !== false,
    saysReaderWords: !!strong.saysReaderWords && !!weak.saysReaderWords,
  };
}

/** Evidence for a topic made of several phrases: the best phrase plus a share of the others. */
export function topicEvidence(
  paper: IndexedPaper,
  include: Concept[],
  exclude: Concept[] = [],
  params: ScoringParameters = SCORING,
): Evidence {
  const evidences: Evidence[] = [];
  for (const concept of include) {
    const evidence = phraseEvidence(paper, concept, params);
    if (evidence) evidences.push(evidence);
  }
  evidences.sort((a, b) => b.score - a.score);
  const empty: Evidence = {
    score: 0,
    matched: [],
    counts: { title: 0, keywords: 0, summary: 0, abstract: 0 },
  };
  if (evidences.length === 0) return empty;
  for (const concept of exclude) {
    const excluded = conceptEvidence(paper, concept, params);
    if (excluded.counts.title > 0 || excluded.score >= params.threshold) return empty;
  }
  const [best, ...others] = evidences;
  const extra = Math.min(
    1,
    others.reduce((sum, evidence) => sum + evidence.score, 0) * params.secondaryShare,
  );
  const matched: string[] = [];
  for (const text of evidences.flatMap((evidence) => evidence.matched)) {
    if (!matched.some((known) => known.toLowerCase() === text.toLowerCase())) matched.push(text);
  }
  const saysReaderWords = evidences.some((evidence) => evidence.saysReaderWords || evidence.direct !== false);
  return { ...best, score: best.score + extra, matched, saysReaderWords };
}
