import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PapersSource } from '../../core/ports';
import { parseDailyPapers } from './daily-papers-schema';

/** The public Daily Papers API: the default source of ingest and of `npm run data:fetch`. */
export const DAILY_PAPERS_API = 'https://huggingface.co/api/daily_papers';

const DAY_FILE = /(\d{4}-\d{2}-\d{2})\.json$/;

export interface HttpSourceOptions {
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  limit?: number;
}

/**
 * One day's answer of the Daily Papers API (`GET {baseUrl}?date=D`) as the API sent it, not yet
 * validated. Timeouts and 5xx are retried; a 4xx or non-JSON answer fails the day with the reason.
 */
export async function fetchDailyPapersJson(
  baseUrl: string,
  day: string,
  options: HttpSourceOptions = {},
): Promise<unknown> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const url = new URL(baseUrl);
  url.searchParams.set('date', day);
  url.searchParams.set('limit', String(options.limit ?? 100));
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const response = await fetchImpl(url, {
        headers: { accept: 'application/json', 'user-agent': 'paperboy-ingest' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (response.status >= 500) throw new Error(`Daily Papers API answered ${response.status}`);
      if (!response.ok) return failDay(`Daily Papers API answered ${response.status} for ${day}`);
      const body = await response.text();
      try {
        return JSON.parse(body);
      } catch {
        return failDay(`Daily Papers API answered ${day} with something that is not JSON`);
      }
    } catch (error) {
      if ((error as Error & { permanent?: boolean }).permanent) throw error;
      lastError = error as Error;
      if (attempt < 2) await new Promise((resolve) => setTimeout(resolve, 300 * 2 ** attempt));
    }
  }
  throw new Error(`could not fetch ${day}: ${lastError?.message}`);
}

/** The Daily Papers API as a source of validated papers, one day at a time. */
export function createHttpPapersSource(baseUrl: string, options: HttpSourceOptions = {}): PapersSource {
  return {
    async fetchDay(day) {
      return parseDailyPapers(await fetchDailyPapersJson(baseUrl, day, options), day);
    },
  };
}

function failDay(reason: string): never {
  throw Object.assign(new Error(reason), { permanent: true });
}

/**
 * A file or folder of Daily Papers JSON. A folder holds one file per day named YYYY-MM-DD.json;
 * a single file is one response whose items carry their own dates.
 */
export function createFilePapersSource(
  location: string,
): PapersSource & { availableDays(): Promise<string[]> } {
  const filesByDay = async (): Promise<Map<string, string>> => {
    const info = await stat(location).catch(() => undefined);
    if (!info) throw new Error(`papers source ${location} does not exist`);
    if (info.isFile()) return new Map();
    const names = await readdir(location);
    return new Map(
      names.flatMap((name) => {
        const day = DAY_FILE.exec(name)?.[1];
        return day ? [[day, path.join(location, name)] as const] : [];
      }),
    );
  };
  const readJson = async (file: string): Promise<unknown> => {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${file} is not valid JSON`);
    }
  };
  return {
    async availableDays() {
      const info = await stat(location).catch(() => undefined);
      if (info?.isFile()) {
        const { papers } = parseDailyPapers(await readJson(location));
        return [...new Set(papers.map((paper) => paper.dailyDate))].sort();
      }
      return [...(await filesByDay()).keys()].sort();
    },
    async fetchDay(day) {
      const files = await filesByDay();
      if (files.size === 0) {
        const dayFromName = DAY_FILE.exec(location)?.[1];
        const parsed = parseDailyPapers(await readJson(location), dayFromName);
        return { ...parsed, papers: parsed.papers.filter((paper) => paper.dailyDate === day) };
      }
      const file = files.get(day);
      return file ? parseDailyPapers(await readJson(file), day) : { papers: [], rejected: [] };
    },
  };
}

export const isHttpSource = (source: string): boolean => /^https?:\/\//i.test(source);

export function createPapersSource(source: string) {
  return isHttpSource(source) ? createHttpPapersSource(source) : createFilePapersSource(source);
}
