import { addDays, dayInTimeZone, daysBetween } from '../core/dates';
import { ingestDays, type IngestResult } from '../core/ingest-papers';
import { instrumented, recordRunFigure, RunMetric } from '../adapters/observability';
import { IngestEventSchema } from './events';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/** Scheduled several times a day: today and yesterday (late submissions, fresh upvotes). */
export const handler = instrumented(
  async (event: unknown): Promise<Omit<IngestResult, 'rejected'> & { rejected: number }> => {
    const input = IngestEventSchema.parse(event ?? {});
    const services = await getServices();
    // A retried schedule run ingests the days of its slot, not of the moment it ran.
    const now = input.scheduledTime ? new Date(input.scheduledTime) : services.clock.now();
    const today = dayInTimeZone(now, services.config.SCHEDULE_TIME_ZONE);
    const days =
      input.days ??
      (input.since
        ? daysBetween(input.since, today)
        : input.date
          ? [input.date]
          : [addDays(today, -1), today]);
    const result = await ingestDays(
      {
        source: services.papersSource(),
        papers: services.papers,
        logger: services.logger,
        vocabulary: services.vocabulary,
      },
      days,
    );
    services.logger.info('ingest finished', { ...result, rejected: result.rejected.length });
    recordRunFigure(RunMetric.PapersAccepted, result.created + result.updated + result.unchanged);
    recordRunFigure(RunMetric.PapersRejected, result.rejected.length);
    if (days.length > 0 && result.failedDays.length === days.length) {
      throw new Error(`no day could be ingested: ${result.failedDays[0]?.reason}`);
    }
    return { ...result, rejected: result.rejected.length };
  },
);
