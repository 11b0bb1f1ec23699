import { errorLabel } from '../core/errors';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  countEmails,
  EmailMetric,
  instrumented,
  recordRunFigure,
  RunMetric,
} from '../adapters/observability';
import { PlanSliceSchema } from '../adapters/sqs/digest-queue';
import { createDigestComposer, type DigestComposer } from '../core/digests/digest-composer';
import { runPlanSlice } from '../core/digests/plan-slice';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/** A slice stops and queues its continuation when less than this is left of the invocation. */
export const SLICE_TIME_RESERVE_MS = 60_000;
/** A warm container reuses the day's composer (its matched topics) for the run's next slices. */
const COMPOSER_REUSE_MS = 15 * 60_000;
let cached: { digestDate: string; builtAt: number; composer: Promise<DigestComposer> } | undefined;

/**
 * Plan-queue consumer: plans one slice of a digest run (a scan segment, from its cursor) and queues the
 * send messages as it goes. A failed slice is retried alone by SQS and ends in the plan DLQ.
 */
export const handler = instrumented(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const services = await getServices();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of SqsSchema.parse(event).Records) {
    try {
      const slice = PlanSliceSchema.parse(JSON.parse(record.body));
      const now = Date.now();
      if (!cached || cached.digestDate !== slice.digestDate || now - cached.builtAt > COMPOSER_REUSE_MS) {
        cached = {
          digestDate: slice.digestDate,
          builtAt: now,
          composer: createDigestComposer(services, slice.digestDate),
        };
        cached.composer.catch(() => (cached = undefined));
      }
      const { counts, quotaShortfall } = await runPlanSlice(services, slice, {
        composer: await cached.composer,
        hasTimeLeft: () => context.getRemainingTimeInMillis() > SLICE_TIME_RESERVE_MS,
      });
      countEmails(EmailMetric.Skipped, counts.skippedEmpty);
      recordRunFigure(RunMetric.DigestsPlanned, counts.withDigest);
      if (quotaShortfall) recordRunFigure(RunMetric.QuotaShortfall, 1);
    } catch (error) {
      services.logger.error('plan slice failed', {
        messageId: record.messageId,
        error: errorLabel(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
