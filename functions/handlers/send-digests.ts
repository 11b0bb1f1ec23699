import { errorLabel } from '../core/errors';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  countEmails,
  EmailMetric,
  instrumented,
  metrics,
  recordRunFigure,
  RunMetric,
} from '../adapters/observability';
import { DigestBatchSchema } from '../adapters/sqs/digest-queue';
import { SEND_MAX_RECEIVE_COUNT, sendDigestBatch } from '../core/digests/send-digests';
import { cachedPaperViews } from '../core/digests/paper-view';
import { createServices, type Services } from '../composition';
import { lambdaServices } from './runtime';

/**
 * The send-queue consumer over a composition root: `handler` below is it over the function's own,
 * tests run it over one pointed at the stand-ins (with faults injected around the real adapters).
 */
export function sendDigestsHandler(
  getServices: () => Promise<Services>,
  meter: Metrics = metrics,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  /** The container's paper views, reused across the messages it sends. */
  const paperViews = cachedPaperViews();
  return async (event, context) => {
    const services = await getServices();
    const deps = {
      ...services,
      mailer: services.digestMailer,
      linksFor: services.subscriptions.linksFor,
      paperViews,
    };
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    // The envelope is validated whole (a malformed event is Lambda's fault, retried as a whole);
    // each body on its own, so one bad message fails only itself.
    for (const record of SqsSchema.parse(event).Records) {
      try {
        const batch = DigestBatchSchema.parse(JSON.parse(record.body));
        const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
        const result = await sendDigestBatch(deps, batch, {
          // Leave time to record outcomes and answer before Lambda's timeout.
          hasTimeLeft: () => context.getRemainingTimeInMillis() > 10_000,
          firstAttempt: receiveCount === 1,
          finalAttempt: receiveCount >= SEND_MAX_RECEIVE_COUNT,
        });
        countEmails(EmailMetric.Sent, result.sent, meter);
        countEmails(EmailMetric.Skipped, result.skipped, meter);
        countEmails(EmailMetric.Failed, result.failed, meter);
        countEmails(EmailMetric.Uncertain, result.uncertain, meter);
        // SES refuses the account's mail (paused, suspended, ...): the rest of the message waits for the retry.
        if (result.refusal) recordRunFigure(RunMetric.SendingRefused, 1, meter);
        if (result.retrySubscriberIds.length > 0)
          batchItemFailures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        services.logger.error('digest message failed', {
          messageId: record.messageId,
          error: errorLabel(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/**
 * SQS consumer. Each record is one send message (readers with their own digests); a record with any
 * reader left to retry is reported back (partial batch response) so only it is retried, and a record
 * that keeps failing or cannot be parsed ends in the DLQ.
 */
export const handler = instrumented(sendDigestsHandler(lambdaServices(createServices)));
