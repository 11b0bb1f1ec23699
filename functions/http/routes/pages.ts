import { Hono, type Context } from 'hono';
import { ATOM_CONTENT_TYPE, renderAtomFeed } from '../../adapters/render/atom-feed';
import {
  dayLabel,
  renderConfirmPage,
  renderDigestPage,
  renderLandingPage,
  renderMessagePage,
  renderMissingPage,
  renderPreferencesPage,
  renderRatePage,
  renderUnsubscribePage,
} from '../../adapters/render/pages';
import { ValidationError } from '../../core/errors';
import type { SubscriptionService } from '../../core/subscribers/manage-subscription';
import { catalogForPages } from '../topic-catalog';

/** The posted form; a body that is not the form its content type says (a broken multipart) is the client's error. */
async function readForm(c: Context): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody();
  } catch {
    throw new ValidationError('the request body is not a readable form');
  }
}

/**
 * The HTML pages a reader reaches from the home page and from the links in their emails. A GET only
 * shows a page (after checking its link); what changes anything is a POST.
 */
export function pageRoutes({ subscriptions }: { subscriptions: SubscriptionService }): Hono {
  const pages = new Hono();

  pages.get('/', (c) => c.html(renderLandingPage({ topics: catalogForPages() })));

  pages.get('/confirm', async (c) => {
    const token = c.req.query('token');
    await subscriptions.checkToken(token, 'confirm');
    return c.html(renderConfirmPage({ token: token as string }));
  });

  pages.post('/confirm', async (c) => {
    const form = await readForm(c);
    const { manageToken } = await subscriptions.confirm(form.token ?? c.req.query('token'));
    return c.redirect(`/preferences?token=${encodeURIComponent(manageToken)}&welcome=1`, 303);
  });

  pages.get('/preferences', async (c) => {
    const token = c.req.query('token');
    await subscriptions.checkToken(token, 'manage');
    return c.html(
      renderPreferencesPage({
        token: token as string,
        topics: catalogForPages(),
        welcome: c.req.query('welcome') === '1',
      }),
    );
  });

  // A rating link from a digest: the page names the paper and asks; a link scanner's GET records nothing.
  pages.get('/rate', async (c) => {
    const token = c.req.query('token');
    const { paper, verdict } = await subscriptions.ratingLinkPaper(token);
    const asked = c.req.query('verdict');
    return c.html(
      renderRatePage({
        token: token as string,
        paper,
        current: verdict,
        asked: asked === 'more' || asked === 'less' ? asked : undefined,
      }),
    );
  });

  // The page's buttons; then back to the page, which shows the rating with its undo (a reload records nothing).
  pages.post('/rate', async (c) => {
    const form = await readForm(c);
    const token = c.req.query('token');
    await subscriptions.ratePaper({ token, verdict: form.verdict });
    return c.redirect(`/rate?token=${encodeURIComponent(token as string)}`, 303);
  });

  // "View in browser": the reader's digest of the link's day, with the rating buttons (POST /rate).
  pages.get('/digest', async (c) => {
    const digest = await subscriptions.viewDigest(c.req.query('token'));
    if (!digest.sent) {
      return c.html(
        renderMissingPage({
          title: 'No digest for that day',
          message: `paperboy sent you no digest on ${dayLabel(digest.digestDate)}, so there is nothing to show. Your latest email has a working link to its own copy.`,
          links: [
            { href: '/archive', label: 'Papers by day' },
            { href: '/', label: 'Home page' },
          ],
        }),
        404,
      );
    }
    return c.html(renderDigestPage(digest));
  });

  // The reader's Atom feed; its errors are plain text (errors.ts), which a feed reader shows.
  pages.get('/feed', async (c) => {
    const feed = await subscriptions.readerFeed(c.req.query('token'));
    c.header('X-Robots-Tag', 'noindex');
    return c.body(renderAtomFeed(feed), 200, { 'Content-Type': ATOM_CONTENT_TYPE });
  });

  pages.get('/unsubscribe', async (c) => {
    const token = c.req.query('token');
    await subscriptions.checkToken(token, 'unsubscribe');
    return c.html(renderUnsubscribePage({ token: token as string }));
  });

  // RFC 8058 one-click and the unsubscribe page's button; answer 200, never a redirect. The body is not
  // read, on purpose: clients send `List-Unsubscribe=One-Click` in different encodings or not at all,
  // a reader whose click fails keeps getting mail, and the signed token is what authorizes the POST.
  pages.post('/unsubscribe', async (c) => {
    await subscriptions.unsubscribe(c.req.query('token'));
    return c.html(
      renderMessagePage({
        title: "You're unsubscribed",
        message:
          'You will get no more digests from paperboy. Changed your mind? Subscribe again any time from the home page.',
      }),
    );
  });

  return pages;
}
