import type { DigestPaperView } from '../../core/digests/paper-view';
import type { ReaderLinks } from '../../core/ports';
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
  /**
   * Papers in the digest's window that day, matched or not ("7 of the 41 latest papers…"); unknown for
   * a send message planned before it was carried, which the email then does not mention.
   */
  papersInWindow?: number;
}

export interface Renderer {
  /** Renders a digest with link placeholders; fill them per subscriber with personalize(). */
  renderDigest(input: DigestEmailInput): Promise<RenderedEmail>;
  renderConfirmation(input: { confirmUrl: string }): Promise<RenderedEmail>;
  /** The email with a subscriber's new links after they revoked the old ones ("Get a new link"). */
  renderNewLink(input: { manageUrl: string; unsubscribeUrl: string }): Promise<RenderedEmail>;
  /** The same as the module's personalize(), here so the renderer is the core's whole EmailRenderer port. */
  personalize(email: RenderedEmail, links: ReaderLinks): RenderedEmail;
}

/** Stand-ins for the per-subscriber links in a rendered digest; personalize() swaps them for real URLs. */
export const LINK_PLACEHOLDERS = {
  manageUrl: '%%PAPERBOY_MANAGE_URL%%',
  unsubscribeUrl: '%%PAPERBOY_UNSUBSCRIBE_URL%%',
} as const satisfies { manageUrl: string; unsubscribeUrl: string };

/** Stand-in for the digest's "View in browser" link, filled per reader (and day) by personalize(). */
export const VIEW_URL_PLACEHOLDER = '%%PAPERBOY_VIEW_URL%%';

const PLACEHOLDER_START = '%%PAPERBOY_';
const RATE_PLACEHOLDER_START = `${PLACEHOLDER_START}RATE_URL:`;

/** Stand-in for a paper's rating link (an arXiv id: nothing to escape), filled per reader. */
export const ratePlaceholder = (paperId: string): string => `${RATE_PLACEHOLDER_START}${paperId}%%`;

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
export function personalize(email: RenderedEmail, links: ReaderLinks): RenderedEmail {
  assertHttpUrl(links.manageUrl, 'manageUrl');
  assertHttpUrl(links.unsubscribeUrl, 'unsubscribeUrl');
  if (links.viewUrl !== undefined) assertHttpUrl(links.viewUrl, 'viewUrl');
  const slots = linkSlotsOf(email);
  // Each paper's link is made once for both parts (an HMAC each).
  const rateUrls = new Map<string, string>();
  const urlOf = (link: LinkSlot): string => {
    if (link === 'manage') return links.manageUrl;
    if (link === 'unsubscribe') return links.unsubscribeUrl;
    if (link === 'view') {
      if (!links.viewUrl)
        throw new RenderError('this email has a view-in-browser link and no viewUrl was given');
      return links.viewUrl;
    }
    let url = rateUrls.get(link.rate);
    if (url === undefined) {
      if (!links.rateUrl) throw new RenderError('this email has rating links and no rateUrl was given');
      url = links.rateUrl(link.rate);
      assertHttpUrl(url, 'rateUrl');
      rateUrls.set(link.rate, url);
    }
    return url;
  };
  return {
    subject: email.subject,
    html: fillSlots(slots.html, (link) => escapeHtml(urlOf(link))),
    text: fillSlots(slots.text, urlOf),
  };
}

/** A personal link in an email: manage, unsubscribe or a paper's rating link. */
export type LinkSlot = 'manage' | 'unsubscribe' | 'view' | { rate: string };

/** Content cut at its link placeholders: parts[i] comes before the link links[i]. */
export interface LinkSlots {
  parts: string[];
  links: LinkSlot[];
}

// A renderer hands every reader of a digest the same email object: it is cut once, and each reader's
// copy is only its pieces and links joined.
const slotsByEmail = new WeakMap<RenderedEmail, { html: LinkSlots; text: LinkSlots }>();

function linkSlotsOf(email: RenderedEmail): { html: LinkSlots; text: LinkSlots } {
  let slots = slotsByEmail.get(email);
  if (!slots) {
    slots = { html: cutAtLinks(email.html), text: cutAtLinks(email.text) };
    slotsByEmail.set(email, slots);
  }
  return slots;
}

/** The text of a placeholder, for an email not yet personalized. */
const placeholderOf = (link: LinkSlot): string => {
  if (link === 'manage') return LINK_PLACEHOLDERS.manageUrl;
  if (link === 'unsubscribe') return LINK_PLACEHOLDERS.unsubscribeUrl;
  if (link === 'view') return VIEW_URL_PLACEHOLDER;
  return ratePlaceholder(link.rate);
};

/**
 * An email whose link placeholders are known to be exactly where `html` and `text` are cut (a renderer
 * that assembles the email from pieces cut ahead knows them): personalize() then fills them without
 * reading the email again, and no content between them can pass for a placeholder.
 */
export function emailWithLinkSlots(subject: string, html: LinkSlots, text: LinkSlots): RenderedEmail {
  const email = Object.freeze({
    subject,
    html: fillSlots(html, placeholderOf),
    text: fillSlots(text, placeholderOf),
  });
  slotsByEmail.set(email, { html, text });
  return email;
}

/** Pieces of content, plain or already cut at their links, as one content cut at its links. */
export function joinSlots(pieces: (string | LinkSlots)[]): LinkSlots {
  const joined: LinkSlots = { parts: [''], links: [] };
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      joined.parts[joined.parts.length - 1] += piece;
      continue;
    }
    joined.parts[joined.parts.length - 1] += piece.parts[0];
    for (let index = 0; index < piece.links.length; index++) {
      joined.links.push(piece.links[index]);
      joined.parts.push(piece.parts[index + 1]);
    }
  }
  return joined;
}

/**
 * Finds the link placeholders in one left-to-right pass with indexOf (a fast substring search): every
 * placeholder starts with the same marker, which nothing a paper says can spell (see paperCard).
 */
export function cutAtLinks(content: string): LinkSlots {
  const { manageUrl: manage, unsubscribeUrl: unsubscribe } = LINK_PLACEHOLDERS;
  const slots: LinkSlots = { parts: [], links: [] };
  let from = 0;
  let at = content.indexOf(PLACEHOLDER_START);
  while (at >= 0) {
    let link: LinkSlot | undefined;
    let end = at;
    if (content.startsWith(manage, at)) [link, end] = ['manage', at + manage.length];
    else if (content.startsWith(unsubscribe, at)) [link, end] = ['unsubscribe', at + unsubscribe.length];
    else if (content.startsWith(VIEW_URL_PLACEHOLDER, at))
      [link, end] = ['view', at + VIEW_URL_PLACEHOLDER.length];
    else if (content.startsWith(RATE_PLACEHOLDER_START, at)) {
      const close = content.indexOf('%%', at + RATE_PLACEHOLDER_START.length);
      if (close > 0)
        [link, end] = [{ rate: content.slice(at + RATE_PLACEHOLDER_START.length, close) }, close + 2];
    }
    // Another placeholder (the confirmation link's) is no reader's link: left in its part.
    if (link) {
      slots.parts.push(content.slice(from, at));
      slots.links.push(link);
      from = end;
    }
    at = content.indexOf(PLACEHOLDER_START, Math.max(end, at + 1));
  }
  slots.parts.push(content.slice(from));
  return slots;
}

function fillSlots({ parts, links }: LinkSlots, urlOf: (link: LinkSlot) => string): string {
  let out = parts[0];
  for (let index = 0; index < links.length; index++) out += urlOf(links[index]) + parts[index + 1];
  return out;
}

/**
 * The line breaks of MJML's output without their indentation: MJML indents generously, indentation is
 * a fifth of the bytes and renders the same as one newline. Applied to whole emails by the MJML path
 * and to each assembled piece by the precompiled one, so both give the same bytes.
 */
export const collapseIndentation = (html: string): string => html.replace(/[ \t]*\n\s*/g, '\n');
