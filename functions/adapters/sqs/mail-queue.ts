import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
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

/** SendMessageBatch's limit. */
const MAX_BATCH = 10;

interface Waiting {
  body: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The mail queue on SQS. Jobs queued within `windowMs` of each other leave in one SendMessageBatch
 * (up to ten), each caller answered when its own entry is accepted or refused: a server answering a
 * thousand sign-ups at once makes a hundred requests to SQS, not a thousand. A Lambda instance serves
 * one request at a time, so there every job leaves alone, `windowMs` later.
 */
export function createMailJobQueue(
  client: SQSClient,
  queueUrl: string,
  options: { windowMs?: number } = {},
): MailJobQueue {
  const windowMs = options.windowMs ?? 2;
  let waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = async (batch: Waiting[]) => {
    try {
      const response = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((entry, index) => ({ Id: String(index), MessageBody: entry.body })),
        }),
      );
      const failed = new Map((response.Failed ?? []).map((failure) => [failure.Id, failure]));
      batch.forEach((entry, index) => {
        const failure = failed.get(String(index));
        if (failure)
          entry.reject(new Error(`SQS refused a mail job: ${failure.Code} ${failure.Message ?? ''}`));
        else entry.resolve();
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error as Error);
    }
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    void send(batch);
  };

  return {
    enqueue(job) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ body: JSON.stringify(job), resolve, reject });
        if (waiting.length >= MAX_BATCH) flush();
        else timer ??= setTimeout(flush, windowMs);
      });
    },
  };
}
