import {
  addDays,
  dayInTimeZone,
  daysBetween,
  daysEnding,
  isoWeekday,
  isValidDay,
} from '../../../functions/core/dates';

describe('dates', () => {
  it.each([
    ['2025-11-14', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-11-14T00:00:00Z', false],
    ['', false],
  ])('isValidDay(%p) is %p', (day, expected) => {
    expect(isValidDay(day)).toBe(expected);
  });

  it('adds days across month and year ends, and subtracts', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-11-14', 0)).toBe('2025-11-14');
  });

  it('lists the days ending at a day, oldest first', () => {
    expect(daysEnding('2025-11-02', 3)).toEqual(['2025-10-31', '2025-11-01', '2025-11-02']);
  });

  it('lists an inclusive range, and nothing for a reversed one', () => {
    expect(daysBetween('2025-12-30', '2026-01-02')).toEqual([
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
    expect(daysBetween('2025-11-14', '2025-11-13')).toEqual([]);
  });

  it('numbers ISO weekdays Monday 1 to Sunday 7', () => {
    const week = daysBetween('2025-11-10', '2025-11-16');

    expect(week.map(isoWeekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('gives the calendar day of an instant in a time zone', () => {
    const instant = new Date('2025-11-14T03:30:00.000Z');

    expect(dayInTimeZone(instant, 'UTC')).toBe('2025-11-14');
    expect(dayInTimeZone(instant, 'America/Los_Angeles')).toBe('2025-11-13');
    expect(dayInTimeZone(new Date('2025-11-14T23:30:00.000Z'), 'Asia/Tokyo')).toBe('2025-11-15');
  });
});
