import { summarize } from '../digests/paper-view';
import { arxivUrl, paperUrl, pdfUrl } from '../papers';
import type { DeliveryRecord } from '../ports';
import { feedToken, subscriberFromLink } from './link-access';
import type { SubscriptionDeps } from './subscription-deps';

/** The digests a feed lists, newest first (a month of daily digests). */
export const FEED_DIGESTS = 30;
/** Entries at most: a feed reader fetches the whole document on every poll. */
export const FEED_ENTRIES = 100;
/** Authors named per entry (the first ones, in paper order): some papers have hundreds. */
export const FEED_AUTHORS = 20;

export interface FeedEntry {
  /** The entry's permanent id: the same paper is the same entry in every feed. */
  id: string;
  /** arXiv id. */
  paperId: string;
  title: string;
  /** The paper's Hugging Face page. */
  url: string;
  arxivUrl: string;
  pdfUrl: string;
  summary: string;
  authors: string[];
  /** The digest that carried it. */
  digestDate: string;
  /** When that digest was sent (ISO 8601). */
  sentAt: string;
}

/** A reader's matched papers as a feed: what their recent digests carried, newest first. */
export interface ReaderFeed {
  /** A permanent id for this reader's feed (not a URL: the feed's URL changes when links are renewed). */
  id: string;
  title: string;
  /** The feed's own absolute URL (rel="self"). */
  selfUrl: string;
  /** paperboy's home page (rel="alternate"). */
  homeUrl: string;
  /** The newest entry's time, or the subscription's when there is none yet. */
  updated: string;
  entries: FeedEntry[];
}

/** The papers of the newest FEED_DIGESTS digests, newest digest first and in each digest's order. */
function newestPapers(records: DeliveryRecord[]): { paperId: string; digestDate: string; sentAt: string }[] {
  const byDay = new Map<string, DeliveryRecord[]>();
  for (const record of records) {
    const day = byDay.get(record.digestDate);
    if (day) day.push(record);
    else byDay.set(record.digestDate, [record]);
  }
  const days = [...byDay.keys()].sort().reverse().slice(0, FEED_DIGESTS);
  const seen = new Set<string>();
  const papers = [];
  for (const day of days)
    for (const record of byDay.get(day) ?? []) {
      if (seen.has(record.paperId)) continue;
      seen.add(record.paperId);
      papers.push(record);
    }
  return papers.slice(0, FEED_ENTRIES);
}

/** A tag: URI (RFC 4151) under the public URL's host: ids that stay when the domain's links change. */
const tagUri = (homeUrl: string, specific: string): string =>
  `tag:${new URL(homeUrl).hostname},2025:${specific}`;

/**
 * The reader's Atom feed behind their feed link (purpose `feed`): the papers their recent digests
 * carried (delivery records), newest first. Revoked with the reader's other links.
 */
export async function readerFeed(deps: SubscriptionDeps, token: unknown): Promise<ReaderFeed> {
  const subscriber = await subscriberFromLink(deps, token, ['feed']);
  const wanted = newestPapers(await deps.deliveries.listForSubscriber(subscriber.id));
  const papers = new Map(
    (await deps.papers.getMany(wanted.map(({ paperId }) => paperId))).map((paper) => [paper.id, paper]),
  );
  const homeUrl = deps.links.home();
  const entries = wanted.flatMap(({ paperId, digestDate, sentAt }): FeedEntry[] => {
    const paper = papers.get(paperId);
    if (!paper) return [];
    const authors = paper.authors.map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean);
    return [
      {
        id: tagUri(homeUrl, `paper:${paperId}`),
        paperId,
        title: paper.title.replace(/\s+/g, ' ').trim(),
        url: paperUrl(paperId),
        arxivUrl: arxivUrl(paperId),
        pdfUrl: pdfUrl(paperId),
        summary: summarize(paper),
        authors: authors.slice(0, FEED_AUTHORS),
        digestDate,
        sentAt,
      },
    ];
  });
  const newest = entries.reduce<string | undefined>(
    (latest, entry) => (latest === undefined || entry.sentAt > latest ? entry.sentAt : latest),
    undefined,
  );
  return {
    id: tagUri(homeUrl, `feed:${subscriber.id}`),
    title: 'paperboy · your papers',
    selfUrl: deps.links.feed(feedToken(deps.tokens, subscriber)),
    homeUrl,
    updated: newest ?? subscriber.confirmedAt ?? subscriber.createdAt,
    entries,
  };
}
