import { instrumented } from '../adapters/observability';
import { findStuckClaims, settleStuckClaims } from '../core/digests/settle-claims';
import { createServicesWithoutEmail } from '../service-graph';
import { SettleClaimsEventSchema } from './events';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/**
 * The operator's entry point to stuck claims in AWS (what `npm run cli -- claims` does locally): lists
 * the day's claims that no delivery record settles, or with `release` gives them back, so that a
 * re-run of the day (plan-digests with `{"date": D}`) sends those readers. Answers reader ids, never
 * addresses. Invoked by hand only: it scans the readers.
 */
export const handler = instrumented(async (event: unknown) => {
  const input = SettleClaimsEventSchema.parse(event ?? {});
  const services = await getServices();
  if (!input.release) {
    const found = await findStuckClaims(services, input.date);
    return { ...found, stuck: found.subscriberIds.length };
  }
  const result = await settleStuckClaims(services, input.date, { force: input.force });
  return { ...result, stuck: result.subscriberIds.length };
});
