import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * An SQS client for pollers that play Lambda's event source mapping on local-aws-sqs, where handlers
 * read each record's ApproximateReceiveCount (send-digests: a first or a final delivery). Two ways the
 * stand-in differs from SQS are mended here: it returns a message's attributes only when asked with
 * `AttributeNames` (not `MessageSystemAttributeNames`), and it counts a visibility change (what the
 * local poller does to retry a failed message soon) as one more receive. So each message's receives
 * are counted here, one per receive as SQS counts them, and written into the attribute the handler
 * reads. On the stand-in a message that failed n times has a count of 2n: a queue that should send a
 * message to its DLQ after n failed receives needs `maxReceiveCount: 2 * n` (STAND_IN_RECEIVES_PER_FAILURE).
 */
export const STAND_IN_RECEIVES_PER_FAILURE = 2;

export function eventSourceSqsClient(endpoint: string): SQSClient {
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const receives = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'ReceiveMessageCommand') return next(args);
      (args.input as { AttributeNames?: string[] }).AttributeNames = ['All'];
      const result = await next(args);
      const output = result.output as {
        Messages?: { MessageId?: string; Attributes?: Record<string, string> }[];
      };
      for (const message of output.Messages ?? []) {
        const count = (receives.get(message.MessageId ?? '') ?? 0) + 1;
        receives.set(message.MessageId ?? '', count);
        message.Attributes = { ...message.Attributes, ApproximateReceiveCount: String(count) };
      }
      return result;
    },
    { step: 'initialize', name: 'eventSourceReceiveCounts' },
  );
  return client;
}
