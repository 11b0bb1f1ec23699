/**
 * Keeps email addresses out of logs: paperboy logs a subscriber by id, never by address. The
 * redaction is a safety net for what slips through (an SES error message that quotes the recipient,
 * an event logged whole), not the main mechanism.
 */

/** Loose on purpose: anything shaped like local@domain.tld is treated as an address. */
const EMAIL_PATTERN =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/g;

export const REDACTED_EMAIL = '[redacted-email]';
export const REDACTED = '[redacted]';

/** Attribute names whose values are addresses or address lists, whatever their shape. */
const ADDRESS_KEYS = new Set([
  'email',
  'emailaddress',
  'address',
  'to',
  'from',
  'recipient',
  'recipients',
  'destination',
]);

/** Replaces every email address in a string. */
export function redactEmails(text: string): string {
  return text.replace(EMAIL_PATTERN, REDACTED_EMAIL);
}

/**
 * A `JSON.stringify` replacer (Powertools Logger's `jsonReplacerFn`): values under address-like keys
 * become "[redacted]", and addresses inside any other string are masked.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && ADDRESS_KEYS.has(key.toLowerCase()) && value !== null && value !== undefined)
    return REDACTED;
  if (typeof value === 'string') return redactEmails(value);
  return value;
}

/** The log attributes that identify a subscriber: the id only, never the address. */
export function subscriberLogKeys(subscriber: { readonly id: string }): { subscriberId: string } {
  return { subscriberId: subscriber.id };
}
