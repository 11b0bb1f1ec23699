import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { MailJob, MailJobQueue } from '../../core/subscribers/mail-jobs';
import { EmailSchema, PreferencesSchema } from '../../core/subscribers/subscriber';

/** One job, checked again by the worker (the queue is a trust boundary too). */
export const MailJobSchema: z.ZodType<MailJob> = z.discriminatedUnion('job', [
  z.object({ job: z.literal('sign-up'), email: EmailSchema, preferences: PreferencesSchema }),
  z.object({
    job: z.literal('new-link'),
    subscriberId: z.string().min(1),
    tokenVersion: z.number().int().min(1),
  }),
]);

/** SendMessageBatch's limit on entries. */
const MAX_ENTRIES = 10;
/** Jobs one message carries at most. */
export const MAX_JOBS_PER_MESSAGE = 10;
/** Bytes of jobs one message carries at most (a job alone may be larger; its preferences are bounded). */
const MAX_MESSAGE_BYTES = 24 * 1024;
/** Bytes of messages one request carries at most: SendMessageBatch takes 256 KiB in all. */
export const MAX_REQUEST_BYTES = 240 * 1024;

/**
 * A mail-queue message: `{ "jobs": [...] }`, several jobs queued at the same moment, or one bare job
 * (what the version before packing queued, still read).
 */
const MailMessageSchema = z.union([
  z.object({ jobs: z.array(MailJobSchema).min(1).max(MAX_JOBS_PER_MESSAGE) }).transform(({ jobs }) => jobs),
  MailJobSchema.transform((job) => [job]),
]);

/** The jobs of a mail-queue message body; throws when the body is not one. */
export function parseMailMessage(body: string): MailJob[] {
  return MailMessageSchema.parse(JSON.parse(body));
}

interface Waiting {
  json: string;
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * `items` in order, in groups of at most `count` items and `maxBytes` bytes (an item larger than
 * `maxBytes` goes alone).
 */
function groupsOf<T>(items: T[], count: number, maxBytes: number, bytesOf: (item: T) => number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length >= count || bytes + size > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const messageBody = (jobs: string[]) => `{"jobs":[${jobs.join(',')}]}`;

interface Message {
  body: string;
  bytes: number;
  entries: Waiting[];
}

/** Waiting jobs as requests of messages, each within SQS's limits. */
function requestsOf(waiting: Waiting[]): Message[][] {
  const messages = groupsOf(waiting, MAX_JOBS_PER_MESSAGE, MAX_MESSAGE_BYTES, (entry) => entry.bytes + 1).map(
    (entries): Message => {
      const body = messageBody(entries.map((entry) => entry.json));
      return { body, bytes: Buffer.byteLength(body), entries };
    },
  );
  return groupsOf(messages, MAX_ENTRIES, MAX_REQUEST_BYTES, (message) => message.bytes);
}

/**
 * Sends up to ten bodies in one SendMessageBatch: for each, undefined when SQS took it or why it did
 * not. Throws when the request itself failed (none was taken).
 */
async function sendBatch(
  client: SQSClient,
  queueUrl: string,
  bodies: string[],
): Promise<(string | undefined)[]> {
  const response = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );
  const failed = new Map((response.Failed ?? []).map((failure) => [failure.Id, failure]));
  return bodies.map((_, index) => {
    const failure = failed.get(String(index));
    return failure && `SQS refused a mail job: ${failure.Code} ${failure.Message ?? ''}`.trim();
  });
}

/** Times `requeueAlone` offers SQS an entry it refuses before giving up. */
const REQUEUE_ATTEMPTS = 3;

/** The longest a job waits for others to leave with, while jobs keep coming. */
export const MAX_WINDOW_MS = 50;

/**
 * The mail queue on SQS. Jobs queued within a window of each other leave together: up to ten to a
 * message and ten messages to a SendMessageBatch, each caller answered when the message holding its
 * job is accepted or refused. The window is `windowMs` while jobs come alone, and doubles (up to
 * MAX_WINDOW_MS) each time one closes on several: a request to SQS costs the server far more than the
 * jobs it carries, so a server answering a thousand sign-ups at once makes about twenty requests, not
 * a thousand (measured on npm start: the burst's p99 0.51-0.58 s, was 0.73-1.16 s with a 2 ms window). A
 * Lambda instance serves one request at a time, so there every job leaves alone, `windowMs` later.
 */
export function createMailJobQueue(
  client: SQSClient,
  queueUrl: string,
  options: { windowMs?: number } = {},
): MailJobQueue {
  const shortestWindowMs = options.windowMs ?? 2;
  let windowMs = shortestWindowMs;
  let waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = async (messages: Message[]) => {
    try {
      const refusals = await sendBatch(
        client,
        queueUrl,
        messages.map((message) => message.body),
      );
      messages.forEach((message, index) => {
        const refusal = refusals[index];
        for (const entry of message.entries) {
          if (refusal) entry.reject(new Error(refusal));
          else entry.resolve();
        }
      });
    } catch (error) {
      for (const entry of messages.flatMap((message) => message.entries)) entry.reject(error as Error);
    }
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    windowMs = waiting.length > 1 ? Math.min(MAX_WINDOW_MS, windowMs * 2) : shortestWindowMs;
    const requests = requestsOf(waiting);
    waiting = [];
    for (const request of requests) void send(request);
  };

  return {
    enqueue(job) {
      return new Promise<void>((resolve, reject) => {
        const json = JSON.stringify(job);
        waiting.push({ json, bytes: Buffer.byteLength(json), resolve, reject });
        if (waiting.length >= MAX_JOBS_PER_MESSAGE * MAX_ENTRIES) flush();
        else timer ??= setTimeout(flush, windowMs);
      });
    },
    async requeueAlone(jobs) {
      let bodies = jobs.map((job) => messageBody([JSON.stringify(job)]));
      // An entry SQS refuses is tried again (a refusal is usually passing): throwing at once would send
      // the worker's whole message back, and the entries SQS took would then be done twice.
      for (let attempt = 1; bodies.length > 0; attempt += 1) {
        const refused: string[] = [];
        let reason: string | undefined;
        for (const request of groupsOf(bodies, MAX_ENTRIES, MAX_REQUEST_BYTES, (body) =>
          Buffer.byteLength(body),
        )) {
          const refusals = await sendBatch(client, queueUrl, request);
          request.forEach((body, index) => {
            if (refusals[index]) refused.push(body);
          });
          reason ??= refusals.find(Boolean);
        }
        if (refused.length > 0 && attempt >= REQUEUE_ATTEMPTS) throw new Error(reason);
        bodies = refused;
      }
    },
  };
}
