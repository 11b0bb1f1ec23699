import { createHmac, timingSafeEqual } from 'node:crypto';
import { TokenError } from './errors';

export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe';

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: string;
  /** The subscriber's token version when issued; bumping it revokes every earlier link. */
  version: number;
  /** Expiry, epoch seconds; absent for links that live as long as the subscription. */
  expiresAt?: number;
}

export const CONFIRM_TOKEN_TTL_SECONDS = 48 * 3600;

const toBase64Url = (buffer: Buffer): string => buffer.toString('base64url');

/**
 * Signs and verifies link tokens: `base64url(claims).base64url(HMAC-SHA256)`.
 * The purpose is inside the signed claims, so a token for one purpose never passes for another.
 */
export function createTokenSigner(secret: string) {
  if (secret.length < 32) throw new Error('token secret must be at least 32 characters');
  const sign = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

  return {
    issue(claims: TokenClaims): string {
      const payload = toBase64Url(
        Buffer.from(
          JSON.stringify({
            p: claims.purpose,
            s: claims.subscriberId,
            v: claims.version,
            e: claims.expiresAt,
          }),
        ),
      );
      return `${payload}.${toBase64Url(sign(payload))}`;
    },

    /** Returns the claims of a genuine, unexpired token for `purpose`; throws TokenError otherwise. */
    verify(token: string | undefined | null, purpose: TokenPurpose, nowSeconds: number): TokenClaims {
      if (!token || typeof token !== 'string')
        throw new TokenError('token_invalid', 'This link has no token.');
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) {
        throw new TokenError('token_invalid', 'This link is incomplete or has been altered.');
      }
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new TokenError('token_invalid', 'This link is incomplete or has been altered.');
      }
      let raw: { p?: unknown; s?: unknown; v?: unknown; e?: unknown };
      try {
        raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new TokenError('token_invalid', 'This link is incomplete or has been altered.');
      }
      if (typeof raw.s !== 'string' || typeof raw.v !== 'number' || typeof raw.p !== 'string') {
        throw new TokenError('token_invalid', 'This link is incomplete or has been altered.');
      }
      if (raw.p !== purpose) {
        throw new TokenError('token_wrong_purpose', `This link is not a ${purpose} link.`);
      }
      if (typeof raw.e === 'number' && raw.e < nowSeconds) {
        throw new TokenError('token_expired', 'This link has expired.');
      }
      return {
        purpose,
        subscriberId: raw.s,
        version: raw.v,
        expiresAt: typeof raw.e === 'number' ? raw.e : undefined,
      };
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;
