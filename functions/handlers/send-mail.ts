import { SqsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { instrumented } from '../adapters/observability';
import { parseMailMessage } from '../adapters/sqs/mail-queue';
import { createServices, type Services } from '../composition';
import { errorLabel } from '../core/errors';
import { lambdaServices } from './runtime';

/** Time kept back from Lambda's timeout to requeue what is unfinished and answer. */
export const MAIL_TIME_RESERVE_MS = 10_000;

/**
 * The mail worker over a composition root: `handler` below is it over the function's own, tests run it
 * over one pointed at the stand-ins.
 */
export function sendMailHandler(
  getServices: () => Promise<Services>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const services = await getServices();
    const hasTimeLeft = () => context.getRemainingTimeInMillis() > MAIL_TIME_RESERVE_MS;
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of SqsSchema.parse(event).Records) {
      try {
        const { outcomes, retryMessage } = await services.subscriptions.doMailMessage(
          parseMailMessage(record.body),
          { hasTimeLeft },
        );
        services.logger.info('mail message done', { messageId: record.messageId, outcomes, retryMessage });
        if (retryMessage) batchItemFailures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        services.logger.error('mail message failed', {
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
 * The mail worker, an SQS consumer: each record holds sign-ups or link renewals the api queued at the
 * same moment. The transactional send budget paces it; a record none of whose jobs succeeded is retried
 * whole (partial batch response), a job that failed beside others that did is queued again alone, and
 * one that keeps failing, or a record that cannot be read, ends in the mail DLQ.
 */
export const handler = instrumented(sendMailHandler(lambdaServices(createServices)));
