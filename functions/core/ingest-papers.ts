import type { Logger, PaperRepository, PapersSource } from './ports';

export type { PapersSource } from './ports';

export interface IngestResult {
  days: number;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { day: string; id?: string; reason: string }[];
  failedDays: { day: string; reason: string }[];
}

/**
 * Fetches each day from the source and upserts its papers. A bad item is rejected with its
 * reason and a day that cannot be fetched is reported; neither stops the other days.
 */
export async function ingestDays(
  deps: { source: PapersSource; papers: PaperRepository; logger: Logger },
  days: string[],
  onProgress?: (day: string, index: number, total: number, result: IngestResult) => void,
): Promise<IngestResult> {
  const result: IngestResult = {
    days: 0,
    fetched: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    failedDays: [],
  };
  for (const [index, day] of days.entries()) {
    try {
      const { papers, rejected } = await deps.source.fetchDay(day);
      const counts = papers.length
        ? await deps.papers.upsert(papers)
        : { created: 0, updated: 0, unchanged: 0 };
      result.days++;
      result.fetched += papers.length;
      result.created += counts.created;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
      for (const item of rejected) {
        deps.logger.warn('paper rejected', { day, paperId: item.id, reason: item.reason });
        result.rejected.push({ day, ...item });
      }
    } catch (error) {
      deps.logger.error('day not ingested', { day, error: (error as Error).message });
      result.failedDays.push({ day, reason: (error as Error).message });
    }
    onProgress?.(day, index, days.length, result);
  }
  return result;
}
