import { mineVocabulary } from './matching/mine-vocabulary';
import type { Logger, PaperRepository, PapersSource, VocabularyRepository } from './ports';

export type { PapersSource } from './ports';

export interface IngestResult {
  days: number;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { day: string; id?: string; reason: string }[];
  failedDays: { day: string; reason: string }[];
  /** Groups of the vocabulary rebuilt after the ingest (undefined: not rebuilt). */
  vocabularyGroups?: number;
}

/**
 * Days of papers the vocabulary is mined from, the newest listed days: about three months (some 4,000
 * papers at Daily Papers' 40-70 a day), enough for keywords to be listed together by several papers
 * (the miner's minimum counts) and for last month's names to count, while names the field stopped using
 * fade out. Mining them takes well under a second (bench/vocabulary-bench.ts).
 */
export const VOCABULARY_DAYS = 90;

/**
 * Fetches each day from the source and upserts its papers. A bad item is rejected with its
 * reason and a day that cannot be fetched is reported; neither stops the other days.
 */
export async function ingestDays(
  deps: { source: PapersSource; papers: PaperRepository; logger: Logger; vocabulary?: VocabularyRepository },
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
  if (deps.vocabulary && result.created + result.updated > 0) {
    const rebuilt = await rebuildVocabulary({ ...deps, vocabulary: deps.vocabulary });
    if (rebuilt !== undefined) result.vocabularyGroups = rebuilt;
  }
  return result;
}

/**
 * Mines the vocabulary from the papers of the last VOCABULARY_DAYS listed days stored so far and stores it
 * (the digest planner reads it). Returns its number of groups, or undefined when it could not be rebuilt:
 * the papers are stored either way, and the vocabulary stored before stays.
 */
export async function rebuildVocabulary(
  deps: { papers: PaperRepository; vocabulary: VocabularyRepository; logger: Logger },
  days = VOCABULARY_DAYS,
): Promise<number | undefined> {
  try {
    const recent = await deps.papers.recentDays(days);
    if (recent.length === 0) return undefined;
    const vocabulary = mineVocabulary(await deps.papers.listByDays(recent));
    await deps.vocabulary.put(vocabulary);
    deps.logger.info('vocabulary rebuilt', {
      papers: vocabulary.papers,
      groups: vocabulary.groups.length,
      from: vocabulary.from,
      to: vocabulary.to,
    });
    return vocabulary.groups.length;
  } catch (error) {
    deps.logger.error('vocabulary not rebuilt', { error: (error as Error).message });
    return undefined;
  }
}
