import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { instrumented } from '../adapters/observability';
import { MailJobSchema } from '../adapters/sqs/mail-queue';
import { createServices } from '../composition';
import { errorLabel } from '../core/errors';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServices);

/**
 * The mail worker, an SQS consumer: each record is a sign-up or a link renewal the api queued. The
 * transactional send budget paces it; a record that fails is retried alone (partial batch response)
 * and one that keeps failing, or cannot be read, ends in the mail DLQ.
 */
export const handler = instrumented(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const services = await getServices();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of SqsSchema.parse(event).Records) {
    try {
      const outcome = await services.subscriptions.doMailJob(MailJobSchema.parse(JSON.parse(record.body)));
      services.logger.info('mail job done', { messageId: record.messageId, outcome });
    } catch (error) {
      services.logger.error('mail job failed', { messageId: record.messageId, error: errorLabel(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
