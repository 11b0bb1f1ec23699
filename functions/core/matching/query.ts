/**
 * Reading a reader's own words as a query: alternatives separated by commas, semicolons, "|", "/"
 * or " or "; a leading "-" excludes; "long form (ACRONYM)" in the query counts as both forms.
 */
import { tokenize, trimStops, type Token } from './analysis';
import { analyze, isModelName, MODEL_NAME_TEXTS } from './canonical';
import { GENERIC_WORDS } from './lexicon';
import { RELATED, type RelatedGroup } from './related';
import { FIELD_RELATED } from './related-field-terms';
import type { MinedVocabulary } from './mine-vocabulary';

/** One phrase to look for, already analyzed (stemmed, lexicon forms rewritten). */
export interface Concept {
  text: string;
  tokens: Token[];
  /**
   * For phrases of three or more words: the phrase less its first or last word, with the word left
   * out. A paper can be about "KV cache compression" while saying "KV cache" and, elsewhere, "compress".
   */
  parts?: { sub: Concept; rest: Concept }[];
  /**
   * A fixed expression ("text-to-speech", "mixture of experts"): only the phrase itself counts, not its
   * words scattered in a sentence ("text" ... "speech").
   */
  rigid?: boolean;
  /**
   * The phrase in related words (related.ts): a span of it replaced by a related term ("GUI agents":
   * "computer use agents", "web agents"; "KV cache compression": "KV cache eviction"). Expansions count
   * less than the phrase itself (SCORING.expansion) and have neither parts nor expansions of their own.
   */
  expansions?: Concept[];
  /** True for an expansion: a phrase in related words, not the reader's. */
  related?: boolean;
  /** For an expansion: the stems of the reader's phrase it was made from. */
  readerStems?: string[];
  /**
   * The reader's phrase less a generic modifier ("jailbreaks" for "LLM jailbreaks"): papers rarely put
   * "LLM" next to the specific word. It counts only where a paper says what it is about (title, summary
   * or keywords), at the weight of the reader's own words times SCORING.modifierDropped.
   */
  modifierDropped?: boolean;
  /**
   * For the reader's phrase less a process head ("long video" of "long video generation"): stems of which
   * the paper must say one where it says what it is about, so that the process is still the paper's
   * ("generate", "synthesis"), not another one on the same subject (long video understanding).
   */
  process?: string[];
  /**
   * "X for Y", "X in Y" with a subject on each side ("graph neural networks for drug discovery"): papers
   * say the two apart ("GNN" in the title, "molecular property prediction" in the keywords). The phrase
   * also counts when the paper says each side, with its related terms, where it says what it is about
   * (score.ts `topicEvidence`).
   */
  sides?: [Concept, Concept];
  /** Its words count scattered only in their order ("image … 3D" for "image-to-3D", not "3D … image"). */
  ordered?: boolean;
}

export interface ParsedQuery {
  include: Concept[];
  exclude: Concept[];
}

/** An acronym typed in capitals ("CLIP", "GRPO"), not one the lexicon rewrites. */
const isTypedAcronym = (token: Token): boolean => !token.group && /^[A-Z][A-Z0-9]+$/.test(token.surface);

/**
 * What a query is read with. `relatedTerms: false` leaves out the related terms of related.ts, which
 * were written after a round of evaluation had shown their topics; the field terms, written ahead of any
 * topic, stay. The eval reads its development topics that way to estimate how a topic nobody has seen
 * yet is matched. `fieldTerms: false` leaves out the field terms too (the eval's "mined only").
 * `vocabulary`: groups mined from the corpus (mine-vocabulary.ts), read after the hand-written ones.
 */
export interface QueryOptions {
  relatedTerms?: boolean;
  fieldTerms?: boolean;
  vocabulary?: MinedVocabulary;
}

/** A phrase as a concept, or undefined when nothing but stop words is left. */
export function toConcept(
  text: string,
  withParts = true,
  expand = false,
  options: QueryOptions = {},
): Concept | undefined {
  const tokens = trimStops(analyze(text)).map((token) =>
    isTypedAcronym(token) ? { ...token, spelled: true } : token,
  );
  if (tokens.length === 0) return undefined;
  const concept: Concept = { text: text.trim(), tokens };
  const inner = tokens.slice(1, -1);
  if (/[\p{L}\d]-[\p{L}\d]+-[\p{L}\d]/u.test(text) || inner.some((token) => token.stop)) concept.rigid = true;
  if (withParts) {
    const parts = partsOf(text);
    if (parts.length > 0) concept.parts = parts;
  }
  if (expand) {
    const rules = rulesFor(options);
    const dropped = withoutGenericModifier(tokens) ?? withoutConnector(tokens) ?? withoutGenericHead(tokens);
    // Each related phrase once: in topicEvidence a second copy would corroborate the first.
    const expansions: Concept[] = [];
    const seen = new Set([stemsOf(tokens).join(' ')]);
    const add = (expansion: Concept): void => {
      const key = stemsOf(expansion.tokens).join(' ');
      if (seen.has(key) || expansions.length >= MAX_EXPANSIONS + 1) return;
      seen.add(key);
      expansions.push(expansion);
    };
    if (dropped) add(dropped);
    const reordered = withoutTo(text, tokens);
    if (reordered) add(reordered);
    [...expansionsOf(concept, rules), ...agentNounForms(concept)].forEach(add);
    // The shorter phrase has related terms of its own ("visual document understanding" ->
    // "document understanding" -> "document parsing", "OCR"): as related phrases, never as the reader's.
    if (dropped)
      for (const expansion of expansionsOf(dropped, rules)) add({ ...expansion, modifierDropped: undefined });
    if (expansions.length > 0) concept.expansions = expansions;
    const sides = sidesOf(text, options);
    if (sides) concept.sides = sides;
  }
  return concept;
}

/**
 * The words that join two subjects into one topic ("X for Y", "X in Y"). Not "of", "with", "to": those
 * make names ("mixture of experts", "thinking with images", "learning to rank").
 */
const JOINED_SUBJECTS = /^(.+?)\s+(?:for|in)\s+(.+)$/i;

/**
 * The two subjects of "X for Y" / "X in Y", when each side says something of its own (not "AI for
 * finance": a generic side is read by withoutGenericModifier / withoutGenericHead instead).
 */
function sidesOf(text: string, options: QueryOptions): [Concept, Concept] | undefined {
  const joined = JOINED_SUBJECTS.exec(text.trim());
  if (!joined) return undefined;
  const sides = [joined[1], joined[2]].map((side) => toConcept(side, true, true, options));
  const [first, second] = sides;
  if (!first || !second || sides.some((side) => isGenericSide((side as Concept).tokens))) return undefined;
  return [first, second];
}

/** A side that names no subject of its own: only generic words, or a model family's name ("LLMs"). */
function isGenericSide(tokens: Token[]): boolean {
  const content = tokens.filter((token) => !token.stop);
  return content.every(
    (token) => GENERIC_WORDS.has(token.stem) || isModelHead(token.group) || GENERIC_STEMS.has(token.stem),
  );
}

/**
 * Generic modifiers: domain words a reader puts before the specific word ("LLM jailbreaks", "neural
 * machine translation") that papers often leave out or write elsewhere ("jailbreak attacks on aligned
 * models"). Only as leading words: a generic head stays ("reward models" is not "reward"). Stems after
 * the lexicon (LLM = large language model).
 */
const GENERIC_MODIFIERS: string[][] = [...MODEL_NAME_TEXTS, 'LLM-based', 'AI', 'neural', 'deep'].map((text) =>
  trimStops(analyze(text)).map((token) => token.stem),
);

/** Every word of a generic modifier ("AI", "neural", "deep", a model family's words). */
const GENERIC_STEMS = new Set(GENERIC_MODIFIERS.flat());

/**
 * Modality modifiers ("visual document understanding", "multimodal hallucination"): papers on the rest
 * of the phrase are mostly in that modality already and leave the word out. Dropped only when at least
 * two specific words are left ("visual reasoning" stays whole: "reasoning" alone is everything).
 */
const MODALITY_MODIFIERS: string[][] = ['visual', 'multimodal', 'vision based'].map((text) =>
  trimStops(analyze(text)).map((token) => token.stem),
);

/**
 * The phrase without its leading generic modifier, when a specific word of at least 4 letters is left
 * ("LLM jailbreaks" -> "jailbreaks"; "deep learning" stays whole: "learning" is generic too).
 */
function withoutGenericModifier(tokens: Token[]): Concept | undefined {
  const stems = stemsOf(tokens);
  const modality = new Set(MODALITY_MODIFIERS);
  for (const modifier of [...GENERIC_MODIFIERS, ...MODALITY_MODIFIERS]) {
    if (modifier.length >= stems.length) continue;
    if (!modifier.every((stem, index) => stems[index] === stem)) continue;
    const rest = trimStops(tokens.slice(modifier.length));
    const content = rest.filter((token) => !token.stop);
    if (content.length === 0 || content.some((token) => GENERIC_WORDS.has(token.stem))) return undefined;
    if (modality.has(modifier) && content.length < 2) return undefined;
    if (content.every((token) => token.surface.length < 4)) return undefined;
    return droppedConcept(rest);
  }
  return undefined;
}

/**
 * The reader's phrase less a generic modifier, head or connector: the reader's own words, counted only
 * where a paper says what it is about (score.ts), in any word order.
 */
function droppedConcept(rest: Token[]): Concept {
  return {
    text: rest.map((token) => token.surface).join(' '),
    tokens: rest,
    related: true,
    modifierDropped: true,
    rigid: rest.slice(1, -1).some((token) => token.stop) || undefined,
  };
}

/**
 * Empty head nouns: "multi-agent systems" is about multi-agent anything (frameworks, debate, LLMs).
 * Only these: a meaningful head stays ("reward models" is not "reward", "GUI agents" not "GUI").
 */
const EMPTY_HEADS = new Set(
  ['system', 'systems', 'framework', 'frameworks'].map((word) => tokenize(word)[0].stem),
);

/**
 * Model names as heads: "multilingual LLMs" is about multilingual anything the field builds (models,
 * corpora, benchmarks); "medical VLMs" about medical vision-language work.
 */
const AI = analyze('artificial intelligence')
  .map((token) => token.stem)
  .join(' ');
const isModelHead = (group: string[] | undefined): boolean =>
  isModelName(group) || (!!group && group.join(' ') === AI);

/** Media a model can be "of" ("audio language models", "video LLMs"). */
const MEDIA_WORDS = new Set(
  ['audio', 'video', 'speech', 'image', 'vision', 'visual', 'text', 'music', 'multimodal', '3D'].flatMap(
    (word) => analyze(word).map((token) => token.stem),
  ),
);

/**
 * Process heads: "synthetic data generation" is about synthetic data, however it is made ("data
 * synthesis", "synthesized trajectories"). Dropped only after two or more specific words ("video
 * generation" stays whole: "video" alone is every video paper), and the paper must still name a process of
 * the family where it says what it is about: "long video understanding" is no long video generation.
 */
const PROCESS_HEADS = new Map(
  [['generation', 'generate generative generator synthesis']].map(([head, family]) => [
    tokenize(head)[0].stem,
    [...new Set(analyze(`${head} ${family}`).map((token) => token.stem))],
  ]),
);

/**
 * Measuring heads: "uncertainty estimation" is about uncertainty however it is measured ("uncertainty
 * calibration", "express their uncertainty"). Unlike "generation", dropped after one specific word.
 */
const MEASURING_HEADS = new Set(['estimation', 'quantification'].map((word) => tokenize(word)[0].stem));

/**
 * The phrase without a trailing empty head ("multi-agent systems" -> "multi-agent"), when the rest is
 * specific: no generic word, a word of 4+ letters. Counted like a dropped generic modifier.
 */
function withoutGenericHead(tokens: Token[]): Concept | undefined {
  const last = tokens[tokens.length - 1];
  const head = last?.stem;
  const modelHead = isModelHead(last?.group);
  const emptyHead = modelHead || EMPTY_HEADS.has(head) || MEASURING_HEADS.has(head);
  if (tokens.length < 2 || (!emptyHead && !PROCESS_HEADS.has(head))) return undefined;
  const headLength = modelHead ? tokens.filter((token) => token.group === last.group).length : 1;
  const rest = trimStops(tokens.slice(0, -headLength));
  const content = rest.filter((token) => !token.stop);
  const generic = (token: Token): boolean => GENERIC_WORDS.has(token.stem);
  // An empty head leaves a phrase with no generic word; a process head two words, not all generic
  // ("synthetic data": "data" is generic, "synthetic" is not).
  const specificRest = content.length > 0 && !content.some(generic);
  const twoWordRest = content.length >= 2 && !content.every(generic);
  if (!(emptyHead ? specificRest : twoWordRest)) return undefined;
  if (content.every((token) => token.surface.length < 4)) return undefined;
  // "Audio language models" are a kind of model, not everything audio: a lone modality keeps its head.
  if (modelHead && content.length === 1 && MEDIA_WORDS.has(content[0].stem)) return undefined;
  const dropped = droppedConcept(rest);
  const process = emptyHead ? undefined : PROCESS_HEADS.get(head);
  return process ? { ...dropped, process } : dropped;
}

/**
 * Connector words of hyphenated modifiers ("physics-aware", "retrieval-based", "text-guided"): papers
 * say "physics-grounded video generation" or "physical ... video generation". The phrase without them
 * counts like a dropped modifier (any order, where the paper says what it is about).
 */
const CONNECTORS = new Set(
  // Not "playing": "role-playing agents" are not "role agents" ("game-playing agent" is a term of its own).
  ['aware', 'based', 'guided', 'driven', 'grounded', 'informed', 'conditioned', 'centric'].map(
    (word) => tokenize(word)[0].stem,
  ),
);

function withoutConnector(tokens: Token[]): Concept | undefined {
  if (tokens.length < 3 || !tokens.some((token) => CONNECTORS.has(token.stem))) return undefined;
  const rest = tokens.filter((token) => !CONNECTORS.has(token.stem));
  const content = rest.filter((token) => !token.stop);
  if (content.length < 2 || content.every((token) => GENERIC_WORDS.has(token.stem))) return undefined;
  return droppedConcept(rest);
}

/** "X-to-Y" written as one word: a transformation ("image-to-3D", "text-to-video generation"). */
const X_TO_Y = /[\p{L}\p{N}]-to-[\p{L}\p{N}]/iu;

/**
 * "X-to-Y" less its "to": papers name the same transformation "single-image 3D reconstruction",
 * "image-conditioned 3D generation", "text-guided video generation". Its words count in their order only
 * ("speech-to-text" is no text-to-speech), close together, where the paper says what it is about.
 */
function withoutTo(text: string, tokens: Token[]): Concept | undefined {
  if (!X_TO_Y.test(text)) return undefined;
  const rest = tokens.filter((token, at) => !(token.stop && token.stem === 'to' && at > 0));
  if (rest.length < 2 || rest.length === tokens.length) return undefined;
  const content = rest.filter((token) => !token.stop);
  if (content.length < 2 || content.every((token) => GENERIC_WORDS.has(token.stem))) return undefined;
  return { ...droppedConcept(rest), text: text.trim().replace(/-to-/gi, ' '), ordered: true };
}

interface RelatedRule {
  from: string[];
  to: Token[][];
  inPhrase: boolean;
  /**
   * A whole-phrase rule of related.ts hides the one-word substitutions inside the phrase (below). The
   * field terms (related-field-terms.ts), written ahead of any topic, add to them instead: their
   * "visual document understanding" must not hide "document parsing" for "document understanding".
   */
  hidesParts: boolean;
}

const stemsOf = (tokens: Token[]): string[] => tokens.map((token) => token.stem);

/** A name, not a word: capitals after the first letter ("CLIP", "SigLIP"), or one capitalized word ("Lean"). */
const isName = (surface: string, text: string): boolean =>
  /^.+[A-Z]/.test(surface) || (/^[A-Z][a-z]+$/.test(text) && surface === text);

/** A related term's tokens, its names marked to match their spelling only. */
function relatedTokens(text: string): Token[] {
  return trimStops(analyze(text)).map((token) =>
    !token.group && isName(token.surface, text) ? { ...token, exactCase: true } : token,
  );
}

function rulesOf(groups: RelatedGroup[], hidesParts: boolean): RelatedRule[] {
  return groups.flatMap((group) => {
    const related = group.related.map(relatedTokens).filter((tokens) => tokens.length > 0);
    const terms = group.terms.map((term) => trimStops(analyze(term))).filter((tokens) => tokens.length > 0);
    // A group's other terms are ways to say it too ("computer use agent" for "GUI agent").
    return terms.map((from) => ({
      from: stemsOf(from),
      to: [...terms.filter((term) => term !== from), ...related],
      inPhrase: !!group.inPhrase || from.length > 1,
      hidesParts,
    }));
  });
}

// Built on the first query, not at import: analysing some 9,000 phrases takes ~0.2 s, which a function
// that never reads a topic (most api requests) should not pay at cold start.
let handRuleCache: RelatedRule[] | undefined;
let fieldRuleCache: RelatedRule[] | undefined;
const handRules = (): RelatedRule[] => (handRuleCache ??= rulesOf(RELATED, true));
const fieldRules = (): RelatedRule[] => (fieldRuleCache ??= rulesOf(FIELD_RELATED, false));
/** The rules of a mined vocabulary, built once per vocabulary object (a planner reads one per run). */
const minedRuleCache = new WeakMap<MinedVocabulary, RelatedRule[]>();
function minedRules(vocabulary: MinedVocabulary): RelatedRule[] {
  let rules = minedRuleCache.get(vocabulary);
  if (!rules) minedRuleCache.set(vocabulary, (rules = rulesOf(vocabulary.groups, false)));
  return rules;
}
/** The combined lists, one array per combination (rulesByFirstStem indexes each array once). */
const combinedRuleCache = new Map<string, RelatedRule[]>();
const combinedByVocabulary = new WeakMap<MinedVocabulary, Map<string, RelatedRule[]>>();

/**
 * The rules a query is expanded with, in order: related.ts, the field terms, then the mined vocabulary
 * (MAX_EXPANSIONS keeps the first: the hand-written groups come before the mined ones).
 */
function rulesFor({ relatedTerms = true, fieldTerms = true, vocabulary }: QueryOptions): RelatedRule[] {
  const key = `${relatedTerms ? 'r' : ''}${fieldTerms ? 'f' : ''}`;
  let cache = combinedRuleCache;
  if (vocabulary) {
    cache = combinedByVocabulary.get(vocabulary) ?? new Map();
    combinedByVocabulary.set(vocabulary, cache);
  }
  let rules = cache.get(key);
  if (!rules) {
    rules = [
      ...(relatedTerms ? handRules() : []),
      ...(fieldTerms ? fieldRules() : []),
      ...(vocabulary ? minedRules(vocabulary) : []),
    ];
    cache.set(key, rules);
  }
  return rules;
}

/** At most this many expansions per phrase, in the lexicon's order (the closest terms come first). */
export const MAX_EXPANSIONS = 48;

/** One word as written: a single token, or the long form of one acronym ("GUI" = graphical user interface). */
const isOneWord = (span: Token[]): boolean =>
  span.length === 1 || (!!span[0].group && span.every((token) => token.group === span[0].group));

/** Spans of `tokens` a rule applies to: its start, its length and the rule. */
const firstStemIndexes = new WeakMap<RelatedRule[], Map<string, number[]>>();

/** Positions of the rules in `rules`, by the first stem of what they replace (built once per list). */
function rulesByFirstStem(rules: RelatedRule[]): Map<string, number[]> {
  let index = firstStemIndexes.get(rules);
  if (!index) {
    index = new Map();
    rules.forEach((rule, position) => {
      const first = rule.from[0];
      const positions = index?.get(first);
      if (positions) positions.push(position);
      else index?.set(first, [position]);
    });
    firstStemIndexes.set(rules, index);
  }
  return index;
}

/**
 * The rules that can match somewhere in `stems` (their first stem is one of them), in the list's order:
 * a phrase of a few words is checked against a few rules, not the thousands of the lexicon.
 */
function rulesStartingWithin(rules: RelatedRule[], stems: string[]): RelatedRule[] {
  const index = rulesByFirstStem(rules);
  const positions = new Set<number>();
  for (const stem of stems) for (const position of index.get(stem) ?? []) positions.add(position);
  return [...positions].sort((a, b) => a - b).map((position) => rules[position]);
}

function relatedSpans(
  tokens: Token[],
  rules: RelatedRule[],
): { start: number; length: number; rule: RelatedRule }[] {
  const stems = stemsOf(tokens);
  // A group written for the whole phrase ("model compression") knows it better than the one-word
  // substitutions of its words ("compression" -> "merging" is right for a KV cache, wrong for a model);
  // multi-word terms inside it still expand ("deep research" in "deep research agent").
  const hasWholeRule = (rulesByFirstStem(rules).get(stems[0]) ?? []).some((index) => {
    const rule = rules[index];
    return (
      rule.hidesParts &&
      rule.from.length === stems.length &&
      rule.from.every((stem, at) => stems[at] === stem)
    );
  });
  const spans: { start: number; length: number; rule: RelatedRule }[] = [];
  for (const rule of rulesStartingWithin(rules, stems)) {
    const whole = rule.from.length === stems.length;
    if (!whole && !rule.inPhrase) continue;
    for (let start = 0; start + rule.from.length <= stems.length; start += 1) {
      if (!rule.from.every((stem, offset) => stems[start + offset] === stem)) continue;
      if (!whole && hasWholeRule && isOneWord(tokens.slice(start, start + rule.from.length))) continue;
      spans.push({ start, length: rule.from.length, rule });
    }
  }
  return spans;
}

/**
 * The phrase with one span, or two spans that do not overlap, replaced by related terms ("KV cache
 * compression" -> "key cache pruning"). Deterministic: rules in lexicon order.
 */
function expansionsOf(concept: Concept, rules: RelatedRule[]): Concept[] {
  const spans = relatedSpans(concept.tokens, rules);
  if (spans.length === 0) return [];
  const seen = new Set([stemsOf(concept.tokens).join(' ')]);
  const out: Concept[] = [];
  const add = (tokens: Token[]): void => {
    const key = stemsOf(tokens).join(' ');
    if (seen.has(key) || out.length >= MAX_EXPANSIONS) return;
    seen.add(key);
    const inner = tokens.slice(1, -1);
    // A related phrase counts only as a phrase: score.ts gives its words scattered in a sentence no
    // credit ("code LLM" is not in "code-switching aware large language models").
    out.push({
      text: tokens.map((token) => token.surface).join(' '),
      tokens,
      related: true,
      readerStems: concept.readerStems ?? stemsOf(concept.tokens),
      rigid: concept.rigid || inner.some((token) => token.stop) || undefined,
    });
  };
  const replace = (tokens: Token[], start: number, length: number, by: Token[]): Token[] => [
    ...tokens.slice(0, start),
    ...by,
    ...tokens.slice(start + length),
  ];
  // One replacement first (closest to what was typed), then two.
  for (const { start, length, rule } of spans) {
    for (const to of rule.to) add(replace(concept.tokens, start, length, to));
  }
  for (let a = 0; a < spans.length; a += 1) {
    for (let b = a + 1; b < spans.length; b += 1) {
      const [first, second] = spans[a].start < spans[b].start ? [spans[a], spans[b]] : [spans[b], spans[a]];
      if (first.start + first.length > second.start) continue;
      for (const toFirst of first.rule.to) {
        for (const toSecond of second.rule.to) {
          const once = replace(concept.tokens, second.start, second.length, toSecond);
          add(replace(once, first.start, first.length, toFirst));
        }
      }
    }
  }
  return out;
}

const MODEL_HEAD = tokenize('model')[0].stem;

/**
 * The agent nouns a process noun makes ("retrieval" -> "retriever", "verification" -> "verifier",
 * "ranking" -> "ranker", "detection" -> "detector"): candidates by English suffix rules. A candidate no
 * paper uses simply matches nothing.
 */
export function agentNounsOf(word: string): string[] {
  const lower = word.toLowerCase();
  if (lower.length <= 6) return [];
  const rule = AGENT_NOUN_RULES.find(([suffix]) => suffix.test(lower));
  return rule ? rule[1](lower.replace(rule[0], '')) : [];
}

/** Suffix of a process noun -> its agent nouns, from the word without the suffix; the first match wins. */
const AGENT_NOUN_RULES: [RegExp, (base: string) => string[]][] = [
  [/ication$/, (base) => [`${base}ier`]],
  [/ization$/, (base) => [`${base}izer`]],
  [/isation$/, (base) => [`${base}iser`]],
  [/ation$/, (base) => [`${base}ator`, `${base}er`]],
  [/ion$/, (base) => [`${base}or`]],
  [/al$/, (base) => [`${base}er`]],
  [/ing$/, (base) => [`${base}er`]],
  [/ment$/, (base) => [base.endsWith('e') ? `${base}r` : `${base}er`]],
];

/**
 * "Retrieval models" are retrievers, "verification models" verifiers: the phrase with its process noun
 * and model head replaced by the agent noun, as related phrases ("dense retrieval models" -> "dense
 * retriever").
 */
function agentNounForms(concept: Concept): Concept[] {
  const { tokens } = concept;
  const head = tokens[tokens.length - 1];
  const process = tokens[tokens.length - 2];
  if (
    tokens.length < 2 ||
    head.stem !== MODEL_HEAD ||
    head.group ||
    !process ||
    process.stop ||
    process.group
  )
    return [];
  return agentNounsOf(process.surface).map((noun) => {
    const replaced = [...tokens.slice(0, -2), ...analyze(noun)];
    return {
      text: replaced.map((token) => token.surface).join(' '),
      tokens: replaced,
      related: true,
      readerStems: stemsOf(tokens),
    };
  });
}

/** Sub-phrases of a phrase of 3+ words that still say something specific (not "language models"). */
function partsOf(text: string): { sub: Concept; rest: Concept }[] {
  const words = text.split(/\s+/).filter((word) => tokenize(word).some((token) => !token.stop));
  if (words.length < 3) return [];
  const parts: { sub: Concept; rest: Concept }[] = [];
  for (const [subWords, restWord] of [
    [words.slice(1), words[0]],
    [words.slice(0, -1), words[words.length - 1]],
  ] as [string[], string][]) {
    const sub = toConcept(subWords.join(' '), false);
    const rest = toConcept(restWord, false);
    if (!sub || !rest) continue;
    if (sub.tokens.every((token) => token.stop || GENERIC_WORDS.has(token.stem))) continue;
    parts.push({ sub, rest });
  }
  return parts;
}

/**
 * A word is two or more letters or digits with at least one letter ("3D", "RL", "GPT-4"): a lone letter
 * or number ("s", "1", "[2]") matches papers for reasons the reader never meant.
 */
export const saysAWord = (text: string): boolean => /(?=[\p{L}\p{N}]*\p{L})[\p{L}\p{N}]{2,}/u.test(text);

const BOTH = /\s+(?:and|&)\s+/i;

/**
 * "A and B" as the reader means it: the area, a paper about either or both ("privacy and federated
 * learning"), so each is a phrase of the topic (a paper about both ranks higher: topicEvidence). A lone
 * word before a compound shares its head ("image and video generation": image generation, video
 * generation), and alone it is a phrase too unless it says nothing on its own ("image", "audio"). A phrase
 * whose parts are all such words ("vision and language") stays one phrase.
 */
function eitherOf(text: string): string[] {
  const parts = text
    .split(BOTH)
    .map((part) => part.trim())
    .filter(saysAWord);
  const words = (part: string): string[] => part.split(/\s+/);
  const vague = (part: string): boolean => words(part).length === 1 && isVagueWord(part);
  if (parts.length < 2 || parts.every(vague)) return [text];
  const last = parts[parts.length - 1];
  const lastTokens = trimStops(tokenize(last));
  // "video generation": a compound of plain words, whose last word is the head to share.
  const head =
    words(last).length >= 2 && lastTokens.every((token) => !token.stop) ? words(last).pop() : undefined;
  const phrases: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (head && words(part).length === 1) phrases.push(`${part} ${head}`);
    if (!vague(part)) phrases.push(part);
  }
  return [...phrases, last];
}

/** A word that names no subject alone: generic ("model", "image"), a medium ("audio") or a generic modifier. */
const isVagueWord = (word: string): boolean =>
  tokenize(word).every(
    (token) =>
      token.stop ||
      GENERIC_WORDS.has(token.stem) ||
      MEDIA_WORDS.has(token.stem) ||
      GENERIC_STEMS.has(token.stem),
  );

/** Parses what a reader typed into phrases to include and phrases to exclude. */
export function parseQuery(text: string, options: QueryOptions = {}): ParsedQuery {
  const include: Concept[] = [];
  const exclude: Concept[] = [];
  const parts = text
    .replace(/[“”"]/g, ' ')
    .split(/[,;|]|\s\/\s|\s+or\s+/i)
    .map((part) => part.trim())
    .filter(Boolean);
  for (const part of parts) {
    // Exclusions: "-survey" or "not survey" anywhere in the part.
    let rest = part;
    for (const match of part.matchAll(/(?:^|\s)(?:-|not\s+)([\p{L}\p{N}][^\s]*)/giu)) {
      const concept = saysAWord(match[1]) ? toConcept(match[1]) : undefined;
      if (concept) exclude.push(concept);
      rest = rest.replace(match[0], ' ');
    }
    // "mixture of experts (MoE)": the long form and the acronym are each a way to say it. What says no
    // word ("world model(s)", "agents (1)") is no way to say anything.
    const inner = [...rest.matchAll(/\(([^()]+)\)/g)].map((match) => match[1]);
    const outer = rest.replace(/\([^()]*\)/g, ' ');
    for (const phrase of [...eitherOf(outer), ...inner].filter(saysAWord)) {
      const concept = toConcept(phrase, true, true, options);
      if (concept && !include.some((known) => sameTokens(known.tokens, concept.tokens)))
        include.push(concept);
    }
  }
  return { include, exclude };
}

export const sameTokens = (a: Token[], b: Token[]): boolean =>
  a.length === b.length && a.every((token, index) => token.stem === b[index].stem);

/**
 * A stable key for what a query matches: equal keys give equal results. A name typed in capitals matches
 * only that spelling ("AIME", not "aims"), so it keys as itself.
 */
export function queryKey(query: ParsedQuery): string {
  const key = (concept: Concept): string =>
    concept.tokens.map((token) => (token.spelled ? `${token.surface.toLowerCase()}!` : token.stem)).join(' ');
  const include = [...new Set(query.include.map(key))].sort();
  const exclude = [...new Set(query.exclude.map(key))].sort().map((text) => `-${text}`);
  return [...include, ...exclude].join(' | ');
}
