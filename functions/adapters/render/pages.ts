import { join } from 'node:path';
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

export interface PageRenderer {
  renderLandingPage(input: { topics: PageTopic[] }): string;
  renderConfirmPage(input: { token: string }): string;
  renderPreferencesPage(input: { token: string; topics: PageTopic[]; welcome?: boolean }): string;
  renderMessagePage(input: MessagePageInput): string;
  renderUnsubscribePage(input: { token: string }): string;
}

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

  return {
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

    renderUnsubscribePage: ({ token }) =>
      page('unsubscribe.html')({
        pageTitle: 'Unsubscribe · paperboy',
        robots: PRIVATE,
        action: `/unsubscribe?token=${encodeURIComponent(token)}`,
      }),
  };
}

let defaultPages: PageRenderer | undefined;
const pages = (): PageRenderer => (defaultPages ??= createPageRenderer());

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
/** GET /unsubscribe: a page with a POST form; a GET never unsubscribes. */
export const renderUnsubscribePage: PageRenderer['renderUnsubscribePage'] = (input) =>
  pages().renderUnsubscribePage(input);
