/** Base of every error the core raises on purpose; `code` is stable and shown to API clients. */
export class PaperboyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaperboyError';
  }
}

/** The caller sent something we cannot accept (HTTP 400). */
export class ValidationError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_request', message, options);
    this.name = 'ValidationError';
  }
}

export type TokenProblem = 'token_invalid' | 'token_expired' | 'token_wrong_purpose' | 'token_revoked';

/** A link token that is tampered, expired, meant for another purpose or revoked (HTTP 400/410). */
export class TokenError extends PaperboyError {
  constructor(
    readonly problem: TokenProblem,
    message: string,
  ) {
    super(problem, message);
    this.name = 'TokenError';
  }
}

/** The subscriber a valid token names no longer exists (deleted their data). */
export class NotFoundError extends PaperboyError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

/** The same subscription kept changing under us; trying again will do (HTTP 409). */
export class ConflictError extends PaperboyError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

/**
 * Every older link was revoked, but the email with the new one could not be sent (HTTP 503). The
 * revocation stands: the old links may have leaked.
 */
export class LinkNotSentError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('link_not_sent', message, options);
    this.name = 'LinkNotSentError';
  }
}

/** An error's message without addresses, for logs: SES error messages can quote the recipient. */
export function errorLabel(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>');
}
