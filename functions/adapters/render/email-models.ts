/**
 * What the email templates are filled with: the same values for the MJML path and for the pieces
 * compiled from it, so that both render the same email.
 */
import type { DigestPaperView, MatchedTopic } from '../../core/digests/paper-view';
import { FOLLOW_LABELS } from '../../core/matching/labels';
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

/** A table of contents is shown from this many papers on: below it the cards are the contents. */
export const TOC_MIN_PAPERS = 5;

/**
 * Comment counts below this are not shown. Nearly every Daily Papers entry has one comment, a bot's
 * (Librarian Bot's list of similar papers), and a second is usually an author's reply; from three on, the
 * paper is being discussed, which is worth knowing.
 */
export const MIN_COMMENTS_SHOWN = 3;

/** Reasons a card lists in full; the rest are counted ("+2 more topics"). */
export const MAX_REASONS_SHOWN = 3;

/** One topic of the table of contents and its papers, in digest order. */
export interface TocGroup {
  topic: string;
  /** `separator` before each but the first; `number` is the paper's position in the digest. */
  papers: { separator: string; anchor: string; name: string; number: number }[];
}

/** The values of a digest around its paper cards (the shell's slots). */
export interface DigestHeader {
  subject: string;
  heading: string;
  lede: string;
  preview: string;
  /** Empty below TOC_MIN_PAPERS papers. */
  toc: TocGroup[];
}

/** One reason, as the card shows it: the topic in bold, then where the paper says it. */
export interface CardReason {
  separator: string;
  topic: string;
  detail: string;
}

/** The values of one paper card (paper-card.mjml) and of its part of digest.txt. */
export interface PaperCard {
  /** The card's in-email anchor (`id`), the table of contents' link target. */
  anchor: string;
  title: string;
  url: string;
  byline: string;
  /** "45 upvotes · 5 comments", or "" when neither carries signal. */
  stats: string;
  thumbnailUrl: string | null;
  thumbnailAlt: string;
  summary: string;
  summaryLines: string[];
  arxivUrl: string;
  pdfUrl: string;
  githubUrl: string | null;
  projectUrl: string | null;
  /** Kept under this name: the infra test finds the precompiled card in a bundle by its `{{#each matchedTopics}}`. */
  matchedTopics: CardReason[];
  /** The reasons on one line, for the plain text. */
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

/** The id of a paper's card in the email ("p2511.08892"): arXiv ids need no escaping. */
export const paperAnchor = (paperId: string): string => `p${paperId.replace(/[^\w.-]/g, '-')}`;

const SHORT_NAME_CHARS = 36;

/**
 * A paper's short name for the contents and the preheader: the name before the title's colon when it
 * has one ("Lumine", "TiDAR"), else the title cut at a word.
 */
export function shortName(title: string): string {
  const colon = title.indexOf(':');
  if (colon > 1 && colon <= SHORT_NAME_CHARS) return title.slice(0, colon).trim();
  if (title.length <= SHORT_NAME_CHARS) return title;
  const space = title.lastIndexOf(' ', SHORT_NAME_CHARS - 1);
  return `${title.slice(0, space > 0 ? space : SHORT_NAME_CHARS - 1).replace(/[\s,;:–—-]+$/, '')}…`;
}

/** The topic a paper is filed under in the contents: its first (strongest) reason's. */
function groupOf(paper: DigestPaperView): string {
  const first = paper.matchedTopics[0];
  if (!first) return 'Other papers';
  if (isLikeReason(first.topic)) return 'Like papers you rated';
  return followOf(first.topic)?.name ?? first.topic;
}

/** The contents: topics in the order of their best paper, each with its papers in digest order. */
function tableOfContents(papers: DigestPaperView[]): TocGroup[] {
  if (papers.length < TOC_MIN_PAPERS) return [];
  const groups = new Map<string, TocGroup>();
  papers.forEach((paper, index) => {
    const topic = groupOf(paper);
    let group = groups.get(topic);
    if (!group) groups.set(topic, (group = { topic: inert(topic), papers: [] }));
    group.papers.push({
      separator: group.papers.length === 0 ? '' : ' · ',
      anchor: paperAnchor(paper.id),
      name: inert(shortName(paper.title)),
      number: index + 1,
    });
  });
  return [...groups.values()];
}

/** "7 of the 41 latest papers on Hugging Face Daily Papers match your topics", when the total is known. */
function contextLine(input: DigestEmailInput): string {
  const { papers, cadence, papersInWindow } = input;
  const source = 'Hugging Face Daily Papers';
  if (papersInWindow === undefined || papersInWindow < papers.length)
    return `${plural(papers.length, 'paper')} from ${source} that ${papers.length === 1 ? 'matches' : 'match'} your topics, best first.`;
  const of = cadence === 'weekly' ? `the week's ${papersInWindow}` : `the ${papersInWindow} latest`;
  const verb = papers.length === 1 ? 'matches' : 'match';
  return `${papers.length} of ${of} papers on ${source} ${verb} your topics, best first.`;
}

const PREVIEW_CHARS = 150;

/** Subject, heading, lede, inbox preview and contents of a digest. */
export function digestHeader(input: DigestEmailInput): DigestHeader {
  const { papers, cadence } = input;
  const heading =
    cadence === 'weekly' ? "This week's papers" : `Your papers for ${formatLongDay(input.date)}`;
  const context = contextLine(input);
  const lede = cadence === 'weekly' ? `Week ending ${formatLongDay(input.date)}: ${context}` : context;
  // The inbox shows the subject (count and topics) beside this: say what is inside, by name.
  const names = papers.map((paper) => shortName(paper.title)).join(' · ');
  const known = input.papersInWindow !== undefined && input.papersInWindow >= papers.length;
  const lead = known ? `${papers.length} of ${input.papersInWindow} new papers match: ` : '';
  const preview = `${lead}${names}`;
  return {
    subject: digestSubject(input),
    heading,
    lede,
    preview: inert(
      preview.length > PREVIEW_CHARS
        ? `${preview
            .slice(0, PREVIEW_CHARS - 1)
            .replace(/\s+\S*$/, '')
            .replace(/[\s·]+$/, '')}…`
        : preview,
    ),
    toc: tableOfContents(papers),
  };
}

const isLikeReason = (topic: string): boolean => topic.startsWith('like “');

/** An organization or author the reader follows ("Org: NVIDIA"), by name. */
function followOf(topic: string): { name: string; what: string } | undefined {
  if (topic.startsWith(FOLLOW_LABELS.organization))
    return { name: topic.slice(FOLLOW_LABELS.organization.length), what: 'an organization you follow' };
  if (topic.startsWith(FOLLOW_LABELS.author))
    return { name: topic.slice(FOLLOW_LABELS.author.length), what: 'an author you follow' };
  return undefined;
}

const FIELD_NAMES = {
  title: 'the title',
  keywords: 'the keywords',
  summary: 'the summary',
  abstract: 'the abstract',
};
const quoted = (words: string) => `“${words}”`;

/**
 * One reason as a person would say it, from the evidence: the topic, then where the paper says it
 * ("“Generalist Agents” in the title"; "in the keywords" when the paper uses the topic's own words;
 * "related “DPO” in the abstract"), or the words that matched when the text does not show where.
 * A follow says so ("NVIDIA — an organization you follow"); "like “…” you rated" stays as it is.
 */
export function reasonOf({ topic, matched, related, seen }: MatchedTopic): { topic: string; detail: string } {
  const follow = followOf(topic);
  if (follow) return { topic: follow.name, detail: follow.what };
  if (isLikeReason(topic)) return { topic, detail: '' };
  if (seen) {
    const where = `in ${FIELD_NAMES[seen.field]}`;
    if (!seen.words) return { topic, detail: related ? `related terms ${where}` : where };
    return { topic, detail: `${related ? 'related ' : ''}${quoted(seen.words)} ${where}` };
  }
  const words = matched.slice(0, 2).map(quoted).join(', ');
  if (related) return { topic, detail: words ? `related: ${words}` : 'related terms' };
  return { topic, detail: words };
}

/** Upvotes and comments where they carry signal: no "0 upvotes", no bot's lone comment. */
function statsOf(paper: DigestPaperView): string {
  return [
    paper.upvotes ? plural(paper.upvotes, 'upvote') : undefined,
    paper.numComments >= MIN_COMMENTS_SHOWN ? plural(paper.numComments, 'comment') : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One paper as its card and its part of the plain text show it. */
export function paperCard(paper: DigestPaperView): PaperCard {
  const byline = [paper.authorsLine, paper.organization].filter(Boolean).join(' · ');
  const shown = paper.matchedTopics.slice(0, MAX_REASONS_SHOWN).map(reasonOf);
  const more = paper.matchedTopics.length - shown.length;
  const reasons: CardReason[] = shown.map((reason, index) => ({
    separator: index === 0 ? '' : ' · ',
    ...reason,
  }));
  if (more > 0) reasons.push({ separator: ' · ', topic: '', detail: `+${plural(more, 'more topic')}` });
  const matchedText = reasons
    .map((r) => `${r.separator}${r.topic}${r.topic && r.detail ? ' — ' : ''}${r.detail}`)
    .join('');
  const rateUrl = ratePlaceholder(paper.id);
  return {
    anchor: paperAnchor(paper.id),
    title: inert(paper.title),
    url: inert(paper.url),
    byline: inert(byline),
    stats: statsOf(paper),
    thumbnailUrl: paper.thumbnailUrl ? inert(paper.thumbnailUrl) : null,
    thumbnailAlt: 'Thumbnail of the paper',
    summary: inert(paper.summary),
    summaryLines: wrapText(paper.summary, 72).map(inert),
    arxivUrl: inert(paper.arxivUrl),
    pdfUrl: inert(paper.pdfUrl),
    githubUrl: paper.githubUrl ? inert(paper.githubUrl) : null,
    projectUrl: paper.projectUrl ? inert(paper.projectUrl) : null,
    matchedTopics: reasons.map((r) => ({ ...r, topic: inert(r.topic), detail: inert(r.detail) })),
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
