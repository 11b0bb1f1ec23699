/**
 * What the email templates are filled with: the same values for the MJML path and for the pieces
 * compiled from it, so that both render the same email.
 */
import type { DigestPaperView } from '../../core/digests/paper-view';
import {
  CONFIRM_URL_PLACEHOLDER,
  LINK_PLACEHOLDERS,
  ratePlaceholder,
  VIEW_URL_PLACEHOLDER,
  type DigestEmailInput,
} from './email-renderer';
import { digestSubject, formatLongDay, plural, wrapText } from './format';

export const DIGEST_FOOTER_NOTE =
  'You get this email because you subscribed to paperboy, a digest of Hugging Face Daily Papers, and confirmed your address.';

/** The values of a digest around its paper cards (the shell's slots). */
export interface DigestHeader {
  subject: string;
  heading: string;
  lede: string;
  preview: string;
}

/** The values of one paper card (paper-card.mjml) and of its part of digest.txt. */
export interface PaperCard {
  title: string;
  url: string;
  byline: string;
  stats: string;
  summary: string;
  summaryLines: string[];
  arxivUrl: string;
  pdfUrl: string;
  githubUrl: string | null;
  projectUrl: string | null;
  matchedTopics: { separator: string; topic: string; words: string }[];
  matchedText: string;
  /** The reader's rating links, filled per reader by personalize(): the page, and its two choices. */
  rateUrl: string;
  rateMoreUrl: string;
  rateLessUrl: string;
}

/**
 * Text from the paper with any placeholder marker broken by a word joiner (invisible): a title that
 * spells a placeholder must not become a reader's link when the email is personalized.
 */
const inert = (text: string): string => text.split('%%PAPERBOY_').join('%\u2060%PAPERBOY_');

/** Subject, heading, lede and inbox preview of a digest. */
export function digestHeader(input: DigestEmailInput): DigestHeader {
  const { papers, cadence } = input;
  const heading =
    cadence === 'weekly' ? "This week's papers" : `Your papers for ${formatLongDay(input.date)}`;
  const count = plural(papers.length, 'paper');
  const lede =
    cadence === 'weekly'
      ? `Week ending ${formatLongDay(input.date)}: ${count} from Hugging Face Daily Papers that match your topics, best first.`
      : `${count} from Hugging Face Daily Papers that match your topics, best first.`;
  const titles = papers.map((paper) => paper.title).join(' · ');
  return {
    subject: digestSubject(input),
    heading,
    lede,
    preview: inert(titles.length > 150 ? `${titles.slice(0, 149).replace(/\s+\S*$/, '')}…` : titles),
  };
}

/** One paper as its card and its part of the plain text show it. */
export function paperCard(paper: DigestPaperView): PaperCard {
  const byline = [paper.authorsLine, paper.organization].filter(Boolean).join(' · ');
  const stats = [
    paper.upvotes === null ? undefined : plural(paper.upvotes, 'upvote'),
    plural(paper.numComments, 'comment'),
  ]
    .filter(Boolean)
    .join(' · ');
  const matchedTopics = paper.matchedTopics.map(({ topic, matched, related }, index) => ({
    separator: index === 0 ? '' : '; ',
    topic,
    words: reasonWords(matched, related),
  }));
  const matchedText = matchedTopics
    .map((m) => `${m.separator}${m.topic}${m.words ? ` (${m.words})` : ''}`)
    .join('');
  const rateUrl = ratePlaceholder(paper.id);
  return {
    title: inert(paper.title),
    url: inert(paper.url),
    byline: inert(byline),
    stats,
    summary: inert(paper.summary),
    summaryLines: wrapText(paper.summary, 72).map(inert),
    arxivUrl: inert(paper.arxivUrl),
    pdfUrl: inert(paper.pdfUrl),
    githubUrl: paper.githubUrl ? inert(paper.githubUrl) : null,
    projectUrl: paper.projectUrl ? inert(paper.projectUrl) : null,
    matchedTopics: matchedTopics.map((m) => ({ ...m, topic: inert(m.topic), words: inert(m.words) })),
    matchedText: inert(matchedText),
    rateUrl,
    rateMoreUrl: `${rateUrl}&verdict=more`,
    rateLessUrl: `${rateUrl}&verdict=less`,
  };
}

export function digestModel(input: DigestEmailInput, cards: PaperCard[] = input.papers.map(paperCard)) {
  return {
    ...digestHeader(input),
    footerNote: DIGEST_FOOTER_NOTE,
    manageUrl: LINK_PLACEHOLDERS.manageUrl,
    unsubscribeUrl: LINK_PLACEHOLDERS.unsubscribeUrl,
    viewUrl: VIEW_URL_PLACEHOLDER,
    papers: cards,
  };
}

/**
 * A reason's words: "agents, agentic"; "related: DPO" when the paper says only related terms (so that it
 * does not read as a wrong match); "related terms" when none of them is worth showing.
 */
function reasonWords(matched: string[], related?: true): string {
  if (!related) return matched.join(', ');
  return matched.length > 0 ? `related: ${matched.join(', ')}` : 'related terms';
}

/** The values of confirm.mjml and confirm.txt; the link is filled per address. */
export const CONFIRMATION_MODEL = {
  subject: 'Confirm your paperboy subscription',
  preview: 'One click to confirm, and your paper digest starts tomorrow.',
  confirmUrl: CONFIRM_URL_PLACEHOLDER,
} as const;

/** The values of new-link.mjml and new-link.txt; the links are filled per subscriber by personalize(). */
export const NEW_LINK_MODEL = {
  subject: 'Your new paperboy link',
  preview: 'Links in your older paperboy emails no longer work. Here is the new one.',
  ...LINK_PLACEHOLDERS,
} as const;
