import { ValidationError } from '../../../../functions/core/errors';
import {
  dedupeCaseInsensitive,
  defaultPreferences,
  hasAnyTopic,
  isActive,
  normalizeEmail,
  PreferencesSchema,
} from '../../../../functions/core/subscribers/subscriber';
import { aSubscriber } from '../../../support/builders';

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
});

describe('PreferencesSchema', () => {
  it('accepts the defaults', () => {
    expect(PreferencesSchema.parse(defaultPreferences())).toEqual(defaultPreferences());
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
