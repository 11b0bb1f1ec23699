/**
 * fast-check arbitraries of hostile input, for the fuzzing suite (test/trust/fuzz.test.ts): strings that
 * have broken parsers, templates, headers, logs and databases somewhere, values of the wrong type, JSON
 * texts that are deep, huge or not JSON at all, and mutations of link tokens and of Daily Papers items.
 */
import fc from 'fast-check';

/** Known troublemakers, each for a reason (header injection, HTML, prototype keys, encodings, limits). */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\r\n',
  'x\r\nSet-Cookie: a=b',
  '\u0000',
  'a\u0000b',
  '\u001b[31mred',
  '\t\v\f',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE subscribers; --",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{{token}}',
  '${process.env.TOKEN_SECRET}',
  '../../etc/passwd',
  '%00',
  '%',
  '%E0%A4%A',
  '%zz',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u00ad',
  '\ud800',
  '\udfff',
  '😀',
  'Ω≈ç√',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  'true',
  '[]',
  '{}',
  'a'.repeat(101),
  'reader@example.com',
  ' READER@Example.COM ',
  'a@b',
  '@',
  `${'x'.repeat(65)}@example.com`,
  'reader@example.com\r\nBcc: victim@example.com',
] as const;

/** Control characters, CRLF and escape sequences mixed with ordinary text. */
export const controlString = fc
  .array(
    fc.oneof(
      fc.constantFrom('\r\n', '\n', '\r', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085'),
      fc.string(),
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));

/** One character repeated into a long string (up to `max` characters). */
export const hugeString = (max: number) =>
  fc
    .tuple(fc.constantFrom('a', 'é', '😀', ' ', '<', '\u0000', 'ab '), fc.integer({ min: 1_000, max }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Any string a client might send, most of them hostile. */
export const hostileString = (options: { hugeUpTo?: number } = {}) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: controlString },
    { weight: 1, arbitrary: hugeString(options.hugeUpTo ?? 100_000) },
  );

/** Keys that reach for the prototype, keys the app reads, and anything else. */
export const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'token',
    'email',
    'topics',
    'keywords',
  ),
  fc.string({ maxLength: 12 }),
);

/** A value of any JSON type, usually not the one expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString({ hugeUpTo: 20_000 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -0, [], {}, [''], { a: 1 }),
  },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileString({ hugeUpTo: 2_000 }), { maxLength: 40 }) },
);

/** An object built with `Object.fromEntries`, so `__proto__` is an own key as JSON.parse makes it. */
export const hostileObject = fc
  .array(fc.tuple(hostileKey, hostileValue), { maxLength: 5 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

/** JSON nested thousands deep. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 100, max: 5_000 }), fc.constantFrom('[', '{"a":', '{"token":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

/** A request body that is not the object a JSON route expects, as text. */
export const hostileJsonText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .anything({ maxDepth: 4, key: hostileKey, withNullPrototype: true, withSparseArray: true })
    .map((value) => JSON.stringify(value) ?? 'undefined'),
  deeplyNested,
  hostileString({ hugeUpTo: 200_000 }),
  fc.constantFrom(
    '',
    '{',
    '{"token":',
    'null',
    '[]',
    '"text"',
    '{"__proto__":{"polluted":"yes"}}',
    '\ufeff{}',
  ),
);

/** Content types a client may claim, right or wrong; only printable ASCII, as a header allows. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=fuzz',
    'multipart/form-data; boundary=',
    'text/plain',
    'text/html',
    'application/xml',
    'application/vnd.api+json',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
);

/** How a valid token is spoiled: a character changed, cut, added, re-cased, re-encoded or wrapped. */
export const tokenMutation = fc.oneof(
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('append' as const),
    text: fc.constantFrom('=', '==', 'A', '.', '.x', ' ', '\r\n', '%00'),
  }),
  fc.record({ op: fc.constantFrom('upper' as const, 'lower' as const, 'swap' as const, 'padded' as const) }),
);
export type TokenMutation = typeof tokenMutation extends fc.Arbitrary<infer T> ? T : never;

export function mutateToken(token: string, mutation: TokenMutation): string {
  switch (mutation.op) {
    case 'replace': {
      const at = mutation.at % token.length;
      return token.slice(0, at) + mutation.char + token.slice(at + 1);
    }
    case 'truncate':
      return token.slice(0, mutation.at % token.length);
    case 'append':
      return token + mutation.text;
    case 'upper':
      return token.toUpperCase();
    case 'lower':
      return token.toLowerCase();
    case 'swap': {
      const [payload, signature] = token.split('.');
      return `${signature}.${payload}`;
    }
    case 'padded':
      return ` ${token}\t`;
  }
}

/** A change to one place of a JSON document: delete it, or put something else there. */
export const valueMutation = fc.record({
  at: fc.nat(),
  change: fc.oneof(
    { weight: 2, arbitrary: fc.constant({ op: 'delete' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'set' as const, value: null as unknown }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '   ', '\u0000', '\r\n').map((value) => ({ op: 'set' as const, value })),
    },
    {
      weight: 1,
      arbitrary: hugeString(450_000).map((value) => ({ op: 'set' as const, value: value as unknown })),
    },
    { weight: 6, arbitrary: hostileValue.map((value) => ({ op: 'set' as const, value })) },
    { weight: 1, arbitrary: fc.constant({ op: 'proto' as const }) },
  ),
});
export type ValueMutation = typeof valueMutation extends fc.Arbitrary<infer T> ? T : never;

type Json = unknown;

/** Every path to a value inside `document` (the root excluded), down to `maxDepth`. */
export function pathsIn(document: Json, maxDepth = 4): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const walk = (value: Json, path: (string | number)[]) => {
    if (path.length >= maxDepth || value === null || typeof value !== 'object') return;
    const entries: [string | number, Json][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      paths.push([...path, key]);
      walk(child, [...path, key]);
    }
  };
  walk(document, []);
  return paths;
}

/** A copy of `document` with the mutations applied, each at the path its `at` picks. */
export function mutateDocument(document: Json, mutations: ValueMutation[]): Json {
  const copy = structuredClone(document) as Record<string | number, unknown>;
  for (const { at, change } of mutations) {
    const paths = pathsIn(copy);
    if (!paths.length) break;
    const path = paths[at % paths.length];
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy);
    if (!parent || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    const target = parent as Record<string | number, unknown>;
    if (change.op === 'delete') {
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete target[key];
    } else if (change.op === 'proto') {
      Object.defineProperty(target, '__proto__', {
        value: { polluted: 'yes' },
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else {
      target[key] = change.value;
    }
  }
  return copy;
}
