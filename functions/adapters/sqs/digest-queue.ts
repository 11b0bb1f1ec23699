import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { DigestBatch, DigestQueue, PlanSlice, PlanSliceQueue } from '../../core/ports';

export function createSqsClient(options: { endpoint?: string; region?: string } = {}): SQSClient {
  return new SQSClient({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Cadence = z.enum(['daily', 'weekly']);
const Reason = z.object({
  topic: z.string(),
  matched: z.array(z.string()),
  related: z.literal(true).optional(),
});

/** A send message as planned now: each reader with their own papers, picked from the message's table. */
const RecipientsBatchSchema = z
  .object({
    digestDate: Day,
    runId: z.string().min(1),
    papers: z.array(z.object({ paperId: z.string(), why: z.array(Reason) })).min(1),
    // Added later: messages queued before it have none, and the email then does not say "7 of the 41".
    papersInWindow: z.object({ daily: z.number().int().min(0), weekly: z.number().int().min(0) }).optional(),
    recipients: z
      .array(
        z.object({
          subscriberId: z.string(),
          cadence: Cadence,
          picks: z.array(z.number().int().min(0)).min(1),
          forgetDays: z.array(Day).optional(),
        }),
      )
      .min(1),
  })
  .refine(
    (batch) =>
      batch.recipients.every((recipient) => recipient.picks.every((pick) => pick < batch.papers.length)),
    { message: 'a recipient picks a paper the message does not carry', path: ['recipients'] },
  );

/** A message queued by the version before slices: one digest shared by a group of readers. */
const SharedDigestBatchSchema = z
  .object({
    digestDate: Day,
    cadence: Cadence,
    papers: z.array(z.object({ paperId: z.string(), score: z.number(), why: z.array(Reason) })).min(1),
    subscriberIds: z.array(z.string()).min(1),
  })
  .transform(({ digestDate, cadence, papers, subscriberIds }): DigestBatch => ({
    digestDate,
    runId: 'before-slices',
    papers: papers.map(({ paperId, why }) => ({ paperId, why })),
    recipients: subscriberIds.map((subscriberId) => ({
      subscriberId,
      cadence,
      picks: papers.map((_, index) => index),
    })),
  }));

/** The body of a send-queue message; one queued by the previous version is read into the same shape. */
export const DigestBatchSchema = z.union([RecipientsBatchSchema, SharedDigestBatchSchema]);

/** The body of a plan-queue message: one slice of a digest run. */
export const PlanSliceSchema = z
  .object({
    digestDate: Day,
    runId: z.string().min(1),
    segment: z.number().int().min(0),
    totalSegments: z.number().int().min(1).max(1_000_000),
    cursor: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((slice) => slice.segment < slice.totalSegments, {
    message: 'segment must be below totalSegments',
    path: ['segment'],
  });

/** Sends message bodies ten to a request (SendMessageBatch's limit). */
async function sendAll(client: SQSClient, queueUrl: string, bodies: unknown[], what: string): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies.slice(start, start + 10).map((body, index) => ({
      Id: String(start + index),
      MessageBody: JSON.stringify(body),
    }));
    const response = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (response.Failed?.length) {
      throw new Error(
        `SQS refused ${response.Failed.length} ${what} messages: ${response.Failed[0].Message}`,
      );
    }
  }
}

export function createPlanSliceQueue(client: SQSClient, queueUrl: string): PlanSliceQueue {
  return { enqueue: (slices: PlanSlice[]) => sendAll(client, queueUrl, slices, 'plan slice') };
}

export function createDigestQueue(client: SQSClient, queueUrl: string): DigestQueue {
  return { enqueue: (batches: DigestBatch[]) => sendAll(client, queueUrl, batches, 'digest') };
}
