import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Waits until a queue holds nothing, waiting or in flight, for `quietMs` in a row. The consumer
 * deletes a message as its last step, so an empty send queue means every send is recorded.
 */
export async function waitUntilQueueEmpty(
  sqs: SQSClient,
  queueUrl: string,
  options: { timeoutMs: number; quietMs?: number; hint?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let emptySince = 0;
  for (;;) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const waiting =
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (waiting > 0) emptySince = 0;
    else if (!emptySince) emptySince = Date.now();
    else if (Date.now() - emptySince >= (options.quietMs ?? 300)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the queue still holds ${waiting} message(s)${options.hint ? `; ${options.hint}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
