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
  const slots = linkSlotsOf(email);
  return {
    subject: email.subject,
    html: fillSlots(slots.html, escapeHtml(links.manageUrl), escapeHtml(links.unsubscribeUrl)),
    text: fillSlots(slots.text, links.manageUrl, links.unsubscribeUrl),
  };
}

/** Content cut at its link placeholders: parts[i] comes before the link links[i]. */
export interface LinkSlots {
  parts: string[];
  links: ('manage' | 'unsubscribe')[];
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

/**
 * An email whose link placeholders are known to be exactly where `html` and `text` are cut (a renderer
 * that assembles the email from pieces cut ahead knows them): personalize() then fills them without
 * reading the email again, and no content between them can pass for a placeholder.
 */
export function emailWithLinkSlots(subject: string, html: LinkSlots, text: LinkSlots): RenderedEmail {
  const { manageUrl, unsubscribeUrl } = LINK_PLACEHOLDERS;
  const email = Object.freeze({
    subject,
    html: fillSlots(html, manageUrl, unsubscribeUrl),
    text: fillSlots(text, manageUrl, unsubscribeUrl),
  });
  slotsByEmail.set(email, { html, text });
  return email;
}

/** `slots` with `prefix` before its first part. */
export const prefixSlots = (prefix: string, slots: LinkSlots): LinkSlots => ({
  parts: [prefix + slots.parts[0], ...slots.parts.slice(1)],
  links: slots.links,
});

/** Finds both link placeholders in one left-to-right pass with indexOf (a fast substring search). */
export function cutAtLinks(content: string): LinkSlots {
  const { manageUrl: manage, unsubscribeUrl: unsubscribe } = LINK_PLACEHOLDERS;
  const slots: LinkSlots = { parts: [], links: [] };
  let from = 0;
  let nextManage = content.indexOf(manage);
  let nextUnsubscribe = content.indexOf(unsubscribe);
  while (nextManage >= 0 || nextUnsubscribe >= 0) {
    const isManage = nextUnsubscribe < 0 || (nextManage >= 0 && nextManage < nextUnsubscribe);
    const at = isManage ? nextManage : nextUnsubscribe;
    slots.parts.push(content.slice(from, at));
    slots.links.push(isManage ? 'manage' : 'unsubscribe');
    from = at + (isManage ? manage.length : unsubscribe.length);
    if (isManage) nextManage = content.indexOf(manage, from);
    else nextUnsubscribe = content.indexOf(unsubscribe, from);
  }
  slots.parts.push(content.slice(from));
  return slots;
}

function fillSlots({ parts, links }: LinkSlots, manageUrl: string, unsubscribeUrl: string): string {
  let out = parts[0];
  for (let index = 0; index < links.length; index++)
    out += (links[index] === 'manage' ? manageUrl : unsubscribeUrl) + parts[index + 1];
  return out;
}

/**
 * The line breaks of MJML's output without their indentation: MJML indents generously, indentation is
 * a fifth of the bytes and renders the same as one newline. Applied to whole emails by the MJML path
 * and to each assembled piece by the precompiled one, so both give the same bytes.
 */
export const collapseIndentation = (html: string): string => html.replace(/[ \t]*\n\s*/g, '\n');
