import { Hono } from 'hono';
import type { Archive } from '../core/digests/archive';
import type { Logger } from '../core/ports';
import { errorHandler, notFound } from './errors';
import { apiRoutes, type ApiDeps } from './routes/api';
import { healthRoutes } from './routes/health';
import { pageRoutes } from './routes/pages';
import { publicRoutes } from './routes/public';
import { securityHeaders } from './security-headers';

export interface AppDeps extends ApiDeps {
  logger: Logger;
  /** The public archive (core/digests/archive.ts), kept for the life of the app: it caches the matched days. */
  archive: Archive;
}

/**
 * The web app: pages and the JSON API beside them, route modules mounted on one app that owns the
 * headers and the error mapping. The same app runs in Lambda (hono/aws-lambda) and on the local stack
 * (@hono/node-server).
 */
export function createApp(deps: AppDeps): Hono {
  return new Hono()
    .use('*', securityHeaders())
    .route('/', pageRoutes(deps))
    .route('/', publicRoutes(deps))
    .route('/', healthRoutes())
    .route('/api', apiRoutes(deps))
    .notFound(notFound)
    .onError(errorHandler(deps.logger));
}
