import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { MailJob, MailJobQueue } from '../../core/subscribers/mail-jobs';
import { EmailSchema, PreferencesSchema } from '../../core/subscribers/subscriber';

/** The body of a mail-queue message, checked again by the worker (the queue is a trust boundary too). */
export const MailJobSchema: z.ZodType<MailJob> = z.discriminatedUnion('job', [
  z.object({ job: z.literal('sign-up'), email: EmailSchema, preferences: PreferencesSchema }),
  z.object({
    job: z.literal('new-link'),
    subscriberId: z.string().min(1),
    tokenVersion: z.number().int().min(1),
  }),
]);

export function createMailJobQueue(client: SQSClient, queueUrl: string): MailJobQueue {
  return {
    async enqueue(job) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job) }));
    },
  };
}
