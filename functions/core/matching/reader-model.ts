/**
 * A reader's model: what their ratings and example papers say beyond the words they typed.
 *
 * Rocchio's relevance feedback over the paper vectors of paper-vectors.ts: the reader's profile is the
 * centroid of the papers they liked and the papers they gave as examples ("papers like these"). A reader
 * follows several interests at once, and the centroid of papers of different areas is close to none of
 * them; so the liked and example papers are also grouped into interests (RATINGS.interest: a paper joins
 * the interest whose centroid it is closest to, at a cosine of at least that, else it starts one), and a
 * paper's positive similarity is the larger of its cosine with the profile and RATINGS.interestShare × its
 * cosine with its closest interest's centroid (with one interest, the profile's). A paper's affinity is
 * that less its cosine with the closest paper they rejected. The words the reader typed stay the base (the
 * matcher decides on them, index.ts): the affinity then
 *
 * - raises or lowers the relevance of a paper the words matched (RATINGS.weight × affinity);
 * - leaves out a paper the words matched when it is close to a rejected paper (RATINGS.veto) and closer to it
 *   than to the profile (its positive similarity);
 * - brings in a paper the words did not match when it is close to the profile (RATINGS.alone; RATINGS.wordless
 *   for a reader who typed no words: "papers like these" alone), or close enough
 *   (RATINGS.supported) where the reader's words say part of it (evidence RATINGS.support below the
 *   matcher's threshold), with the reason "like <title> you rated" (labels.ts), naming the liked or example
 *   paper it is closest to;
 * - never shows again a paper the reader rated or gave as an example.
 *
 * It works from the first rating: one liked paper is a profile, one rejected paper a veto. Pure and
 * deterministic; readers without ratings never reach it. The constants were chosen on the development
 * topics of eval/ (`npm run eval`, after-ratings protocol; eval/README.md) as global values, nothing in them
 * per topic.
 */
import type { PaperSpace, PaperVector } from './paper-vectors';

/** A reader's ratings and example papers, by arXiv id. */
export interface ReaderRatings {
  /** "More like this". */
  liked?: readonly string[];
  /** "Not for me". */
  disliked?: readonly string[];
  /** Papers pasted as "papers like these". */
  examples?: readonly string[];
}

export interface ReaderModelParameters {
  alone: number;
  wordless: number;
  supported: number;
  support: number;
  veto: number;
  weight: number;
  likeBase: number;
  maxPerKind: number;
  interest: number;
  interestShare: number;
  maxInterests: number;
}

/** The model's constants (eval/calibrate-ratings.ts tries others in its own process). */
export const RATINGS: ReaderModelParameters = {
  /** Affinity at which a paper the words did not match comes in on similarity alone. */
  alone: 0.3,
  /**
   * The same for a reader with no words at all (only "papers like these", or follows): their examples are
   * their topic, so a paper needs less similarity than one that must add to what the words found.
   */
  wordless: 0.2,
  /** Affinity at which it comes in when the reader's words say part of it (evidence ≥ support). */
  supported: 0.12,
  /** Evidence of the reader's words (score.ts; the threshold is 1) that supports a similar paper. */
  support: 0.6,
  /** Cosine with a rejected paper at which a matched paper stays out, when closer to it than to the profile. */
  veto: 0.35,
  /** Share of the affinity added to the relevance of a paper the words matched. */
  weight: 0.5,
  /** Relevance of a paper in by similarity: this plus its affinity (at most 0.99). */
  likeBase: 0.3,
  /** The most recent ratings of each kind the model reads (a bound on its cost). */
  maxPerKind: 100,
  /**
   * Cosine with an interest's centroid at which a liked or example paper joins it (else it starts an
   * interest of its own). Papers two readers of one topic liked have a median cosine of 0.11 (10 % under
   * 0.05), papers of two different topics 0.03 (10 % over 0.065): eval/README.md, "Readers with several
   * interests".
   */
  interest: 0.04,
  /**
   * Share of a paper's cosine with its closest interest that counts against its cosine with the whole
   * profile (the larger of the two is its positive similarity). Below 1 so that an interest of one paper
   * needs more than the profile: two examples of one topic that share few terms do not each bring in
   * papers of their own.
   */
  interestShare: 0.8,
  /** The most interests kept (a bound on the cost): a paper beyond them joins the closest one. */
  maxInterests: 8,
};

/** A paper the reader rated or gave as an example, as the model keeps it. */
export interface KnownPaper {
  id: string;
  title: string;
  vector: PaperVector;
}

export interface Positive extends KnownPaper {
  /** Given as an example ("papers like these"), not rated from a digest. */
  example: boolean;
}

/** Liked and example papers close to one another: one of the reader's interests. */
export interface Interest {
  /** Indexes into the model's positives. */
  members: readonly number[];
  /** The length of the sum of their vectors (their centroid, before it is made unit length). */
  norm: number;
}

export interface ReaderModel {
  /** Liked and example papers: their centroid is the reader's profile. */
  positives: readonly Positive[];
  /** The positives grouped into interests, in the order of their first paper. */
  interests: readonly Interest[];
  /** The length of the sum of the positives' vectors (the profile, before it is made unit length). */
  profileNorm: number;
  negatives: readonly KnownPaper[];
  /** Papers the reader rated or gave: never shown to them again. */
  known: ReadonlySet<string>;
}

/** True when the ratings hold anything to learn from. */
export const hasRatings = (ratings: ReaderRatings | undefined): ratings is ReaderRatings =>
  !!ratings &&
  (ratings.liked?.length ?? 0) + (ratings.disliked?.length ?? 0) + (ratings.examples?.length ?? 0) > 0;

/** The last `count` distinct ids, newest (last) first. */
function latest(ids: readonly string[] | undefined, count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let index = (ids?.length ?? 0) - 1; index >= 0 && out.length < count; index -= 1) {
    const id = (ids as readonly string[])[index];
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

/**
 * The reader's model from their ratings; `lookup` gives a paper's title and vector (undefined: unknown,
 * left out). Each list is read newest (last) first, at most RATINGS.maxPerKind; a paper both rejected and
 * liked or given counts as rejected, one both liked and given as liked. Undefined when no rated paper is
 * known.
 */
export function buildReaderModel(
  ratings: ReaderRatings,
  lookup: (id: string) => KnownPaper | undefined,
): ReaderModel | undefined {
  const disliked = latest(ratings.disliked, RATINGS.maxPerKind);
  const rejected = new Set(disliked);
  const liked = latest(ratings.liked, RATINGS.maxPerKind).filter((id) => !rejected.has(id));
  const examples = latest(ratings.examples, RATINGS.maxPerKind).filter(
    (id) => !rejected.has(id) && !liked.includes(id),
  );
  const known = new Set([...disliked, ...liked, ...examples]);
  const resolve = (ids: string[]): KnownPaper[] =>
    ids.map(lookup).filter((paper): paper is KnownPaper => !!paper && paper.vector.size > 0);
  const positives: Positive[] = [
    ...resolve(liked).map((paper) => ({ ...paper, example: false })),
    ...resolve(examples).map((paper) => ({ ...paper, example: true })),
  ];
  const negatives = resolve(disliked);
  if (positives.length + negatives.length === 0) return undefined;
  const dots = dotProducts(positives.map((paper) => paper.vector));
  let squares = positives.length;
  for (const dot of dots) squares += dot;
  const profileNorm = Math.sqrt(Math.max(0, squares));
  return { positives, interests: interestsFrom(dots, positives.length), profileNorm, negatives, known };
}

/**
 * The positives grouped into interests, in their order (liked newest first, then examples): each joins
 * the interest whose centroid it has the highest cosine with when that is at least RATINGS.interest
 * (always the closest once RATINGS.maxInterests are open), else starts one. The cosine with a centroid
 * comes from the papers' dot products with its members and its squared length, kept as papers join.
 */
export function interestsOf(positives: readonly KnownPaper[]): Interest[] {
  return interestsFrom(dotProducts(positives.map((paper) => paper.vector)), positives.length);
}

/** interestsOf from the positives' dot products (a count × count matrix, its diagonal unused). */
function interestsFrom(dots: Float64Array, count: number): Interest[] {
  const interests: { members: number[]; squares: number }[] = [];
  for (let index = 0; index < count; index += 1) {
    let best: (typeof interests)[number] | undefined;
    let bestDot = 0;
    let bestCosine = -Infinity;
    for (const interest of interests) {
      let dot = 0;
      for (const member of interest.members) dot += dots[index * count + member];
      const cosine = interest.squares > 0 ? dot / Math.sqrt(interest.squares) : 0;
      if (cosine > bestCosine) {
        best = interest;
        bestDot = dot;
        bestCosine = cosine;
      }
    }
    if (!best || (bestCosine < RATINGS.interest && interests.length < RATINGS.maxInterests)) {
      interests.push({ members: [index], squares: 1 });
      continue;
    }
    best.members.push(index);
    // |s + v|² = |s|² + 2 s·v + |v|², v of unit length.
    best.squares += 2 * bestDot + 1;
  }
  return interests.map(({ members, squares }) => ({ members, norm: Math.sqrt(Math.max(0, squares)) }));
}

/** Terms as numbers, for dot products without a Map per sum; reset past TERM_NUMBERS_KEPT terms. */
const TERM_NUMBERS_KEPT = 1_000_000;
let termNumbers = new Map<string, number>();
let numbering = 0;
const numberedVectors = new WeakMap<
  PaperVector,
  { numbering: number; terms: Int32Array; weights: Float64Array }
>();
let scratch = new Float64Array(4096);

function numbered(vector: PaperVector): { terms: Int32Array; weights: Float64Array } {
  const known = numberedVectors.get(vector);
  if (known && known.numbering === numbering) return known;
  if (termNumbers.size + vector.size > TERM_NUMBERS_KEPT) {
    termNumbers = new Map();
    numbering += 1;
  }
  const terms = new Int32Array(vector.size);
  const weights = new Float64Array(vector.size);
  let at = 0;
  for (const [term, weight] of vector) {
    let number = termNumbers.get(term);
    if (number === undefined) termNumbers.set(term, (number = termNumbers.size));
    terms[at] = number;
    weights[at] = weight;
    at += 1;
  }
  const entry = { numbering, terms, weights };
  numberedVectors.set(vector, entry);
  return entry;
}

/** The dot products of each pair of vectors, as a count × count matrix (row-major). */
function dotProducts(vectors: readonly PaperVector[]): Float64Array {
  const count = vectors.length;
  const dots = new Float64Array(count * count);
  const forms = vectors.map(numbered);
  // A reset of the numbering while numbering these leaves earlier ones stale: number them again.
  if (forms.some((form) => (form as { numbering?: number }).numbering !== numbering))
    forms.splice(0, count, ...vectors.map(numbered));
  if (termNumbers.size > scratch.length)
    scratch = new Float64Array(Math.max(termNumbers.size, scratch.length * 2));
  for (let row = 0; row < count; row += 1) {
    const { terms, weights } = forms[row];
    for (let at = 0; at < terms.length; at += 1) scratch[terms[at]] = weights[at];
    for (let column = 0; column < row; column += 1) {
      const other = forms[column];
      let dot = 0;
      for (let at = 0; at < other.terms.length; at += 1) dot += other.weights[at] * scratch[other.terms[at]];
      dots[row * count + column] = dot;
      dots[column * count + row] = dot;
    }
    for (let at = 0; at < terms.length; at += 1) scratch[terms[at]] = 0;
  }
  return dots;
}

/** What the model says of one paper of the window. */
export interface Affinity {
  /** Positive similarity (profile, or a share of the closest interest) less the cosine with the closest rejected paper. */
  affinity: number;
  /** Close to a rejected paper, and closer to it than to the profile or interest: leave it out. */
  vetoed: boolean;
}

/** A paper the words did not match that the model brings in. */
export interface Addition {
  paperId: string;
  relevance: number;
  /** The liked or example paper it is closest to. */
  like: Positive;
}

/** The model applied to one window of papers (a PaperSpace). */
export interface ReaderJudge {
  /** Whether the reader rated or gave this paper already. */
  knows(paperId: string): boolean;
  /** The model's view of a window paper (no affinity for a paper outside the window). */
  affinityOf(paperId: string): Affinity;
  /** The relevance of a paper the words matched, adjusted by its affinity, in (0, 1]. */
  adjust(relevance: number, affinity: Affinity): number;
  /**
   * Papers of the window the words did not match that come in by similarity. `support(id)` is the
   * evidence of the reader's words for a paper (0 when none); `wordless`: the reader typed no words (and
   * follows no catalog topic).
   */
  additions(
    matched: ReadonlySet<string>,
    support: (paperId: string) => number,
    wordless?: boolean,
  ): Addition[];
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * Applies the model to a window. Each rated paper's cosines with the window's papers are computed once per
 * window for every reader who rated it (PaperSpace.similaritiesTo); a reader then costs one pass over the
 * window per rated paper.
 */
export function judgeWindow(model: ReaderModel, space: PaperSpace): ReaderJudge {
  const toPositives = model.positives.map((paper) => space.similaritiesTo(paper.id, paper.vector));
  const toNegatives = model.negatives.map((paper) => space.similaritiesTo(paper.id, paper.vector));
  // The profile is the positives' centroid: a paper's cosine with it is the sum of its cosines with them
  // over the length of their sum.
  const profileNorm = toPositives.length > 0 ? model.profileNorm : 0;
  const profileAt = (at: number): number => {
    if (profileNorm === 0) return 0;
    let sum = 0;
    for (const similarities of toPositives) sum += similarities[at];
    return sum / profileNorm;
  };
  // With several interests, each interest's centroid too (with one, it is the profile): computed once
  // per window paper, on first use.
  const interests = model.interests.length > 1 ? model.interests : [];
  let positives: Float64Array | undefined;
  const positiveAt = (at: number): number => {
    if (!positives) {
      positives = new Float64Array(space.ids.length);
      for (let paper = 0; paper < positives.length; paper += 1) {
        let best = profileAt(paper);
        for (const { members, norm } of interests) {
          if (norm === 0) continue;
          let sum = 0;
          for (const index of members) sum += toPositives[index][paper];
          if ((RATINGS.interestShare * sum) / norm > best) best = (RATINGS.interestShare * sum) / norm;
        }
        positives[paper] = best;
      }
    }
    return positives[at];
  };
  const rejectedAt = (at: number): number => {
    let best = 0;
    for (const similarities of toNegatives) if (similarities[at] > best) best = similarities[at];
    return best;
  };
  const affinityAt = (at: number): Affinity => {
    const positive = positiveAt(at);
    const negative = rejectedAt(at);
    return { affinity: positive - negative, vetoed: negative >= RATINGS.veto && negative > positive };
  };
  return {
    knows: (paperId) => model.known.has(paperId),
    affinityOf(paperId) {
      const at = space.positionOf(paperId);
      return at === undefined ? { affinity: 0, vetoed: false } : affinityAt(at);
    },
    adjust: (relevance, { affinity }) =>
      round(Math.min(1, Math.max(0.001, relevance + RATINGS.weight * affinity))),
    additions(matched, support, wordless = false) {
      if (toPositives.length === 0) return [];
      const alone = wordless ? RATINGS.wordless : RATINGS.alone;
      const out: Addition[] = [];
      for (let at = 0; at < space.ids.length; at += 1) {
        if (positiveAt(at) < Math.min(alone, RATINGS.supported)) continue;
        const paperId = space.ids[at];
        if (matched.has(paperId) || model.known.has(paperId)) continue;
        const { affinity, vetoed } = affinityAt(at);
        if (vetoed) continue;
        if (affinity < alone && (affinity < RATINGS.supported || support(paperId) < RATINGS.support))
          continue;
        let closest = 0;
        toPositives.forEach((similarities, index) => {
          if (similarities[at] > toPositives[closest][at]) closest = index;
        });
        const like = model.positives[closest];
        out.push({ paperId, relevance: round(Math.min(0.99, RATINGS.likeBase + affinity)), like });
      }
      return out;
    },
  };
}
