import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderMessagePage } from '../adapters/render/pages';
import {
  ConflictError,
  LinkNotSentError,
  NotFoundError,
  PaperboyError,
  TokenError,
  ValidationError,
} from '../core/errors';
import type { Logger } from '../core/ports';

/** HTTP status for an error the core raised on purpose. */
export function statusOf(error: PaperboyError): ContentfulStatusCode {
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

const isApiPath = (path: string): boolean => path.startsWith('/api/');
/** The Atom feed: read by feed readers, which show a plain-text error better than a page. */
const isFeedPath = (path: string): boolean => path === '/feed';

/** No route: a JSON error under /api/, a page elsewhere. */
export const notFound: NotFoundHandler = (c) =>
  isApiPath(c.req.path)
    ? c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404)
    : c.html(
        renderMessagePage({
          title: 'Page not found',
          message: 'There is nothing here. Try the home page.',
          status: 404,
        }),
        404,
      );

/**
 * The one place errors become HTTP answers: `{ error: { code, message } }` for the API (and for JSON
 * posted anywhere), an error page for browsers. An error the core raised on purpose keeps its code and
 * message; any other is logged and answered with a generic 500 that reveals nothing.
 */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
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
      logger.error('unhandled error', {
        path: c.req.path,
        method: c.req.method,
        error: error.message,
        stack: error.stack,
      });
    }
    if (isApiPath(c.req.path) || (c.req.method !== 'GET' && c.req.header('content-type')?.includes('json'))) {
      return c.json({ error: { code, message } }, status);
    }
    if (isFeedPath(c.req.path)) {
      const hint = status === 500 ? '' : ' Copy the feed link from your settings page again.';
      return c.text(`${message}${hint}\n`, status, { 'X-Robots-Tag': 'noindex' });
    }
    const title = PAGE_ERROR_TITLES[code] ?? (status === 500 ? 'Something went wrong' : 'That did not work');
    const hint = PAGE_ERROR_HINTS[code] ?? '';
    return c.html(renderMessagePage({ title, message: `${message} ${hint}`.trim(), status }), status);
  };
}
