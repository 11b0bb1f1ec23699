import { reasonsKey, type MatchReason } from '../matching';
import { FOLLOW_LABELS, topicNames } from '../matching/labels';
import { tokenize } from '../matching/analysis';
import { arxivUrl, paperUrl, pdfUrl, type Paper } from '../papers';

/** Where a paper says what matched: the part of it a reader can look at. */
export type EvidenceField = 'title' | 'keywords' | 'summary' | 'abstract';

/**
 * Why a paper is in a digest, as the email shows it: the matcher's reason with readable words and, when
 * the paper's text has them, where it says them (`seen`: the field, and the words as the paper writes
 * them, "" when they only repeat the topic's name, "Speculative decoding — in the title").
 */
export interface MatchedTopic extends MatchReason {
  seen?: { field: EvidenceField; words: string };
}

/** A paper as a digest shows it: display-ready text and links, no I/O, no markup. */
export interface DigestPaperView {
  id: string;
  title: string;
  /** https://huggingface.co/papers/<id> */
  url: string;
  /** First 3 authors, then "et al."; "" when none. */
  authorsLine: string;
  organization?: string;
  upvotes: number | null;
  numComments: number;
  /** The paper's thumbnail (an absolute http(s) URL), when the source has one. */
  thumbnailUrl?: string;
  /** ai_summary when present, else the abstract cut at a sentence boundary (~300 chars max, never mid-word). */
  summary: string;
  arxivUrl: string;
  pdfUrl: string;
  githubUrl?: string;
  /** Absent when it only repeats the GitHub, arXiv or Hugging Face link. */
  projectUrl?: string;
  matchedTopics: MatchedTopic[];
}

const DEFAULT_SUMMARY_CHARS = 300;

/**
 * Abbreviations whose trailing period does not end a sentence in an abstract
 * ("e.g. the", "et al. show", "Fig. 2").
 */
const NON_TERMINAL_ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'al',
  'etc',
  'vs',
  'cf',
  'fig',
  'figs',
  'eq',
  'eqs',
  'sec',
  'no',
  'approx',
  'resp',
  'dr',
  'mr',
  'ms',
  'prof',
  'st',
]);

/** Offsets just past each sentence end (".", "!" or "?", optionally closed by a quote or bracket, then a space). */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  const boundary = /[.!?]["')\]]*(?=\s+\S)/g;
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const end = match.index + match[0].length;
    if (text[match.index] === '.') {
      const wordBefore = /([\w.]+)$/.exec(text.slice(0, match.index))?.[1]?.toLowerCase() ?? '';
      // "e.g." / "et al." / single capital initials ("J. Smith") do not end a sentence.
      if (NON_TERMINAL_ABBREVIATIONS.has(wordBefore) || /^[a-z]$/i.test(wordBefore)) continue;
      const next = text.slice(end).trimStart()[0] ?? '';
      // A lowercase continuation means the period was not a sentence end ("approx. five").
      if (/[a-z]/.test(next)) continue;
    }
    ends.push(end);
  }
  ends.push(text.length);
  return ends;
}

/** Cuts at the last word boundary that fits, adding an ellipsis. */
function cutAtWord(text: string, maxChars: number): string {
  const lastSpace = text.lastIndexOf(' ', maxChars - 1);
  const cut = lastSpace > 0 ? text.slice(0, lastSpace) : text.slice(0, maxChars - 1);
  return `${cut.replace(/[\s,;:–—-]+$/, '')}…`;
}

/**
 * Markup an abstract carries over from its source: citation marks ("[12]", "[3, 4]") are dropped and a
 * bracketed name ("We introduce [Cosmos-Predict2.5]", a link in the authors' markdown) keeps only the
 * name, so no stray bracket reaches the email.
 */
export function withoutBracketMarkup(text: string): string {
  return text
    .replace(/\s*\[\d+(?:\s*[,–-]\s*\d+)*\]/g, '')
    .replace(/\[([^[\]\n]{1,80})\](?:\((?:https?:)?[^()\s]*\))?/g, '$1')
    .replace(/\(\s*\)/g, '')
    .replace(/\s+([,.;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A sentence that says what the paper does: "We introduce…", "In this paper…", "This work…",
 * "Here, we…", "To address this, we…". Abstracts often open with a sentence or two of background.
 */
const CONTRIBUTION =
  /\b(?:we|our)\b|^(?:here|in this (?:paper|work|study|report)|this (?:paper|work|study|report|article|technical report)|to (?:this end|address|tackle|bridge|fill|overcome|solve))\b/i;

/**
 * The few lines a digest shows for a paper: the API's one-sentence ai_summary when it has one, else
 * the abstract from its first sentence that says what the paper does ("We introduce…"; the first
 * sentence when none does), as many whole sentences as fit in `maxChars` (or cut at a word, with
 * "…", when even that sentence is longer). Bracket markup is removed either way.
 */
export function summarize(
  paper: Pick<Paper, 'abstract' | 'aiSummary'>,
  maxChars = DEFAULT_SUMMARY_CHARS,
): string {
  const aiSummary = paper.aiSummary ? withoutBracketMarkup(paper.aiSummary) : '';
  if (aiSummary) return aiSummary;
  const abstract = withoutBracketMarkup(paper.abstract);
  const ends = sentenceEnds(abstract);
  const starts = [0, ...ends.slice(0, -1)];
  const sentences = starts.map((start, index) => abstract.slice(start, ends[index]).trim());
  const first = Math.max(
    0,
    sentences.findIndex((sentence) => CONTRIBUTION.test(sentence)),
  );
  const from = abstract.slice(starts[first]).trim();
  if (from.length <= maxChars) return from;
  const offset = abstract.length - from.length;
  const fitting = ends.slice(first).filter((end) => end - offset <= maxChars);
  const lastEnd = fitting[fitting.length - 1];
  return lastEnd !== undefined ? from.slice(0, lastEnd - offset).trim() : cutAtWord(from, maxChars);
}

/** "A, B, C et al." for more than `max` authors, "A, B and C" for up to `max`, "" for none. */
export function authorsLine(authors: string[], max = 3): string {
  const names = authors.map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (names.length === 0) return '';
  if (names.length > max) return `${names.slice(0, max).join(', ')} et al.`;
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The URL when it is an absolute http(s) URL (never `javascript:` or a relative path), else undefined. */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A URL reduced to what tells two links to one place apart: host without "www.", path without a trailing slash. */
function placeOf(url: string): string {
  const { hostname, pathname, search } = new URL(url);
  return `${hostname.replace(/^www\./, '').toLowerCase()}${pathname.replace(/\/+$/, '').toLowerCase()}${search}`;
}

/**
 * The project page, unless it only repeats a link the card already has: the GitHub repository (or a
 * page inside it), the arXiv abstract or PDF, or the paper's Hugging Face page.
 */
function distinctProjectUrl(
  project: string | undefined,
  paper: { id: string; githubUrl?: string },
): string | undefined {
  if (!project) return undefined;
  const place = placeOf(project);
  const known = [arxivUrl(paper.id), pdfUrl(paper.id), paperUrl(paper.id), paper.githubUrl]
    .filter((url): url is string => url !== undefined)
    .map(placeOf);
  const repeats = known.some((other) => place === other || place.startsWith(`${other}/`));
  return repeats ? undefined : project;
}

/** Maps a paper and why it matched to what a digest shows. */
export function toPaperView(paper: Paper, why: MatchReason[]): DigestPaperView {
  const organization = paper.organization?.fullname?.trim() || paper.organization?.name?.trim() || undefined;
  const githubUrl = safeHttpUrl(paper.githubRepo);
  const projectUrl = distinctProjectUrl(safeHttpUrl(paper.projectPage), { id: paper.id, githubUrl });
  const thumbnailUrl = safeHttpUrl(paper.thumbnail);
  const evidence = evidenceFinder(paper);
  return {
    id: paper.id,
    title: paper.title.replace(/\s+/g, ' ').trim(),
    url: paperUrl(paper.id),
    authorsLine: authorsLine(paper.authors),
    organization,
    upvotes: paper.upvotes,
    numComments: paper.numComments,
    ...(thumbnailUrl ? { thumbnailUrl } : {}),
    summary: summarize(paper),
    arxivUrl: arxivUrl(paper.id),
    pdfUrl: pdfUrl(paper.id),
    githubUrl,
    projectUrl,
    matchedTopics: why.map(({ topic, matched, related }) => {
      const seen = evidence(topic, matched);
      return {
        topic,
        matched: readableMatches(matched, topic),
        ...(related ? { related } : {}),
        ...(seen ? { seen } : {}),
      };
    }),
  };
}

/** One word of a field: where it is, and its stems as the matcher reads it ("HaluMem": halu, mem). */
interface FieldWord {
  start: number;
  end: number;
  stems: string[];
}

const FIELD_WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)?/gu;

function fieldWords(text: string): FieldWord[] {
  const words: FieldWord[] = [];
  for (const match of text.matchAll(FIELD_WORD)) {
    const stems = tokenize(match[0])
      .filter((token) => !token.stop)
      .map((token) => token.stem);
    words.push({ start: match.index, end: match.index + match[0].length, stems });
  }
  return words;
}

/** Words a found phrase may hold beyond the term's own ("Efficient Large Language Model Inference"). */
const SPAN_SLACK = 3;
/** A phrase never runs over punctuation that ends a clause ("…world modeling. Recent video generation"). */
const CLAUSE_BREAK = /[.,;:!?()[\]]/;

/**
 * The first place in `text` that says every word of the term (by stem, in any order, within a few
 * words), as the text writes it: "Large Model Reasoning" finds "Large-Model Reasoning".
 */
function findSpan(
  text: string,
  words: FieldWord[],
  term: Set<string>,
  termLength: number,
): string | undefined {
  for (let first = 0; first < words.length; first++) {
    if (!words[first].stems.some((stem) => term.has(stem))) continue;
    const covered = new Set<string>();
    for (let last = first; last < Math.min(words.length, first + termLength + SPAN_SLACK); last++) {
      if (last > first && CLAUSE_BREAK.test(text.slice(words[last - 1].end, words[last].start))) break;
      const inTerm = words[last].stems.filter((stem) => term.has(stem));
      for (const stem of inTerm) covered.add(stem);
      if (inTerm.length > 0 && covered.size === term.size) return wholeCompound(text, words, first, last);
    }
  }
  return undefined;
}

/** The words first..last as the text writes them, with the rest of a hyphenated compound ("multi-agent"). */
function wholeCompound(text: string, words: FieldWord[], first: number, last: number): string {
  const joined = (a: number, b: number) => text.slice(words[a].end, words[b].start) === '-';
  while (first > 0 && joined(first - 1, first)) first--;
  while (last < words.length - 1 && joined(last, last + 1)) last++;
  return text.slice(words[first].start, words[last].end);
}

/** Where to look for the words that matched, in the order a reader looks at a paper. */
const EVIDENCE_FIELDS: EvidenceField[] = ['title', 'keywords', 'summary', 'abstract'];

/**
 * For one paper: where it says what matched a topic (the first field, in EVIDENCE_FIELDS order, that
 * has one of the matched terms; there the longest such phrase), and the words as the paper writes them.
 * Follows (organizations, authors) and "like … you rated" reasons need none.
 */
function evidenceFinder(paper: Paper): (topic: string, matched: string[]) => MatchedTopic['seen'] {
  const oneLine = (text: string) => text.replace(/\s+/g, ' ');
  const texts: Record<EvidenceField, string[]> = {
    title: [oneLine(paper.title)],
    keywords: paper.aiKeywords.map(oneLine),
    summary: paper.aiSummary ? [oneLine(paper.aiSummary)] : [],
    abstract: [oneLine(paper.abstract)],
  };
  const wordsOfField = new Map<string, FieldWord[]>();
  const wordsIn = (text: string): FieldWord[] => {
    let words = wordsOfField.get(text);
    if (!words) wordsOfField.set(text, (words = fieldWords(text)));
    return words;
  };
  return (topic, matched) => {
    if (matched.length === 0 || Object.values(FOLLOW_LABELS).some((prefix) => topic.startsWith(prefix)))
      return undefined;
    const terms = informativeTerms(matched, true);
    if (terms.length === 0) return undefined;
    const names = topicNames(topic).map(wordsOf);
    for (const field of EVIDENCE_FIELDS) {
      let best: string | undefined;
      for (const text of texts[field]) {
        const words = wordsIn(text);
        for (const { term, words: termWords } of terms) {
          const span = findSpan(text, words, termWords, term.split(' ').length);
          if (span && (!best || span.length > best.length)) best = span;
        }
      }
      if (best !== undefined) {
        const said = wordsOf(best);
        return { field, words: names.some((name) => sameWords(name, said)) ? '' : best };
      }
    }
    return undefined;
  };
}

/** Words that say nothing on their own about why a paper matched. */
const UNINFORMATIVE = new Set([
  'model',
  'models',
  'method',
  'methods',
  'approach',
  'framework',
  'system',
  'systems',
  'task',
  'tasks',
  'data',
  'learning',
  'training',
  'paper',
  'results',
  'performance',
]);
export const MAX_MATCHED_WORDS = 4;
const MAX_MATCHED_WORDS_PER_TERM = 4;

/** The words of a term as stems in any order: "World Model", "world models" and "models of the world" agree. */
const wordsOf = (text: string): Set<string> =>
  new Set(
    tokenize(text)
      .filter((token) => !token.stop)
      .map((token) => token.stem),
  );

const sameWords = (a: Set<string>, b: Set<string>): boolean =>
  a.size === b.size && [...a].every((w) => b.has(w));
const hasAllWordsOf = (longer: Set<string>, shorter: Set<string>): boolean =>
  longer.size > shorter.size && [...shorter].every((word) => longer.has(word));

/**
 * Matched terms a reader can read: each once, no generic word, no long phrase artifact; and, unless
 * `withParts`, not a term whose words a longer one has.
 */
function informativeTerms(matched: string[], withParts = false): { term: string; words: Set<string> }[] {
  const candidates: { term: string; words: Set<string> }[] = [];
  for (const raw of matched) {
    const term = raw.replace(/\s+/g, ' ').trim();
    const words = wordsOf(term);
    if (words.size === 0 || UNINFORMATIVE.has(term.toLowerCase())) continue;
    if (term.split(' ').length > MAX_MATCHED_WORDS_PER_TERM) continue;
    if (!candidates.some((known) => sameWords(known.words, words))) candidates.push({ term, words });
  }
  if (withParts) return candidates;
  return candidates.filter(({ words }) => !candidates.some((other) => hasAllWordsOf(other.words, words)));
}

/**
 * The matched words as a reader wants them (the email's fallback when the paper's text does not show
 * where, and the preferences page's live preview): each once (whatever its case, number or order), a
 * phrase rather than a part of it ("Large Model Reasoning", not also "Model Reasoning"), without generic
 * words, short phrases only, a few at most. Given the topic, words that only repeat its name come last:
 * they are still what matched (a preview of "world models" that matched "world models" says so), but the
 * others say more.
 */
export function readableMatches(matched: string[], topic?: string): string[] {
  const named = topic ? topicNames(topic).map(wordsOf) : [];
  const repeatsName = (words: Set<string>) => named.some((name) => sameWords(name, words));
  const terms = informativeTerms(matched);
  return [
    ...terms.filter(({ words }) => !repeatsName(words)),
    ...terms.filter(({ words }) => repeatsName(words)),
  ]
    .slice(0, MAX_MATCHED_WORDS)
    .map(({ term }) => term);
}

/**
 * toPaperView with the views of recent (paper, reasons) pairs kept: a sender sees the same papers with
 * the same reasons in message after message, and the renderer finds the card of a view it has seen.
 * A paper is known by a fingerprint of every field its view shows, so a paper updated since (upvotes,
 * a summary) makes a new view. Bounded: past `capacity` views it starts again.
 */
export function cachedPaperViews(capacity = 5_000): (paper: Paper, why: MatchReason[]) => DigestPaperView {
  const views = new Map<string, DigestPaperView>();
  // A paper object seen before (the entries of one message share theirs) is not hashed again, nor is
  // a reasons object (a planner in the same process hands the same one to many entries).
  const fingerprints = new WeakMap<Paper, string>();
  return (paper, why) => {
    let fingerprint = fingerprints.get(paper);
    if (fingerprint === undefined) fingerprints.set(paper, (fingerprint = paperFingerprint(paper)));
    const key = `${fingerprint}\u0000${reasonsKey(why)}`;
    let view = views.get(key);
    if (!view) {
      if (views.size >= capacity) views.clear();
      view = toPaperView(paper, why);
      views.set(key, view);
    }
    return view;
  };
}

/** The fields a view shows, hashed (FNV-1a, 32 bits) and counted: cheaper than serializing the paper. */
function paperFingerprint(paper: Paper): string {
  const fields = [
    paper.title,
    paper.abstract,
    paper.aiSummary ?? '',
    paper.authors.join('\u0001'),
    paper.organization?.name ?? '',
    paper.organization?.fullname ?? '',
    paper.githubRepo ?? '',
    paper.projectPage ?? '',
    paper.thumbnail ?? '',
    paper.aiKeywords.join('\u0001'),
  ];
  let hash = 0x811c9dc5;
  let length = 0;
  for (const field of fields) {
    for (let index = 0; index < field.length; index++) {
      hash ^= field.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0xff;
    hash = Math.imul(hash, 0x01000193);
    length += field.length;
  }
  return `${paper.id}:${paper.upvotes}:${paper.numComments}:${length}:${(hash >>> 0).toString(36)}`;
}
