/**
 * Text analysis shared by papers and queries: tokenizing, a conservative English stemmer
 * and stop words. Both sides of a match go through the same functions, so whatever the
 * stemmer does to a word it does the same way to the reader's words and to the paper.
 */

/** One word of a text, as matched (`stem`) and as shown to the reader (`surface`). */
export interface Token {
  stem: string;
  surface: string;
  stop: boolean;
  /**
   * Set on the tokens of one multi-word rewrite (the long form of an acronym, "MLLM" = multimodal large
   * language model): the stems of the whole form. Scattered words of a phrase may not take part of such
   * a form ("diffusion" ... "MLLM" is not "diffusion language model"); the phrase itself may.
   */
  group?: string[];
  /**
   * Set on the name-like words of a related term ("CLIP", "SigLIP", "Lean"): they match only the same
   * spelling, not a common word with the same stem ("clipping", "lean").
   */
  exactCase?: boolean;
  /**
   * Set on an acronym the reader typed in capitals that the lexicon does not know ("CLIP", "GRPO"): it
   * matches its own letters written with a capital, its plural included ("LoRA" for "LORA"), not the
   * lower-case word with the same stem ("video clips", "clipping").
   */
  spelled?: boolean;
}

/**
 * Prefixes written both joined and hyphenated ("pre-training", "pretraining"). A hyphenated word whose
 * first part is one of these is joined, so both spellings give one token.
 */
const JOINED_PREFIXES = new Set([
  'pre',
  'post',
  'multi',
  'non',
  'co',
  're',
  'sub',
  'semi',
  'un',
  'bi',
  'inter',
  'intra',
  'over',
  'under',
  'fine',
  'mid',
]);

export const STOP_WORDS = new Set(
  (
    'a an the of for to in on with and or by from as at is are was were be been being via into using based ' +
    'this that these those its it their our we us you your they them than then so such can could may might will ' +
    'would should do does did not no nor but if while when where which who whom whose what how why about over ' +
    'under between through during across toward towards within without upon per also both each any all some more ' +
    'most other very only just even ever new novel i my me he she his her there here has have had having'
  ).split(' '),
);

// Words longer than this keep their ending; shorter ones are usually acronyms or already stems.
const MIN_STEM_LENGTH = 3;

const NOT_PLURAL = new Set([
  'bias',
  'alias',
  'atlas',
  'canvas',
  'lens',
  'news',
  'series',
  'species',
  'gas',
  'chaos',
  'ethos',
  'pathos',
]);

const isVowel = (char: string): boolean => 'aeiouy'.includes(char);
const hasVowel = (text: string): boolean => /[aeiouy]/.test(text);

function stripEnding(word: string, ending: string, minStem = MIN_STEM_LENGTH): string | undefined {
  if (!word.endsWith(ending)) return undefined;
  const stem = word.slice(0, -ending.length);
  return stem.length >= minStem && hasVowel(stem) ? stem : undefined;
}

function undouble(stem: string): string {
  const last = stem[stem.length - 1];
  if (stem.length > 3 && last === stem[stem.length - 2] && !isVowel(last) && !'lsz'.includes(last)) {
    return stem.slice(0, -1);
  }
  return stem;
}

/**
 * A light, conservative stemmer: plurals, -ing/-ed, -ize/-ization, -ation/-ate, -ion, -ive, -ment, -ly, final e.
 * It conflates what a reader would call the same word ("decoding", "decoded", "decode";
 * "quantization", "quantized"; "retrieval", "retrieve"; "generation", "generative") and avoids
 * Porter's over-reach ("general" and "generation" stay apart).
 */
/** Bases of "-ability" nouns that mean the study of their verb (see `stem`). */
const ABILITY_VERBS = new Set([
  'interpret',
  'explain',
  'predict',
  'generaliz',
  'transfer',
  'verifi',
  'steer',
]);

/** Short irregular forms the suffix rules cannot reach ("used" would otherwise stay "used"). */
const IRREGULAR: Record<string, string> = {
  use: 'use',
  used: 'use',
  uses: 'use',
  using: 'use',
  usage: 'use',
  usages: 'use',
};

export function stem(word: string): string {
  let w = word.toLowerCase();
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.length <= MIN_STEM_LENGTH || /\d/.test(w))
    return w.length > 3 && /\d/.test(w) ? w.replace(/s$/, '') : w;
  // plural
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !/(ss|us|is|ous)$/.test(w) && w.length > 3 && !NOT_PLURAL.has(w))
    w = w.slice(0, -1);

  // interpretability = interpret(ing), generalizability = generalization: only the research properties
  // named after their verb (not "trainability" = "train", "accountability" = "account"). Not "-able": a
  // method that is "interpretable" is not a study of interpretability.
  const ability = stripEnding(w, 'ability', 5);
  if (ability && ABILITY_VERBS.has(ability)) return ability;
  const isation = stripEnding(w, 'isation') ?? stripEnding(w, 'ization');
  if (isation) return `${isation}iz`;
  // The tool is not the process: an optimizer is not every optimization, a tokenizer not every
  // tokenization ("policy optimization" says nothing about optimizers).
  const izer = stripEnding(w, 'izer') ?? stripEnding(w, 'iser');
  if (izer) return `${izer}izer`;
  const ation = stripEnding(w, 'ation', 4);
  if (ation) return `${ation}at`;
  const ing = stripEnding(w, 'ing');
  if (ing) return dropFinalE(undouble(ing));
  const ed = stripEnding(w, 'ed');
  if (ed && !w.endsWith('eed')) return dropFinalE(undouble(ed));
  const ion = stripEnding(w, 'ion', 4);
  if (ion && /[st]$/.test(ion)) return ion;
  const ive = stripEnding(w, 'ive', 4);
  if (ive) return ive;
  const ment = stripEnding(w, 'ment', 5);
  if (ment) return dropFinalE(ment);
  const ly = stripEnding(w, 'ly', 4);
  if (ly) return ly;
  const al = w.endsWith('ieval') ? w.slice(0, -2) : undefined; // retrieval -> retriev
  if (al) return al;
  return dropFinalE(w);
}

function dropFinalE(word: string): string {
  if (word.endsWith('ize') || word.endsWith('ise')) return `${word.slice(0, -2)}z`;
  if (word.endsWith('iz')) return word;
  return word.length > 3 && word.endsWith('e') ? word.slice(0, -1) : word;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?(?:-[\p{L}\p{N}]+)*/gu;

function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Splits a text into tokens. Hyphenated words are split into their parts ("text-to-speech"
 * gives text, to, speech) unless the first part is a prefix that is also written joined.
 */
/** The tokens without the stop words they begin and end with ("the KV cache of" → "KV cache"). */
export function trimStops(tokens: Token[]): Token[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && tokens[start].stop) start += 1;
  while (end > start && tokens[end - 1].stop) end -= 1;
  return tokens.slice(start, end);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of stripDiacritics(text).matchAll(WORD)) {
    const known = WORD_CACHE.get(match[0]);
    if (known) {
      for (const token of known) tokens.push(token);
      continue;
    }
    const first = tokens.length;
    tokenizeWord(match[0], tokens);
    if (WORD_CACHE.size >= WORD_CACHE_LIMIT) WORD_CACHE.clear();
    WORD_CACHE.set(match[0], tokens.slice(first));
  }
  return readIdioms(joinSpacedPrefixes(tokens));
}

/**
 * "Has attracted considerable attention" says a field is popular, not that the paper is about attention
 * (the mechanism): the noun of the idiom reads as "interest". A verb of the idiom within three words
 * before "attention" marks it.
 */
function readIdioms(tokens: Token[]): Token[] {
  if (!tokens.some((token) => token.stem === ATTENTION)) return tokens;
  return tokens.map((token, index) =>
    token.stem === ATTENTION &&
    tokens.slice(Math.max(0, index - 3), index).some((before) => ATTENTION_VERBS.has(before.stem))
      ? { ...token, stem: INTEREST }
      : token,
  );
}

const ATTENTION = stem('attention');
const INTEREST = stem('interest');
const ATTENTION_VERBS = new Set(
  [
    'attract',
    'attracted',
    'attracting',
    'attracts',
    'draw',
    'draws',
    'drew',
    'drawn',
    'drawing',
    'gain',
    'gained',
    'gaining',
    'gains',
    'garner',
    'garnered',
    'garnering',
    'garners',
    'receive',
    'received',
    'receiving',
    'receives',
    'pay',
    'paid',
    'paying',
    'devote',
    'devoted',
  ].map(stem),
);

/**
 * Tokens of each word already seen (tokens are never mutated, so they are shared). Papers repeat their
 * words; this makes indexing several times faster. Bounded, and a pure function of the word.
 */
const WORD_CACHE = new Map<string, Token[]>();
const WORD_CACHE_LIMIT = 200_000;

function tokenizeWord(raw: string, tokens: Token[]): void {
  {
    const word = raw.replace(/['’]s$/i, '').replace(/['’]/g, '');
    const parts = word.split('-').filter(Boolean).flatMap(splitCamelCase);
    let index = 0;
    while (index < parts.length) {
      let part = parts[index];
      let surface = part;
      while (JOINED_PREFIXES.has(part.toLowerCase()) && index + 1 < parts.length) {
        index += 1;
        part += parts[index];
        surface += `-${parts[index]}`;
      }
      // "GUIs", "LLMs", "VLAs": the plural of an acronym, whatever the stemmer would make of "guis".
      const lower = (/^[\p{Lu}\d][\p{Lu}\d-]*\p{Lu}s$/u.test(part) ? part.slice(0, -1) : part).toLowerCase();
      tokens.push({ stem: stem(lower), surface, stop: STOP_WORDS.has(lower) });
      index += 1;
    }
  }
}

/**
 * Camel-case compounds of capitalized words ("DeepResearch", "MultiAgent", "WebSailor") are the words
 * written joined: split into their parts (then "Multi" + "Agent" joins like "multi-agent"). Only words made
 * entirely of capitalized parts of 3+ letters: acronyms and mixed forms ("LLaMA", "OpenAI", "GPT-4o",
 * "iPhone") stay whole.
 */
const CAMEL_CASE = /^(?:\p{Lu}\p{Ll}{2,}){2,}$/u;

function splitCamelCase(part: string): string[] {
  return CAMEL_CASE.test(part) ? (part.match(/\p{Lu}\p{Ll}+/gu) ?? [part]) : [part];
}

/**
 * Prefixes also written as a separate word ("multi agent", "pre training", "non linear"): joined with
 * the next word, as their hyphenated and joined spellings are. Only prefixes that are not words of their
 * own ("co", "re", "over", "under" are).
 */
const SPACED_PREFIXES = new Set(['multi', 'pre', 'post', 'non', 'semi', 'bi', 'inter', 'intra']);

function joinSpacedPrefixes(tokens: Token[]): Token[] {
  if (!tokens.some((token) => SPACED_PREFIXES.has(token.surface.toLowerCase()))) return tokens;
  const out: Token[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (
      next &&
      !next.stop &&
      /^\p{L}+$/u.test(next.surface) &&
      SPACED_PREFIXES.has(token.surface.toLowerCase())
    ) {
      const surface = `${token.surface} ${next.surface}`;
      out.push({ stem: stem(`${token.surface}${next.surface}`.toLowerCase()), surface, stop: false });
      index += 1;
      continue;
    }
    out.push(token);
  }
  return out;
}

/** Splits a text into sentences, so phrases and co-occurrences never cross a sentence. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+(?=[\p{Lu}\d("“'])|\n+/u)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

const LINK = /https?:\/\/|\bgithub\.(com|io)\b|\bhuggingface\.co\b/i;
const RELEASE =
  /\b(code|codes|data|datasets?|models?|weights|checkpoints|demos?|project page|benchmarks?|resources|implementation)\b[^.]{0,80}\b(is|are|will be|has been|have been)\s+(made\s+)?(publicly |openly |freely )?(available|released|open[- ]?sourced|accessible)\b/i;

/**
 * A sentence that only says where the code, data or models are ("Our code is available at https://…",
 * "Project page: …"). It names no subject, but its words ("code", "data", "benchmark", "llm" in a
 * link) would otherwise count as mentions.
 */
export function isReleaseNotice(sentence: string): boolean {
  // A long sentence that releases something states a contribution ("four global embedding datasets are
  // released openly, the most comprehensive ..."); only a short one is a notice.
  return LINK.test(sentence) || (RELEASE.test(sentence) && sentence.split(/\s+/).length <= NOTICE_MAX_WORDS);
}

const NOTICE_MAX_WORDS = 16;

/** Lower-cases, strips accents and collapses punctuation, for comparing names (authors, organizations). */
export function normalizeName(name: string): string {
  return stripDiacritics(name)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
