import { Hono } from 'hono';

/** For load balancers and the local stack's readiness check: answers whenever the app runs. */
export function healthRoutes(): Hono {
  return new Hono().get('/health', (c) => c.json({ ok: true }));
}
