import mjml2html from 'mjml';
import { join } from 'node:path';
import type { DigestPaperView } from '../../core/digests/paper-view';
import { digestSubject, formatLongDay, plural, wrapText } from './format';
import { compileTemplate, escapeHtml, type Template } from './templater';
import { defaultTemplatesDir, readPartials, readTemplate } from './templates-dir';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface DigestEmailInput {
  /** YYYY-MM-DD, the digest day. */
  date: string;
  cadence: 'daily' | 'weekly';
  papers: DigestPaperView[];
}

export interface Renderer {
  /** Renders once per distinct digest with link placeholders; fill them per subscriber with personalize(). */
  renderDigest(input: DigestEmailInput): Promise<RenderedEmail>;
  renderConfirmation(input: { confirmUrl: string }): Promise<RenderedEmail>;
  /** The email with a subscriber's new links after they revoked the old ones ("Get a new link"). */
  renderNewLink(input: { manageUrl: string; unsubscribeUrl: string }): Promise<RenderedEmail>;
  /** The same as the module's personalize(), here so the renderer is the core's whole EmailRenderer port. */
  personalize(email: RenderedEmail, links: { manageUrl: string; unsubscribeUrl: string }): RenderedEmail;
}

/** Stand-ins for the per-subscriber links in a rendered digest; personalize() swaps them for real URLs. */
export const LINK_PLACEHOLDERS = {
  manageUrl: '%%PAPERBOY_MANAGE_URL%%',
  unsubscribeUrl: '%%PAPERBOY_UNSUBSCRIBE_URL%%',
} as const satisfies { manageUrl: string; unsubscribeUrl: string };

const CONFIRM_URL_PLACEHOLDER = '%%PAPERBOY_CONFIRM_URL%%';

export class RenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
  }
}

function assertHttpUrl(url: string, what: string): void {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // falls through to the error below
  }
  if (protocol !== 'https:' && protocol !== 'http:') throw new RenderError(`${what} is not an http(s) URL`);
}

/** Fills a rendered digest's link placeholders for one subscriber (in the HTML, escaped for an attribute). */
export function personalize(
  email: RenderedEmail,
  links: { manageUrl: string; unsubscribeUrl: string },
): RenderedEmail {
  assertHttpUrl(links.manageUrl, 'manageUrl');
  assertHttpUrl(links.unsubscribeUrl, 'unsubscribeUrl');
  const fill = (content: string, encode: (url: string) => string): string =>
    content
      .split(LINK_PLACEHOLDERS.manageUrl)
      .join(encode(links.manageUrl))
      .split(LINK_PLACEHOLDERS.unsubscribeUrl)
      .join(encode(links.unsubscribeUrl));
  return {
    subject: email.subject,
    html: fill(email.html, escapeHtml),
    text: fill(email.text, (url) => url),
  };
}

// `fonts: {}`: no web-font <link> (MJML adds one for Roboto otherwise); system fonts only.
const MJML_OPTIONS = { validationLevel: 'strict', keepComments: false, fonts: {} } as const;

async function mjmlToHtml(mjml: string, name: string): Promise<string> {
  try {
    const result = await mjml2html(mjml, MJML_OPTIONS);
    // MJML indents generously; indentation is a fifth of the bytes and renders the same as one newline.
    return result.html.replace(/[ \t]*\n\s*/g, '\n');
  } catch (error) {
    throw new RenderError(`MJML could not render ${name}: ${(error as Error).message}`, { cause: error });
  }
}

const FOOTER_NOTE =
  'You get this email because you subscribed to paperboy, a digest of Hugging Face Daily Papers, and confirmed your address.';

function digestModel(input: DigestEmailInput) {
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
    preview: titles.length > 150 ? `${titles.slice(0, 149).replace(/\s+\S*$/, '')}…` : titles,
    footerNote: FOOTER_NOTE,
    manageUrl: LINK_PLACEHOLDERS.manageUrl,
    unsubscribeUrl: LINK_PLACEHOLDERS.unsubscribeUrl,
    papers: papers.map((paper) => {
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
      return {
        title: paper.title,
        url: paper.url,
        byline,
        stats,
        summary: paper.summary,
        summaryLines: wrapText(paper.summary, 72),
        arxivUrl: paper.arxivUrl,
        pdfUrl: paper.pdfUrl,
        githubUrl: paper.githubUrl ?? null,
        projectUrl: paper.projectUrl ?? null,
        matchedTopics,
        matchedText: matchedTopics
          .map((m) => `${m.separator}${m.topic}${m.words ? ` (${m.words})` : ''}`)
          .join(''),
      };
    }),
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

/** Runs an MJML render on first use and keeps its result; a failed render is tried again next time. */
function renderedOnce(render: () => Promise<string>): () => Promise<string> {
  let html: Promise<string> | undefined;
  return () => {
    html ??= render();
    return html.catch((error: unknown) => {
      html = undefined;
      throw error;
    });
  };
}

/**
 * Reads and compiles the email templates once (at construction: a missing template fails at cold start);
 * each render fills them and runs MJML. The confirmation and new-link emails' MJML is rendered once, then
 * only their links change.
 */
export function createRenderer(options: { templatesDir?: string } = {}): Renderer {
  const dir = join(options.templatesDir ?? defaultTemplatesDir(), 'emails');
  const partials = readPartials(join(dir, 'partials'));
  const load = (file: string, escape: 'html' | 'none'): Template =>
    compileTemplate(readTemplate(dir, file), { name: file, escape, partials });
  const digestMjml = load('digest.mjml', 'html');
  const digestText = load('digest.txt', 'none');
  const confirmMjml = load('confirm.mjml', 'html');
  const confirmText = load('confirm.txt', 'none');
  const newLinkMjml = load('new-link.mjml', 'html');
  const newLinkText = load('new-link.txt', 'none');

  const confirmSubject = 'Confirm your paperboy subscription';
  const confirmModel = {
    subject: confirmSubject,
    preview: 'One click to confirm, and your paper digest starts tomorrow.',
    confirmUrl: CONFIRM_URL_PLACEHOLDER,
  };
  const confirmHtml = renderedOnce(() => mjmlToHtml(confirmMjml(confirmModel), 'confirm.mjml'));

  const newLinkModel = {
    subject: 'Your new paperboy link',
    preview: 'Links in your older paperboy emails no longer work. Here is the new one.',
    ...LINK_PLACEHOLDERS,
  };
  const newLinkHtml = renderedOnce(() => mjmlToHtml(newLinkMjml(newLinkModel), 'new-link.mjml'));

  return {
    personalize,

    async renderDigest(input) {
      const model = digestModel(input);
      const html = await mjmlToHtml(digestMjml(model), 'digest.mjml');
      return { subject: model.subject, html, text: digestText(model) };
    },

    async renderConfirmation({ confirmUrl }) {
      assertHttpUrl(confirmUrl, 'confirmUrl');
      const html = await confirmHtml();
      return {
        subject: confirmSubject,
        html: html.split(CONFIRM_URL_PLACEHOLDER).join(escapeHtml(confirmUrl)),
        text: confirmText(confirmModel).split(CONFIRM_URL_PLACEHOLDER).join(confirmUrl),
      };
    },

    async renderNewLink(links) {
      assertHttpUrl(links.manageUrl, 'manageUrl');
      assertHttpUrl(links.unsubscribeUrl, 'unsubscribeUrl');
      const rendered = {
        subject: newLinkModel.subject,
        html: await newLinkHtml(),
        text: newLinkText(newLinkModel),
      };
      // The same placeholders as a digest's, so personalize() fills them (escaped in the HTML).
      return personalize(rendered, links);
    },
  };
}
