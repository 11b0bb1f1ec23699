import type { Clock, DigestBatch, DigestRun, Logger, PlanCounts, PlanSliceQueue, RunLedger } from '../ports';
import { createDigestComposer } from './digest-composer';
import { noPlanCounts, planSlice, type PlanSliceDeps } from './plan-slice';

/**
 * Starts the day's digest run: opens its ledger and queues one slice per scan segment. The slices are
 * planned in parallel by the slice consumer, each queueing its send messages as it goes.
 */
export async function startDigestRun(
  deps: { sliceQueue: PlanSliceQueue; ledger: RunLedger; clock: Clock; logger: Logger },
  options: { digestDate: string; totalSegments: number; runId?: string },
): Promise<DigestRun & { totalSegments: number }> {
  const { totalSegments } = options;
  const run = { digestDate: options.digestDate, runId: options.runId ?? deps.clock.now().toISOString() };
  await deps.ledger.start(run, totalSegments);
  await deps.sliceQueue.enqueue(
    Array.from({ length: totalSegments }, (_, segment) => ({ ...run, segment, totalSegments })),
  );
  deps.logger.info('digest run started', { ...run, totalSegments });
  return { ...run, totalSegments };
}

/**
 * Plans every slice of a day in this process and returns the send messages instead of queueing them:
 * the dry run's plan, and the benchmark's and tests' view of a whole run.
 */
export async function planWholeRun(
  deps: Omit<PlanSliceDeps, 'queue'>,
  options: { digestDate: string; totalSegments?: number; runId?: string },
): Promise<{ counts: PlanCounts; batches: DigestBatch[]; distinctTopics: number }> {
  const totalSegments = options.totalSegments ?? 4;
  const run = { digestDate: options.digestDate, runId: options.runId ?? 'dry-run' };
  const composer = await createDigestComposer(deps, options.digestDate);
  const batches: DigestBatch[] = [];
  const queue = { enqueue: async (queued: DigestBatch[]) => void batches.push(...queued) };
  const counts = noPlanCounts();
  for (let segment = 0; segment < totalSegments; segment++) {
    const result = await planSlice({ ...deps, queue }, { ...run, segment, totalSegments }, { composer });
    for (const key of Object.keys(counts) as (keyof PlanCounts)[]) counts[key] += result.counts[key];
  }
  return { counts, batches, distinctTopics: composer.distinctTopics };
}
