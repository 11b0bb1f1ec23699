import { createHmac } from 'node:crypto';
import { TokenError } from '../../../functions/core/errors';
import { CONFIRM_TOKEN_TTL_SECONDS, createTokenSigner } from '../../../functions/core/tokens';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const NOW = 1_763_100_000; // epoch seconds

/** Runs `verify` and returns the TokenError it throws (fails the test when it does not throw one). */
function tokenProblem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    throw error;
  }
  throw new Error('expected a TokenError, but verify() accepted the token');
}

describe('createTokenSigner', () => {
  const signer = createTokenSigner(SECRET);

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => createTokenSigner('too-short')).toThrow(/at least 32/);
  });

  it('round-trips the claims of a token it issued', () => {
    const token = signer.issue({ purpose: 'manage', subscriberId: 'sub-1', version: 3 });

    const claims = signer.verify(token, 'manage', NOW);

    expect(claims).toEqual({ purpose: 'manage', subscriberId: 'sub-1', version: 3, expiresAt: undefined });
  });

  it('produces URL-safe tokens of two base64url parts', () => {
    const token = signer.issue({
      purpose: 'confirm',
      subscriberId: 'sub/+=?',
      version: 1,
      expiresAt: NOW + 60,
    });

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('binds the purpose: a manage token is not a confirm or unsubscribe token', () => {
    const token = signer.issue({ purpose: 'manage', subscriberId: 'sub-1', version: 1 });

    expect(tokenProblem(() => signer.verify(token, 'confirm', NOW))).toBe('token_wrong_purpose');
    expect(tokenProblem(() => signer.verify(token, 'unsubscribe', NOW))).toBe('token_wrong_purpose');
  });

  it('accepts a token until its expiry second and rejects it after', () => {
    const expiresAt = NOW + CONFIRM_TOKEN_TTL_SECONDS;
    const token = signer.issue({ purpose: 'confirm', subscriberId: 'sub-1', version: 1, expiresAt });

    expect(signer.verify(token, 'confirm', expiresAt).expiresAt).toBe(expiresAt);
    expect(tokenProblem(() => signer.verify(token, 'confirm', expiresAt + 1))).toBe('token_expired');
  });

  it('gives confirm links 48 hours', () => {
    expect(CONFIRM_TOKEN_TTL_SECONDS).toBe(48 * 3600);
  });

  it('rejects a token whose signature was altered', () => {
    const token = signer.issue({ purpose: 'manage', subscriberId: 'sub-1', version: 1 });
    const [payload, signature] = token.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);

    expect(tokenProblem(() => signer.verify(`${payload}.${flipped}`, 'manage', NOW))).toBe('token_invalid');
  });

  it('rejects a token whose claims were rewritten to another subscriber', () => {
    const token = signer.issue({ purpose: 'manage', subscriberId: 'sub-1', version: 1 });
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'manage', s: 'sub-2', v: 1 })).toString('base64url');

    expect(tokenProblem(() => signer.verify(`${forged}.${signature}`, 'manage', NOW))).toBe('token_invalid');
  });

  it('rejects a token signed with another secret', () => {
    const other = createTokenSigner('another-secret-that-is-long-enough-9876543210');
    const token = other.issue({ purpose: 'manage', subscriberId: 'sub-1', version: 1 });

    expect(tokenProblem(() => signer.verify(token, 'manage', NOW))).toBe('token_invalid');
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['one part', 'abc'],
    ['three parts', 'a.b.c'],
    ['garbage', 'not a token.at all'],
  ])('rejects a %s token as invalid', (_label, token) => {
    expect(tokenProblem(() => signer.verify(token, 'manage', NOW))).toBe('token_invalid');
  });

  it('rejects correctly signed claims of the wrong shape', () => {
    // Signed with the real secret, so only the claims check can stop it.
    const payload = Buffer.from('{"p":"manage","s":42,"v":1}').toString('base64url');
    const signature = createHmac('sha256', SECRET).update(payload).digest().toString('base64url');

    expect(tokenProblem(() => signer.verify(`${payload}.${signature}`, 'manage', NOW))).toBe('token_invalid');
  });
});
