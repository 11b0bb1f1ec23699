/**
 * Topic matching: which of a day's papers are about a reader's topic, why, and in what order.
 *
 * Three kinds of topic: a curated catalog topic (a built query of phrases and exclusions), the
 * reader's own words (read as phrases, with acronyms and their long forms, stems, and title and
 * ai_keywords weighted above the abstract; see score.ts), and follows of an organization or author.
 */
import { engagement, type Paper } from '../papers';
import { findCatalogTopic, topicCatalog, type CatalogTopic } from '../topics/catalog';
import { normalizeName } from './analysis';
import { FOLLOW_LABELS, likeLabel } from './labels';
import { PaperSpace } from './paper-vectors';
import {
  buildReaderModel,
  hasRatings,
  judgeWindow,
  type KnownPaper,
  type ReaderModel,
  type ReaderRatings,
} from './reader-model';
import { GenerationalCache } from '../generational-cache';
import { acronymSpelling } from './lexicon';
import {
  parseQuery,
  queryKey,
  saysAWord,
  toConcept,
  type Concept,
  type ParsedQuery,
  type QueryOptions,
} from './query';
import {
  contentOf,
  indexPaper,
  rankScore,
  THRESHOLD,
  topicEvidence,
  type Evidence,
  type IndexedPaper,
} from './score';

export type TopicRef =
  | { kind: 'catalog'; id: string }
  | { kind: 'keyword'; text: string }
  | { kind: 'organization'; name: string }
  | { kind: 'author'; name: string };

export interface TopicHit {
  paperId: string;
  /** How strongly the paper is about the topic, in (0, 1]; follows are 1. */
  relevance: number;
  /** The words or phrases that matched, as written in the paper. */
  matched: string[];
  /** Set when the paper never says the reader's words, only related terms (DPO for "RLHF"). */
  related?: true;
}

export interface PaperMatcher {
  /** Only the papers truly about the topic, best first; deterministic. */
  match(topic: TopicRef): TopicHit[];
  /**
   * Papers with some evidence for the topic below the threshold (score.ts), by id: where the reader's words
   * say part of a paper, the reader model (reader-model.ts) needs less similarity to bring it in.
   */
  nearMisses(topic: TopicRef): ReadonlyMap<string, number>;
  /** The papers as vectors (paper-vectors.ts), built on first use: only readers with ratings need them. */
  space(): PaperSpace;
  /** A paper, in the window or not, as the reader model keeps it (its vector with the window's statistics). */
  knownPaper(paper: Paper): KnownPaper;
}

/**
 * The ranking score (evidence + centrality, see score.ts `rankScore`) mapped to (0, 1):
 * 1 - exp(-rank / RELEVANCE_SCALE). At the threshold this is 0.49-0.55; a paper with the phrase in
 * title, summary, keywords and abstract gets 0.9-0.97.
 */
export const RELEVANCE_SCALE = 1.5;
const toRelevance = (evidence: number): number => 1 - Math.exp(-evidence / RELEVANCE_SCALE);

const round = (value: number): number => Math.round(value * 1000) / 1000;

function catalogQuery(id: string): ParsedQuery | undefined {
  const topic = findCatalogTopic(id);
  if (!topic) return undefined;
  const concepts = (phrases: string[] = []): Concept[] =>
    phrases.map((phrase) => toConcept(phrase)).filter((concept): concept is Concept => concept !== undefined);
  return { include: concepts(topic.phrases), exclude: concepts(topic.exclude) };
}

/** The indexed papers, and where each stem occurs, to look only at papers that can match. */
interface PaperIndex {
  papers: IndexedPaper[];
  /** stem -> indices of the papers using it, ascending. */
  postings: Map<string, number[]>;
  /** stem -> indices of the papers that define it as an acronym of their own. */
  ownAcronyms: Map<string, number[]>;
}

function buildIndex(papers: Paper[]): PaperIndex {
  const indexed = papers.map(indexPaper);
  const postings = new Map<string, number[]>();
  const ownAcronyms = new Map<string, number[]>();
  const post = (map: Map<string, number[]>, stem: string, at: number): void => {
    const list = map.get(stem);
    if (list) list.push(at);
    else map.set(stem, [at]);
  };
  indexed.forEach((paper, at) => {
    for (const stem of paper.stems) post(postings, stem, at);
    for (const stem of paper.acronyms?.firstStems() ?? []) post(ownAcronyms, stem, at);
  });
  return { papers: indexed, postings, ownAcronyms };
}

/**
 * Papers that can have evidence for the query: every kind of evidence of a phrase needs all its words
 * in the paper (or the paper's own reading of an acronym in it). Only a speed-up: scoring the others
 * would give 0.
 */
function candidates(index: PaperIndex, query: ParsedQuery): IndexedPaper[] {
  const found = new Set<number>();
  for (const concept of query.include) for (const at of candidatesOf(index, concept)) found.add(at);
  return [...found].sort((a, b) => a - b).map((at) => index.papers[at]);
}

/** The papers that can have evidence of one phrase: its words, its related phrases', or both its sides'. */
function candidatesOf(index: PaperIndex, concept: Concept): Set<number> {
  const found = new Set<number>();
  const visit = (phrase: Concept): void => {
    const lists = contentOf(phrase.tokens).map((stem) => index.postings.get(stem) ?? []);
    lists.sort((a, b) => a.length - b.length);
    if (lists.length > 0) {
      const others = lists.slice(1).map((list) => new Set(list));
      for (const at of lists[0]) if (others.every((set) => set.has(at))) found.add(at);
    }
    for (const token of phrase.tokens)
      for (const at of index.ownAcronyms.get(token.stem) ?? []) found.add(at);
  };
  visit(concept);
  for (const expansion of concept.expansions ?? []) visit(expansion);
  if (concept.sides) {
    const [first, second] = concept.sides.map((side) => candidatesOf(index, side));
    for (const at of first) if (second.has(at)) found.add(at);
  }
  return found;
}

/**
 * A paper is mainly about a phrase when its title or its one-line summary says it (papers without a
 * summary: the title, or the abstract twice).
 */
function isFocused(paper: IndexedPaper, evidence: Evidence): boolean {
  const { counts } = evidence;
  if (counts.title > 0 || counts.summary > 0) return true;
  return !paper.paper.aiSummary && counts.abstract >= 2;
}

function matchQuery(index: PaperIndex, query: ParsedQuery, focus = false): TopicHit[] {
  if (query.include.length === 0) return [];
  const hits: (TopicHit & { evidence: number })[] = [];
  for (const paper of candidates(index, query)) {
    const evidence = topicEvidence(paper, query.include, query.exclude);
    if (evidence.score < THRESHOLD) continue;
    if (focus && !isFocused(paper, evidence)) continue;
    // The decision is on the evidence; the order adds how central the phrase is to the paper.
    const rank = rankScore(evidence);
    hits.push({
      paperId: paper.paper.id,
      relevance: round(toRelevance(rank)),
      matched: evidence.matched.slice(0, 5),
      ...(evidence.saysReaderWords ? {} : { related: true as const }),
      evidence: rank,
    });
  }
  return hits
    .sort((a, b) => b.evidence - a.evidence || a.paperId.localeCompare(b.paperId))
    .map(({ evidence: _evidence, ...hit }) => hit);
}

function nearMissesOf(index: PaperIndex, query: ParsedQuery): Map<string, number> {
  const near = new Map<string, number>();
  if (query.include.length === 0) return near;
  for (const paper of candidates(index, query)) {
    const { score } = topicEvidence(paper, query.include, query.exclude);
    if (score > 0 && score < THRESHOLD) near.set(paper.paper.id, score);
  }
  return near;
}

function matchFollow(index: PaperIndex, topic: TopicRef & { kind: 'organization' | 'author' }): TopicHit[] {
  const wanted = normalizeName(topic.name);
  if (!wanted) return [];
  const hits: TopicHit[] = [];
  for (const { paper } of index.papers) {
    if (topic.kind === 'organization') {
      const org = paper.organization;
      const names = org ? [org.name, org.fullname].filter((name): name is string => !!name) : [];
      if (names.some((name) => normalizeName(name) === wanted)) {
        hits.push({ paperId: paper.id, relevance: 1, matched: [org?.fullname ?? org?.name ?? topic.name] });
      }
    } else {
      const author = paper.authors.find((name) => normalizeName(name) === wanted);
      if (author) hits.push({ paperId: paper.id, relevance: 1, matched: [author] });
    }
  }
  return hits.sort((a, b) => a.paperId.localeCompare(b.paperId));
}

/** Rated papers from outside the window whose vectors a matcher keeps. */
const KNOWN_PAPERS_KEPT = 20_000;

/**
 * How a matcher reads the reader's words: `vocabulary`, the related terms mined from the papers stored so
 * far (mine-vocabulary.ts; the ingest stores one, the digest planner and the `match` command pass it),
 * read after the hand-written ones; `relatedTerms` / `fieldTerms: false` leave out the hand-written lists
 * (the evaluation's unseen-topic proxy and its "mined only").
 */
export type MatcherOptions = QueryOptions;

/** Indexes the papers once; `match` is then called once per distinct topic. */
export function createMatcher(papers: Paper[], queryOptions: MatcherOptions = {}): PaperMatcher {
  const index = buildIndex(papers);
  let space: PaperSpace | undefined;
  const spaceOf = (): PaperSpace => (space ??= new PaperSpace(index.papers));
  // Rated papers outside the window are analysed once each (many readers rate the same papers).
  const known = new GenerationalCache<string, KnownPaper>(KNOWN_PAPERS_KEPT);
  const queryOf = (topic: TopicRef): ParsedQuery | undefined =>
    topic.kind === 'catalog'
      ? catalogQuery(topic.id)
      : topic.kind === 'keyword'
        ? parseQuery(topic.text, queryOptions)
        : undefined;
  return {
    nearMisses(topic) {
      const query = queryOf(topic);
      return query ? nearMissesOf(index, query) : new Map();
    },
    space: spaceOf,
    knownPaper(paper) {
      const at = spaceOf().positionOf(paper.id);
      if (at !== undefined) return { id: paper.id, title: paper.title, vector: spaceOf().vectorAt(at) };
      let kept = known.get(paper.id);
      if (!kept || kept.title !== paper.title) {
        kept = { id: paper.id, title: paper.title, vector: spaceOf().vectorOf(indexPaper(paper)) };
        known.set(paper.id, kept);
      }
      return kept;
    },
    match(topic: TopicRef): TopicHit[] {
      switch (topic.kind) {
        case 'catalog':
        case 'keyword': {
          const query = queryOf(topic);
          // A curated topic is broad (many phrases): a paper is in it only when mainly about one of them.
          return query ? matchQuery(index, query, topic.kind === 'catalog') : [];
        }
        case 'organization':
        case 'author':
          return matchFollow(index, topic);
      }
    },
  };
}

/** A stable key per topic: topics with equal keys match the same papers, so are evaluated once. */
export function topicKey(topic: TopicRef): string {
  switch (topic.kind) {
    case 'catalog':
      return `catalog:${topic.id.trim().toLowerCase()}`;
    case 'keyword':
      return `keyword:${queryKey(parseQuery(topic.text))}`;
    case 'organization':
      return `org:${normalizeName(topic.name)}`;
    case 'author':
      return `author:${normalizeName(topic.name)}`;
  }
}

/** How a topic is named to the reader ("Speculative decoding", "Org: Meta", "Author: Jane Doe"). */
export function topicLabel(topic: TopicRef): string {
  switch (topic.kind) {
    case 'catalog':
      return findCatalogTopic(topic.id)?.name ?? topic.id;
    case 'keyword':
      return keywordLabel(topic.text);
    case 'organization':
      return `${FOLLOW_LABELS.organization}${topic.name.trim()}`;
    case 'author':
      return `${FOLLOW_LABELS.author}${topic.name.trim()}`;
  }
}

/**
 * A keyword as the reader sees it named: acronyms as the field writes them ("rlhf" is "RLHF"), a plain
 * first word capitalized ("Speculative decoding"; "vLLM", "KV cache", "gpt-4" as typed), brackets
 * without a word left out ("agents (1)" is "Agents") unless that is all there is.
 */
function keywordLabel(typed: string): string {
  const text = typed.trim().replace(/\s+/g, ' ');
  const worded = text.replace(/\s*\(([^()]*)\)/g, (bracketed, inner: string) =>
    saysAWord(inner) ? bracketed : '',
  );
  const spelled = (worded.trim() || text).replace(
    /(?<![\p{L}\p{N}])[a-z0-9]+(?![\p{L}\p{N}])/gu,
    (word) => acronymSpelling(word) ?? word,
  );
  return /^[a-z]+(\s|$|-\p{L})/u.test(spelled) ? spelled[0].toUpperCase() + spelled.slice(1) : spelled;
}

const MEANING_KEYS = new Map<string, string>();

/**
 * What a text asks for as the matcher reads it (queryKey), or "" for nothing: "World models" and "world
 * model(s)", "Mixture of experts" and "mixture of experts (MoE)" ask for the same; "LLM (MoE)" and "LLM
 * (RLHF)" do not; "Org: NVIDIA" is not "NVIDIA". Remembered per text: labels repeat across readers.
 */
function meaningKey(text: string): string {
  let key = MEANING_KEYS.get(text);
  if (key === undefined) {
    key = queryKey(parseQuery(text, { relatedTerms: false }));
    if (MEANING_KEYS.size >= 10_000) MEANING_KEYS.clear();
    MEANING_KEYS.set(text, key);
  }
  return key;
}

/** Why a paper is in a digest: one of the reader's topics, the words that matched, and whether only related terms did. */
/** How a topic is named in a reason, and the key that merges reasons asking for the same. */
export interface TopicNaming {
  label: string;
  name: string;
}

/** A topic's naming, computed once by callers that rank many digests with the same topics. */
export function topicNaming(topic: TopicRef): TopicNaming {
  const label = topicLabel(topic);
  return { label, name: meaningKey(label) };
}

export interface MatchReason {
  topic: string;
  matched: string[];
  related?: true;
}

/** Reasons as one string that tells their content apart (a cache key), cheaper than JSON.stringify. */
export function reasonsKey(why: MatchReason[]): string {
  let key = '';
  for (const { topic, matched, related } of why)
    key += `${topic}\u0001${matched.join('\u0002')}${related ? '\u0003' : ''}\u0004`;
  return key;
}

export interface RankedPaper {
  paperId: string;
  score: number;
  /** The paper's best relevance over the reader's topics (0..1), as the reader model adjusted it. */
  relevance: number;
  why: MatchReason[];
}

/**
 * Digest order weights. score = RELEVANCE_WEIGHT·relevance + TRENDING_WEIGHT·trending + bonus, where
 * relevance is the paper's best relevance over the reader's topics (0..1), trending is
 * log(1 + upvotes + 2·comments) / log(1 + TRENDING_SATURATION), capped at 1 (unknown upvotes count 0),
 * and bonus is MULTI_TOPIC_BONUS per further topic the paper matches, at most two.
 * Ties: more relevant, then more engagement, then paper id.
 */
export const RANKING = {
  RELEVANCE_WEIGHT: 0.6,
  TRENDING_WEIGHT: 0.4,
  TRENDING_SATURATION: 100,
  MULTI_TOPIC_BONUS: 0.05,
} as const;

export function trendingScore(paper: Pick<Paper, 'upvotes' | 'numComments'>): number {
  return Math.min(1, Math.log1p(engagement(paper)) / Math.log1p(RANKING.TRENDING_SATURATION));
}

/**
 * What the ranking needs of a reader with ratings or example papers: their model (reader-model.ts), the
 * window's papers as vectors, and the evidence of their topics below the threshold.
 */
export interface RatedReader {
  model: ReaderModel;
  /** The window's papers as vectors: PaperMatcher.space(). */
  space: PaperSpace;
  /** Per topic of the reader, the evidence below the threshold by paper: PaperMatcher.nearMisses. */
  nearMisses?: readonly ReadonlyMap<string, number>[];
}

/**
 * A reader's ratings over a matcher's window, ready for rankForDigest; undefined for a reader without
 * ratings, or none of whose rated papers is known. `paperOf` finds a rated paper (the window's, or one
 * read from storage); `nearMisses` are the matcher's near misses of each of the reader's topics.
 */
export function ratedReader(
  matcher: PaperMatcher,
  ratings: ReaderRatings | undefined,
  paperOf: (id: string) => Paper | undefined,
  nearMisses: readonly ReadonlyMap<string, number>[] = [],
): RatedReader | undefined {
  if (!hasRatings(ratings)) return undefined;
  const model = buildReaderModel(ratings, (id) => {
    const paper = paperOf(id);
    return paper && matcher.knownPaper(paper);
  });
  if (!model) return undefined;
  return { model, space: matcher.space(), nearMisses };
}

/**
 * Combines one reader's per-topic hits into the digest order: relevance and trending together (weights
 * in RANKING). A paper matched by several topics appears once, listing every topic. Hits of papers not
 * in `papersById` are dropped. With `reader` (ratings, example papers), the reader model adjusts the
 * relevance of each hit, leaves out papers close to rejected ones and papers the reader already rated,
 * and brings in papers like the liked and example ones (reason: labels.ts `likeLabel`).
 */
export function rankForDigest(
  perTopic: { topic: TopicRef; hits: TopicHit[]; naming?: TopicNaming }[],
  papersById: Map<string, Paper>,
  limit?: number,
  reader?: RatedReader,
): RankedPaper[] {
  const judge = reader && judgeWindow(reader.model, reader.space);
  // A catalog topic and a keyword that ask for the same ("Mixture of experts", "world model(s)") are one
  // reason, keyed by meaningKey; a label that asks for nothing keeps a reason of its own.
  const byPaper = new Map<string, { relevance: number; reasons: Map<string, MatchReason> }>();
  const matched = new Set<string>();
  for (const { topic, hits, naming } of perTopic) {
    const { label, name } = naming ?? topicNaming(topic);
    for (const hit of hits) {
      if (!papersById.has(hit.paperId)) continue;
      let { relevance } = hit;
      if (judge) {
        matched.add(hit.paperId);
        if (judge.knows(hit.paperId)) continue;
        const affinity = judge.affinityOf(hit.paperId);
        if (affinity.vetoed) continue;
        relevance = judge.adjust(relevance, affinity);
      }
      const entry = byPaper.get(hit.paperId) ?? { relevance: 0, reasons: new Map() };
      entry.relevance = Math.max(entry.relevance, relevance);
      const key = name || `${label}#${entry.reasons.size}`;
      const same = entry.reasons.get(key);
      if (same) {
        same.matched = [...same.matched, ...hit.matched];
        if (!hit.related) delete same.related;
      } else {
        entry.reasons.set(key, {
          topic: label,
          matched: hit.matched,
          ...(hit.related ? { related: true } : {}),
        });
      }
      byPaper.set(hit.paperId, entry);
    }
  }
  if (judge) {
    const near = reader.nearMisses ?? [];
    const support = (id: string): number => {
      let best = 0;
      for (const topicMisses of near) best = Math.max(best, topicMisses.get(id) ?? 0);
      return best;
    };
    const wordless = !perTopic.some(({ topic }) => topic.kind === 'keyword' || topic.kind === 'catalog');
    for (const { paperId, relevance, like } of judge.additions(matched, support, wordless)) {
      if (!papersById.has(paperId)) continue;
      const reason: MatchReason = { topic: likeLabel(like.title, like.example), matched: [] };
      byPaper.set(paperId, { relevance, reasons: new Map([[`like\u0000${like.id}`, reason]]) });
    }
  }
  const ranked = [...byPaper.entries()].map(([paperId, entry]) => {
    const paper = papersById.get(paperId) as Paper;
    const why = [...entry.reasons.values()];
    const bonus = RANKING.MULTI_TOPIC_BONUS * Math.min(2, why.length - 1);
    const score =
      RANKING.RELEVANCE_WEIGHT * entry.relevance + RANKING.TRENDING_WEIGHT * trendingScore(paper) + bonus;
    return {
      paperId,
      score: round(score),
      relevance: entry.relevance,
      engagement: engagement(paper),
      why,
    };
  });
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      b.relevance - a.relevance ||
      b.engagement - a.engagement ||
      a.paperId.localeCompare(b.paperId),
  );
  const limited = limit === undefined ? ranked : ranked.slice(0, Math.max(0, limit));
  return limited.map(({ paperId, score, relevance, why }) => ({ paperId, score, relevance, why }));
}

/**
 * What the `match` CLI prints: for each query (read as the reader's own words), exactly the papers a
 * digest would include for it, best first, with the relevance (0..1, the matcher's; a digest then mixes
 * in trending, see RANKING) and the words that matched. Any query text is a key, "__proto__" included.
 */
export function matchQueries(
  papers: Paper[],
  queries: string[],
  options: MatcherOptions = {},
): Record<string, MatchedPaper[]> {
  const matcher = createMatcher(papers, options);
  const result: Record<string, MatchedPaper[]> = Object.create(null);
  for (const query of queries) {
    result[query] = matcher.match({ kind: 'keyword', text: query }).map((hit) => ({
      id: hit.paperId,
      relevance: hit.relevance,
      why: `${hit.related ? 'related' : 'matched'}: ${hit.matched.join(', ')}`,
      ...(hit.related ? { related: true as const } : {}),
    }));
  }
  return result;
}

/** One paper `match` prints: `related` as in the email, when the paper says only related terms. */
export interface MatchedPaper {
  id: string;
  relevance: number;
  why: string;
  related?: true;
}

let catalogByKey: Map<string, CatalogTopic> | undefined;

/**
 * The curated topic whose name or one of whose phrases says what the reader typed ("world models",
 * "speculative decoding"), and its other phrases: a built query the reader may want instead.
 */
export function curatedTopicFor(text: string): { topic: CatalogTopic; otherPhrases: string[] } | undefined {
  if (!catalogByKey) {
    catalogByKey = new Map();
    for (const topic of topicCatalog)
      for (const phrase of [topic.name, ...topic.phrases]) {
        const key = meaningKey(phrase);
        if (key && !catalogByKey.has(key)) catalogByKey.set(key, topic);
      }
  }
  const key = meaningKey(text);
  const topic = key ? catalogByKey.get(key) : undefined;
  if (!topic) return undefined;
  const said = new Set([key, meaningKey(topic.name)]);
  return { topic, otherPhrases: topic.phrases.filter((phrase) => !said.has(meaningKey(phrase))) };
}

export { findCatalogTopic, topicCatalog, type CatalogTopic } from '../topics/catalog';
export { parseQuery } from './query';
export { FOLLOW_LABELS, topicNames } from './labels';
export { tokenize, stem } from './analysis';
export { findAcronymDefinitions } from './acronyms';
export { mineVocabulary, type MinedVocabulary } from './mine-vocabulary';
export { THRESHOLD, FIELD_WEIGHTS } from './score';
