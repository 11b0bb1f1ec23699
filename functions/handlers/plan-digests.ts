import { dayInTimeZone } from '../core/dates';
import { planDigests } from '../core/digests/plan-digests';
import { countEmails, EmailMetric, instrumented } from '../adapters/observability';
import { PlanEventSchema } from './events';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/** Daily, after ingest: match, group identical digests, enqueue. */
export const handler = instrumented(async (event: unknown) => {
  const input = PlanEventSchema.parse(event ?? {});
  const services = await getServices();
  // A retried schedule run plans the day of its slot, not of the moment it ran.
  const now = input.scheduledTime ? new Date(input.scheduledTime) : services.clock.now();
  const digestDate = input.date ?? dayInTimeZone(now, services.config.SCHEDULE_TIME_ZONE);
  const { batches, plannedSubscriberIds, ...counts } = await planDigests(services, {
    digestDate,
    dryRun: input.dryRun,
  });
  if (!input.dryRun) countEmails(EmailMetric.Skipped, counts.skippedEmpty);
  return counts;
});
