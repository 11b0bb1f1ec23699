import { join } from 'node:path';
import { assertConstantInlineBlocks, buildPageContentSecurityPolicy, inlineBlocks } from './page-csp';
import { compileTemplate, type Template } from './templater';
import { defaultTemplatesDir, readPartials, readTemplate } from './templates-dir';

/** A topic of the curated catalog, as the pages show it. */
export interface PageTopic {
  id: string;
  name: string;
  description: string;
}

export interface MessagePageInput {
  title: string;
  message: string;
  /** HTTP status the page is served with; 4xx/5xx pages say what to do next. */
  status?: number;
  /** Overrides the default "what to do next" line of an error page. */
  nextStep?: string;
}

/** A rating page: the paper, how the reader rated it so far, and the choice their email link made. */
export interface RatePageInput {
  token: string;
  paper: { title: string; url: string };
  current: 'more' | 'less' | 'none';
  /** The link the reader followed: "More like this" or "Not for me" (none from the plain-text link). */
  asked?: 'more' | 'less';
}

export interface PageRenderer {
  renderLandingPage(input: { topics: PageTopic[] }): string;
  renderConfirmPage(input: { token: string }): string;
  renderPreferencesPage(input: { token: string; topics: PageTopic[]; welcome?: boolean }): string;
  renderMessagePage(input: MessagePageInput): string;
  renderUnsubscribePage(input: { token: string }): string;
  renderRatePage(input: RatePageInput): string;
  /**
   * The Content-Security-Policy header value for every page of this renderer: hashes of all their
   * inline scripts and styles, computed once when the renderer is built.
   */
  readonly contentSecurityPolicy: string;
}

const PAGE_FILES = [
  'landing.html',
  'confirm.html',
  'preferences.html',
  'message.html',
  'unsubscribe.html',
  'rate.html',
];

const VERDICT_LABELS = { more: 'More like this', less: 'Not for me' } as const;
const RATED = {
  more: {
    heading: 'Noted: more like this',
    lede: 'Your next digests bring in papers like this one, with the reason “like … you rated”.',
  },
  less: { heading: 'Noted: not for me', lede: 'Your next digests leave out papers like this one.' },
} as const;

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map(
  (name, index) => ({ value: index + 1, name }),
);

const DEFAULT_NEXT_STEP =
  'Links in paperboy emails are personal, and confirmation links expire after 48 hours. ' +
  'Request a new confirmation from the home page, or use the “Manage your topics” link in your latest digest.';

const PRIVATE = 'noindex, nofollow';

/**
 * Server-rendered pages from templates/pages: every value is HTML-escaped by the templater; the
 * inline scripts read the token from an escaped attribute and write API data with textContent only.
 * Templates are read and compiled once per renderer.
 */
export function createPageRenderer(options: { templatesDir?: string } = {}): PageRenderer {
  const dir = join(options.templatesDir ?? defaultTemplatesDir(), 'pages');
  const partials = readPartials(join(dir, 'partials'));
  const cache = new Map<string, Template>();
  const page = (file: string): Template => {
    let template = cache.get(file);
    if (!template) {
      template = compileTemplate(readTemplate(dir, file), { name: `pages/${file}`, partials });
      cache.set(file, template);
    }
    return template;
  };
  const topicsModel = (topics: PageTopic[]) =>
    topics.map(({ id, name, description }) => ({ id, name, description: description ?? '' }));

  const renderer: Omit<PageRenderer, 'contentSecurityPolicy'> = {
    renderLandingPage: ({ topics }) =>
      page('landing.html')({
        pageTitle: 'paperboy · trending ML papers in your inbox',
        robots: 'index, follow',
        topics: topicsModel(topics),
      }),

    renderConfirmPage: ({ token }) =>
      page('confirm.html')({ pageTitle: 'Confirm your subscription · paperboy', robots: PRIVATE, token }),

    renderPreferencesPage: ({ token, topics, welcome = false }) =>
      page('preferences.html')({
        pageTitle: 'Your settings · paperboy',
        robots: PRIVATE,
        token,
        welcome,
        topics: topicsModel(topics),
        weekdays: WEEKDAYS,
        exportUrl: `/api/export?token=${encodeURIComponent(token)}`,
      }),

    renderMessagePage: ({ title, message, status, nextStep }) => {
      const isError = status !== undefined && status >= 400;
      return page('message.html')({
        pageTitle: `${title} · paperboy`,
        robots: PRIVATE,
        title,
        message,
        isError,
        nextStep: nextStep ?? (isError ? DEFAULT_NEXT_STEP : ''),
      });
    },

    renderRatePage: ({ token, paper, current, asked }) => {
      const action = `/rate?token=${encodeURIComponent(token)}`;
      const common = {
        pageTitle: 'Rate a paper · paperboy',
        robots: PRIVATE,
        action,
        paperTitle: paper.title,
      };
      const paperUrl = paper.url;
      if (current !== 'none') {
        const other = current === 'more' ? 'less' : 'more';
        return page('rate.html')({
          ...common,
          paperUrl,
          rated: true,
          ratedHeading: RATED[current].heading,
          ratedLede: RATED[current].lede,
          otherVerdict: other,
          otherLabel: VERDICT_LABELS[other],
        });
      }
      // The choice of the link the reader followed comes first; the other stays a click away.
      const order: ('more' | 'less')[] = asked === 'less' ? ['less', 'more'] : ['more', 'less'];
      return page('rate.html')({
        ...common,
        paperUrl,
        rated: false,
        choices: order.map((verdict, index) => ({
          verdict,
          label: VERDICT_LABELS[verdict],
          secondary: asked !== undefined && index > 0,
        })),
      });
    },

    renderUnsubscribePage: ({ token }) =>
      page('unsubscribe.html')({
        pageTitle: 'Unsubscribe · paperboy',
        robots: PRIVATE,
        action: `/unsubscribe?token=${encodeURIComponent(token)}`,
      }),
  };

  return { ...renderer, contentSecurityPolicy: pagePolicy(dir, partials, renderer) };
}

/**
 * Hashes the inline blocks of every page, once. The blocks may not depend on the data (checked on the
 * template sources), so rendering each page and branch with sample data finds all of them.
 */
function pagePolicy(
  dir: string,
  partials: Record<string, string>,
  renderer: Omit<PageRenderer, 'contentSecurityPolicy'>,
): string {
  const sources = Object.fromEntries([
    ...PAGE_FILES.map((file) => [`pages/${file}`, readTemplate(dir, file)]),
    ...Object.entries(partials).map(([name, source]) => [`pages/partials/${name}`, source]),
  ]);
  assertConstantInlineBlocks(sources, partials);
  const topics = [
    { id: 'sample', name: 'Sample', description: 'A sample topic.' },
    { id: 'plain', name: 'Plain', description: '' },
  ];
  const samples = [
    renderer.renderLandingPage({ topics }),
    renderer.renderConfirmPage({ token: 'sample' }),
    renderer.renderPreferencesPage({ token: 'sample', topics, welcome: true }),
    renderer.renderPreferencesPage({ token: 'sample', topics }),
    renderer.renderMessagePage({ title: 'Sample', message: 'Sample.', status: 400 }),
    renderer.renderMessagePage({ title: 'Sample', message: 'Sample.' }),
    renderer.renderUnsubscribePage({ token: 'sample' }),
    renderer.renderRatePage({
      token: 'sample',
      paper: { title: 'Sample', url: 'https://example.com/' },
      current: 'none',
    }),
    renderer.renderRatePage({
      token: 'sample',
      paper: { title: 'Sample', url: 'https://example.com/' },
      current: 'more',
    }),
  ].map(inlineBlocks);
  return buildPageContentSecurityPolicy({
    scripts: samples.flatMap((blocks) => blocks.scripts),
    styles: samples.flatMap((blocks) => blocks.styles),
  });
}

let defaultPages: PageRenderer | undefined;
const pages = (): PageRenderer => (defaultPages ??= createPageRenderer());

/** The Content-Security-Policy header value for the HTML pages (hashes of their inline scripts and styles). */
export const pageContentSecurityPolicy = (): string => pages().contentSecurityPolicy;
/** The landing page: what paperboy is, the email field, the topic picker and own keywords. */
export const renderLandingPage: PageRenderer['renderLandingPage'] = (input) =>
  pages().renderLandingPage(input);
/** GET /confirm: a page with a POST form; only the POST confirms (link scanners only GET). */
export const renderConfirmPage: PageRenderer['renderConfirmPage'] = (input) =>
  pages().renderConfirmPage(input);
/** The settings page behind the manage link; it loads and saves through /api/preferences. */
export const renderPreferencesPage: PageRenderer['renderPreferencesPage'] = (input) =>
  pages().renderPreferencesPage(input);
/** Errors (tampered, expired, wrong-purpose links) and simple confirmations. */
export const renderMessagePage: PageRenderer['renderMessagePage'] = (input) =>
  pages().renderMessagePage(input);
/** GET /rate: the paper of a rating link and POST forms; a GET never records a rating. */
export const renderRatePage: PageRenderer['renderRatePage'] = (input) => pages().renderRatePage(input);
/** GET /unsubscribe: a page with a POST form; a GET never unsubscribes. */
export const renderUnsubscribePage: PageRenderer['renderUnsubscribePage'] = (input) =>
  pages().renderUnsubscribePage(input);
