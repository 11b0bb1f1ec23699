import { isoWeekday } from '../../../functions/core/dates';
import { isDue } from '../../../functions/core/digests/digest-composer';
import {
  addTo,
  ADDRESSES_PER_REASON,
  formatReasons,
  nextDigestDay,
  whyNoDigest,
} from '../../../infra/local/digest-reasons';
import { aSubscriber } from '../../support/builders';

/** 2025-11-13 is a Thursday. */
const THURSDAY = '2025-11-13';
const topics = { topics: ['ai-agents'] };

describe('whyNoDigest', () => {
  it.each([
    ['unsubscribed', aSubscriber({ status: 'unsubscribed', preferences: topics }), 'unsubscribed'],
    ['unconfirmed', aSubscriber({ status: 'unconfirmed', preferences: topics }), 'not confirmed'],
    [
      'suppressed and paused',
      aSubscriber({
        preferences: { ...topics, paused: true },
        suppressed: { reason: 'complaint', at: '2025-11-01T00:00:00.000Z' },
      }),
      'suppressed',
    ],
    ['paused', aSubscriber({ preferences: { ...topics, paused: true } }), 'paused'],
    [
      'weekly on Friday',
      aSubscriber({ preferences: { ...topics, cadence: 'weekly', weekday: 5 } }),
      'not due',
    ],
    [
      'sent already',
      aSubscriber({ preferences: topics, digestHistory: { [THURSDAY]: ['2511.1'] } }),
      'already sent',
    ],
    ['without topics', aSubscriber(), 'no topics'],
  ])('%s: %s', (_, subscriber, reason) => {
    expect(whyNoDigest(subscriber, THURSDAY)?.reason).toBe(reason);
  });

  it('names the weekday of a weekly reader who is not due', () => {
    const friday = aSubscriber({ preferences: { ...topics, cadence: 'weekly', weekday: 5 } });
    expect(whyNoDigest(friday, THURSDAY)).toEqual({ reason: 'not due', detail: 'weekly on Friday' });
  });

  it('gives no reason exactly for the readers the planner composes for (due, not sent, with topics or example papers)', () => {
    const composed = [
      aSubscriber({ preferences: topics }),
      aSubscriber({ preferences: { ...topics, cadence: 'weekly', weekday: 4 } }),
      aSubscriber({ preferences: { examplePapers: ['2511.00001'] } }),
      aSubscriber({
        preferences: { keywords: ['world models'] },
        digestHistory: { '2025-11-12': ['2511.1'] },
      }),
    ];
    for (const subscriber of composed) {
      expect(whyNoDigest(subscriber, THURSDAY)).toBeUndefined();
      expect(isDue(subscriber, THURSDAY)).toBe(true);
    }
  });

  it("agrees with the planner's isDue on every reader it calls not due or inactive", () => {
    const readers = [
      aSubscriber({ status: 'unsubscribed', preferences: topics }),
      aSubscriber({ status: 'unconfirmed' }),
      aSubscriber({ preferences: { paused: true } }),
      aSubscriber({ suppressed: { reason: 'hard-bounce', at: '2025-11-01T00:00:00.000Z' } }),
      ...[1, 2, 3, 5, 6, 7].map((weekday) => aSubscriber({ preferences: { cadence: 'weekly', weekday } })),
    ];
    for (const subscriber of readers) expect(isDue(subscriber, THURSDAY)).toBe(false);
    expect(readers.map((subscriber) => whyNoDigest(subscriber, THURSDAY)?.reason)).not.toContain(undefined);
  });
});

describe('nextDigestDay', () => {
  it("is today for a daily reader and a weekly reader's weekday on or after today", () => {
    expect(nextDigestDay(aSubscriber(), THURSDAY)).toBe(THURSDAY);
    for (let weekday = 1; weekday <= 7; weekday++) {
      const next = nextDigestDay(aSubscriber({ preferences: { cadence: 'weekly', weekday } }), THURSDAY);
      expect(isoWeekday(next)).toBe(weekday);
      expect(next >= THURSDAY && next <= '2025-11-19').toBe(true);
    }
    expect(nextDigestDay(aSubscriber({ preferences: { cadence: 'weekly', weekday: 4 } }), THURSDAY)).toBe(
      THURSDAY,
    );
    expect(nextDigestDay(aSubscriber({ preferences: { cadence: 'weekly', weekday: 3 } }), THURSDAY)).toBe(
      '2025-11-19',
    );
  });
});

describe('formatReasons', () => {
  it('counts by reason, weekly weekdays in week order under "not due", then the addresses', () => {
    const tally = { counts: new Map<string, number>(), addresses: new Map<string, string[]>() };
    addTo(tally, 'weekly on Friday', 'fri@example.com');
    addTo(tally, 'unsubscribed', 'gone@example.com');
    addTo(tally, 'weekly on Monday', 'mon@example.com');
    addTo(tally, 'nothing new', 'quiet@example.com');

    expect(formatReasons(tally, { withAddresses: false })).toEqual([
      '  no digest: not due: 2 (weekly on Monday: 1, weekly on Friday: 1)  unsubscribed: 1  nothing new: 1',
    ]);
    expect(formatReasons(tally, { withAddresses: true }).slice(1)).toEqual([
      '    weekly on Monday: mon@example.com',
      '    weekly on Friday: fri@example.com',
      '    unsubscribed: gone@example.com',
      '    nothing new: quiet@example.com',
    ]);
  });

  it(`lists at most ${ADDRESSES_PER_REASON} addresses of a reason, and says how many more`, () => {
    const tally = { counts: new Map<string, number>(), addresses: new Map<string, string[]>() };
    for (let index = 0; index < ADDRESSES_PER_REASON + 3; index++)
      addTo(tally, 'paused', `p${index}@example.com`);
    const [counts, addresses] = formatReasons(tally, { withAddresses: true });
    expect(counts).toBe(`  no digest: paused: ${ADDRESSES_PER_REASON + 3}`);
    expect(addresses).toMatch(/^ {4}paused: p0@example\.com, .*p9@example\.com and 3 more$/);
  });

  it('prints nothing when every reader got a digest', () => {
    expect(formatReasons({ counts: new Map(), addresses: new Map() }, { withAddresses: true })).toEqual([]);
  });
});
