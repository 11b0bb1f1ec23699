import { Hono } from 'hono';
import { createArchive, type Archive } from '../core/digests/archive';
import { createTopicPreview } from '../core/digests/preview-topic';
import type { Clock, Logger, PaperRepository, VocabularyRepository } from '../core/ports';
import type { SubscriptionService } from '../core/subscribers/manage-subscription';
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

/** The app over the services a function (or the local stack) built: the same routes everywhere. */
export function createWebApp(services: {
  subscriptions: SubscriptionService;
  papers: PaperRepository;
  vocabulary?: VocabularyRepository;
  clock: Clock;
  logger: Logger;
}): Hono {
  return createApp({
    subscriptions: services.subscriptions,
    preview: createTopicPreview(services),
    archive: createArchive(services),
    logger: services.logger,
  });
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
