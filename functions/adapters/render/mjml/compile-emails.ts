/**
 * The build step of the emails (npm run build:emails): MJML runs over the templates once, here, and
 * the digest is cut into the head, one paper card and the tail. MJML leaves `{{...}}` tags alone, so
 * the card goes through MJML with its tags in place (its CSS inlined like any other card's) and comes
 * out as a templater source that only needs values. Before anything is written, the pieces must
 * reproduce the MJML path byte for byte on sample digests.
 */
import { resolve } from 'node:path';
import type { DigestPaperView } from '../../../core/digests/paper-view';
import { createAssembledRenderer, type CompiledEmails } from '../assembled-renderer';
import { CONFIRMATION_MODEL, DIGEST_FOOTER_NOTE, NEW_LINK_MODEL } from '../email-models';
import {
  LINK_PLACEHOLDERS,
  RenderError,
  VIEW_URL_PLACEHOLDER,
  type DigestEmailInput,
  type RenderedEmail,
  type Renderer,
} from '../email-renderer';
import { compileTemplate, trustedHtml } from '../templater';
import { createMjmlRenderer, mjmlToHtml, readEmailTemplates } from './mjml-renderer';

/** Where the compiled pieces are committed, read by precompiled-renderer.ts. */
export const COMPILED_EMAILS_PATH = resolve(__dirname, '..', 'compiled-emails.json');

const CARD_PARTIAL = 'paper-card';
/** The table of contents, in the head: it goes through MJML with its tags in place, as the card does. */
const TOC_PARTIAL = 'toc';
const CARDS_MARKER = '%%PAPERBOY_CARDS%%';
const CARD_START = '%%PAPERBOY_CARD_START%%';
const CARD_END = '%%PAPERBOY_CARD_END%%';

/** The digest's own slots stay tags in the compiled head; everything else is known at build time. */
const DIGEST_SLOTS = {
  subject: trustedHtml('{{subject}}'),
  preview: trustedHtml('{{preview}}'),
  heading: trustedHtml('{{heading}}'),
  lede: trustedHtml('{{lede}}'),
  footerNote: DIGEST_FOOTER_NOTE,
  viewUrl: VIEW_URL_PLACEHOLDER,
  ...LINK_PLACEHOLDERS,
};

function splitOnce(html: string, marker: string, what: string): [string, string] {
  const parts = html.split(marker);
  if (parts.length !== 2) {
    throw new RenderError(`MJML's output of ${what} has ${parts.length - 1} markers ${marker}, not one`);
  }
  return [parts[0], parts[1]];
}

// MJML puts each child of a column on a line of its own: the line break after a marker is the marker's.
const withoutLeadingNewline = (html: string): string => html.replace(/^\n/, '');

/** Runs MJML over the email templates and returns the pieces the assembled renderer is built from. */
export async function compileEmails(options: { templatesDir?: string } = {}): Promise<CompiledEmails> {
  const { read, partials } = readEmailTemplates(options.templatesDir);
  const cardSource = partials[CARD_PARTIAL];
  if (cardSource === undefined) {
    throw new RenderError(`templates/emails/partials/${CARD_PARTIAL}.mjml is missing: digest.mjml needs it`);
  }
  const tocSource = partials[TOC_PARTIAL];
  if (tocSource === undefined) {
    throw new RenderError(`templates/emails/partials/${TOC_PARTIAL}.mjml is missing: digest.mjml needs it`);
  }
  const digestMjml = (card: string, item: object): string =>
    compileTemplate(read('digest.mjml'), {
      name: 'digest.mjml',
      escape: 'html',
      partials: { ...partials, [CARD_PARTIAL]: card, [TOC_PARTIAL]: '{{tocSource}}' },
    })({ ...DIGEST_SLOTS, tocSource: trustedHtml(tocSource), papers: [item] });

  const shell = await mjmlToHtml(digestMjml(`<mj-raw>${CARDS_MARKER}</mj-raw>\n`, {}), 'digest.mjml');
  const [htmlHead, tail] = splitOnce(shell, CARDS_MARKER, 'digest.mjml');
  const withCard = await mjmlToHtml(
    digestMjml(`<mj-raw>${CARD_START}</mj-raw>\n{{cardSource}}<mj-raw>${CARD_END}</mj-raw>\n`, {
      cardSource: trustedHtml(cardSource),
    }),
    `${CARD_PARTIAL}.mjml`,
  );
  const card = splitOnce(splitOnce(withCard, CARD_START, `${CARD_PARTIAL}.mjml`)[1], CARD_END, 'the card')[0];

  const load = (file: string, escape: 'html' | 'none') =>
    compileTemplate(read(file), { name: file, escape, partials });
  const compiled: CompiledEmails = {
    generated:
      'By npm run build:emails (functions/adapters/render/mjml/compile-emails.ts) from templates/emails. ' +
      'Do not edit: change the templates and run it again (a test fails while this file is out of date).',
    digest: {
      htmlHead,
      htmlCard: withoutLeadingNewline(card),
      htmlTail: withoutLeadingNewline(tail),
      text: read('digest.txt'),
    },
    confirmation: {
      html: await mjmlToHtml(load('confirm.mjml', 'html')(CONFIRMATION_MODEL), 'confirm.mjml'),
      text: load('confirm.txt', 'none')(CONFIRMATION_MODEL),
    },
    newLink: {
      html: await mjmlToHtml(load('new-link.mjml', 'html')(NEW_LINK_MODEL), 'new-link.mjml'),
      text: load('new-link.txt', 'none')(NEW_LINK_MODEL),
    },
  };
  await assertSameAsMjml(compiled, options.templatesDir);
  return compiled;
}

/** The file's content: stable JSON, so that an unchanged template gives an unchanged file. */
export const formatCompiledEmails = (compiled: CompiledEmails): string =>
  `${JSON.stringify(compiled, null, 2)}\n`;

const fullPaper: DigestPaperView = {
  id: '2511.00001',
  title: 'Ünïcode & <tags> "quoted" it\'s — a title',
  url: 'https://huggingface.co/papers/2511.00001',
  authorsLine: 'Zoë Æsir, Mallory <b> and "Eve"',
  // Whitespace runs with line breaks are collapsed by the MJML path: the pieces must do the same.
  organization: 'Lab  \n  & Co',
  upvotes: 1,
  numComments: 4,
  thumbnailUrl: 'https://cdn.example/thumb.png?a=1&b="2"',
  summary:
    'A summary with & < > " \' and a line\n   break, long enough to be wrapped in the plain-text part at 72.',
  arxivUrl: 'https://arxiv.org/abs/2511.00001',
  pdfUrl: 'https://arxiv.org/pdf/2511.00001',
  githubUrl: "https://github.com/o/r?a=1&b='2'",
  projectUrl: 'https://example.org/p?x="1"',
  matchedTopics: [
    {
      topic: 'R&D <agents>',
      matched: ['agents', 'agentic'],
      seen: { field: 'title', words: '<agents> & co' },
    },
    { topic: 'RLHF', matched: ['DPO'], related: true },
    { topic: 'Reasoning', matched: [], related: true },
    { topic: 'Org: NVIDIA', matched: ['NVIDIA'] },
  ],
};

const barePaper: DigestPaperView = {
  id: '2511.00002',
  title: 'Bare',
  url: 'https://huggingface.co/papers/2511.00002',
  authorsLine: '',
  upvotes: null,
  numComments: 1,
  summary: '',
  arxivUrl: 'https://arxiv.org/abs/2511.00002',
  pdfUrl: 'https://arxiv.org/pdf/2511.00002',
  matchedTopics: [],
};

const SAMPLE_DIGESTS: DigestEmailInput[] = [
  { date: '2025-11-13', cadence: 'daily', papers: [fullPaper], papersInWindow: 41 },
  { date: '2025-11-13', cadence: 'weekly', papers: [barePaper] },
  { date: '2025-11-14', cadence: 'daily', papers: [fullPaper, barePaper, fullPaper] },
  // From TOC_MIN_PAPERS papers on, the head has its table of contents.
  {
    date: '2025-11-14',
    cadence: 'weekly',
    papers: [fullPaper, barePaper, { ...fullPaper, id: '2511.00003' }, barePaper, fullPaper, barePaper],
    papersInWindow: 180,
  },
];

function assertSameEmail(expected: RenderedEmail, actual: RenderedEmail, what: string): void {
  for (const part of ['subject', 'html', 'text'] as const) {
    if (expected[part] === actual[part]) continue;
    let at = 0;
    while (expected[part][at] === actual[part][at]) at++;
    throw new RenderError(
      `the compiled pieces do not reproduce MJML's ${part} of ${what}: at character ${at}, ` +
        `MJML has ${JSON.stringify(expected[part].slice(at, at + 60))}, ` +
        `the pieces ${JSON.stringify(actual[part].slice(at, at + 60))}`,
    );
  }
}

async function assertSameAsMjml(compiled: CompiledEmails, templatesDir: string | undefined): Promise<void> {
  const mjml: Renderer = createMjmlRenderer({ templatesDir });
  const assembled: Renderer = createAssembledRenderer(compiled);
  for (const [index, input] of SAMPLE_DIGESTS.entries()) {
    const expected = await mjml.renderDigest(input);
    const actual = await assembled.renderDigest(input).catch((error: unknown) => {
      throw new RenderError(
        `the compiled pieces cannot render sample digest ${index + 1} (${(error as Error).message}); ` +
          `a card is compiled on its own and may use only its paper's values`,
        { cause: error },
      );
    });
    assertSameEmail(expected, actual, `sample digest ${index + 1}`);
  }
  const confirmUrl = 'https://paperboy.example/confirm?token=c&v=<1>';
  assertSameEmail(
    await mjml.renderConfirmation({ confirmUrl }),
    await assembled.renderConfirmation({ confirmUrl }),
    'the confirmation email',
  );
  const links = {
    manageUrl: 'https://paperboy.example/preferences?token=m&v="1"',
    unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=u',
  };
  assertSameEmail(
    await mjml.renderNewLink(links),
    await assembled.renderNewLink(links),
    'the new-link email',
  );
}
