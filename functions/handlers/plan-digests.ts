import { dayInTimeZone } from '../core/dates';
import { dryRunDigests, startDigestRun } from '../core/digests/start-digest-run';
import { instrumented, recordRunFigure, RunMetric } from '../adapters/observability';
import { PlanEventSchema } from './events';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/** Daily, after ingest: starts the day's digest run (one plan-queue message per slice). */
export const handler = instrumented(async (event: unknown) => {
  const input = PlanEventSchema.parse(event ?? {});
  const services = await getServices();
  // A retried schedule run plans the day of its slot, not of the moment it ran.
  const now = input.scheduledTime ? new Date(input.scheduledTime) : services.clock.now();
  const digestDate = input.date ?? dayInTimeZone(now, services.config.SCHEDULE_TIME_ZONE);
  const totalSegments = services.config.PLAN_SEGMENTS;
  const configuredQuota = services.config.SES_DAILY_QUOTA;
  if (input.dryRun) {
    const { counts, distinctTopics, quotaLeft, exceedsQuota } = await dryRunDigests(services, {
      digestDate,
      totalSegments,
      configuredQuota,
    });
    return { digestDate, dryRun: true, ...counts, distinctTopics, quotaLeft, exceedsQuota };
  }
  const run = await startDigestRun(services, {
    digestDate,
    totalSegments,
    configuredQuota,
    // The schedule's slot names the run, so a retried invocation of one slot is the same run.
    runId: input.scheduledTime ? new Date(input.scheduledTime).toISOString() : undefined,
  });
  recordRunFigure(RunMetric.DigestRunsStarted, 1);
  return run;
});
