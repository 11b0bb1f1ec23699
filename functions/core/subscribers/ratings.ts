import { ValidationError } from '../errors';
import { paperUrl, parseArxivReference } from '../papers';
import type { ReaderRatings } from '../matching/reader-model';
import { subscriberFromLink, verifiedLink } from './link-access';
import { saveDecision } from './save-with-retry';
import type { Ratings, Subscriber } from './subscriber';
import type { SubscriptionDeps } from './subscription-deps';

/** "More like this", "not for me", or neither any more (the undo). */
export type Verdict = 'more' | 'less' | 'none';
const VERDICTS: readonly Verdict[] = ['more', 'less', 'none'];

/**
 * Ratings kept per list, newest kept: a reader who rates every day for most of a year fits, the item
 * stays far below DynamoDB's 400 KB, and the reader model reads at most this many papers a reader.
 */
export const MAX_RATINGS_KEPT = 200;

/** A paper as the rating page and the preferences page name it. */
export interface PaperRef {
  id: string;
  /** The title when paperboy has the paper, else its id. */
  title: string;
  url: string;
}

export interface RatedPaper extends PaperRef {
  verdict: Exclude<Verdict, 'none'>;
}

type RatingDeps = Pick<SubscriptionDeps, 'subscribers' | 'tokens' | 'clock' | 'logger' | 'papers'>;

/** The reader's verdict on a paper so far ('none' when not rated). */
export function verdictOf(ratings: Ratings | undefined, paperId: string): Verdict {
  if (ratings?.liked.includes(paperId)) return 'more';
  if (ratings?.disliked.includes(paperId)) return 'less';
  return 'none';
}

/** The ratings with `paperId` rated `verdict`: moved to the end of its list, out of the other. */
export function withVerdict(ratings: Ratings | undefined, paperId: string, verdict: Verdict): Ratings {
  const liked = (ratings?.liked ?? []).filter((id) => id !== paperId);
  const disliked = (ratings?.disliked ?? []).filter((id) => id !== paperId);
  if (verdict === 'more') liked.push(paperId);
  if (verdict === 'less') disliked.push(paperId);
  return { liked: liked.slice(-MAX_RATINGS_KEPT), disliked: disliked.slice(-MAX_RATINGS_KEPT) };
}

/** Names papers by their titles, in the order given; a paper paperboy no longer has is named by its id. */
export async function paperRefs(deps: Pick<RatingDeps, 'papers'>, ids: string[]): Promise<PaperRef[]> {
  if (ids.length === 0) return [];
  const titles = new Map((await deps.papers.getMany(ids)).map((paper) => [paper.id, paper.title]));
  return ids.map((id) => ({
    id,
    title: titles.get(id)?.replace(/\s+/g, ' ').trim() || id,
    url: paperUrl(id),
  }));
}

/**
 * The reader and paper a rating request is about: a rating link names its paper in its signed claims
 * (a `paper` sent beside it must be the same); the manage link (the preferences page and its preview)
 * rates the paper the request names.
 */
async function ratingTarget(
  deps: RatingDeps,
  token: unknown,
  paper: unknown,
): Promise<{ subscriber: Subscriber; paperId: string }> {
  const { subscriber, claims } = await verifiedLink(deps, token, ['rate', 'manage']);
  const named = paper === undefined || paper === null || paper === '' ? undefined : paper;
  const namedId = typeof named === 'string' ? parseArxivReference(named) : undefined;
  if (named !== undefined && !namedId)
    throw new ValidationError('paper: must be an arXiv id (like 2510.01234)');
  if (claims.purpose === 'rate') {
    if (!claims.paperId) throw new ValidationError('This rating link names no paper.');
    if (namedId && namedId !== claims.paperId)
      throw new ValidationError('paper: this link rates another paper');
    return { subscriber, paperId: claims.paperId };
  }
  if (!namedId) throw new ValidationError('paper: the arXiv id of the paper to rate is required');
  return { subscriber, paperId: namedId };
}

/** What the page of a rating link shows before anything is recorded (a prefetch changes nothing). */
export async function ratingLinkPaper(
  deps: RatingDeps,
  token: unknown,
): Promise<{ paper: PaperRef; verdict: Verdict }> {
  const { subscriber, paperId } = await ratingTarget(deps, token, undefined);
  const [paper] = await paperRefs(deps, [paperId]);
  return { paper, verdict: verdictOf(subscriber.ratings, paperId) };
}

/**
 * Records "more like this" / "not for me" on a paper, or takes it back ('none'). The next digests read
 * it (core/matching/reader-model.ts). Idempotent: the same verdict again changes nothing.
 */
export async function ratePaper(
  deps: RatingDeps,
  input: { token: unknown; verdict: unknown; paper?: unknown },
): Promise<{ paper: PaperRef; verdict: Verdict }> {
  if (typeof input.verdict !== 'string' || !VERDICTS.includes(input.verdict as Verdict))
    throw new ValidationError('verdict: must be "more", "less" or "none"');
  const verdict = input.verdict as Verdict;
  const { subscriber, paperId } = await ratingTarget(deps, input.token, input.paper);
  const { outcome } = await saveDecision(deps, subscriber, (current) =>
    verdictOf(current.ratings, paperId) === verdict
      ? { outcome: 'unchanged' }
      : { outcome: 'rated', next: { ...current, ratings: withVerdict(current.ratings, paperId, verdict) } },
  );
  if (outcome === 'rated') deps.logger.info('paper rated', { subscriberId: subscriber.id, verdict });
  const [paper] = await paperRefs(deps, [paperId]);
  return { paper, verdict };
}

/** What the reader model reads of the reader behind a manage link (their own preview ranks with it). */
export async function readerRatings(deps: RatingDeps, token: unknown): Promise<ReaderRatings> {
  const subscriber = await subscriberFromLink(deps, token, ['manage']);
  return {
    liked: subscriber.ratings?.liked,
    disliked: subscriber.ratings?.disliked,
    examples: subscriber.preferences.examplePapers,
  };
}

/**
 * The reader's rated and example papers for the preferences page, named in one read: the ratings
 * "more like this" first, then "not for me", each newest first; the examples in their order.
 */
export async function namedPapersOf(
  deps: Pick<RatingDeps, 'papers'>,
  subscriber: Subscriber,
): Promise<{ ratings: RatedPaper[]; examples: PaperRef[] }> {
  const liked = subscriber.ratings?.liked ?? [];
  const disliked = subscriber.ratings?.disliked ?? [];
  const { examplePapers } = subscriber.preferences;
  const refs = new Map(
    (await paperRefs(deps, [...new Set([...liked, ...disliked, ...examplePapers])])).map((ref) => [
      ref.id,
      ref,
    ]),
  );
  const named = (id: string) => refs.get(id) as PaperRef;
  const rated = (ids: string[], verdict: RatedPaper['verdict']) =>
    ids.map((id) => ({ ...named(id), verdict }));
  return {
    ratings: [...rated(liked, 'more').reverse(), ...rated(disliked, 'less').reverse()],
    examples: examplePapers.map(named),
  };
}
