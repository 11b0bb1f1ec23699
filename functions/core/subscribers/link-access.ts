import { NotFoundError, TokenError, ValidationError } from '../errors';
import type { Links } from '../links';
import type { Clock, ReaderLinks, SubscriberRepository } from '../ports';
import { CONFIRM_TOKEN_TTL_SECONDS, type TokenClaims, type TokenPurpose, type TokenSigner } from '../tokens';
import type { Subscriber } from './subscriber';
import { nowSeconds } from './subscription-deps';

type LinkDeps = { subscribers: SubscriberRepository; tokens: TokenSigner; clock: Clock };

export const revokedLink = (): TokenError =>
  new TokenError('token_revoked', 'This link is no longer valid. Use the link in your latest email.');

/**
 * Resolves a link token to its live subscriber, or throws a TokenError/NotFoundError. A token of any
 * of `purposes` passes (the unsubscribe route also takes the manage link).
 */
export async function verifiedLink(
  deps: LinkDeps,
  token: unknown,
  purposes: TokenPurpose[],
): Promise<{ subscriber: Subscriber; claims: TokenClaims }> {
  let lastError: unknown;
  for (const purpose of purposes) {
    try {
      const claims = deps.tokens.verify(token as string, purpose, nowSeconds(deps.clock));
      const subscriber = await deps.subscribers.get(claims.subscriberId);
      if (!subscriber) throw new NotFoundError('This subscription no longer exists.');
      if (claims.version !== subscriber.tokenVersion) throw revokedLink();
      return { subscriber, claims };
    } catch (error) {
      lastError = error;
      if (!(error instanceof TokenError && error.problem === 'token_wrong_purpose')) throw error;
    }
  }
  throw lastError;
}

export async function subscriberFromLink(
  deps: LinkDeps,
  token: unknown,
  purposes: TokenPurpose[],
): Promise<Subscriber> {
  return (await verifiedLink(deps, token, purposes)).subscriber;
}

/** The subscriber a confirmation link may confirm; throws what the confirmation answers otherwise. */
export async function confirmableSubscriber(deps: LinkDeps, token: unknown): Promise<Subscriber> {
  const { subscriber, claims } = await verifiedLink(deps, token, ['confirm']);
  if (subscriber.suppressed) throw new ValidationError('This address cannot receive mail from paperboy.');
  const issuedAt = (claims.expiresAt ?? 0) - CONFIRM_TOKEN_TTL_SECONDS;
  if (subscriber.unsubscribedAt && issuedAt * 1000 < Date.parse(subscriber.unsubscribedAt)) {
    throw new TokenError(
      'token_revoked',
      'You unsubscribed after this link was sent. Subscribe again from the home page.',
    );
  }
  return subscriber;
}

/**
 * Checks a token without changing anything (the GET of a page). A confirmation link is refused for
 * whatever the confirmation would refuse it, so its page never offers a button that cannot work.
 */
export async function checkLink(deps: LinkDeps, token: unknown, purpose: TokenPurpose): Promise<void> {
  if (purpose === 'confirm') await confirmableSubscriber(deps, token);
  else await subscriberFromLink(deps, token, [purpose]);
}

/** The manage and unsubscribe tokens of the subscriber's current link version. */
export function personalTokens(
  tokens: TokenSigner,
  subscriber: Subscriber,
): { manageToken: string; unsubscribeToken: string } {
  const claims = { subscriberId: subscriber.id, version: subscriber.tokenVersion };
  return {
    manageToken: tokens.issue({ purpose: 'manage', ...claims }),
    unsubscribeToken: tokens.issue({ purpose: 'unsubscribe', ...claims }),
  };
}

/** The signed link token that rates this paper for this reader (the email's two links share it). */
export function ratingToken(tokens: TokenSigner, subscriber: Subscriber, paperId: string): string {
  return tokens.issue({
    purpose: 'rate',
    subscriberId: subscriber.id,
    version: subscriber.tokenVersion,
    paperId,
  });
}

/** The signed link token of the hosted copy of the reader's digest of `digestDate`. */
export function viewToken(tokens: TokenSigner, subscriber: Subscriber, digestDate: string): string {
  return tokens.issue({
    purpose: 'view',
    subscriberId: subscriber.id,
    version: subscriber.tokenVersion,
    digestDate,
  });
}

/** The signed link token of the reader's Atom feed. */
export function feedToken(tokens: TokenSigner, subscriber: Subscriber): string {
  return tokens.issue({ purpose: 'feed', subscriberId: subscriber.id, version: subscriber.tokenVersion });
}

/**
 * The links every email to the subscriber carries; with `digestDate`, a digest's too: a rating link per
 * paper and the hosted copy of that day's digest.
 */
export function personalLinks(
  deps: { tokens: TokenSigner; links: Links },
  subscriber: Subscriber,
  digestDate?: string,
): ReaderLinks {
  const { manageToken, unsubscribeToken } = personalTokens(deps.tokens, subscriber);
  return {
    manageUrl: deps.links.manage(manageToken),
    unsubscribeUrl: deps.links.unsubscribe(unsubscribeToken),
    rateUrl: (paperId) => deps.links.rate(ratingToken(deps.tokens, subscriber, paperId)),
    ...(digestDate ? { viewUrl: deps.links.view(viewToken(deps.tokens, subscriber, digestDate)) } : {}),
  };
}
