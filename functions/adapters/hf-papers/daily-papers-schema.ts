import { z } from 'zod';
import type { Paper } from '../../core/papers';

/**
 * Text as paperboy keeps it: a control character (NUL, an escape code) parts words like a space, as it
 * would otherwise reach every email and page the paper is in; a lone surrogate, which no UTF-8 can
 * carry, is dropped; runs of spaces become one.
 */
const cleanText = (text: string): string =>
  text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\p{Cs}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

const optionalString = z
  .string()
  .nullish()
  .transform((value) => (value && value.trim() ? value.trim() : undefined));

const OrganizationSchema = z
  .object({ name: z.string().nullish(), fullname: z.string().nullish() })
  .passthrough()
  .nullish();

const AuthorSchema = z.object({ name: z.string().nullish(), hidden: z.boolean().nullish() }).passthrough();

/**
 * One item of `GET /api/daily_papers`, in every shape the API has sent since 2024-05
 * (older items lack ai_* fields, organization and submittedOnDailyAt; partial records may
 * have null upvotes and no authors).
 */
export const DailyPaperItemSchema = z
  .object({
    paper: z
      .object({
        id: z.string().regex(/^[\w./-]{4,40}$/, 'paper.id is not an arXiv-like id'),
        title: z.string().transform(cleanText).pipe(z.string().min(1, 'paper.title is empty')),
        summary: z.string().nullish(),
        authors: z.array(AuthorSchema).nullish(),
        publishedAt: z.string().nullish(),
        submittedOnDailyAt: z.string().nullish(),
        upvotes: z.number().int().nonnegative().nullish(),
        ai_summary: optionalString,
        ai_keywords: z.array(z.string()).nullish(),
        githubRepo: optionalString,
        githubStars: z.number().int().nullish(),
        projectPage: optionalString,
        organization: OrganizationSchema,
      })
      .passthrough(),
    title: z.string().nullish(),
    summary: z.string().nullish(),
    publishedAt: z.string().nullish(),
    numComments: z.number().int().nonnegative().nullish(),
    thumbnail: optionalString,
    organization: OrganizationSchema,
  })
  .passthrough();
export type DailyPaperItem = z.infer<typeof DailyPaperItemSchema>;

const isoDay = (value: string | null | undefined): string | undefined =>
  value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;

/** An ISO timestamp as the API writes them, else undefined (an empty or garbled one is no date). */
const isoTimestamp = (value: string | null | undefined): string | undefined =>
  value && isoDay(value) && Number.isFinite(Date.parse(value)) ? value : undefined;

/** Maps a validated item to a Paper. `listedOn` is the Daily Papers day the item was fetched for, when known. */
export function toPaper(item: DailyPaperItem, listedOn?: string): Paper {
  const { paper } = item;
  const organization = paper.organization ?? item.organization;
  const orgName = cleanText(organization?.name ?? '') || cleanText(organization?.fullname ?? '');
  const orgFullname = cleanText(organization?.fullname ?? '');
  const dailyDate =
    listedOn ?? isoDay(paper.submittedOnDailyAt) ?? isoDay(item.publishedAt) ?? isoDay(paper.publishedAt);
  if (!dailyDate)
    throw new Error('no Daily Papers date: neither the query date nor submittedOnDailyAt nor publishedAt');
  return {
    id: paper.id,
    title: paper.title,
    abstract: cleanText(paper.summary ?? item.summary ?? ''),
    aiSummary: cleanText(paper.ai_summary ?? '') || undefined,
    aiKeywords: (paper.ai_keywords ?? []).map(cleanText).filter(Boolean),
    // Cleaned before the blank ones are dropped: a name of spaces or control characters is no author.
    authors: (paper.authors ?? [])
      .filter((author) => !author.hidden)
      .map((author) => cleanText(author.name ?? ''))
      .filter(Boolean),
    organization: orgName ? { name: orgName, fullname: orgFullname || undefined } : undefined,
    upvotes: paper.upvotes ?? null,
    numComments: item.numComments ?? 0,
    publishedAt:
      isoTimestamp(paper.publishedAt) ?? isoTimestamp(item.publishedAt) ?? `${dailyDate}T00:00:00.000Z`,
    dailyDate,
    githubRepo: paper.githubRepo,
    githubStars: paper.githubStars ?? undefined,
    projectPage: paper.projectPage,
    thumbnail: item.thumbnail,
  };
}

/**
 * The most a paper may weigh as stored JSON. The largest in data/ is under 5 KB; a DynamoDB item holds
 * 400 KB, and one paper over it would fail the write of its whole day.
 */
export const MAX_PAPER_BYTES = 64 * 1024;

export interface RejectedItem {
  index: number;
  id?: string;
  reason: string;
}

/**
 * Validates a Daily Papers response item by item: a bad item is rejected with its reason,
 * never the whole batch.
 */
export function parseDailyPapers(
  raw: unknown,
  listedOn?: string,
): { papers: Paper[]; rejected: RejectedItem[] } {
  if (!Array.isArray(raw)) {
    return { papers: [], rejected: [{ index: -1, reason: 'response is not a JSON array of papers' }] };
  }
  const papers: Paper[] = [];
  const rejected: RejectedItem[] = [];
  raw.forEach((entry, index) => {
    const result = DailyPaperItemSchema.safeParse(entry);
    const id = (entry as { paper?: { id?: unknown } } | null)?.paper?.id;
    if (!result.success) {
      const issue = result.error.issues[0];
      rejected.push({
        index,
        id: typeof id === 'string' ? id : undefined,
        reason: `${issue.path.join('.') || 'item'}: ${issue.message}`,
      });
      return;
    }
    try {
      const paper = toPaper(result.data, listedOn);
      const bytes = Buffer.byteLength(JSON.stringify(paper));
      if (bytes > MAX_PAPER_BYTES)
        throw new Error(`paper is ${bytes} bytes, more than the ${MAX_PAPER_BYTES} a paper may have`);
      papers.push(paper);
    } catch (error) {
      rejected.push({ index, id: result.data.paper.id, reason: (error as Error).message });
    }
  });
  return { papers, rejected };
}
