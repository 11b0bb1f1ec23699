import { addDays, dayInTimeZone } from '../../functions/core/dates';
import { createFilePapersSource } from '../../functions/adapters/hf-papers/papers-source';
import type { PaperRepository } from '../../functions/core/ports';

/**
 * How many of the newest real days the sample holds: two working weeks (2025-11-03..13 in data/),
 * enough for a weekly digest and a week of daily ones without loading all 70 days.
 */
export const SAMPLE_DAY_COUNT = 9;

/**
 * Loads the newest `SAMPLE_DAY_COUNT` real Daily Papers days of `sampleDir` into an empty papers
 * table, so the service has something to match and send offline. With `recent`, the sample days
 * are mapped in order onto the days ending today, so today's scheduled digest has papers to send.
 */
export async function loadSampleIfEmpty(input: {
  papers: PaperRepository;
  sampleDir: string;
  mode: 'recent' | 'original' | 'off';
  today: Date;
  timeZone: string;
}): Promise<{ loaded: number; days: string[]; from?: string } | undefined> {
  if (input.mode === 'off' || (await input.papers.recentDays(1)).length > 0) return undefined;
  const source = createFilePapersSource(input.sampleDir);
  const sampleDays = (await source.availableDays()).slice(-SAMPLE_DAY_COUNT);
  const today = dayInTimeZone(input.today, input.timeZone);
  let loaded = 0;
  const targetDays: string[] = [];
  for (const [index, day] of sampleDays.entries()) {
    const target = input.mode === 'recent' ? addDays(today, index - sampleDays.length + 1) : day;
    const { papers } = await source.fetchDay(day);
    await input.papers.upsert(papers.map((paper) => ({ ...paper, dailyDate: target })));
    loaded += papers.length;
    targetDays.push(target);
  }
  return { loaded, days: targetDays, from: `${sampleDays[0]}..${sampleDays[sampleDays.length - 1]}` };
}
