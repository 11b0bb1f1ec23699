import { toPaperView, type DigestPaperView } from '../digests/paper-view';
import { isValidDay } from '../dates';
import { TokenError } from '../errors';
import { ratingToken, verifiedLink } from './link-access';
import type { SubscriptionDeps } from './subscription-deps';

/** A paper of a hosted digest: as the email showed it, with its rating link's token and the reader's rating. */
export interface HostedPaper extends Pick<
  DigestPaperView,
  'id' | 'title' | 'url' | 'authorsLine' | 'summary' | 'arxivUrl' | 'pdfUrl' | 'githubUrl'
> {
  /** The token of this paper's rating link (POST /rate?token=…). */
  ratingToken: string;
  /** How the reader rated it so far. */
  rated: 'more' | 'less' | 'none';
}

/** The hosted copy of one reader's digest of one day ("View in browser"), or the day of one never sent. */
export type HostedDigest =
  | { digestDate: string; sent: true; cadence: 'daily' | 'weekly'; papers: HostedPaper[] }
  | { digestDate: string; sent: false };

/**
 * The digest a view link (purpose `view`, signed with its day) names: the papers its delivery record
 * says the email carried, in the email's order, each with the reader's rating link. `sent: false` when
 * no digest of that day went to the reader. Reads; changes nothing.
 */
export async function viewDigest(deps: SubscriptionDeps, token: unknown): Promise<HostedDigest> {
  const { subscriber, claims } = await verifiedLink(deps, token, ['view']);
  const digestDate = claims.digestDate;
  if (!digestDate || !isValidDay(digestDate))
    throw new TokenError('token_invalid', 'This link is incomplete or has been altered.');
  const [record] = await deps.deliveries.sentDigestsOf([{ subscriberId: subscriber.id, digestDate }]);
  if (!record) return { digestDate, sent: false };
  const papers = new Map((await deps.papers.getMany(record.paperIds)).map((paper) => [paper.id, paper]));
  const liked = new Set(subscriber.ratings?.liked);
  const disliked = new Set(subscriber.ratings?.disliked);
  return {
    digestDate,
    sent: true,
    cadence: subscriber.preferences.cadence,
    papers: record.paperIds.flatMap((id): HostedPaper[] => {
      const paper = papers.get(id);
      if (!paper) return [];
      const { title, url, authorsLine, summary, arxivUrl, pdfUrl, githubUrl } = toPaperView(paper, []);
      return [
        {
          id,
          title,
          url,
          authorsLine,
          summary,
          arxivUrl,
          pdfUrl,
          ...(githubUrl ? { githubUrl } : {}),
          ratingToken: ratingToken(deps.tokens, subscriber, id),
          rated: liked.has(id) ? 'more' : disliked.has(id) ? 'less' : 'none',
        },
      ];
    }),
  };
}
