import { ValidationError } from '@functions/core/errors';
import {
  dedupeCaseInsensitive,
  defaultPreferences,
  hasAnyTopic,
  isActive,
  keywordLengthProblem,
  normalizeEmail,
  PreferencesSchema,
} from '@functions/core/subscribers/subscriber';
import { aSubscriber } from '@support/builders';

describe('normalizeEmail', () => {
  it('trims and lower-cases a valid address', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.ORG\n')).toBe('ada.lovelace@example.org');
  });

  it.each([
    [''],
    ['no-at-sign'],
    ['two@@example.com'],
    [42],
    [undefined],
    [`${'a'.repeat(250)}@example.com`],
  ])('rejects %p with a ValidationError', (raw) => {
    expect(() => normalizeEmail(raw)).toThrow(ValidationError);
  });

  it('takes 64 characters before the @ and refuses 65 (RFC 5321)', () => {
    const longest = `${'a'.repeat(64)}@example.com`;

    expect(normalizeEmail(longest)).toBe(longest);
    expect(() => normalizeEmail(`${'a'.repeat(65)}@example.com`)).toThrow(
      new ValidationError('email is not a valid address: the part before the @ is longer than 64 characters'),
    );
  });
});

describe('keywordLengthProblem', () => {
  it('counts only printable characters', () => {
    expect(keywordLengthProblem('\u0001\u0002\u0003')).toBe(
      'A keyword is 2 to 100 characters; this one is 0.',
    );
    expect(keywordLengthProblem('x\u200b')).toBe('A keyword is 2 to 100 characters; this one is 1.');
    expect(keywordLengthProblem('rl\u0000hf')).toBeUndefined();
  });
});

describe('PreferencesSchema', () => {
  it('accepts the defaults', () => {
    expect(PreferencesSchema.parse(defaultPreferences())).toEqual(defaultPreferences());
  });

  it('reads an entry stored with nothing printable as no entry, and cleans the rest', () => {
    const stored = {
      ...defaultPreferences(),
      keywords: ['\u0001\u0002', 'video\u0000generation', 'Video Generation'],
      authors: ['\u200b'],
    };

    expect(PreferencesSchema.parse(stored)).toMatchObject({ keywords: ['video generation'], authors: [] });
  });

  it('rejects a topic id that is not kebab-case', () => {
    const result = PreferencesSchema.safeParse({ ...defaultPreferences(), topics: ['Not Kebab'] });

    expect(result.success).toBe(false);
  });
});

describe('dedupeCaseInsensitive', () => {
  it('keeps the first spelling of each value', () => {
    expect(dedupeCaseInsensitive(['KV cache', 'kv CACHE', 'MoE', 'moe', 'RAG'])).toEqual([
      'KV cache',
      'MoE',
      'RAG',
    ]);
  });
});

describe('isActive', () => {
  it.each([
    ['confirmed', aSubscriber(), true],
    ['unconfirmed', aSubscriber({ status: 'unconfirmed' }), false],
    ['unsubscribed', aSubscriber({ status: 'unsubscribed' }), false],
    ['paused', aSubscriber({ preferences: { paused: true } }), false],
    [
      'suppressed',
      aSubscriber({ suppressed: { reason: 'complaint', at: '2025-11-01T00:00:00.000Z' } }),
      false,
    ],
  ])('is %s → %p', (_label, subscriber, expected) => {
    expect(isActive(subscriber)).toBe(expected);
  });
});

describe('hasAnyTopic', () => {
  it('is false with no topics, keywords, organizations or authors, true with any one', () => {
    expect(hasAnyTopic(defaultPreferences())).toBe(false);
    expect(hasAnyTopic({ ...defaultPreferences(), authors: ['Ada Lovelace'] })).toBe(true);
    expect(hasAnyTopic({ ...defaultPreferences(), organizations: ['Meta'] })).toBe(true);
  });
});
