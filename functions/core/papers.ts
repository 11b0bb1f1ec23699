/** A paper as paperboy knows it: one Daily Papers entry, normalized. */
export interface Paper {
  /** arXiv id, e.g. "2511.08892"; also the Hugging Face papers page id. */
  id: string;
  title: string;
  abstract: string;
  /** The API's one-sentence ai_summary, when it has one. */
  aiSummary?: string;
  /** The API's ai_keywords (newer items only). */
  aiKeywords: string[];
  /** Author names in paper order (may be empty for partial records). */
  authors: string[];
  /** Organization that claimed the paper on Hugging Face, when any. */
  organization?: { name: string; fullname?: string };
  /** null when the source did not say (never the case for the live API). */
  upvotes: number | null;
  numComments: number;
  /** When the paper appeared on arXiv (ISO timestamp). */
  publishedAt: string;
  /** The Daily Papers day it was listed on, YYYY-MM-DD. */
  dailyDate: string;
  githubRepo?: string;
  githubStars?: number;
  projectPage?: string;
  thumbnail?: string;
}

export const paperUrl = (id: string): string => `https://huggingface.co/papers/${id}`;
export const arxivUrl = (id: string): string => `https://arxiv.org/abs/${id}`;
export const pdfUrl = (id: string): string => `https://arxiv.org/pdf/${id}`;

/** Trending strength of a paper: upvotes plus twice the comments (a comment is rarer than an upvote); unknown upvotes count as 0. */
export const engagement = (paper: Pick<Paper, 'upvotes' | 'numComments'>): number =>
  (paper.upvotes ?? 0) + 2 * paper.numComments;

/** An arXiv identifier of the scheme in use since 2007 (YYMM.NNNNN; four digits before 2015). */
const ARXIV_ID = /^\d{4}\.\d{4,5}$/;

export const isArxivId = (text: string): boolean => ARXIV_ID.test(text);

/**
 * The arXiv id a reader means by what they pasted: an id ("2510.01234", "arXiv:2510.01234v2") or a link
 * to the paper on arXiv (abs, pdf, html), Hugging Face Papers or alphaXiv. The version is dropped: a
 * reader means the paper, and Daily Papers lists it by its bare id. Undefined for anything else.
 */
export function parseArxivReference(text: string): string | undefined {
  const trimmed = text.trim();
  const bare = /^(?:arxiv:\s*)?(\d{4}\.\d{4,5})(?:v\d+)?$/i.exec(trimmed);
  if (bare) return bare[1];
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  if (!['arxiv.org', 'export.arxiv.org', 'huggingface.co', 'hf.co', 'alphaxiv.org'].includes(host))
    return undefined;
  const path = /^\/(?:abs|pdf|html|papers|overview)\/(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?$/i.exec(
    url.pathname,
  );
  return path?.[1];
}
