import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { countEmails, EmailMetric, instrumented } from '../adapters/observability';
import { DigestBatchSchema } from '../adapters/sqs/digest-queue';
import { sendDigestBatch } from '../core/digests/send-digests';
import { createServices } from '../composition';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServices);

/**
 * SQS consumer. Each record is one digest for a group of subscribers; a record with any failed
 * send is reported back (partial batch response) so only it is retried, and a record that keeps
 * failing or cannot be parsed ends in the DLQ.
 */
export const handler = instrumented(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const services = await getServices();
  const deps = { ...services, linksFor: services.subscriptions.linksFor };
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  // The envelope is validated whole (a malformed event is Lambda's fault, retried as a whole);
  // each body on its own, so one bad message fails only itself.
  for (const record of SqsSchema.parse(event).Records) {
    try {
      const batch = DigestBatchSchema.parse(JSON.parse(record.body));
      // Leave time to record outcomes and answer before Lambda's timeout.
      const hasTimeLeft = () => context.getRemainingTimeInMillis() > 10_000;
      const result = await sendDigestBatch(deps, batch, { hasTimeLeft });
      countEmails(EmailMetric.Sent, result.sent);
      countEmails(EmailMetric.Skipped, result.skipped);
      countEmails(
        EmailMetric.Failed,
        result.failedSubscriberIds.length + result.uncertainSubscriberIds.length,
      );
      if (result.failedSubscriberIds.length > 0) batchItemFailures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      services.logger.error('digest message failed', {
        messageId: record.messageId,
        error: (error as Error).message,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
