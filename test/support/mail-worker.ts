import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseMailMessage } from '../../functions/adapters/sqs/mail-queue';
import { lambdaContext, sqsRecord } from '../fixtures/events';

/**
 * What Lambda's event source does for the mail queue, run once by a test that calls handlers itself:
 * every queued sign-up and new link goes through the real send-mail handler; what it reports as
 * failed stays on the queue. Returns the jobs handled (a job requeued alone counts again). The handler is loaded on first use (a test that
 * sets the environment first, or passes its own handler, gets the settings it chose).
 */
/** The jobs a message holds (one for a body that is none: the handler counts it failed). */
function jobsIn(body: string): number {
  try {
    return parseMailMessage(body).length;
  } catch {
    return 1;
  }
}

export async function runMailWorker(
  standIns: { endpoints: { sqs: string }; queues: { mailQueueUrl: string } },
  handler?: (event: SQSEvent, context: typeof lambdaContext) => Promise<SQSBatchResponse>,
): Promise<number> {
  const sendMail = handler ?? (await import('../../functions/handlers/send-mail')).handler;
  const sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // local-aws-sqs can hand one message out twice: count each message's jobs once.
  const handled = new Map<string, number>();
  const jobsHandled = () => [...handled.values()].reduce((sum, jobs) => sum + jobs, 0);
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: standIns.queues.mailQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return jobsHandled();
      const { batchItemFailures } = await sendMail(
        { Records: Messages.map((m) => sqsRecord(m.Body ?? '', { messageId: m.MessageId })) },
        lambdaContext,
      );
      const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      const done = Messages.filter((message) => !failed.has(message.MessageId as string));
      if (done.length > 0)
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: standIns.queues.mailQueueUrl,
            Entries: done.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
      for (const message of Messages) handled.set(message.MessageId as string, jobsIn(message.Body ?? ''));
      if (failed.size > 0) return jobsHandled();
    }
  } finally {
    sqs.destroy();
  }
}
