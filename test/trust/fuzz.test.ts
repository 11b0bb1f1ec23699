/**
 * Property-based fuzzing (fast-check) of what paperboy takes from outside: requests to every route of the
 * real Hono app, and mutated Daily Papers items given to the real ingest, both over the real stand-ins
 * (dynalite, the SES and SQS emulators). Promises checked on every case: no 5xx; every 4xx under /api/ a
 * JSON `{ error: { code, message } }`, every other 4xx a page; and afterwards no stored record that the
 * domain would refuse to read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { z } from 'zod';
import { createHttpPapersSource } from '../../functions/adapters/hf-papers/papers-source';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { toSubscriber } from '../../functions/adapters/dynamodb/subscriber-repository';
import { createServices, type Services } from '../../functions/composition';
import { parseConfig } from '../../functions/config';
import { ingestDays } from '../../functions/core/ingest-papers';
import { normalizeEmail, type Subscriber } from '../../functions/core/subscribers/subscriber';
import { CONFIRM_TOKEN_TTL_SECONDS, type TokenPurpose } from '../../functions/core/tokens';
import { topicCatalog } from '../../functions/core/topics/catalog';
import { createWebApp } from '../../functions/http/app';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { aSubscriber, type SubscriberOverrides } from '../support/builders';
import {
  contentType,
  hostileJsonText,
  hostileKey,
  hostileObject,
  hostileString,
  hostileValue,
  mutateDocument,
  mutateToken,
  tokenMutation,
  valueMutation,
  type TokenMutation,
} from '../support/hostile-input';
import { RecordingLogger } from '../support/in-memory-ports';
import { HF_DAYS_DIR } from '../support/paths';
import { standInEnvironment } from '../support/stand-in-environment';
import { reportFigures, trustSize } from './scale';

const RUNS_PER_GROUP = trustSize(300, 3000);
const INGEST_RUNS = trustSize(300, 3000);
const GROUP_TIMEOUT_MS = trustSize(90_000, 1_800_000);

let standIns: StandIns;
let services: Services;
let app: Hono;
const logger = new RecordingLogger();

// ---- link tokens: described by the arbitraries, made at request time against the stored subscribers ----

/** The readers the valid tokens name, one per state; a reader deleted by a request is created again. */
const READER_STATES: SubscriberOverrides[] = [
  { status: 'confirmed' },
  { status: 'confirmed', preferences: { topics: ['llm-reasoning'], keywords: ['diffusion models'] } },
  { status: 'unconfirmed', confirmedAt: undefined },
  { status: 'unsubscribed', unsubscribedAt: '2025-11-02T08:00:00.000Z' },
  { status: 'confirmed', suppressed: { reason: 'hard-bounce', at: '2025-11-03T08:00:00.000Z' } },
  { status: 'confirmed', preferences: { paused: true, cadence: 'weekly', weekday: 5 } },
];
const readers: Subscriber[] = [];

async function createReader(state: number): Promise<Subscriber> {
  // A JSON copy: the builder's `undefined` overrides are absent fields, as in a stored item.
  const reader = JSON.parse(JSON.stringify(aSubscriber(READER_STATES[state]))) as Subscriber;
  await services.subscribers.create(reader);
  readers[state] = reader;
  return reader;
}

/** The reader as stored now (its token version moves when a request renews its links). */
async function storedReader(who: number): Promise<Subscriber> {
  const state = who % READER_STATES.length;
  return (await services.subscribers.get(readers[state].id)) ?? createReader(state);
}

type TokenSpec =
  | { $token: 'valid' | 'revoked' | 'expired'; purpose: TokenPurpose; who: number }
  | { $token: 'mutated'; purpose: TokenPurpose; who: number; mutation: TokenMutation }
  | { $token: 'stranger'; purpose: TokenPurpose; subscriberId: string }
  | { $token: 'forged'; claims: unknown; signature: string }
  | { $token: 'raw'; value: unknown }
  | { $token: 'absent' };

const PURPOSES: TokenPurpose[] = ['confirm', 'manage', 'unsubscribe', 'rate', 'view', 'feed'];
/** The digest day every generated view link shows. */
const VIEWED_DAY = '2025-11-13';
/** The paper every generated rating link rates (a real id; whether it is stored does not matter). */
const RATED_PAPER = '2511.07416';

/** A token for `purpose` most of the time, for another purpose sometimes. */
const tokenSpec = (purpose: TokenPurpose): fc.Arbitrary<TokenSpec> => {
  const anyPurpose = fc.oneof({ weight: 3, arbitrary: fc.constant(purpose) }, fc.constantFrom(...PURPOSES));
  const who = fc.nat();
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ $token: fc.constant('valid' as const), purpose: anyPurpose, who }) },
    {
      weight: 1,
      arbitrary: fc.record({
        $token: fc.constantFrom('revoked' as const, 'expired' as const),
        purpose: anyPurpose,
        who,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        $token: fc.constant('mutated' as const),
        purpose: anyPurpose,
        who,
        mutation: tokenMutation,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        $token: fc.constant('stranger' as const),
        purpose: anyPurpose,
        subscriberId: fc.uuid(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        $token: fc.constant('forged' as const),
        claims: fc.oneof(
          fc.record({ p: anyPurpose, s: fc.string(), v: fc.integer(), e: fc.option(fc.integer()) }),
          hostileValue,
        ),
        signature: fc.oneof(fc.base64String(), fc.constant('A'.repeat(43))),
      }),
    },
    { weight: 2, arbitrary: fc.record({ $token: fc.constant('raw' as const), value: hostileValue }) },
    { weight: 1, arbitrary: fc.constant({ $token: 'absent' as const }) },
  );
};

const isTokenSpec = (value: unknown): value is TokenSpec =>
  typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '$token');

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The token a spec describes; `undefined` for none. */
async function makeToken(spec: TokenSpec): Promise<unknown> {
  switch (spec.$token) {
    case 'absent':
      return undefined;
    case 'raw':
      return spec.value;
    case 'forged':
      return `${Buffer.from(JSON.stringify(spec.claims) ?? '').toString('base64url')}.${spec.signature}`;
    case 'stranger':
      return services.tokens.issue({
        purpose: spec.purpose,
        subscriberId: spec.subscriberId,
        version: 1,
        ...(spec.purpose === 'rate' ? { paperId: RATED_PAPER } : {}),
        ...(spec.purpose === 'view' ? { digestDate: VIEWED_DAY } : {}),
      });
    default: {
      const reader = await storedReader(spec.who);
      const expiresAt =
        spec.$token === 'expired'
          ? nowSeconds() - 60
          : spec.purpose === 'confirm'
            ? nowSeconds() + CONFIRM_TOKEN_TTL_SECONDS
            : undefined;
      const version = spec.$token === 'revoked' ? reader.tokenVersion - 1 : reader.tokenVersion;
      const token = services.tokens.issue({
        purpose: spec.purpose,
        subscriberId: reader.id,
        version,
        expiresAt,
        ...(spec.purpose === 'rate' ? { paperId: RATED_PAPER } : {}),
        ...(spec.purpose === 'view' ? { digestDate: VIEWED_DAY } : {}),
      });
      return spec.$token === 'mutated' ? mutateToken(token, spec.mutation) : token;
    }
  }
}

// ---- requests: a plan per route, made into a Request once its tokens exist ----

type Encoding = 'json' | 'form' | 'multipart' | 'raw' | 'none';

interface RequestPlan {
  route: string;
  method: string;
  path: string;
  query: [string, unknown][];
  /** Percent-encode the query (else written raw, as a careless client would). */
  encodeQuery: boolean;
  body?: Record<string, unknown>;
  encoding: Encoding;
  /** The body when encoding is raw. */
  rawBody?: string;
  /** Overrides the content type the encoding implies. */
  contentType?: string;
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

/** Lone surrogates cannot be percent-encoded: a client would send U+FFFD. */
const encodeComponent = (text: string): string =>
  encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

async function resolveTokens(
  plan: RequestPlan,
): Promise<{ query: [string, string][]; body?: Record<string, unknown> }> {
  const query: [string, string][] = [];
  for (const [key, value] of plan.query) {
    const resolved = isTokenSpec(value) ? await makeToken(value) : value;
    if (resolved !== undefined) query.push([key, asText(resolved)]);
  }
  if (!plan.body) return { query };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan.body)) {
    const resolved = isTokenSpec(value) ? await makeToken(value) : value;
    // Defined as JSON.parse would, so a `__proto__` key stays an own key.
    if (resolved !== undefined)
      Object.defineProperty(body, key, {
        value: resolved,
        enumerable: true,
        configurable: true,
        writable: true,
      });
  }
  return { query, body };
}

const BOUNDARY = 'fuzz';

function encodeBody(
  plan: RequestPlan,
  body: Record<string, unknown> | undefined,
): { type?: string; text?: string } {
  switch (plan.encoding) {
    case 'none':
      return {};
    case 'raw':
      return { type: plan.contentType, text: plan.rawBody ?? '' };
    case 'json':
      return { type: plan.contentType ?? 'application/json', text: JSON.stringify(body ?? {}) };
    case 'form':
      return {
        type: plan.contentType ?? 'application/x-www-form-urlencoded',
        text: Object.entries(body ?? {})
          .map(([key, value]) => `${encodeComponent(key)}=${encodeComponent(asText(value))}`)
          .join('&'),
      };
    case 'multipart':
      return {
        type: plan.contentType ?? `multipart/form-data; boundary=${BOUNDARY}`,
        text:
          Object.entries(body ?? {})
            .map(
              ([key, value]) =>
                `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${key.replace(/["\r\n]/g, '')}"\r\n\r\n${asText(value)}\r\n`,
            )
            .join('') + `--${BOUNDARY}--\r\n`,
      };
  }
}

async function toRequest(plan: RequestPlan): Promise<Request> {
  const { query, body } = await resolveTokens(plan);
  const search = query
    .map(([key, value]) =>
      plan.encodeQuery ? `${encodeComponent(key)}=${encodeComponent(value)}` : `${key}=${value}`,
    )
    .join('&');
  const { type, text } = encodeBody(plan, body);
  const hasBody = plan.method !== 'GET' && plan.method !== 'HEAD' && text !== undefined;
  return new Request(`http://paperboy.test${plan.path}${search ? `?${search}` : ''}`, {
    method: plan.method,
    headers: type ? { 'content-type': type } : {},
    body: hasBody ? text : undefined,
  });
}

// ---- the arbitraries of each route ----

const extraQuery = fc.array(fc.tuple(hostileKey, hostileString({ hugeUpTo: 10_000 })), { maxLength: 3 });
const noBody = { encoding: 'none' as const };

/** The content types the app parses a body of: the ones a wrong body should be tried with most. */
const PARSED_CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  `multipart/form-data; boundary=${BOUNDARY}`,
];

/** How a body is sent: as the route expects most of the time, else any other way. */
const bodyEncoding = (expected: Encoding) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ encoding: fc.constant(expected) }) },
    {
      weight: 1,
      arbitrary: fc.record({ encoding: fc.constantFrom<Encoding>('json', 'form', 'multipart', 'none') }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ encoding: fc.constantFrom<Encoding>('json', 'form', 'multipart'), contentType }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        encoding: fc.constant<Encoding>('raw'),
        rawBody: hostileJsonText,
        contentType: fc.oneof(fc.constantFrom(...PARSED_CONTENT_TYPES), contentType),
      }),
    },
  );

const plan = (
  route: string,
  parts: {
    query?: fc.Arbitrary<[string, unknown][]>;
    body?: fc.Arbitrary<Record<string, unknown>>;
    encoding?: fc.Arbitrary<Partial<RequestPlan>>;
  },
): fc.Arbitrary<RequestPlan> => {
  const [method, routePath] = route.split(' ');
  return fc
    .record({
      query: fc.tuple(parts.query ?? fc.constant([]), extraQuery).map(([own, extra]) => [...own, ...extra]),
      encodeQuery: fc.boolean(),
      body: parts.body ?? fc.constant(undefined),
      encoding: parts.encoding ?? fc.constant(noBody),
    })
    .map(({ encoding, ...rest }) => ({
      route,
      method,
      path: routePath,
      ...rest,
      encoding: 'none',
      ...encoding,
    }));
};

/** A body with a token, and now and then fields nobody asked for. */
const withToken = (purpose: TokenPurpose) =>
  fc
    .tuple(tokenSpec(purpose), fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, hostileObject))
    .map(([token, extra]) => ({ ...extra, token }));

const queryToken = (purpose: TokenPurpose) =>
  tokenSpec(purpose).map((token): [string, unknown][] => [['token', token]]);

const topicIds = topicCatalog.map((topic) => topic.id);
/** Mostly what the form sends (so saves go through and are stored), else anything. */
const formOrHostile = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 5, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile });
const entryList = formOrHostile(
  fc.subarray([
    'diffusion models',
    'RLHF',
    'speculative decoding',
    'Meta AI',
    'Yann LeCun',
    'ab',
    'a\u0000b c',
  ]),
  fc.oneof(fc.array(hostileString({ hugeUpTo: 2_000 }), { maxLength: 35 }), hostileValue),
);
const preferenceChanges = fc.record(
  {
    topics: formOrHostile(
      fc.subarray(topicIds),
      fc.oneof(fc.array(hostileString({ hugeUpTo: 2_000 }), { maxLength: 35 }), hostileValue),
    ),
    keywords: entryList,
    organizations: entryList,
    authors: entryList,
    cadence: formOrHostile(fc.constantFrom('daily', 'weekly'), hostileValue),
    weekday: formOrHostile(fc.integer({ min: 1, max: 7 }), fc.oneof(fc.constantFrom(0, 8), hostileValue)),
    papersPerEmail: formOrHostile(
      fc.integer({ min: 1, max: 50 }),
      fc.oneof(fc.constantFrom(0, 51), hostileValue),
    ),
    paused: formOrHostile(fc.boolean(), hostileValue),
  },
  { requiredKeys: [] },
);
const emailAddress = formOrHostile(
  fc.oneof(
    fc.emailAddress(),
    fc.integer({ min: 1, max: 20 }).map((n) => ` Reader${n}@Example.com`),
  ),
  fc.oneof(hostileString(), hostileValue),
);

/** One arbitrary per route of the app; a route without one fails the suite, so a new route gets fuzzed. */
/** Days the archive has (the ingested ones), days it has not, and anything else in their place. */
const archiveDay = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('2025-11-12', '2025-11-13', '2025-11-10', '2025-13-45', '2025-2-1'),
  },
  { weight: 1, arbitrary: hostileString() },
);

const ROUTE_PLANS: Record<string, fc.Arbitrary<RequestPlan>> = {
  'GET /': plan('GET /', {}),
  'GET /health': plan('GET /health', {}),
  'GET /confirm': plan('GET /confirm', { query: queryToken('confirm') }),
  'POST /confirm': plan('POST /confirm', {
    query: fc.option(queryToken('confirm'), { nil: [] }),
    body: withToken('confirm'),
    encoding: bodyEncoding('form'),
  }),
  'GET /preferences': plan('GET /preferences', {
    query: fc
      .tuple(queryToken('manage'), fc.constantFrom('1', '0', '', 'yes'))
      .map(([token, welcome]) => [...token, ['welcome', welcome]]),
  }),
  'GET /unsubscribe': plan('GET /unsubscribe', { query: queryToken('unsubscribe') }),
  'POST /unsubscribe': plan('POST /unsubscribe', {
    query: queryToken('unsubscribe'),
    body: fc.oneof(fc.constant({ 'List-Unsubscribe': 'One-Click' }), hostileObject),
    encoding: bodyEncoding('form'),
  }),
  'GET /rate': plan('GET /rate', {
    query: fc
      .tuple(queryToken('rate'), fc.oneof(fc.constantFrom('more', 'less', 'none'), hostileString()))
      .map(([token, verdict]): [string, unknown][] => [...token, ['verdict', verdict]]),
  }),
  'POST /rate': plan('POST /rate', {
    query: queryToken('rate'),
    body: fc.record({ verdict: formOrHostile(fc.constantFrom('more', 'less', 'none'), hostileValue) }),
    encoding: bodyEncoding('form'),
  }),
  'POST /api/ratings': plan('POST /api/ratings', {
    body: fc
      .tuple(
        fc.oneof(withToken('rate'), withToken('manage')),
        fc.record(
          {
            verdict: formOrHostile(fc.constantFrom('more', 'less', 'none'), hostileValue),
            paper: formOrHostile(
              fc.constantFrom(RATED_PAPER, `https://arxiv.org/abs/${RATED_PAPER}v2`),
              hostileValue,
            ),
          },
          { requiredKeys: [] },
        ),
      )
      .map(([withToken, fields]) => ({ ...withToken, ...fields })),
    encoding: bodyEncoding('json'),
  }),
  'GET /digest': plan('GET /digest', { query: queryToken('view') }),
  'GET /feed': plan('GET /feed', { query: queryToken('feed') }),
  'GET /archive': plan('GET /archive', {}),
  'GET /archive/:day': fc
    .tuple(plan('GET /archive/:day', {}), archiveDay)
    .map(([request, day]) => ({ ...request, path: `/archive/${encodeComponent(day)}` })),
  'GET /archive/:day/:topic': fc
    .tuple(
      plan('GET /archive/:day/:topic', {}),
      archiveDay,
      fc.oneof(fc.constantFrom(...topicIds), hostileString()),
    )
    .map(([request, day, topic]) => ({
      ...request,
      path: `/archive/${encodeComponent(day)}/${encodeComponent(topic)}`,
    })),
  'GET /api/topics': plan('GET /api/topics', {}),
  'POST /api/subscribe': plan('POST /api/subscribe', {
    body: fc
      .tuple(
        fc.record(
          {
            email: emailAddress,
            topics: formOrHostile(fc.subarray(topicIds), hostileValue),
            keywords: entryList,
          },
          { requiredKeys: ['email'] },
        ),
        fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, hostileObject),
      )
      .map(([fields, extra]) => ({ ...extra, ...fields })),
    encoding: bodyEncoding('json'),
  }),
  'POST /api/confirm': plan('POST /api/confirm', {
    body: withToken('confirm'),
    encoding: bodyEncoding('json'),
  }),
  'GET /api/preferences': plan('GET /api/preferences', { query: queryToken('manage') }),
  'PUT /api/preferences': plan('PUT /api/preferences', {
    body: fc
      .tuple(withToken('manage'), preferenceChanges)
      .map(([withToken, changes]) => ({ ...withToken, ...changes })),
    encoding: bodyEncoding('json'),
  }),
  'POST /api/links/renew': plan('POST /api/links/renew', {
    body: withToken('manage'),
    encoding: bodyEncoding('json'),
  }),
  'GET /api/preview': plan('GET /api/preview', {
    // Anyone's preview, or the reader's own (ranked with their ratings) behind the manage link.
    query: fc
      .tuple(
        fc.oneof(fc.constantFrom('diffusion', 'speculative decoding', 'LLM reasoning', 'x'), hostileString()),
        fc.oneof(fc.constant([]), queryToken('manage')),
      )
      .map(([q, token]): [string, unknown][] => [['q', q], ...token]),
  }),
  'GET /api/export': plan('GET /api/export', { query: queryToken('manage') }),
  'DELETE /api/subscriber': plan('DELETE /api/subscriber', {
    body: withToken('manage'),
    encoding: bodyEncoding('json'),
  }),
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND'];

/** A route's path bent the ways paths get bent: slashes, case, encodings, dot segments, suffixes. */
const bentPath = (routePath: string) =>
  fc
    .constantFrom(
      (p: string) => p,
      (p: string) => `${p}/`,
      (p: string) => `/${p}`,
      (p: string) => p.toUpperCase(),
      (p: string) => `/${p.slice(1).replace(/\//g, '%2F')}`,
      (p: string) => p.replace(/[a-z]/, (letter) => `%${letter.charCodeAt(0).toString(16)}`),
      (p: string) => `${p}/../${p}`,
      (p: string) => `${p}/x`,
      (p: string) => `${p};jsessionid=1`,
      (p: string) => `${p}%00`,
      (p: string) => `${p}%`,
      (p: string) => `${p}.json`,
    )
    .map((bend) => bend(routePath));

/** Any method on any path: the routes' own, bent ones and made-up ones, with any query and body. */
const strayRequest = (routePaths: string[]): fc.Arbitrary<RequestPlan> =>
  fc.record({
    route: fc.constant('(any)'),
    method: fc.constantFrom(...METHODS),
    path: fc.oneof(
      fc.constantFrom(...routePaths),
      fc.constantFrom(...routePaths).chain(bentPath),
      fc.webPath().map((webPath) => (webPath.startsWith('/') ? webPath : `/${webPath}`)),
      fc
        .tuple(fc.constantFrom('/api/', '/'), hostileString({ hugeUpTo: 5_000 }))
        .map(([prefix, segment]) => prefix + encodeComponent(segment)),
    ),
    query: fc.array(fc.tuple(hostileKey, fc.oneof(hostileString(), tokenSpec('manage'))), { maxLength: 4 }),
    encodeQuery: fc.boolean(),
    body: fc.option(hostileObject, { nil: undefined }),
    encoding: fc.constantFrom<Encoding>('json', 'form', 'multipart', 'raw', 'none'),
    rawBody: hostileJsonText,
    contentType: fc.option(contentType, { nil: undefined }),
  });

// ---- what every answer must be ----

const requests = { tried: 0, byStatus: new Map<number, number>(), byRoute: new Map<string, Set<number>>() };

/** The path Hono routes on: each run of %XX decoded when it decodes (as hono's tryDecodeURI). */
const routedPath = (url: string): string =>
  new URL(url).pathname.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURI(run);
    } catch {
      return run;
    }
  });

const ErrorBodySchema = z.object({
  error: z.object({ code: z.string().min(1), message: z.string().min(1) }),
});

/** The promises every answer keeps; throws (failing the property) with what was wrong. */
async function checkAnswer(request: Request, response: Response, route: string): Promise<void> {
  const { status } = response;
  requests.tried++;
  requests.byStatus.set(status, (requests.byStatus.get(status) ?? 0) + 1);
  requests.byRoute.set(route, (requests.byRoute.get(route) ?? new Set()).add(status));
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const fail = (problem: string) => {
    throw new Error(
      `${request.method} ${request.url.slice(0, 300)} → ${status} ${type}: ${problem}\n${text.slice(0, 500)}`,
    );
  };
  if (status >= 500) fail('a server error');
  if (response.headers.get('x-content-type-options') !== 'nosniff') fail('no security headers');
  if (status < 400 || request.method === 'HEAD') return;
  const errorBody = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail('a 4xx that is not JSON');
    }
    if (!ErrorBodySchema.safeParse(parsed).success) fail('a JSON 4xx without { error: { code, message } }');
  };
  if (routedPath(request.url).startsWith('/api/')) {
    if (!type.startsWith('application/json')) fail('a 4xx of the API that is not JSON');
    return errorBody();
  }
  // A feed reader shows a feed's error as text: the feed answers one in plain text, never a page.
  if (request.method === 'GET' && routedPath(request.url) === '/feed') {
    if (!type.startsWith('text/plain') || text.trim() === '')
      fail('a 4xx of the feed that is not plain text');
    return;
  }
  // Outside the API a 4xx is a page, or the JSON error a script that posted JSON asked for.
  if (type.startsWith('application/json') && request.method !== 'GET') return errorBody();
  if (!type.startsWith('text/html') || !/<html[\s>]/i.test(text)) fail('a 4xx of a page that is not a page');
}

async function send(requestPlan: RequestPlan): Promise<void> {
  const request = await toRequest(requestPlan);
  const response = await app.fetch(request);
  await checkAnswer(request, response, requestPlan.route);
}

// ---- what may be stored ----

/** A stored paper as the domain means it: the repository's reader takes it, and its text is clean. */
const cleanText = z
  .string()
  .refine((text) => !/[\p{Cc}\p{Cs}]/u.test(text), 'holds a control character or a lone surrogate');
const PaperShape = z
  .object({
    id: z.string().regex(/^[\w./-]{4,40}$/),
    title: cleanText.min(1).refine((text) => text === text.trim(), 'is not trimmed'),
    abstract: cleanText,
    aiSummary: cleanText.min(1).optional(),
    aiKeywords: z.array(cleanText.min(1)),
    authors: z.array(cleanText.min(1)),
    organization: z.object({ name: cleanText.min(1), fullname: cleanText.optional() }).optional(),
    upvotes: z.number().int().nonnegative().nullable(),
    numComments: z.number().int().nonnegative(),
    publishedAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}/)
      .refine((text) => Number.isFinite(Date.parse(text)), 'is not a date'),
    dailyDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    githubRepo: z.string().min(1).optional(),
    githubStars: z.number().int().optional(),
    projectPage: z.string().min(1).optional(),
    thumbnail: z.string().min(1).optional(),
  })
  .strict();

async function scanTable(tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await services.db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: cursor }));
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** Every item of the subscribers table: profiles the domain reads, address claims that name them. */
async function expectOnlyValidSubscriberRecords(): Promise<number> {
  const items = await scanTable(services.config.SUBSCRIBERS_TABLE_NAME);
  const profiles = new Map<string, Subscriber>();
  const problems: string[] = [];
  for (const item of items.filter((candidate) => candidate.sk === 'PROFILE')) {
    try {
      const subscriber = toSubscriber(item);
      if (item.pk !== keys.subscriber(subscriber.id).pk)
        problems.push(`${item.pk}: key does not name its id`);
      if (normalizeEmail(subscriber.email) !== subscriber.email)
        problems.push(`${item.pk}: address not normalized`);
      profiles.set(subscriber.id, subscriber);
    } catch (error) {
      problems.push(`${String(item.pk)}: ${(error as Error).message.slice(0, 300)}`);
    }
  }
  for (const item of items.filter((candidate) => candidate.sk !== 'PROFILE')) {
    if (item.sk !== 'EMAIL') {
      problems.push(`${String(item.pk)}/${String(item.sk)}: an item of no known kind`);
      continue;
    }
    const owner = profiles.get(item.subscriberId as string);
    if (!owner || item.pk !== keys.emailClaim(owner.email).pk)
      problems.push(`${String(item.pk)}: an address claim whose subscriber does not have that address`);
  }
  expect(problems).toEqual([]);
  return profiles.size;
}

// ---- the suite ----

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'fuzz-' });
  const env = standInEnvironment(standIns, {
    tokenSecret: 'fuzz-test-secret-0123456789-abcdefghijklmnopq',
    // Sending is not under test here: a high rate keeps link mail from waiting for send slots.
    settings: { PAPERS_SOURCE: HF_DAYS_DIR, MAX_SEND_RATE: 10_000 },
  });
  services = await createServices(parseConfig(env), { logger });
  app = createWebApp(services);
  // The live preview needs papers: the last real days.
  await ingestDays({ source: services.papersSource(), papers: services.papers, logger }, [
    '2025-11-12',
    '2025-11-13',
  ]);
  for (const state of READER_STATES.keys()) await createReader(state);
}, 60_000);

afterAll(async () => {
  reportFigures('fuzz requests', {
    requests: requests.tried,
    routes: requests.byRoute.size - (requests.byRoute.has('(any)') ? 1 : 0),
    byRoute: [...requests.byRoute]
      .map(([route, statuses]) => `${route} ${[...statuses].sort().join('/')}`)
      .join(', '),
    statuses: [...requests.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}:${count}`)
      .join(' '),
  });
  await standIns?.stop();
});

const appRoutes = () =>
  app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`);

describe('fuzzing every route of the app (fast-check, the real app on the stand-ins)', () => {
  it('has a request arbitrary for every route the app serves', () => {
    expect(appRoutes().sort()).toEqual(Object.keys(ROUTE_PLANS).sort());
  });

  const SIGN_UP_AND_CATALOG = ['POST /api/subscribe', 'GET /api/preview', 'GET /api/topics'];
  const groups: [string, (route: string) => boolean][] = [
    ['pages', (route) => !route.includes(' /api/')],
    ['the JSON API on a link', (route) => route.includes(' /api/') && !SIGN_UP_AND_CATALOG.includes(route)],
    ['sign-up, preview and topics', (route) => SIGN_UP_AND_CATALOG.includes(route)],
  ];

  it.each(groups)(
    'answers %s with no 5xx, an API 4xx as a JSON error with a code, a page 4xx as a page',
    async (_group, inGroup) => {
      const routes = Object.keys(ROUTE_PLANS).filter(inGroup);
      expect(routes.length).toBeGreaterThan(0);
      await fc.assert(fc.asyncProperty(fc.oneof(...routes.map((route) => ROUTE_PLANS[route])), send), {
        numRuns: RUNS_PER_GROUP,
      });
      for (const route of routes) expect(requests.byRoute.has(route)).toBe(true);
    },
    GROUP_TIMEOUT_MS,
  );

  it(
    'answers any method on any path, query and body with no 5xx and the right kind of 4xx',
    async () => {
      const routePaths = [...new Set(appRoutes().map((route) => route.split(' ')[1]))];
      await fc.assert(fc.asyncProperty(strayRequest(routePaths), send), { numRuns: RUNS_PER_GROUP });
    },
    GROUP_TIMEOUT_MS,
  );

  it('leaves no subscriber record the domain cannot read, and no polluted prototype', async () => {
    for (const route of appRoutes()) expect([route, requests.byRoute.has(route)]).toEqual([route, true]);
    const profiles = await expectOnlyValidSubscriberRecords();
    expect(profiles).toBeGreaterThanOrEqual(READER_STATES.length - 1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(logger.messages('error').filter((message) => message === 'unhandled error')).toEqual([]);
  });
});

// ---- ingest ----

/** Every real answer of the Daily Papers API in data/, in each shape the API has had (data/README.md). */
const REAL_ITEMS: unknown[] = readdirSync(HF_DAYS_DIR)
  .filter((name) => name.endsWith('.json'))
  .flatMap((name) => JSON.parse(readFileSync(path.join(HF_DAYS_DIR, name), 'utf8')) as unknown[]);

const mutatedItem = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.nat().map((index) => ({ mutated: false, item: REAL_ITEMS[index % REAL_ITEMS.length] })),
  },
  {
    weight: 7,
    arbitrary: fc
      .tuple(fc.nat(), fc.array(valueMutation, { minLength: 1, maxLength: 5 }))
      .map(([index, mutations]) => ({
        mutated: true,
        item: mutateDocument(REAL_ITEMS[index % REAL_ITEMS.length], mutations),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileValue).map((item) => ({ mutated: true, item })),
  },
);

/** An answer of the API: mostly a list of items, sometimes not a list at all. */
const papersAnswer = fc.oneof(
  { weight: 19, arbitrary: fc.array(mutatedItem, { minLength: 1, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: hostileValue.filter((value) => !Array.isArray(value)).map((value) => ({ notAList: value })),
  },
);

/** What ingest can never accept: no item object, no paper object, no arXiv-like id or no title. */
function mustReject(item: unknown): boolean {
  const paper = (item as { paper?: unknown } | null)?.paper as { id?: unknown; title?: unknown } | undefined;
  if (!item || typeof item !== 'object' || Array.isArray(item)) return true;
  if (!paper || typeof paper !== 'object' || Array.isArray(paper)) return true;
  if (typeof paper.id !== 'string' || !/^[\w./-]{4,40}$/.test(paper.id)) return true;
  return typeof paper.title !== 'string' || paper.title.trim() === '';
}

type PapersAnswer = typeof papersAnswer extends fc.Arbitrary<infer T> ? T : never;

const ingestFigures = { answers: 0, items: 0, mutated: 0, rejected: 0, stored: 0, notAList: 0 };

/** Ingests one answer of the API for `day` through the HTTP source and checks what ingest did with it. */
async function ingestAnswer(answer: PapersAnswer, day: string): Promise<void> {
  const raw = Array.isArray(answer) ? answer.map(({ item }) => item) : answer.notAList;
  // The HTTP source as ingest uses it, answered with the mutated items as JSON.
  const source = createHttpPapersSource('https://huggingface.test/api/daily_papers', {
    fetchImpl: async () => new Response(JSON.stringify(raw) ?? 'null', { status: 200 }),
  });
  const result = await ingestDays({ source, papers: services.papers, logger }, [day]);
  ingestFigures.answers++;

  expect(result.failedDays).toEqual([]);
  if (!Array.isArray(answer)) {
    ingestFigures.notAList++;
    expect(result.fetched).toBe(0);
    expect(result.rejected).toHaveLength(1);
    return;
  }
  const items = JSON.parse(JSON.stringify(raw)) as unknown[];
  const mutated = answer.filter((entry) => entry.mutated).length;
  ingestFigures.items += items.length;
  ingestFigures.mutated += mutated;
  ingestFigures.rejected += result.rejected.length;
  // Every item accepted or rejected with a reason; what must be rejected is; a real item never is.
  expect(result.fetched + result.rejected.length).toBe(items.length);
  expect(result.rejected.length).toBeGreaterThanOrEqual(items.filter(mustReject).length);
  expect(result.rejected.length).toBeLessThanOrEqual(mutated);
  for (const rejected of result.rejected) expect(rejected.reason).toEqual(expect.any(String));

  const candidateIds = items
    .filter((item) => !mustReject(item))
    .map((item) => (item as { paper: { id: string } }).paper.id);
  for (const paper of await services.papers.getMany(candidateIds))
    expect([paper.id, PaperShape.safeParse(paper).error?.issues ?? []]).toEqual([paper.id, []]);
  // The day's listing reads every paper of the day through the repository's reader.
  await services.papers.listByDays([day]);
}

describe('fuzzing ingest with mutated Daily Papers items (fast-check, the real adapter and tables)', () => {
  afterAll(() => reportFigures('fuzz ingest', ingestFigures));

  it(
    'never fails a day, rejects and counts every invalid item, and stores only papers of the Paper shape',
    async () => {
      const days = ['2030-01-01', '2030-01-02', '2030-01-03'];
      await fc.assert(
        fc.asyncProperty(papersAnswer, fc.constantFrom(...days), async (answer, day) => {
          try {
            await ingestAnswer(answer, day);
          } catch (error) {
            // fast-check cannot print an item with an own `__proto__`: say what the API answered.
            const sent = JSON.stringify(
              Array.isArray(answer) ? answer.map(({ item }) => item) : answer.notAList,
            );
            throw new Error(`${(error as Error).message}\nthe API answered ${day}: ${sent?.slice(0, 3_000)}`);
          }
        }),
        { numRuns: INGEST_RUNS },
      );
    },
    GROUP_TIMEOUT_MS,
  );

  it('leaves every stored paper readable by the repository and of the Paper shape', async () => {
    const items = await scanTable(services.config.PAPERS_TABLE_NAME);
    const ids = items
      .filter((item) => item.sk === 'PAPER')
      .map((item) => String(item.pk).slice('PAPER#'.length));
    const papers = await services.papers.getMany(ids);
    expect(papers).toHaveLength(ids.length);
    const invalid = papers.flatMap((paper) => {
      const parsed = PaperShape.safeParse(paper);
      return parsed.success
        ? []
        : [`${paper.id}: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`];
    });
    expect(invalid).toEqual([]);
    const listedDays = items.filter((item) => item.pk === 'DAYS').map((item) => String(item.sk));
    for (const day of listedDays) expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    ingestFigures.stored = papers.length;
  });
});
