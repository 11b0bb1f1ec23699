import { dayInTimeZone } from '../core/dates';
import { planDigests } from '../core/digests/plan-digests';
import { PlanEventSchema } from './events';
import { getServices } from './runtime';

/** Daily, after ingest: match, group identical digests, enqueue. */
export const handler = async (event: unknown) => {
  const input = PlanEventSchema.parse(event ?? {});
  const services = await getServices();
  const digestDate = input.date ?? dayInTimeZone(services.clock.now(), services.config.SCHEDULE_TIME_ZONE);
  const { batches, plannedSubscriberIds, ...counts } = await planDigests(services, {
    digestDate,
    dryRun: input.dryRun,
  });
  return counts;
};
