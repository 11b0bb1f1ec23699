import type { DigestPaperView } from '../../core/digests/paper-view';
import { escapeHtml } from './templater';

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
  /** Renders a digest with link placeholders; fill them per subscriber with personalize(). */
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

/** Stand-in for the confirmation link in the confirmation email, rendered once for every address. */
export const CONFIRM_URL_PLACEHOLDER = '%%PAPERBOY_CONFIRM_URL%%';

export class RenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
  }
}

/** Throws a RenderError naming `what` unless `url` is an absolute http(s) URL. */
export function assertHttpUrl(url: string, what: string): void {
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

/**
 * The line breaks of MJML's output without their indentation: MJML indents generously, indentation is
 * a fifth of the bytes and renders the same as one newline. Applied to whole emails by the MJML path
 * and to each assembled piece by the precompiled one, so both give the same bytes.
 */
export const collapseIndentation = (html: string): string => html.replace(/[ \t]*\n\s*/g, '\n');
