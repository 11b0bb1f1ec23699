import type { DigestPaperView } from '../../core/digests/paper-view';
import {
  assertHttpUrl,
  collapseIndentation,
  CONFIRM_URL_PLACEHOLDER,
  cutAtLinks,
  emailWithLinkSlots,
  joinSlots,
  type LinkSlots,
  personalize,
  RenderError,
  type RenderedEmail,
  type Renderer,
} from './email-renderer';
import { CONFIRMATION_MODEL, digestModel, NEW_LINK_MODEL, paperCard, type PaperCard } from './email-models';
import { GenerationalCache } from '../../core/generational-cache';
import { compileTemplate, escapeHtml, type Template } from './templater';

/**
 * The emails as MJML renders them, cut into pieces at build time (npm run build:emails). The digest
 * pieces are templater sources whose markup MJML has already produced: only values are left to fill.
 */
export interface CompiledEmails {
  /** How the file was made; not read. */
  generated: string;
  digest: {
    /**
     * Everything before the first paper card; slots: subject, preview, heading, lede, the table of
     * contents (a section) and the view-in-browser placeholder.
     */
    htmlHead: string;
    /** One paper card; the slots of a PaperCard, its optional parts in {{#if}} sections. */
    htmlCard: string;
    /** Everything after the last paper card, with the link placeholders. */
    htmlTail: string;
    /** digest.txt, filled per digest. */
    text: string;
  };
  /** With CONFIRM_URL_PLACEHOLDER. */
  confirmation: { html: string; text: string };
  /** With LINK_PLACEHOLDERS. */
  newLink: { html: string; text: string };
}

export interface AssembledRenderer extends Renderer {
  /** Paper cards rendered so far: one per distinct paper view (reasons included) while it stays cached. */
  readonly cardsRendered: number;
}

/** Enough for every paper of a weekly window with dozens of reason sets each; ~3 KB a card. */
export const DEFAULT_CARD_CACHE_SIZE = 5_000;
/**
 * Whole digests kept: readers of one digest are spread over every message of a run, and the common
 * digests stay while the rare ones pass through. A digest is kept as its head and links to its cards'
 * strings (a rope, never copied out), so each costs well under a kilobyte beyond its head.
 */
export const DEFAULT_DIGEST_CACHE_SIZE = 2_000;

interface RenderedCard {
  /** Tells the card apart in a digest's cache key; a card rendered again gets a new one. */
  serial: number;
  model: PaperCard;
  /** Cut at its rating links. */
  html: LinkSlots;
  /** The card's part of the plain text, cut where its position goes, each piece cut at its links. */
  text: LinkSlots[];
}

/** Where a card's position goes in its text part until the email's order is known. */
const NUMBER_SLOT = '\u0000#\u0000';
const EACH_PAPERS = /^\{\{#each papers\}\}[ \t]*\r?\n/m;

/**
 * digest.txt cut at its `{{#each papers}}` block: the part before, one paper's part (compiled inside a
 * one-item loop, so its standalone tags and blank lines behave as in the whole template) and the part
 * after. Assembled, the pieces give what the whole template gives (the oracle test compares both).
 */
function splitDigestText(source: string) {
  const open = EACH_PAPERS.exec(source);
  if (!open)
    throw new RenderError(
      'the precompiled digest text has no {{#each papers}} block: run npm run build:emails',
    );
  const bodyStart = open.index + open[0].length;
  let depth = 1;
  let cursor = bodyStart;
  const tags = /^\{\{(#each [^}]+|\/each)\}\}[ \t]*\r?\n/gm;
  tags.lastIndex = bodyStart;
  for (let tag = tags.exec(source); tag; tag = tags.exec(source)) {
    depth += tag[1].startsWith('#') ? 1 : -1;
    if (depth === 0) {
      cursor = tag.index;
      return {
        head: source.slice(0, open.index),
        paper: `{{#each papers}}\n${source.slice(bodyStart, cursor).split('{{@number}}').join(NUMBER_SLOT)}{{/each}}\n`,
        tail: source.slice(tag.index + tag[0].length),
      };
    }
  }
  throw new RenderError(
    'the precompiled digest text never closes {{#each papers}}: run npm run build:emails',
  );
}

/** A value the whole-email collapse would leave as it is: one line, nothing to trim at its ends. */
const keepsItsShape = (value: string): boolean => value.length > 0 && !/^\s|\s$|\n/.test(value);

/**
 * The head filled by joining its pieces, when that gives exactly what filling the template and then
 * collapsing its indentation gives: the template holds only plain {{name}} slots and its static parts
 * are collapsed already (MJML's output, cut at build time), and each value keeps its shape (else
 * undefined, and the caller takes the template). The regex over ~5 KB per digest is most of a head's cost.
 */
export function slotsOfFlatTemplate(
  source: string,
): ((values: Record<string, unknown>) => string | undefined) | undefined {
  const parts: string[] = [];
  const names: string[] = [];
  const tag = /\{\{\s*([^{}]*?)\s*\}\}/g;
  let last = 0;
  for (let match = tag.exec(source); match; match = tag.exec(source)) {
    if (!/^[A-Za-z]\w*$/.test(match[1])) return undefined;
    parts.push(source.slice(last, match.index));
    names.push(match[1]);
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  if (parts.some((part) => collapseIndentation(part) !== part)) return undefined;
  return (values) => {
    let out = parts[0];
    for (let index = 0; index < names.length; index++) {
      const value = values[names[index]];
      if (typeof value !== 'string' || !keepsItsShape(value)) return undefined;
      out += escapeHtml(value) + parts[index + 1];
    }
    return out;
  };
}

const CONTENTS_START = '{{#if toc}}';

/**
 * The head cut around its table of contents (the one section in it): the part before, the section,
 * and the part after, so that the parts around it can be filled by joining (slotsOfFlatTemplate) and
 * only the section goes through the template. Undefined when the head has no such section, or when
 * whitespace at a cut would collapse differently in pieces than in the whole.
 */
export function splitHeadAtContents(
  head: string,
): { before: string; contents: string; after: string } | undefined {
  const start = head.indexOf(CONTENTS_START);
  if (start < 0) return undefined;
  const tags = /\{\{\s*(#if\b|\/if\b)[^{}]*\}\}/g;
  tags.lastIndex = start;
  let depth = 0;
  for (let tag = tags.exec(head); tag; tag = tags.exec(head)) {
    depth += tag[1] === '#if' ? 1 : -1;
    if (depth > 0) continue;
    const end = tag.index + tag[0].length;
    const parts = { before: head.slice(0, start), contents: head.slice(start, end), after: head.slice(end) };
    return /\s$/.test(parts.before) || /^\s/.test(parts.after) ? undefined : parts;
  }
  return undefined;
}

/**
 * The digest head's filler: the parts around the table of contents by joining their pieces when that
 * is exact (slotsOfFlatTemplate), the contents through the template; or the whole template, collapsed.
 */
function headFiller(source: string): (values: Record<string, unknown>) => string {
  const whole = compilePiece(source, 'digest head', 'html');
  const viaTemplate = (values: Record<string, unknown>) => collapseIndentation(whole(values));
  const parts = splitHeadAtContents(source);
  if (!parts) return viaTemplate;
  const before = slotsOfFlatTemplate(parts.before);
  const after = slotsOfFlatTemplate(parts.after);
  const contents = compilePiece(parts.contents, 'digest head', 'html');
  if (!before || !after) return viaTemplate;
  return (values) => {
    const start = before(values);
    const end = after(values);
    if (start === undefined || end === undefined) return viaTemplate(values);
    return start + collapseIndentation(contents(values)) + end;
  };
}

function compilePiece(source: string, name: string, escape: 'html' | 'none'): Template {
  try {
    return compileTemplate(source, { name, escape });
  } catch (error) {
    throw new RenderError(
      `the precompiled ${name} is unreadable (${(error as Error).message}): run npm run build:emails`,
      { cause: error },
    );
  }
}

/**
 * A renderer that needs no MJML: a digest is the precompiled head, one card per paper and the tail.
 * Each card is rendered once per distinct paper view and kept in a bounded cache, so the cost of
 * an email does not grow with the number of distinct digests an instance sends; the digests it
 * assembled last are kept too, so a common digest is assembled once and only personalized after.
 */
export function createAssembledRenderer(
  compiled: CompiledEmails,
  options: { cardCacheSize?: number; digestCacheSize?: number } = {},
): AssembledRenderer {
  const head = headFiller(compiled.digest.htmlHead);
  const card = compilePiece(compiled.digest.htmlCard, 'paper card', 'html');
  const textParts = splitDigestText(compiled.digest.text);
  const textHead = compilePiece(textParts.head, 'digest text', 'none');
  const textPaper = compilePiece(textParts.paper, 'digest text', 'none');
  const textTail = compilePiece(textParts.tail, 'digest text', 'none');
  const cards = new GenerationalCache<string, RenderedCard>(options.cardCacheSize ?? DEFAULT_CARD_CACHE_SIZE);
  // A view object a caller passes again (every reader of a send message shares the message's views)
  // finds its card without reading the view again.
  const cardsByView = new WeakMap<DigestPaperView, RenderedCard>();
  const digests = new GenerationalCache<string, RenderedEmail>(
    options.digestCacheSize ?? DEFAULT_DIGEST_CACHE_SIZE,
  );
  // The tail's links are cut once, as each card's are: no whole email is searched for them.
  const htmlTail = cutAtLinks(compiled.digest.htmlTail);
  let textTailSlots: LinkSlots | undefined;
  let cardsRendered = 0;

  const cardOf = (paper: DigestPaperView): RenderedCard => {
    const known = cardsByView.get(paper);
    if (known) return known;
    // The whole view is the key: any field the card shows, and its reasons, make another card.
    const key = JSON.stringify(paper);
    let rendered = cards.get(key);
    if (!rendered) {
      const model = paperCard(paper);
      rendered = {
        serial: cardsRendered,
        model,
        html: cutAtLinks(collapseIndentation(card(model))),
        text: textPaper({ papers: [model] })
          .split(NUMBER_SLOT)
          .map(cutAtLinks),
      };
      cards.set(key, rendered);
      cardsRendered++;
    }
    cardsByView.set(paper, rendered);
    return rendered;
  };

  return {
    personalize,

    get cardsRendered() {
      return cardsRendered;
    },

    async renderDigest(input) {
      const rendered = input.papers.map(cardOf);
      const key = `${input.date}\u0000${input.cadence}\u0000${input.papersInWindow ?? ''}\u0000${rendered.map((paper) => paper.serial).join(',')}`;
      const known = digests.get(key);
      if (known) return known;
      const model = digestModel(
        input,
        rendered.map((paper) => paper.model),
      );
      // The head holds the view-in-browser link, cut here (a few kilobytes, once per distinct digest);
      // each card holds its rating links, cut when the card was rendered.
      const html: (string | LinkSlots)[] = [cutAtLinks(head(model))];
      const text: (string | LinkSlots)[] = [cutAtLinks(textHead(model))];
      rendered.forEach((paper, index) => {
        html.push(paper.html);
        paper.text.forEach((piece, at) => text.push(...(at === 0 ? [] : [String(index + 1)]), piece));
      });
      // The footer holds only constants and link placeholders: filled and cut once.
      textTailSlots ??= cutAtLinks(textTail(model));
      const email = emailWithLinkSlots(
        model.subject,
        joinSlots([...html, htmlTail]),
        joinSlots([...text, textTailSlots]),
      );
      digests.set(key, email);
      return email;
    },

    async renderConfirmation({ confirmUrl }) {
      assertHttpUrl(confirmUrl, 'confirmUrl');
      return {
        subject: CONFIRMATION_MODEL.subject,
        html: compiled.confirmation.html.split(CONFIRM_URL_PLACEHOLDER).join(escapeHtml(confirmUrl)),
        text: compiled.confirmation.text.split(CONFIRM_URL_PLACEHOLDER).join(confirmUrl),
      };
    },

    async renderNewLink(links) {
      return personalize({ subject: NEW_LINK_MODEL.subject, ...compiled.newLink }, links);
    },
  };
}
