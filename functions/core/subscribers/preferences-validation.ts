import type { z } from 'zod';
import { ValidationError } from '../errors';
import { cleanEntry, KEYWORD_LENGTH, PreferencesSchema, type Preferences } from './subscriber';

const ENTRY_NOUNS: Record<string, string> = {
  keywords: 'Keyword',
  organizations: 'Organization',
  authors: 'Author',
  examplePapers: 'Example paper',
};

/**
 * `changes` merged over `base`, checked: the preferences to save, or a ValidationError that says what
 * was wrong in the words of the form.
 */
export function validatePreferences(
  input: unknown,
  base: Preferences,
  isKnownTopic: (id: string) => boolean,
): Preferences {
  const changes = typeof input === 'object' && input ? (input as Record<string, unknown>) : {};
  const merged = { ...base, ...changes };
  const result = PreferencesSchema.safeParse(merged);
  if (!result.success) throw new ValidationError(describeIssue(result.error.issues[0], merged));
  checkNewEntries(changes, base);
  const unknown = result.data.topics.filter((id) => !isKnownTopic(id));
  if (unknown.length > 0) throw new ValidationError(`topics: unknown topic id "${unknown[0]}"`);
  return result.data;
}

/**
 * "Keyword 2 (“reinforcement learning from…”) must be at most 100 characters" for one entry of a list
 * (its place counted from 1, its text to find it by); "field: problem" for the rest, as API clients
 * name the fields.
 */
function describeIssue(issue: z.ZodIssue, input: Record<string, unknown>): string {
  const [field, index] = issue.path;
  if (typeof field === 'string' && ENTRY_NOUNS[field] && typeof index === 'number')
    return describeEntry(field, index, (input[field] as unknown[])[index], issue.message);
  return `${issue.path.join('.') || 'preferences'}: ${issue.message}`;
}

function describeEntry(field: string, index: number, value: unknown, problem: string): string {
  const text = typeof value === 'string' ? cleanEntry(value) : '';
  const shown = text.length > 30 ? `${text.slice(0, 30)}…` : text;
  return `${ENTRY_NOUNS[field]} ${index + 1}${shown ? ` (“${shown}”)` : ''} ${problem}`;
}

/**
 * What the schema lets pass because stored entries must still read: an entry the request sends with
 * nothing printable (the schema drops it), and a keyword shorter than KEYWORD_LENGTH unless it is
 * already stored (saved before the rule), so a reader who has one can still change anything else.
 */
function checkNewEntries(changes: Record<string, unknown>, stored: Preferences): void {
  for (const field of Object.keys(ENTRY_NOUNS)) {
    const values = changes[field];
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (typeof value === 'string' && cleanEntry(value) === '')
        throw new ValidationError(
          describeEntry(
            field,
            index,
            value,
            'has no printable characters (only control or formatting codes)',
          ),
        );
    });
  }
  if (!Array.isArray(changes.keywords)) return;
  const kept = new Set(stored.keywords.map((keyword) => keyword.toLowerCase()));
  changes.keywords.forEach((value, index) => {
    const text = typeof value === 'string' ? cleanEntry(value) : '';
    if (text.length > 0 && text.length < KEYWORD_LENGTH.min && !kept.has(text.toLowerCase()))
      throw new ValidationError(
        describeEntry('keywords', index, text, `must be at least ${KEYWORD_LENGTH.min} characters`),
      );
  });
}
