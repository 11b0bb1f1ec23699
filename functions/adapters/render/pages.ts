import { join } from 'node:path';
import type { ArchiveDay, ArchivePaper } from '../../core/digests/archive';
import type { HostedPaper } from '../../core/subscribers/view-digest';
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

/** One curated topic as the archive names it. */
export interface ArchiveTopicInput {
  id: string;
  name: string;
  description: string;
}

/** A page that says what is missing (or wrong in the address) and where to go instead. */
export interface MissingPageInput {
  title: string;
  message: string;
  /** The first is the main way on; the others are secondary buttons. */
  links: { href: string; label: string }[];
}

/** The hosted copy of a reader's digest ("View in browser"). */
export interface DigestPageInput {
  digestDate: string;
  cadence: 'daily' | 'weekly';
  papers: HostedPaper[];
}

export interface PageRenderer {
  renderLandingPage(input: { topics: PageTopic[] }): string;
  renderConfirmPage(input: { token: string }): string;
  renderPreferencesPage(input: { token: string; topics: PageTopic[]; welcome?: boolean }): string;
  renderMessagePage(input: MessagePageInput): string;
  renderUnsubscribePage(input: { token: string }): string;
  renderRatePage(input: RatePageInput): string;
  /** GET /archive: every day with papers, newest first, by month. */
  renderArchivePage(input: { days: string[]; topicCount: number }): string;
  /** GET /archive/YYYY-MM-DD: the day's papers per curated topic. */
  renderArchiveDayPage(input: { archive: ArchiveDay }): string;
  /** GET /archive/YYYY-MM-DD/<topic>: one topic's papers of the day, with summaries. */
  renderArchiveTopicPage(input: { archive: ArchiveDay; topic: ArchiveTopicInput }): string;
  /** GET /digest: a reader's digest of one day, with the rating buttons. */
  renderDigestPage(input: DigestPageInput): string;
  /** An unknown archive day or topic, a bad date, a digest never sent. */
  renderMissingPage(input: MissingPageInput): string;
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
  'archive.html',
  'archive-day.html',
  'archive-topic.html',
  'digest.html',
  'missing.html',
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
const PUBLIC = 'index, follow';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dateOf = (day: string): Date => new Date(`${day}T00:00:00Z`);
/** "Wednesday, 12 November 2025" (fixed English names, UTC: the same on every machine). */
export const dayLabel = (day: string): string => {
  const date = dateOf(day);
  return `${DAY_NAMES[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
};
/** "12 November 2025", for headings (the weekday is in the page's other lines). */
const headingDayLabel = (day: string): string => {
  const date = dateOf(day);
  return `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
};
/** "12 Nov 2025", for links to a neighbouring day. */
const shortDayLabel = (day: string): string => {
  const date = dateOf(day);
  return `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()].slice(0, 3)} ${date.getUTCFullYear()}`;
};
const count = (value: number, one: string, many = `${one}s`): string =>
  `${value} ${value === 1 ? one : many}`;

export const archiveDayUrl = (day: string): string => `/archive/${day}`;
export const archiveTopicUrl = (day: string, topicId: string): string =>
  `/archive/${day}/${encodeURIComponent(topicId)}`;

/** Days newest first, grouped by month ("November 2025"). */
function archiveMonths(days: string[]) {
  const months: { key: string; label: string; days: { day: string; short: string; weekday: string }[] }[] =
    [];
  for (const day of days) {
    const key = day.slice(0, 7);
    let month = months[months.length - 1];
    if (!month || month.key !== key) {
      const date = dateOf(day);
      month = { key, label: `${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`, days: [] };
      months.push(month);
    }
    const date = dateOf(day);
    month.days.push({
      day,
      short: `${date.getUTCDate()} ${MONTH_NAMES[date.getUTCMonth()].slice(0, 3)}`,
      weekday: DAY_NAMES[date.getUTCDay()],
    });
  }
  return months;
}

const paperModel = (paper: ArchivePaper) => ({
  id: paper.id,
  title: paper.title,
  url: paper.url,
  authorsLine: paper.authorsLine,
  summary: paper.summary,
  arxivUrl: paper.arxivUrl,
  pdfUrl: paper.pdfUrl,
  githubUrl: paper.githubUrl ?? '',
  rateAction: '',
});

/** Links to the neighbouring days of an archive page (the same topic's page on a topic page). */
function dayNavModel(archive: ArchiveDay, url: (day: string) => string) {
  if (!archive.olderDay && !archive.newerDay) return false;
  return {
    olderUrl: archive.olderDay ? url(archive.olderDay) : '',
    olderLabel: archive.olderDay ? shortDayLabel(archive.olderDay) : '',
    newerUrl: archive.newerDay ? url(archive.newerDay) : '',
    newerLabel: archive.newerDay ? shortDayLabel(archive.newerDay) : '',
  };
}

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

    renderArchivePage: ({ days, topicCount }) =>
      page('archive.html')({
        pageTitle: 'Archive: trending ML papers by day and topic · paperboy',
        robots: PUBLIC,
        paperPages: true,
        topicCount,
        months: archiveMonths(days),
        ctaHeading: 'Get the papers of your topics by email',
      }),

    renderArchiveDayPage: ({ archive }) => {
      const label = dayLabel(archive.day);
      const inTopics = archive.paperCount - archive.others.length;
      return page('archive-day.html')({
        pageTitle: `Trending ML papers of ${label} · paperboy`,
        robots: PUBLIC,
        paperPages: true,
        dayLabel: label,
        summaryLine:
          `${count(archive.paperCount, 'paper')} on Hugging Face Daily Papers` +
          (archive.topics.length
            ? `; ${inTopics} of them in ${count(archive.topics.length, 'curated topic')}.`
            : '; none of them in a curated topic.'),
        topics: archive.topics.map((topic) => ({
          id: topic.id,
          name: topic.name,
          description: topic.description,
          count: topic.papers.length,
          topicUrl: archiveTopicUrl(archive.day, topic.id),
          papers: topic.papers.map(paperModel),
        })),
        others: archive.others.map(paperModel),
        otherCount: archive.others.length,
        dayNav: dayNavModel(archive, archiveDayUrl),
        ctaHeading: 'Get the papers of your topics by email',
      });
    },

    renderArchiveTopicPage: ({ archive, topic }) => {
      const label = dayLabel(archive.day);
      const papers = archive.topics.find((matched) => matched.id === topic.id)?.papers ?? [];
      return page('archive-topic.html')({
        pageTitle: `${topic.name}: papers of ${label} · paperboy`,
        robots: PUBLIC,
        paperPages: true,
        dayLabel: label,
        headingDay: headingDayLabel(archive.day),
        dayUrl: archiveDayUrl(archive.day),
        topicName: topic.name,
        topicDescription: topic.description,
        countLine: papers.length
          ? `${papers.length} of the day’s ${count(archive.paperCount, 'paper')}, best first.`
          : '',
        papers: papers.map(paperModel),
        dayNav: dayNavModel(archive, (day) => archiveTopicUrl(day, topic.id)),
        ctaHeading: `Get ${topic.name} papers by email`,
      });
    },

    renderDigestPage: ({ digestDate, cadence, papers }) => {
      const label = dayLabel(digestDate);
      return page('digest.html')({
        pageTitle: `Your digest of ${label} · paperboy`,
        robots: PRIVATE,
        paperPages: true,
        heading: `Your papers of ${headingDayLabel(digestDate)}`,
        lede: papers.length
          ? `The ${count(papers.length, 'paper')} of your ${cadence} digest of ${label}, best first.`
          : 'The papers of this digest are no longer kept.',
        dayLabel: label,
        archiveUrl: archiveDayUrl(digestDate),
        papers: papers.map((paper) => ({
          ...paperModel(paper),
          rateAction: `/rate?token=${encodeURIComponent(paper.ratingToken)}`,
          ratedMore: paper.rated === 'more' ? 'true' : 'false',
          ratedLess: paper.rated === 'less' ? 'true' : 'false',
        })),
      });
    },

    renderMissingPage: ({ title, message, links }) =>
      page('missing.html')({
        pageTitle: `${title} · paperboy`,
        robots: PRIVATE,
        paperPages: true,
        title,
        message,
        links: links.map((link, index) => ({ ...link, secondary: index > 0 })),
      }),

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
    ...paperPageSamples(renderer),
  ].map(inlineBlocks);
  return buildPageContentSecurityPolicy({
    scripts: samples.flatMap((blocks) => blocks.scripts),
    styles: samples.flatMap((blocks) => blocks.styles),
  });
}

/** The archive, digest and missing pages in each of their branches, with sample data. */
function paperPageSamples(renderer: Omit<PageRenderer, 'contentSecurityPolicy'>): string[] {
  const paper = {
    id: '2511.00001',
    title: 'Sample',
    url: 'https://example.com/',
    authorsLine: 'A. Author',
    summary: 'Sample.',
    arxivUrl: 'https://example.com/abs',
    pdfUrl: 'https://example.com/pdf',
    githubUrl: 'https://example.com/code',
  };
  const topic = { id: 'sample', name: 'Sample', description: 'A sample topic.' };
  const archive: ArchiveDay = {
    day: '2025-11-12',
    paperCount: 2,
    topics: [{ ...topic, papers: [paper] }],
    others: [paper],
    newerDay: '2025-11-13',
    olderDay: '2025-11-11',
  };
  const bare: ArchiveDay = { day: '2025-11-12', paperCount: 0, topics: [], others: [] };
  return [
    renderer.renderArchivePage({ days: ['2025-11-12', '2025-10-31'], topicCount: 1 }),
    renderer.renderArchivePage({ days: [], topicCount: 1 }),
    renderer.renderArchiveDayPage({ archive }),
    renderer.renderArchiveDayPage({ archive: bare }),
    renderer.renderArchiveTopicPage({ archive, topic }),
    renderer.renderArchiveTopicPage({ archive: bare, topic }),
    renderer.renderDigestPage({
      digestDate: '2025-11-12',
      cadence: 'daily',
      papers: [{ ...paper, ratingToken: 'sample', rated: 'more' }],
    }),
    renderer.renderMissingPage({
      title: 'Sample',
      message: 'Sample.',
      links: [{ href: '/', label: 'Home' }],
    }),
  ];
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
/** GET /archive: the days with papers. */
export const renderArchivePage: PageRenderer['renderArchivePage'] = (input) =>
  pages().renderArchivePage(input);
/** GET /archive/YYYY-MM-DD: a day's papers per curated topic. */
export const renderArchiveDayPage: PageRenderer['renderArchiveDayPage'] = (input) =>
  pages().renderArchiveDayPage(input);
/** GET /archive/YYYY-MM-DD/<topic>: a topic's papers of a day. */
export const renderArchiveTopicPage: PageRenderer['renderArchiveTopicPage'] = (input) =>
  pages().renderArchiveTopicPage(input);
/** GET /digest: the hosted copy of a reader's digest. */
export const renderDigestPage: PageRenderer['renderDigestPage'] = (input) => pages().renderDigestPage(input);
/** A 404 or 400 page of the archive and the hosted digest, with where to go instead. */
export const renderMissingPage: PageRenderer['renderMissingPage'] = (input) =>
  pages().renderMissingPage(input);
