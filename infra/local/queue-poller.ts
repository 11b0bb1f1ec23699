import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * The longest a poller waits for what goes first before it takes its next batch anyway, so that a
 * steady stream of requests delays the queues but never stalls them.
 */
export const GIVE_WAY_MAX_MS = 1000;

/**
 * Lambda's SQS event source mapping, on one machine: receives batches, invokes the handler with
 * an SQS event, deletes what succeeded and lets reported failures become visible again for retry
 * (the queue's redrive policy moves a message that keeps failing to the DLQ).
 */
export function startQueuePoller(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn?: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  batchSize?: number;
  retryDelaySeconds?: number;
  onError?: (error: Error) => void;
  idleDelayMs?: number;
  /**
   * Whether something that goes first is running (on one machine: the web app answering a request).
   * The poller takes no new batch meanwhile, for up to GIVE_WAY_MAX_MS at a time.
   */
  giveWayTo?: () => boolean;
}) {
  let running = true;
  let inFlight = 0;
  const loop = (async () => {
    while (running) {
      const givingWaySince = Date.now();
      while (running && options.giveWayTo?.() && Date.now() - givingWaySince < GIVE_WAY_MAX_MS)
        await new Promise((resolve) => setTimeout(resolve, 10));
      try {
        // Short polling: local-aws-sqs 2.0.2 can return one message twice in a long-poll answer.
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 10,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, options.idleDelayMs ?? 250));
          continue;
        }
        inFlight = Messages.length;
        const records: SQSRecord[] = Messages.map((message) => ({
          messageId: message.MessageId as string,
          receiptHandle: message.ReceiptHandle as string,
          body: message.Body ?? '',
          attributes: {
            ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
            SenderId: message.Attributes?.SenderId ?? 'local',
            ApproximateFirstReceiveTimestamp:
              message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: message.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:paperboy-send',
          awsRegion: 'us-east-1',
        }));
        let failed = new Set<string>(records.map((record) => record.messageId));
        try {
          const response = await options.handler({ Records: records });
          failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
        } catch (error) {
          options.onError?.(error as Error);
        }
        const succeeded = Messages.filter((message) => !failed.has(message.MessageId as string));
        if (succeeded.length) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: succeeded.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
        for (const message of Messages.filter((m) => failed.has(m.MessageId as string))) {
          await options.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: options.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: options.retryDelaySeconds ?? 2,
            }),
          );
        }
      } catch (error) {
        if (running) {
          options.onError?.(error as Error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      } finally {
        inFlight = 0;
      }
    }
  })();
  return {
    get busy() {
      return inFlight > 0;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
