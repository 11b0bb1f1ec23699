import { errorLabel } from '../errors';
import type {
  Clock,
  DigestBatch,
  DigestRun,
  Logger,
  PlanCounts,
  PlanSliceQueue,
  RunLedger,
  SendQuota,
} from '../ports';
import { createDigestComposer } from './digest-composer';
import { noPlanCounts, planSlice, type PlanSliceDeps } from './plan-slice';

/**
 * What is left of the 24-hour sending quota: the smaller of what SES says is left and the configured
 * quota, over whichever are known; undefined when neither is. SES not answering fails nothing: the
 * configured quota stands in.
 */
export async function readQuotaLeft(
  deps: { sendQuota: SendQuota; logger: Logger },
  configuredQuota: number | undefined,
): Promise<number | undefined> {
  let fromSes: number | undefined;
  try {
    const quota = await deps.sendQuota.read();
    if (quota) fromSes = Math.max(0, Math.floor(quota.max24HourSend - quota.sentLast24Hours));
  } catch (error) {
    deps.logger.warn('SES sending quota not read: using the configured quota', {
      configuredQuota,
      error: errorLabel(error),
    });
  }
  const known = [fromSes, configuredQuota].filter((value): value is number => value !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/**
 * Starts the day's digest run: reads what is left of the 24-hour quota, opens the run's ledger with
 * it and queues one slice per scan segment. The slices are planned in parallel by the slice consumer,
 * each queueing its send messages as it goes and comparing the run's digests with the quota.
 */
export async function startDigestRun(
  deps: { sliceQueue: PlanSliceQueue; ledger: RunLedger; sendQuota: SendQuota; clock: Clock; logger: Logger },
  options: { digestDate: string; totalSegments: number; runId?: string; configuredQuota?: number },
): Promise<DigestRun & { totalSegments: number; quotaLeft?: number }> {
  const { totalSegments } = options;
  const run = { digestDate: options.digestDate, runId: options.runId ?? deps.clock.now().toISOString() };
  const quotaLeft = await readQuotaLeft(deps, options.configuredQuota);
  await deps.ledger.start(run, totalSegments, quotaLeft);
  await deps.sliceQueue.enqueue(
    Array.from({ length: totalSegments }, (_, segment) => ({ ...run, segment, totalSegments })),
  );
  const started = { ...run, totalSegments, ...(quotaLeft === undefined ? {} : { quotaLeft }) };
  deps.logger.info('digest run started', started);
  return started;
}

/**
 * The dry run: the whole day planned in this process, nothing queued, its digests compared with what
 * is left of the 24-hour quota (when a quota is known).
 */
export async function dryRunDigests(
  deps: Omit<PlanSliceDeps, 'queue'> & { sendQuota: SendQuota },
  options: { digestDate: string; totalSegments?: number; configuredQuota?: number },
): Promise<Awaited<ReturnType<typeof planWholeRun>> & { quotaLeft?: number; exceedsQuota?: boolean }> {
  const quotaLeft = await readQuotaLeft(deps, options.configuredQuota);
  const plan = await planWholeRun(deps, options);
  if (quotaLeft === undefined) return plan;
  return { ...plan, quotaLeft, exceedsQuota: plan.counts.withDigest > quotaLeft };
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
