import type { AppDeps } from '../../../functions/http/app';
import { createApp } from '../../../functions/http/app';
import {
  ConflictError,
  LinkNotSentError,
  NotFoundError,
  PaperboyError,
  TokenError,
  ValidationError,
} from '../../../functions/core/errors';
import { InMemoryPaperRepository, RecordingLogger } from '../../support/in-memory-ports';
import { createArchive } from '../../../functions/core/digests/archive';
import { systemClock } from '../../../functions/service-graph';

/** What a subscription call does for a token: the error it raises, or nothing. */
const OUTCOMES: Record<string, () => Error> = {
  expired: () => new TokenError('token_expired', 'This link has expired.'),
  revoked: () => new TokenError('token_revoked', 'This link is no longer valid.'),
  invalid: () => new TokenError('token_invalid', 'This link is incomplete or has been altered.'),
  'wrong-purpose': () => new TokenError('token_wrong_purpose', 'This link is not a manage link.'),
  gone: () => new NotFoundError('No such subscriber.'),
  conflict: () => new ConflictError('Try again.'),
  'not-mailed': () => new LinkNotSentError('We could not email you.'),
  invalid_request: () => new ValidationError('email is not a valid address'),
  other_code: () => new PaperboyError('some_code', 'Something the core refused.'),
  crash: () => new Error('db exploded at 10.0.0.1 with secret s3cr3t'),
};
const act = (token: unknown) => {
  const outcome = typeof token === 'string' ? OUTCOMES[token] : undefined;
  if (outcome) throw outcome();
};

function anApp() {
  const logger = new RecordingLogger();
  const subscriptions = {
    subscribe: async (input: { email: unknown }) => act(input.email),
    confirm: async (token: unknown) => (act(token), { manageToken: 'manage token', subscriberId: 's-1' }),
    checkToken: async (token: unknown) => act(token),
    getPreferences: async (token: unknown) => (act(token), { email: 'a@example.com', subscribed: true }),
    updatePreferences: async (token: unknown, changes: Record<string, unknown>) => (act(token), changes),
    unsubscribe: async (token: unknown) => act(token),
    exportData: async (token: unknown) => (act(token), { subscriber: { id: 's-1' }, deliveries: [] }),
    deleteData: async (token: unknown) => act(token),
    renewLinks: async (token: unknown) => (act(token), { mailed: token !== 'suppressed' }),
  } as unknown as AppDeps['subscriptions'];
  const preview = async (query: unknown) => (act(query), { papers: [], days: 3 });
  const archive = createArchive({ papers: new InMemoryPaperRepository(), clock: systemClock });
  return { app: createApp({ subscriptions, preview, archive, logger }), logger };
}

const call = async (path: string, init: RequestInit = {}) => {
  const { app, logger } = anApp();
  const response = await app.fetch(new Request(`http://paperboy.test${path}`, init));
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, logger };
};
const postJson = (path: string, body: unknown, method = 'POST') =>
  call(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('security headers (every answer)', () => {
  it.each([
    '/',
    '/api/topics',
    '/health',
    '/preferences?token=ok',
    '/nowhere',
    '/api/nowhere',
    '/api/preview?q=crash',
  ])('%s carries nosniff, no referrer and no framing', async (path) => {
    const { headers } = await call(path);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-frame-options')).toBe('DENY');
  });

  it('lets only the landing page and the topic catalog be cached', async () => {
    expect((await call('/')).headers.get('cache-control')).toBeNull();
    expect((await call('/api/topics')).headers.get('cache-control')).toBeNull();
    for (const path of ['/health', '/preferences?token=ok', '/api/preferences?token=ok', '/nowhere'])
      expect([path, (await call(path)).headers.get('cache-control')]).toEqual([path, 'no-store']);
  });

  it('gives every HTML answer, error pages included, a Content-Security-Policy, and JSON none', async () => {
    for (const path of ['/', '/confirm?token=ok', '/confirm?token=invalid', '/nowhere'])
      expect([path, (await call(path)).headers.get('content-security-policy')]).toEqual([
        path,
        expect.any(String),
      ]);
    expect((await call('/api/topics')).headers.get('content-security-policy')).toBeNull();
  });
});

describe('pages', () => {
  it('serves the landing, confirm, preferences and unsubscribe pages for a good link', async () => {
    for (const path of [
      '/',
      '/confirm?token=ok',
      '/preferences?token=ok&welcome=1',
      '/unsubscribe?token=ok',
    ]) {
      const { status, headers, text } = await call(path);
      expect([path, status, headers.get('content-type')]).toEqual([
        path,
        200,
        expect.stringMatching(/^text\/html/),
      ]);
      expect(text).toMatch(/<html/i);
    }
  });

  it('confirms on POST with the form token and lands on preferences with a 303', async () => {
    const { status, headers } = await call('/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=ok',
    });
    expect(status).toBe(303);
    expect(headers.get('location')).toBe('/preferences?token=manage%20token&welcome=1');
  });

  it('answers a form that does not parse with a 400 page, not a 500', async () => {
    const { status, headers, logger } = await call('/confirm?token=ok', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: 'not multipart',
    });
    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(logger.messages('error')).toEqual([]);
  });

  it('unsubscribes on POST with 200 and no redirect, whatever the body', async () => {
    const { status, text } = await call('/unsubscribe?token=ok', {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    expect(status).toBe(200);
    expect(text).toContain('You&#39;re unsubscribed');
  });

  it('answers /health with { ok: true }', async () => {
    expect(JSON.parse((await call('/health')).text)).toEqual({ ok: true });
  });
});

describe('JSON API', () => {
  it('answers each route as before', async () => {
    expect((await postJson('/api/subscribe', { email: 'a@example.com' })).status).toBe(202);
    expect(JSON.parse((await postJson('/api/confirm', { token: 'ok' })).text)).toEqual({
      message: 'Subscription confirmed.',
      manageToken: 'manage token',
      manageUrl: '/preferences?token=manage%20token',
    });
    expect(
      JSON.parse((await postJson('/api/preferences', { token: 'ok', cadence: 'weekly' }, 'PUT')).text),
    ).toEqual({
      cadence: 'weekly',
    });
    expect((await postJson('/api/links/renew', { token: 'ok' })).status).toBe(202);
    expect(JSON.parse((await postJson('/api/links/renew', { token: 'suppressed' })).text)).toMatchObject({
      mailed: false,
    });
    expect(JSON.parse((await call('/api/preview?q=diffusion')).text)).toEqual({ papers: [], days: 3 });
    const exported = await call('/api/export?token=ok');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="paperboy-data.json"');
    expect(JSON.parse(exported.text)).toMatchObject({
      exportedAt: expect.any(String),
      subscriber: { id: 's-1' },
    });
    expect((await postJson('/api/subscriber', { token: 'ok' }, 'DELETE')).status).toBe(200);
  });

  it('refuses a body that is not a JSON object with invalid_request', async () => {
    for (const body of ['', 'nope', '[]', 'null', '"text"']) {
      const { status, text } = await call('/api/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect([body, status, JSON.parse(text).error.code]).toEqual([body, 400, 'invalid_request']);
    }
  });

  it('answers an unknown API route with a JSON not_found, and any other with a page', async () => {
    const api = await call('/api/nowhere', { method: 'PATCH' });
    expect(api.status).toBe(404);
    expect(JSON.parse(api.text)).toEqual({
      error: { code: 'not_found', message: 'No route for PATCH /api/nowhere' },
    });
    const page = await call('/nowhere');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
  });
});

describe('errors → HTTP (errors.ts)', () => {
  it.each([
    ['expired', 410, 'token_expired'],
    ['revoked', 410, 'token_revoked'],
    ['invalid', 400, 'token_invalid'],
    ['wrong-purpose', 400, 'token_wrong_purpose'],
    ['gone', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['not-mailed', 503, 'link_not_sent'],
    ['invalid_request', 400, 'invalid_request'],
    ['other_code', 400, 'some_code'],
  ])('maps %s to %i with its code and message, unlogged', async (token, status, code) => {
    const answer = await call(`/api/preferences?token=${token}`);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text)).toEqual({ error: { code, message: expect.any(String) } });
    expect(answer.logger.messages('error')).toEqual([]);
  });

  it('logs an unknown error and answers a generic 500 that reveals nothing', async () => {
    const answer = await call('/api/preferences?token=crash');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again later.' },
    });
    expect(answer.text).not.toMatch(/exploded|s3cr3t|10\.0\.0\.1/);
    expect(answer.logger.messages('error')).toEqual(['unhandled error']);
  });

  it('renders the page error with its title and hint for a browser, and JSON for a script posting JSON', async () => {
    const page = await call('/preferences?token=expired');
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    expect(page.text).toContain('Confirmation links last 48 hours');
    const crashed = await call('/preferences?token=crash');
    expect(crashed.status).toBe(500);
    expect(crashed.text).toContain('Something went wrong');
    expect(crashed.text).not.toContain('s3cr3t');
    const scripted = await postJson('/confirm?token=revoked', {});
    expect(scripted.status).toBe(410);
    expect(JSON.parse(scripted.text).error.code).toBe('token_revoked');
  });
});
