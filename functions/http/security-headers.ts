import type { MiddlewareHandler } from 'hono';
import { pageContentSecurityPolicy } from '../adapters/render/pages';

/** The landing page and the topic catalog hold nothing personal; every other answer may. */
const CACHEABLE_PATHS = new Set(['/', '/api/topics']);
/** The public archive: the same for everyone, so a browser or CDN may keep a found page a few minutes. */
const isArchive = (path: string): boolean => path === '/archive' || path.startsWith('/archive/');
const ARCHIVE_CACHE = 'public, max-age=300';

/**
 * Headers every answer carries, set after the route has answered (error pages and 404s included).
 * Set on the answer's own headers: `c.header()` after the route has answered copies the whole
 * answer once per header (measured: a tenth of the server's CPU under a burst of sign-ups).
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'no-referrer');
    headers.set('X-Frame-Options', 'DENY');
    // Pages and answers carry link tokens and personal data: no shared or browser cache keeps them.
    if (isArchive(c.req.path) && c.res.status === 200) headers.set('Cache-Control', ARCHIVE_CACHE);
    else if (!CACHEABLE_PATHS.has(c.req.path)) headers.set('Cache-Control', 'no-store');
    // Pages run only their own inline scripts and styles (allowed by hash) and talk only to this origin.
    if (headers.get('content-type')?.toLowerCase().startsWith('text/html')) {
      headers.set('Content-Security-Policy', pageContentSecurityPolicy());
    }
  };
}
