import { reasonsKey, type MatchReason } from '../matching';
import { topicNames } from '../matching/labels';
import { tokenize } from '../matching/analysis';
import { arxivUrl, paperUrl, pdfUrl, type Paper } from '../papers';

/** Why a paper is in a digest, as the email shows it: the matcher's reason with readable words. */
export type MatchedTopic = MatchReason;

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
  /** ai_summary when present, else the abstract cut at a sentence boundary (~300 chars max, never mid-word). */
  summary: string;
  arxivUrl: string;
  pdfUrl: string;
  githubUrl?: string;
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
 * The few lines a digest shows for a paper: the API's one-sentence ai_summary when it has one,
 * else the abstract cut at the last sentence end within `maxChars` (or at a word, with "…",
 * when even the first sentence is longer).
 */
export function summarize(
  paper: Pick<Paper, 'abstract' | 'aiSummary'>,
  maxChars = DEFAULT_SUMMARY_CHARS,
): string {
  const aiSummary = paper.aiSummary?.replace(/\s+/g, ' ').trim();
  if (aiSummary) return aiSummary;
  const abstract = paper.abstract.replace(/\s+/g, ' ').trim();
  if (abstract.length <= maxChars) return abstract;
  const fitting = sentenceEnds(abstract).filter((end) => end <= maxChars);
  const lastEnd = fitting[fitting.length - 1];
  return lastEnd !== undefined ? abstract.slice(0, lastEnd).trim() : cutAtWord(abstract, maxChars);
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

/** Maps a paper and why it matched to what a digest shows. */
export function toPaperView(paper: Paper, why: MatchedTopic[]): DigestPaperView {
  const organization = paper.organization?.fullname?.trim() || paper.organization?.name?.trim() || undefined;
  return {
    id: paper.id,
    title: paper.title.replace(/\s+/g, ' ').trim(),
    url: paperUrl(paper.id),
    authorsLine: authorsLine(paper.authors),
    organization,
    upvotes: paper.upvotes,
    numComments: paper.numComments,
    summary: summarize(paper),
    arxivUrl: arxivUrl(paper.id),
    pdfUrl: pdfUrl(paper.id),
    githubUrl: safeHttpUrl(paper.githubRepo),
    projectUrl: safeHttpUrl(paper.projectPage),
    matchedTopics: why.map(({ topic, matched, related }) => ({
      topic,
      matched: readableMatches(matched, topic),
      ...(related ? { related } : {}),
    })),
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
 * The matched words as a reader wants them in "why this paper": each once (whatever its case, number or
 * order), a phrase rather than a part of it ("Large Model Reasoning", not also "Model Reasoning"), without
 * generic words, short phrases only, a few at most. Given the topic, words that only repeat its name
 * ("Org: NVIDIA (NVIDIA)") are left out.
 */
export function readableMatches(matched: string[], topic?: string): string[] {
  const named = topic ? topicNames(topic).map(wordsOf) : [];
  const candidates: { term: string; words: Set<string> }[] = [];
  for (const raw of matched) {
    const term = raw.replace(/\s+/g, ' ').trim();
    const words = wordsOf(term);
    if (words.size === 0 || UNINFORMATIVE.has(term.toLowerCase())) continue;
    if (term.split(' ').length > MAX_MATCHED_WORDS_PER_TERM) continue;
    if (named.some((name) => sameWords(name, words))) continue;
    if (!candidates.some((known) => sameWords(known.words, words))) candidates.push({ term, words });
  }
  return candidates
    .filter(({ words }) => !candidates.some((other) => hasAllWordsOf(other.words, words)))
    .slice(0, MAX_MATCHED_WORDS)
    .map(({ term }) => term);
}

/**
 * toPaperView with the views of recent (paper, reasons) pairs kept: a sender sees the same papers with
 * the same reasons in message after message, and the renderer finds the card of a view it has seen.
 * A paper is known by a fingerprint of every field its view shows, so a paper updated since (upvotes,
 * a summary) makes a new view. Bounded: past `capacity` views it starts again.
 */
export function cachedPaperViews(capacity = 5_000): (paper: Paper, why: MatchedTopic[]) => DigestPaperView {
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
