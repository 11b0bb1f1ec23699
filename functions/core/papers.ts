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
