import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  pageContentSecurityPolicy,
  renderConfirmPage,
  renderLandingPage,
  renderMessagePage,
  renderPreferencesPage,
  renderUnsubscribePage,
} from '../adapters/render/pages';
import {
  ConflictError,
  LinkNotSentError,
  NotFoundError,
  PaperboyError,
  TokenError,
  ValidationError,
} from '../core/errors';
import type { Logger } from '../core/ports';
import type { SubscriptionService } from '../core/subscribers/manage-subscription';
import type { TopicPreview } from '../core/digests/preview-topic';
import { topicCatalog } from '../core/topics/catalog';

export interface AppDeps {
  subscriptions: SubscriptionService;
  preview: (query: unknown) => Promise<TopicPreview>;
  logger: Logger;
}

const catalogForPages = () => topicCatalog.map(({ id, name, description }) => ({ id, name, description }));

/** HTTP status for an error the core raised on purpose. */
function statusOf(error: PaperboyError): ContentfulStatusCode {
  if (error instanceof TokenError)
    return error.problem === 'token_expired' || error.problem === 'token_revoked' ? 410 : 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  // The mail provider failed, not the request; the message says what the reader can do instead.
  if (error instanceof LinkNotSentError) return 503;
  if (error instanceof ValidationError) return 400;
  return 400;
}

const PAGE_ERROR_TITLES: Record<string, string> = {
  token_invalid: 'This link does not work',
  token_expired: 'This link has expired',
  token_wrong_purpose: 'This link is meant for something else',
  token_revoked: 'This link is no longer valid',
  not_found: 'Subscription not found',
};

const PAGE_ERROR_HINTS: Record<string, string> = {
  token_invalid:
    'It may have been cut off or changed. Open the link from your email again, or subscribe again from the home page.',
  token_expired: 'Confirmation links last 48 hours. Subscribe again from the home page to get a fresh one.',
  token_wrong_purpose: 'Use the link from the matching email, or start again from the home page.',
  // token_revoked has none: its messages already say what to do (use the latest email, subscribe again).
  not_found: 'Your data may have been deleted. You can subscribe again from the home page.',
};

async function readJson(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = await c.req.json();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch {
    throw new ValidationError('the request body must be a JSON object');
  }
}

/**
 * The web app: pages and the JSON API beside them. The same app runs in Lambda (hono/aws-lambda)
 * and on the local stack (@hono/node-server).
 */
export function createApp(deps: AppDeps): Hono {
  const { subscriptions } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    // Pages and answers carry link tokens and personal data: no shared or browser cache keeps them.
    if (c.req.path !== '/' && c.req.path !== '/api/topics') c.header('Cache-Control', 'no-store');
    // Pages run only their own inline scripts and styles (allowed by hash) and talk only to this origin.
    if (c.res.headers.get('content-type')?.toLowerCase().startsWith('text/html')) {
      c.header('Content-Security-Policy', pageContentSecurityPolicy());
    }
  });

  // ---- pages ----
  app.get('/', (c) => c.html(renderLandingPage({ topics: catalogForPages() })));

  app.get('/confirm', async (c) => {
    const token = c.req.query('token');
    await subscriptions.checkToken(token, 'confirm');
    return c.html(renderConfirmPage({ token: token as string }));
  });

  app.post('/confirm', async (c) => {
    const form = await c.req.parseBody();
    const { manageToken } = await subscriptions.confirm(form.token ?? c.req.query('token'));
    return c.redirect(`/preferences?token=${encodeURIComponent(manageToken)}&welcome=1`, 303);
  });

  app.get('/preferences', async (c) => {
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

  app.get('/unsubscribe', async (c) => {
    const token = c.req.query('token');
    await subscriptions.checkToken(token, 'unsubscribe');
    return c.html(renderUnsubscribePage({ token: token as string }));
  });

  // RFC 8058 one-click and the unsubscribe page's button; answer 200, never a redirect. The body is not
  // read, on purpose: clients send `List-Unsubscribe=One-Click` in different encodings or not at all,
  // a reader whose click fails keeps getting mail, and the signed token is what authorizes the POST.
  app.post('/unsubscribe', async (c) => {
    await subscriptions.unsubscribe(c.req.query('token'));
    return c.html(
      renderMessagePage({
        title: "You're unsubscribed",
        message:
          'You will get no more digests from paperboy. Changed your mind? Subscribe again any time from the home page.',
      }),
    );
  });

  app.get('/health', (c) => c.json({ ok: true }));

  // ---- JSON API ----
  app.get('/api/topics', (c) => c.json({ topics: catalogForPages() }));

  app.post('/api/subscribe', async (c) => {
    const body = await readJson(c);
    await subscriptions.subscribe({ email: body.email, topics: body.topics, keywords: body.keywords });
    return c.json({ message: 'Check your inbox: we sent a link to confirm your subscription.' }, 202);
  });

  app.post('/api/confirm', async (c) => {
    const body = await readJson(c);
    const { manageToken } = await subscriptions.confirm(body.token);
    return c.json({
      message: 'Subscription confirmed.',
      manageToken,
      manageUrl: `/preferences?token=${encodeURIComponent(manageToken)}`,
    });
  });

  app.get('/api/preferences', async (c) => c.json(await subscriptions.getPreferences(c.req.query('token'))));

  app.put('/api/preferences', async (c) => {
    const { token, ...changes } = await readJson(c);
    return c.json(await subscriptions.updatePreferences(token, changes));
  });

  app.post('/api/links/renew', async (c) => {
    const body = await readJson(c);
    const { mailed } = await subscriptions.renewLinks(body.token);
    const revoked = 'Links in your older emails no longer work, and neither does the link of this page.';
    return mailed
      ? c.json(
          { mailed, message: `We emailed you a new link. ${revoked} Use the new email from now on.` },
          202,
        )
      : c.json({
          mailed,
          message: `${revoked} We could not email you a new one: mail to this address bounced or was reported as spam, so paperboy no longer sends to it.`,
        });
  });

  app.get('/api/preview', async (c) => c.json(await deps.preview(c.req.query('q'))));

  app.get('/api/export', async (c) => {
    const data = await subscriptions.exportData(c.req.query('token'));
    c.header('Content-Disposition', 'attachment; filename="paperboy-data.json"');
    return c.json({ exportedAt: new Date().toISOString(), ...data });
  });

  app.delete('/api/subscriber', async (c) => {
    const body = await readJson(c);
    await subscriptions.deleteData(body.token);
    return c.json({ message: 'All your data is deleted.' });
  });

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404)
      : c.html(
          renderMessagePage({
            title: 'Page not found',
            message: 'There is nothing here. Try the home page.',
            status: 404,
          }),
          404,
        ),
  );

  app.onError((error, c) => {
    const isApi = c.req.path.startsWith('/api/');
    let status: ContentfulStatusCode = 500;
    let code = 'internal_error';
    let message = 'Something went wrong on our side. Please try again later.';
    if (error instanceof PaperboyError) {
      status = statusOf(error);
      code = error.code;
      message = error.message;
    } else if (error instanceof HTTPException && error.status < 500) {
      status = error.status as ContentfulStatusCode;
      code = 'bad_request';
      message = error.message || 'Bad request';
    } else {
      deps.logger.error('unhandled error', {
        path: c.req.path,
        method: c.req.method,
        error: error.message,
        stack: error.stack,
      });
    }
    if (isApi || (c.req.method !== 'GET' && c.req.header('content-type')?.includes('json'))) {
      return c.json({ error: { code, message } }, status);
    }
    const title = PAGE_ERROR_TITLES[code] ?? (status === 500 ? 'Something went wrong' : 'That did not work');
    const hint = PAGE_ERROR_HINTS[code] ?? '';
    return c.html(renderMessagePage({ title, message: `${message} ${hint}`.trim(), status }), status);
  });

  return app;
}
