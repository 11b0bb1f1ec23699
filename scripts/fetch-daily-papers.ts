/**
 * Refreshes the repository's real Daily Papers data (data/hf-daily-papers/): asks the Daily Papers
 * API for each day and writes its answer as it came, one YYYY-MM-DD.json per day with items, checked
 * by the same schema ingest uses. Days without papers (weekends, holidays) write nothing.
 *
 *   npm run data:fetch -- --date 2025-11-14 [--date ...]
 *   npm run data:fetch -- --since 2025-11-14 [--until 2025-11-21] [--out DIR] [--source URL]
 *
 * Exit codes: 0 all days fetched, 1 a day could not be fetched (the others are kept), 2 bad usage.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HF_DAYS_DIR } from '../data/paths';
import { parseDailyPapers } from '../functions/adapters/hf-papers/daily-papers-schema';
import { DAILY_PAPERS_API, fetchDailyPapersJson } from '../functions/adapters/hf-papers/papers-source';
import { daysBetween, isValidDay } from '../functions/core/dates';

const USAGE = `usage: npm run data:fetch -- (--date YYYY-MM-DD ... | --since YYYY-MM-DD [--until YYYY-MM-DD]) [--out DIR] [--source URL]`;

class UsageError extends Error {}

function daysAsked(values: { date?: string[]; since?: string; until?: string }): string[] {
  const checked = (value: string, flag: string) => {
    if (!isValidDay(value)) throw new UsageError(`${flag} must be a real date as YYYY-MM-DD, got "${value}"`);
    return value;
  };
  if (values.date?.length && values.since) throw new UsageError('give --date or --since, not both');
  if (values.date?.length) return [...new Set(values.date.map((day) => checked(day, '--date')))].sort();
  if (!values.since) throw new UsageError('which days? give --date or --since');
  const until = values.until ? checked(values.until, '--until') : new Date().toISOString().slice(0, 10);
  const days = daysBetween(checked(values.since, '--since'), until);
  if (days.length === 0) throw new UsageError(`--since ${values.since} is after --until ${until}`);
  if (days.length > 366) throw new UsageError(`at most 366 days at a time, asked for ${days.length}`);
  return days;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      date: { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string', default: HF_DAYS_DIR },
      source: { type: 'string', default: DAILY_PAPERS_API },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const days = daysAsked(values);
  if (!/^https?:\/\//i.test(values.source))
    throw new UsageError(`--source must be an http(s) URL, got "${values.source}"`);
  await mkdir(values.out, { recursive: true });

  let failed = 0;
  for (const day of days) {
    try {
      const answer = await fetchDailyPapersJson(values.source, day);
      const { papers, rejected } = parseDailyPapers(answer, day);
      if (papers.length === 0 && rejected.length === 0) {
        console.log(`${day}: no papers, nothing written`);
        continue;
      }
      const file = path.join(values.out, `${day}.json`);
      await writeFile(file, `${JSON.stringify(answer, null, 2)}\n`);
      const note =
        rejected.length > 0 ? `, ${rejected.length} the schema rejects (ingest would skip them)` : '';
      console.log(`${day}: ${papers.length} papers${note} -> ${file}`);
    } catch (error) {
      failed++;
      console.error(`${day}: ${(error as Error).message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(usage ? `${error.message}\n${USAGE}` : `data:fetch failed: ${error.message}`);
    process.exit(usage ? 2 : 1);
  },
);
