import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { DigestBatch, DigestQueue } from '../../core/ports';

export function createSqsClient(options: { endpoint?: string; region?: string } = {}): SQSClient {
  return new SQSClient({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

export const DigestBatchSchema = z.object({
  digestDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  cadence: z.enum(['daily', 'weekly']),
  papers: z
    .array(
      z.object({
        paperId: z.string(),
        score: z.number(),
        why: z.array(
          z.object({ topic: z.string(), matched: z.array(z.string()), related: z.literal(true).optional() }),
        ),
      }),
    )
    .min(1),
  subscriberIds: z.array(z.string()).min(1),
});

export function createDigestQueue(client: SQSClient, queueUrl: string): DigestQueue {
  return {
    async enqueue(batches: DigestBatch[]) {
      for (let start = 0; start < batches.length; start += 10) {
        const entries = batches.slice(start, start + 10).map((batch, index) => ({
          Id: String(start + index),
          MessageBody: JSON.stringify(batch),
        }));
        const response = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        );
        if (response.Failed?.length) {
          throw new Error(
            `SQS refused ${response.Failed.length} digest messages: ${response.Failed[0].Message}`,
          );
        }
      }
    },
  };
}
