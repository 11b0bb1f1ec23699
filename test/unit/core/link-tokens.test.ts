/**
 * The "Links" promise, tried the way an attacker would: only the canonical token the service issued
 * opens a reader's data. Every attempt below is counted, and each test asserts that every single one
 * was refused, next to the untouched token that still passes (so each test can fail).
 */
import { createHash, createHmac } from 'node:crypto';
import { TokenError } from '../../../functions/core/errors';
import type { Subscriber } from '../../../functions/core/subscribers/subscriber';
import {
  CONFIRM_TOKEN_TTL_SECONDS,
  createTokenSigner,
  type TokenClaims,
  type TokenPurpose,
} from '../../../functions/core/tokens';
import { aSubscriber } from '../../support/builders';
import { inMemorySubscriptionService } from '../../support/subscription-service';
import { InMemorySubscriberRepository } from '../../support/in-memory-ports';

const SECRET = 'link-tokens-unit-test-secret-long-enough-0123456789';
const OTHER_SECRET = 'an-attackers-own-secret-that-is-long-enough-9876543210';
const START = '2025-11-14T07:00:00.000Z';
const NOW = Date.parse(START) / 1000;
const PURPOSES: TokenPurpose[] = ['confirm', 'manage', 'unsubscribe', 'rate', 'view', 'feed'];

/** The token alphabet: unpadded base64url. */
const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
/**
 * Characters outside it: padding, standard base64 (which a lenient base64url decoder reads as `-` and
 * `_`), the separator, URL and form syntax, whitespace and control characters (which it skips), and
 * non-ASCII look-alikes.
 */
const OUTSIDE = [
  '=',
  '+',
  '/',
  '.',
  ' ',
  '%',
  '~',
  '!',
  '*',
  ',',
  ';',
  ':',
  '@',
  '&',
  '?',
  '#',
  '\t',
  '\n',
  '\r',
  '\0',
  'é',
  '\u00a0',
  '\u200b',
  '\uff21',
  '\u{1f4e8}',
];

const signer = createTokenSigner(SECRET);
const attacker = createTokenSigner(OTHER_SECRET);

const claimsFor = (purpose: TokenPurpose, overrides: Partial<TokenClaims> = {}): TokenClaims => ({
  purpose,
  subscriberId: 'subscriber-0001',
  version: 1,
  expiresAt: purpose === 'confirm' ? NOW + CONFIRM_TOKEN_TTL_SECONDS : undefined,
  ...overrides,
});
const genuine = Object.fromEntries(
  PURPOSES.map((purpose) => [purpose, signer.issue(claimsFor(purpose))]),
) as Record<TokenPurpose, string>;

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const hmac = (payload: string, secret = SECRET, algorithm = 'sha256') =>
  createHmac(algorithm, secret).update(payload).digest();
/** A payload signed with the service's own secret: only the claims check or the canonical check can stop it. */
const signedWithRealKey = (payload: string) => `${payload}.${b64(hmac(payload))}`;
/** What a lenient decoder (the old one) makes of a base64url part. */
const lenient = (part: string) => Buffer.from(part, 'base64url');

/** What verify() answers: "passed", or the refusal as "problem: message". Any other error is rethrown. */
function outcome(token: string, purpose: TokenPurpose, now = NOW): string {
  try {
    signer.verify(token, purpose, now);
    return 'passed';
  } catch (error) {
    if (error instanceof TokenError) return `${error.problem}: ${error.message}`;
    throw error;
  }
}

/** The refusal of a token whose signature is wrong; every tampered spelling must get exactly this. */
const BAD_SIGNATURE = outcome(attacker.issue(claimsFor('manage')), 'manage');

/** Counts attempts and how many got the expected refusal; keeps the first few that did not. */
class Tally {
  tried = 0;
  refused = 0;
  private readonly wrong: string[] = [];

  record(label: string, answer: string, expected: string): void {
    this.tried++;
    if (answer === expected) this.refused++;
    else if (this.wrong.length < 5) this.wrong.push(`${JSON.stringify(label)} -> ${answer}`);
  }

  /** Verifies every token for `purpose` and expects `expected` for each. */
  verifyAll(tokens: string[], purpose: TokenPurpose, expected = BAD_SIGNATURE, now = NOW): this {
    for (const token of tokens) this.record(token, outcome(token, purpose, now), expected);
    return this;
  }

  get summary() {
    return { tried: this.tried, refused: this.refused, wrong: this.wrong };
  }
}

/** Every tally, summed for the last test: the suite's own count. */
const grandTotal = { tried: 0, refused: 0 };
function expectAllRefused(tally: Tally, expectedTries: number): void {
  expect(tally.summary).toEqual({ tried: expectedTries, refused: expectedTries, wrong: [] });
  grandTotal.tried += tally.tried;
  grandTotal.refused += tally.refused;
}

const splice = (text: string, at: number, remove: number, insert: string) =>
  text.slice(0, at) + insert + text.slice(at + remove);
/** `text` with each position replaced by each of `chars` that differs from it. */
const replacements = (text: string, chars: string[]) =>
  [...text].flatMap((current, at) => chars.filter((c) => c !== current).map((c) => splice(text, at, 1, c)));
/** `text` with each of `chars` inserted at each position, both ends included. */
const insertions = (text: string, chars: string[]) =>
  Array.from({ length: text.length + 1 }, (_, at) => chars.map((c) => splice(text, at, 0, c))).flat();
const deletions = (text: string) => [...text].map((_, at) => splice(text, at, 1, ''));
const transpositions = (text: string) =>
  [...text].slice(1).flatMap((c, i) => (c === text[i] ? [] : [splice(text, i, 2, c + text[i])]));

describe('the canonical token (the control: without it, refusing everything would pass)', () => {
  it.each(PURPOSES)('a %s token the service issued passes for its purpose, with its claims', (purpose) => {
    expect(genuine[purpose]).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(outcome(genuine[purpose], purpose)).toBe('passed');
    expect(signer.verify(genuine[purpose], purpose, NOW)).toEqual(claimsFor(purpose));
  });

  it('refuses a tampered token as the bad-signature refusal the HTTP layer already maps (400 token_invalid)', () => {
    expect(BAD_SIGNATURE).toBe('token_invalid: This link is incomplete or has been altered.');
  });
});

describe('forged tokens', () => {
  const forgeries = (purpose: TokenPurpose): string[] => {
    const token = genuine[purpose];
    const [payload, signature] = token.split('.');
    const json = Buffer.from(payload, 'base64url').toString('utf8');
    const rewritten = (change: Record<string, unknown>) =>
      `${b64(JSON.stringify({ ...JSON.parse(json), ...change }))}.${signature}`;
    const otherReader = signer.issue(claimsFor(purpose, { subscriberId: 'subscriber-0002' }));
    return [
      // Signed with another key: the same claims, another reader's, a later version, every purpose.
      attacker.issue(claimsFor(purpose)),
      attacker.issue(claimsFor(purpose, { subscriberId: 'subscriber-0002' })),
      attacker.issue(claimsFor(purpose, { version: 2 })),
      attacker.issue(claimsFor(purpose, { expiresAt: NOW + 10 * 365 * 86400 })),
      createTokenSigner(SECRET.toUpperCase()).issue(claimsFor(purpose)),
      createTokenSigner(`${SECRET}x`).issue(claimsFor(purpose)),
      // The genuine signature under rewritten claims.
      rewritten({ s: 'subscriber-0002' }),
      rewritten({ v: 2 }),
      rewritten({ p: purpose === 'manage' ? 'unsubscribe' : 'manage' }),
      rewritten({ e: NOW + 10 * 365 * 86400 }),
      purpose === 'confirm' ? rewritten({ e: undefined }) : rewritten({ e: NOW + 60 }),
      // Another genuine token's signature.
      `${payload}.${otherReader.split('.')[1]}`,
      // Other MACs: no key, an empty key, the claims instead of the payload, other algorithms.
      `${payload}.${b64(createHash('sha256').update(payload).digest())}`,
      `${payload}.${b64(hmac(payload, ''))}`,
      `${payload}.${b64(hmac(json))}`,
      `${payload}.${b64(hmac(`${payload}.`))}`,
      `${payload}.${b64(hmac(payload, SECRET, 'sha512').subarray(0, 32))}`,
      `${payload}.${b64(hmac(payload, SECRET, 'sha512'))}`,
      `${payload}.${b64(hmac(payload, SECRET, 'sha1'))}`,
      `${payload}.${b64(Buffer.alloc(32))}`,
      `${payload}.${b64(Buffer.alloc(32, 0xff))}`,
    ];
  };

  it.each(PURPOSES)('every forged %s token is refused as a bad signature', (purpose) => {
    const tokens = forgeries(purpose);

    expectAllRefused(new Tally().verifyAll(tokens, purpose), 21);
    expect(outcome(genuine[purpose], purpose)).toBe('passed');
  });
});

describe.each(PURPOSES)('the %s token altered at every position', (purpose) => {
  const token = genuine[purpose];
  const length = token.length;
  const dot = token.indexOf('.');

  it(`replaces each of its ${length} characters with every other alphabet character`, () => {
    const altered = replacements(token, ALPHABET);

    // 63 others at each base64url position, all 64 at the separator.
    expectAllRefused(new Tally().verifyAll(altered, purpose), (length - 1) * 63 + 64);
    expect(outcome(token, purpose)).toBe('passed');
  });

  it(`replaces each of its ${length} characters with ${OUTSIDE.length} characters outside the alphabet`, () => {
    const altered = replacements(token, OUTSIDE);

    // Every outside character at each position, but `.` where the separator already is.
    expectAllRefused(new Tally().verifyAll(altered, purpose), length * OUTSIDE.length - 1);
  });

  it(`inserts every alphabet character at each of its ${length + 1} positions`, () => {
    expectAllRefused(new Tally().verifyAll(insertions(token, ALPHABET), purpose), (length + 1) * 64);
  });

  it(`inserts ${OUTSIDE.length} characters outside the alphabet at each of its ${length + 1} positions`, () => {
    expectAllRefused(
      new Tally().verifyAll(insertions(token, OUTSIDE), purpose),
      (length + 1) * OUTSIDE.length,
    );
  });

  it('deletes each character and swaps each pair of neighbours', () => {
    const swapped = transpositions(token);

    expectAllRefused(
      new Tally().verifyAll([...deletions(token), ...swapped], purpose),
      length + swapped.length,
    );
    expect(swapped.length).toBeGreaterThan(length / 2);
  });

  it("the signature's last character: all 63 others are refused, even those a lenient decoder reads as the same signature", () => {
    const signature = token.slice(dot + 1);
    const others = ALPHABET.filter((c) => c !== signature.at(-1)).map((c) => `${token.slice(0, -1)}${c}`);
    const sameBytes = others.filter((altered) => lenient(altered.slice(dot + 1)).equals(lenient(signature)));

    // 43 characters carry 258 bits for 256: the last one's 2 low bits are unused, so 3 others decode alike.
    expect(sameBytes).toHaveLength(3);
    expectAllRefused(new Tally().verifyAll(others, purpose), 63);
    expect(outcome(token, purpose)).toBe('passed');
  });

  it('characters outside the alphabet inserted into the signature are refused, even those a lenient decoder skips', () => {
    const signature = token.slice(dot + 1);
    const altered = insertions(signature, OUTSIDE).map((spelled) => `${token.slice(0, dot)}.${spelled}`);
    const skipped = altered.filter((spelled) => lenient(spelled.slice(dot + 1)).equals(lenient(signature)));

    expect(skipped.length).toBeGreaterThan(0);
    expectAllRefused(new Tally().verifyAll(altered, purpose), 44 * OUTSIDE.length);
  });
});

describe('spellings other than the canonical one, even signed with the real key', () => {
  /** Claims whose payload and genuine signature have the given property (searched deterministically). */
  const findToken = (
    purpose: TokenPurpose,
    wanted: (payload: string, signature: string) => boolean,
  ): string => {
    for (let n = 0; n < 1000; n++) {
      const token = signer.issue(claimsFor(purpose, { subscriberId: `subscriber-${'~'.repeat(n % 7)}${n}` }));
      const [payload, signature] = token.split('.');
      if (wanted(payload, signature)) return token;
    }
    throw new Error('no such token');
  };

  it.each(PURPOSES)('%s: padding, standard base64, spare bits and whitespace are refused', (purpose) => {
    const unpaddedPayload = findToken(purpose, (payload) => payload.length % 4 !== 0);
    const urlSafeChars = findToken(
      purpose,
      (payload, signature) => /[-_]/.test(payload) && /[-_]/.test(signature),
    );
    const tries: string[] = [];

    const [payload, signature] = unpaddedPayload.split('.');
    const padding = '='.repeat(4 - (payload.length % 4));
    // The payload's last character with other spare bits (it decodes to the same claims), re-signed.
    const spareBits = ALPHABET.map((c) => `${payload.slice(0, -1)}${c}`).filter(
      (spelled) => spelled !== payload && lenient(spelled).equals(lenient(payload)),
    );
    expect(spareBits.length).toBeGreaterThan(0);
    tries.push(...spareBits.map(signedWithRealKey));
    tries.push(
      signedWithRealKey(`${payload}${padding}`),
      `${payload}.${signature}=`,
      `${payload}${padding}.${signature}`,
      `${payload}.${hmac(payload).toString('base64')}`,
      signedWithRealKey(` ${payload}`),
      signedWithRealKey(`${payload}\n`),
      signedWithRealKey(splice(payload, 8, 0, '\t')),
      signedWithRealKey(splice(payload, 8, 0, '+')),
      `${payload}.${signature}\n`,
      ` ${payload}.${signature}`,
      `${payload}.${signature} `,
      `${payload} .${signature}`,
    );
    const [urlPayload, urlSignature] = urlSafeChars.split('.');
    const standard = (text: string) => text.replace(/-/g, '+').replace(/_/g, '/');
    tries.push(
      `${urlPayload}.${standard(urlSignature)}`,
      signedWithRealKey(standard(urlPayload)),
      `${standard(urlPayload)}.${standard(urlSignature)}`,
    );
    for (const token of [unpaddedPayload, urlSafeChars]) expect(outcome(token, purpose)).toBe('passed');

    expectAllRefused(new Tally().verifyAll(tries, purpose), spareBits.length + 15);
  });
});

describe.each(PURPOSES)('the %s token truncated or extended', (purpose) => {
  const token = genuine[purpose];
  const [payload, signature] = token.split('.');

  it('every prefix and suffix, and each part shortened, alone or without the separator, is refused', () => {
    const cut = [
      ...Array.from({ length: token.length - 1 }, (_, n) => token.slice(0, n + 1)),
      ...Array.from({ length: token.length - 1 }, (_, n) => token.slice(n + 1)),
      ...Array.from({ length: payload.length - 1 }, (_, n) => `${payload.slice(0, n + 1)}.${signature}`),
      ...Array.from({ length: signature.length - 1 }, (_, n) => `${payload}.${signature.slice(0, n + 1)}`),
      `${payload}.${b64(lenient(signature).subarray(0, 31))}`,
      payload,
      `${payload}.`,
      `.${signature}`,
      signature,
      '.',
    ];

    expectAllRefused(
      new Tally().verifyAll(cut, purpose),
      2 * (token.length - 1) + payload.length - 1 + signature.length - 1 + 6,
    );
    expect(outcome(token, purpose)).toBe('passed');
  });

  it('every character appended or prepended, and longer extensions, are refused', () => {
    const everyChar = [...ALPHABET, ...OUTSIDE];
    const longer = [
      ...everyChar.map((c) => `${token}${c}`),
      ...everyChar.map((c) => `${c}${token}`),
      ...Array.from({ length: 8 }, (_, n) => `${token}${'A'.repeat(n + 1)}`),
      `${token}.${signature}`,
      `${token}.${token}`,
      `${token}${token}`,
      `${payload}.${signature}${signature}`,
      `${payload}${payload}.${signature}`,
      `${payload}.${b64(Buffer.concat([lenient(signature), Buffer.alloc(1)]))}`,
      `${b64(Buffer.concat([lenient(payload), Buffer.from(' ')]))}.${signature}`,
      `${token}==`,
      `${token}&token=${token}`,
    ];

    expectAllRefused(new Tally().verifyAll(longer, purpose), 2 * everyChar.length + 8 + 9);
  });
});

describe('expired confirmation links (48 hours, to the second)', () => {
  it('a confirm token passes until its expiry second and is refused after it', () => {
    const token = genuine.confirm;
    const expired = outcome(signer.issue(claimsFor('confirm', { expiresAt: NOW - 1 })), 'confirm');
    const later = [1, 2, 60, 3600, 86400, 30 * 86400, 365 * 86400];
    const tally = new Tally();

    for (const seconds of later)
      tally.record(
        `+${seconds}s`,
        outcome(token, 'confirm', NOW + CONFIRM_TOKEN_TTL_SECONDS + seconds),
        expired,
      );
    // Issued in the past: 48 hours and 1 second ago, a week ago.
    for (const age of [CONFIRM_TOKEN_TTL_SECONDS + 1, 7 * 86400])
      tally.verifyAll(
        [signer.issue(claimsFor('confirm', { expiresAt: NOW - age + CONFIRM_TOKEN_TTL_SECONDS }))],
        'confirm',
        expired,
      );

    expect(expired).toBe('token_expired: This link has expired.');
    expectAllRefused(tally, later.length + 2);
    expect(outcome(token, 'confirm', NOW)).toBe('passed');
    expect(outcome(token, 'confirm', NOW + CONFIRM_TOKEN_TTL_SECONDS)).toBe('passed');
  });

  it('through the use cases: the mailed link confirms at 48 hours, and 1 second later is refused and changes nothing', async () => {
    const onTime = setup();
    await onTime.service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    onTime.clock.advance({ hours: 48 });
    expect(await answer(onTime.service.confirm(onTime.lastConfirmToken()))).toBe('passed');
    expect((await onTime.subscribers.findByEmail('reader@example.com'))?.status).toBe('confirmed');

    const { service, subscribers, clock, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const pending = await subscribers.findByEmail('reader@example.com');
    clock.advance({ hours: 48, seconds: 1 });
    const tally = new Tally();
    tally.record('confirm', await answer(service.confirm(lastConfirmToken())), 'token_expired');
    tally.record(
      'checkToken',
      await answer(service.checkToken(lastConfirmToken(), 'confirm')),
      'token_expired',
    );
    clock.advance({ days: 30 });
    tally.record('confirm, a month on', await answer(service.confirm(lastConfirmToken())), 'token_expired');

    expectAllRefused(tally, 3);
    expect(await subscribers.findByEmail('reader@example.com')).toEqual(pending);
  });
});

describe('revoked links: a token of an older tokenVersion (after "Email me a new link")', () => {
  it('is refused by every use case, and nothing changes or is mailed', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, deliveries, mailer, tokenFor } = setup(
      new InMemorySubscriberRepository().seed(reader),
    );
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: '2025-11-13', paperIds: ['2511.00001'], messageId: 'm-1' },
    ]);
    const inAnHour = NOW + 3600;
    const old = {
      confirm: tokenFor(reader, 'confirm', inAnHour),
      manage: tokenFor(reader, 'manage'),
      unsubscribe: tokenFor(reader, 'unsubscribe'),
      rate: signer.issue({ purpose: 'rate', subscriberId: reader.id, version: 1, paperId: '2511.00001' }),
    };
    await service.renewLinks(old.manage);
    const renewed = (await subscribers.get(reader.id)) as Subscriber;
    const newer = tokenFor({ ...renewed, tokenVersion: 3 }, 'manage');
    const mailed = mailer.sent.length;

    const attempts: [string, () => Promise<unknown>][] = [
      ['confirm', () => service.confirm(old.confirm)],
      ['checkToken confirm', () => service.checkToken(old.confirm, 'confirm')],
      ['checkToken manage', () => service.checkToken(old.manage, 'manage')],
      ['checkToken unsubscribe', () => service.checkToken(old.unsubscribe, 'unsubscribe')],
      ['getPreferences', () => service.getPreferences(old.manage)],
      ['updatePreferences', () => service.updatePreferences(old.manage, { paused: true })],
      ['updatePreferences unsubscribe', () => service.updatePreferences(old.manage, { subscribed: false })],
      ['unsubscribe (unsubscribe link)', () => service.unsubscribe(old.unsubscribe)],
      ['unsubscribe (manage link)', () => service.unsubscribe(old.manage)],
      ['exportData', () => service.exportData(old.manage)],
      ['deleteData', () => service.deleteData(old.manage)],
      ['renewLinks', () => service.renewLinks(old.manage)],
      ['ratingLinkPaper', () => service.ratingLinkPaper(old.rate)],
      ['ratePaper (rating link)', () => service.ratePaper({ token: old.rate, verdict: 'more' })],
      [
        'ratePaper (manage link)',
        () => service.ratePaper({ token: old.manage, verdict: 'less', paper: '2511.00001' }),
      ],
      ['a version never issued', () => service.getPreferences(newer)],
    ];
    const tally = new Tally();
    for (const [label, attempt] of attempts) tally.record(label, await answer(attempt()), 'token_revoked');

    expectAllRefused(tally, 16);
    expect(await subscribers.get(reader.id)).toEqual(renewed);
    expect(await deliveries.listForSubscriber(reader.id)).toHaveLength(1);
    expect(mailer.sent).toHaveLength(mailed);
    // The renewed link still opens the settings.
    expect(await answer(service.getPreferences(tokenFor(renewed, 'manage')))).toBe('passed');
  });
});

describe('replayed links', () => {
  it('a confirmation link sent before an unsubscribe cannot undo it, even after the reader subscribed again', async () => {
    const { service, subscribers, clock, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const first = lastConfirmToken();
    const { manageToken } = await service.confirm(first);
    clock.advance({ minutes: 5 });
    await service.unsubscribe(manageToken);
    const tally = new Tally();

    tally.record('before subscribing again', await answer(service.confirm(first)), 'token_revoked');
    clock.advance({ minutes: 5 });
    await service.subscribe({ email: 'reader@example.com', topics: ['efficient-inference'] });
    const second = lastConfirmToken();
    const waiting = await subscribers.findByEmail('reader@example.com');
    tally.record('after subscribing again', await answer(service.confirm(first)), 'token_revoked');
    clock.advance({ hours: 1 });
    tally.record('an hour on', await answer(service.confirm(first)), 'token_revoked');
    expect(await subscribers.findByEmail('reader@example.com')).toEqual(waiting);
    expect(waiting).toMatchObject({
      status: 'unsubscribed',
      pendingPreferences: { topics: ['efficient-inference'] },
    });

    // The new link confirms (so the refusals above were not of everything) ...
    const again = await service.confirm(second);
    expect((await subscribers.findByEmail('reader@example.com'))?.preferences.topics).toEqual([
      'efficient-inference',
    ]);
    // ... and after the next unsubscribe neither link undoes it.
    clock.advance({ minutes: 5 });
    await service.unsubscribe(again.manageToken);
    tally.record(
      'first, after the second unsubscribe',
      await answer(service.confirm(first)),
      'token_revoked',
    );
    tally.record(
      'second, after the second unsubscribe',
      await answer(service.confirm(second)),
      'token_revoked',
    );

    expectAllRefused(tally, 5);
    expect((await subscribers.findByEmail('reader@example.com'))?.status).toBe('unsubscribed');
  });

  it("a deleted reader's links open nothing of the subscription made again with the same address", async () => {
    const { service, subscribers, clock, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const oldConfirm = lastConfirmToken();
    const { manageToken } = await service.confirm(oldConfirm);
    await service.deleteData(manageToken);
    clock.advance({ minutes: 5 });
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const fresh = await subscribers.findByEmail('reader@example.com');

    const tally = new Tally();
    tally.record('confirm', await answer(service.confirm(oldConfirm)), 'NotFoundError');
    tally.record('getPreferences', await answer(service.getPreferences(manageToken)), 'NotFoundError');
    tally.record('exportData', await answer(service.exportData(manageToken)), 'NotFoundError');
    tally.record('unsubscribe', await answer(service.unsubscribe(manageToken)), 'NotFoundError');
    tally.record('deleteData', await answer(service.deleteData(manageToken)), 'NotFoundError');
    tally.record('renewLinks', await answer(service.renewLinks(manageToken)), 'NotFoundError');
    tally.record(
      'ratePaper',
      await answer(service.ratePaper({ token: manageToken, verdict: 'more', paper: '2511.00001' })),
      'NotFoundError',
    );

    expectAllRefused(tally, 7);
    expect(await subscribers.findByEmail('reader@example.com')).toEqual(fresh);
    expect(await answer(service.confirm(lastConfirmToken()))).toBe('passed');
  });
});

describe('wrong-purpose links', () => {
  it('no token passes verify() for another purpose', () => {
    const tally = new Tally();
    for (const issued of PURPOSES)
      for (const used of PURPOSES.filter((purpose) => purpose !== issued))
        tally.record(
          `${issued} as ${used}`,
          outcome(genuine[issued], used),
          `token_wrong_purpose: This link is not a ${used} link.`,
        );

    expectAllRefused(tally, 30);
  });

  it('every use case refuses the purposes it does not take, and nothing changes or is mailed', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const {
      service,
      subscribers,
      deliveries,
      mailer,
      tokenFor,
      tokens: signer,
    } = setup(new InMemorySubscriberRepository().seed(reader));
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: '2025-11-13', paperIds: ['2511.00001'], messageId: 'm-1' },
    ]);
    const tokens: Record<TokenPurpose, string> = {
      confirm: tokenFor(reader, 'confirm', NOW + 3600),
      manage: tokenFor(reader, 'manage'),
      unsubscribe: tokenFor(reader, 'unsubscribe'),
      rate: signer.issue({ purpose: 'rate', subscriberId: reader.id, version: 1, paperId: '2511.00001' }),
      view: signer.issue({ purpose: 'view', subscriberId: reader.id, version: 1, digestDate: '2025-11-13' }),
      feed: tokenFor(reader, 'feed'),
    };
    const useCases: [string, TokenPurpose[], (token: string) => Promise<unknown>][] = [
      ['confirm', ['confirm'], (token) => service.confirm(token)],
      ['checkToken confirm', ['confirm'], (token) => service.checkToken(token, 'confirm')],
      ['checkToken manage', ['manage'], (token) => service.checkToken(token, 'manage')],
      ['checkToken unsubscribe', ['unsubscribe'], (token) => service.checkToken(token, 'unsubscribe')],
      ['getPreferences', ['manage'], (token) => service.getPreferences(token)],
      ['updatePreferences', ['manage'], (token) => service.updatePreferences(token, { subscribed: false })],
      ['exportData', ['manage'], (token) => service.exportData(token)],
      ['deleteData', ['manage'], (token) => service.deleteData(token)],
      ['renewLinks', ['manage'], (token) => service.renewLinks(token)],
      ['unsubscribe', ['unsubscribe', 'manage'], (token) => service.unsubscribe(token)],
      ['ratingLinkPaper', ['rate', 'manage'], (token) => service.ratingLinkPaper(token)],
      ['ratePaper', ['rate', 'manage'], (token) => service.ratePaper({ token, verdict: 'more' })],
    ];
    const tally = new Tally();
    for (const [label, takes, run] of useCases)
      for (const purpose of PURPOSES.filter((p) => !takes.includes(p)))
        tally.record(
          `${purpose} link to ${label}`,
          await answer(run(tokens[purpose])),
          'token_wrong_purpose',
        );

    expectAllRefused(tally, 57);
    expect(await subscribers.get(reader.id)).toEqual(reader);
    expect(await deliveries.listForSubscriber(reader.id)).toHaveLength(1);
    expect(mailer.sent).toHaveLength(0);
    for (const purpose of PURPOSES)
      expect(await answer(service.checkToken(tokens[purpose], purpose))).toBe('passed');
  });
});

describe('through the use cases', () => {
  it('every alteration of the mailed confirmation link is refused as token_invalid and the reader stays unconfirmed', async () => {
    const { service, subscribers, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const token = lastConfirmToken();
    const pending = await subscribers.findByEmail('reader@example.com');
    const altered = [
      ...replacements(token, [...ALPHABET, ...OUTSIDE]),
      ...insertions(token, [...ALPHABET, ...OUTSIDE]),
      ...deletions(token),
    ];

    const tally = new Tally();
    for (const spelled of altered) {
      tally.record(spelled, await answer(service.confirm(spelled)), 'token_invalid');
    }

    expectAllRefused(
      tally,
      token.length * (ALPHABET.length + OUTSIDE.length - 1) +
        (token.length + 1) * (ALPHABET.length + OUTSIDE.length) +
        token.length,
    );
    expect(await subscribers.findByEmail('reader@example.com')).toEqual(pending);
    expect(await answer(service.confirm(token))).toBe('passed');
  });
});

afterAll(() => {
  // Every tally above was asserted in its test; the sum is the suite's size (all refused).
  expect(grandTotal.refused).toBe(grandTotal.tried);
});

/** The service with in-memory ports, as in the use-case tests. */
function setup(subscribers = new InMemorySubscriberRepository()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers });
}

/** "passed", the TokenError problem, or the name of another error a use case rejects with. */
async function answer(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'passed';
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    return (error as Error).name;
  }
}
