import { createHmac, timingSafeEqual } from 'node:crypto';
import { TokenError } from './errors';

export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'rate' | 'view' | 'feed';

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: string;
  /** The subscriber's token version when issued; bumping it revokes every earlier link. */
  version: number;
  /** Expiry, epoch seconds; absent for links that live as long as the subscription. */
  expiresAt?: number;
  /** The paper a `rate` link rates (arXiv id): signed, so a link rates that paper only. */
  paperId?: string;
  /** The digest day a `view` link shows (YYYY-MM-DD). */
  digestDate?: string;
}

export const CONFIRM_TOKEN_TTL_SECONDS = 48 * 3600;

/** HMAC-SHA256 digests are 32 bytes: 43 base64url characters. */
const SIGNATURE_BYTES = 32;

/** `<payload>.<signature>`, both unpadded base64url and nothing else. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const toBase64Url = (buffer: Buffer): string => buffer.toString('base64url');

/**
 * Decodes unpadded base64url strictly: undefined unless re-encoding gives back the very same text.
 * `Buffer.from(x, 'base64url')` alone skips characters outside the alphabet and ignores the unused low
 * bits of the last character, so several spellings would decode to the same bytes; only the one the
 * issuer wrote may pass.
 */
function decodeCanonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return toBase64Url(bytes) === part ? bytes : undefined;
}

/**
 * Signs and verifies link tokens: `base64url(claims).base64url(HMAC-SHA256)`.
 * The purpose is inside the signed claims, so a token for one purpose never passes for another. Only the
 * exact text issued verifies: no padding, no characters outside base64url, no other spelling of the
 * same bytes.
 */
export function createTokenSigner(secret: string) {
  if (secret.length < 32) throw new Error('token secret must be at least 32 characters');
  const sign = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();
  const altered = () => new TokenError('token_invalid', 'This link is incomplete or has been altered.');

  return {
    issue(claims: TokenClaims): string {
      const payload = toBase64Url(
        Buffer.from(
          JSON.stringify({
            p: claims.purpose,
            s: claims.subscriberId,
            v: claims.version,
            e: claims.expiresAt,
            a: claims.paperId,
            d: claims.digestDate,
          }),
        ),
      );
      return `${payload}.${toBase64Url(sign(payload))}`;
    },

    /** Returns the claims of a genuine, unexpired token for `purpose`; throws TokenError otherwise. */
    verify(token: string | undefined | null, purpose: TokenPurpose, nowSeconds: number): TokenClaims {
      if (!token || typeof token !== 'string')
        throw new TokenError('token_invalid', 'This link has no token.');
      // Only the canonical spelling passes: checked before anything is decoded or compared.
      if (!TOKEN_SHAPE.test(token)) throw altered();
      const [payload, signature] = token.split('.');
      const claimsBytes = decodeCanonical(payload);
      const given = decodeCanonical(signature);
      if (!claimsBytes || !given || given.length !== SIGNATURE_BYTES) throw altered();
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw altered();
      let raw: { p?: unknown; s?: unknown; v?: unknown; e?: unknown; a?: unknown; d?: unknown };
      try {
        raw = JSON.parse(claimsBytes.toString('utf8'));
      } catch {
        throw altered();
      }
      if (typeof raw.s !== 'string' || typeof raw.v !== 'number' || typeof raw.p !== 'string')
        throw altered();
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
        ...(typeof raw.a === 'string' ? { paperId: raw.a } : {}),
        ...(typeof raw.d === 'string' ? { digestDate: raw.d } : {}),
      };
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;
