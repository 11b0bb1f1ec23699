import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createMailJobQueue, MAX_WINDOW_MS, parseMailMessage } from '../../functions/adapters/sqs/mail-queue';
import type { MailJob } from '../../functions/core/subscribers/mail-jobs';
import {
  defaultPreferences,
  KEYWORD_LENGTH,
  MAX_EXAMPLE_PAPERS,
  MAX_TOPIC_ENTRIES,
} from '../../functions/core/subscribers/subscriber';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';

let standIns: StandIns;
let sqs: SQSClient;
beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'mail-queue-' });
  sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await standIns.stop();
});

/** The real client, counting the requests it makes and optionally changing their answers. */
function countingClient(answer?: (output: any) => any) {
  const calls: string[] = [];
  const client = {
    send: async (command: any) => {
      calls.push(command.constructor.name);
      const output = await sqs.send(command);
      return answer ? answer(output) : output;
    },
  } as unknown as SQSClient;
  return { client, calls };
}

const signUp = (index: number): MailJob => ({
  job: 'sign-up',
  email: `reader-${index}@example.com`,
  preferences: defaultPreferences(),
});

/** The bodies of every message on the queue, as sent (each a string). */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

/** A sign-up as large as the preferences' limits allow. */
const largestSignUp = (index: number): MailJob => ({
  job: 'sign-up',
  email: `${String(index).padStart(3, '0')}${'a'.repeat(61)}@${'b'.repeat(60)}.example.com`,
  preferences: {
    ...defaultPreferences(),
    topics: Array.from({ length: MAX_TOPIC_ENTRIES }, (_, n) => `topic-${n}`),
    // Three bytes a character in UTF-8: the limits are on bytes, not characters.
    keywords: Array.from({ length: MAX_TOPIC_ENTRIES }, (_, n) => `${n}`.padEnd(KEYWORD_LENGTH.max, '語')),
    organizations: Array.from({ length: MAX_TOPIC_ENTRIES }, (_, n) =>
      `${n}`.padEnd(KEYWORD_LENGTH.max, '組'),
    ),
    authors: Array.from({ length: MAX_TOPIC_ENTRIES }, (_, n) => `${n}`.padEnd(KEYWORD_LENGTH.max, '著')),
    examplePapers: Array.from({ length: MAX_EXAMPLE_PAPERS }, (_, n) => `2601.${String(n).padStart(5, '0')}`),
  },
});

describe('mail queue on SQS', () => {
  it('sends jobs queued at the same moment together, ten to a message, every one delivered whole', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const jobs = Array.from({ length: 25 }, (_, index) => signUp(index));

    await Promise.all(jobs.map((job) => queue.enqueue(job)));

    expect(calls).toEqual(['SendMessageBatchCommand']);
    const bodies = await drain(standIns.queues.mailQueueUrl);
    expect(bodies.map((body) => parseMailMessage(body).length).sort()).toEqual([10, 10, 5]);
    expect(bodies.flatMap(parseMailMessage)).toEqual(expect.arrayContaining(jobs));
  });

  it('makes one request per hundred jobs of a burst', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const jobs = Array.from({ length: 250 }, (_, index) => signUp(index));

    await Promise.all(jobs.map((job) => queue.enqueue(job)));

    expect(calls).toHaveLength(3);
    const delivered = (await drain(standIns.queues.mailQueueUrl)).flatMap(parseMailMessage);
    expect(delivered).toHaveLength(250);
    expect(new Set(delivered.map((job) => (job as { email: string }).email)).size).toBe(250);
  });

  it('widens its window while jobs keep coming, so a stream of sign-ups makes few requests', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const queued: Promise<void>[] = [];
    const started = Date.now();

    // 300 jobs, one a millisecond or so: a 2 ms window alone would make a request for every one to three.
    for (let index = 0; index < 300; index += 1) {
      queued.push(queue.enqueue(signUp(index)));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(queued);

    // About one request per widest window of the stream's length (however slow this machine's timers).
    expect(calls.length).toBeLessThanOrEqual((Date.now() - started) / MAX_WINDOW_MS + 10);
    expect(calls.length).toBeLessThan(60);
    expect((await drain(standIns.queues.mailQueueUrl)).flatMap(parseMailMessage)).toHaveLength(300);

    // Quiet again: a job alone leaves alone, and so does the next one.
    calls.length = 0;
    await queue.enqueue(signUp(1000));
    await queue.enqueue(signUp(1001));
    expect(calls).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand']);
    expect((await drain(standIns.queues.mailQueueUrl)).map((body) => parseMailMessage(body).length)).toEqual([
      1, 1,
    ]);
  });

  it('keeps each request of the largest jobs within the 256 KiB SendMessageBatch takes', async () => {
    const requestBytes: number[] = [];
    const client = {
      send: (command: SendMessageBatchCommand) => {
        const entries = command.input.Entries ?? [];
        requestBytes.push(
          entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''), 0),
        );
        return sqs.send(command);
      },
    } as unknown as SQSClient;
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const jobs = Array.from({ length: 100 }, (_, index) => largestSignUp(index));

    await Promise.all(jobs.map((job) => queue.enqueue(job)));

    expect(Buffer.byteLength(JSON.stringify(jobs[0]))).toBeGreaterThan(25_000);
    expect(Math.max(...requestBytes)).toBeLessThan(256 * 1024);
    expect((await drain(standIns.queues.mailQueueUrl)).flatMap(parseMailMessage)).toEqual(
      expect.arrayContaining(jobs),
    );
  });

  it('sends a job queued alone by itself, a moment later', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    await queue.enqueue({ job: 'new-link', subscriberId: 'reader-1', tokenVersion: 2 });

    expect(calls).toEqual(['SendMessageBatchCommand']);
    expect((await drain(standIns.queues.mailQueueUrl)).map(parseMailMessage)).toEqual([
      [{ job: 'new-link', subscriberId: 'reader-1', tokenVersion: 2 }],
    ]);
  });

  it('requeues jobs one per message', async () => {
    const { client } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const jobs = Array.from({ length: 12 }, (_, index) => signUp(index));

    await queue.requeueAlone(jobs);

    const bodies = await drain(standIns.queues.mailQueueUrl);
    expect(bodies.map((body) => parseMailMessage(body).length)).toEqual(Array(12).fill(1));
    expect(bodies.flatMap(parseMailMessage)).toEqual(expect.arrayContaining(jobs));
  });

  it('reads a message the version before packing queued (one bare job), and refuses a body that is no job', () => {
    expect(parseMailMessage(JSON.stringify(signUp(1)))).toEqual([signUp(1)]);
    expect(() => parseMailMessage('{"jobs":[]}')).toThrow();
    expect(() => parseMailMessage('{"job":"sign-up","email":"not an address"}')).toThrow();
    expect(() => parseMailMessage('not json')).toThrow();
  });

  it('rejects only the callers whose message SQS refused', async () => {
    const { client } = countingClient((output) => ({
      ...output,
      Successful: output.Successful.filter((entry: { Id: string }) => entry.Id !== '1'),
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    }));
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    // Twelve jobs: the first ten in message 0, the last two in message 1 (refused).
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) => queue.enqueue(signUp(index))),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      ...Array(10).fill('fulfilled'),
      'rejected',
      'rejected',
    ]);
    expect(String((outcomes[11] as PromiseRejectedResult).reason)).toMatch(
      /SQS refused a mail job: InternalError/,
    );
    await drain(standIns.queues.mailQueueUrl);
  });

  it('offers SQS again what it refused of a requeue, so none of it is lost or done twice', async () => {
    let refuseFirst = true;
    const requests: number[] = [];
    // SQS refusing the first entry of the first request: it keeps the others only.
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        const entries = command.input.Entries ?? [];
        requests.push(entries.length);
        if (!refuseFirst) return sqs.send(command);
        refuseFirst = false;
        const output = await sqs.send(
          new SendMessageBatchCommand({ ...command.input, Entries: entries.slice(1) }),
        );
        return {
          ...output,
          Failed: [{ Id: entries[0].Id, Code: 'InternalError', SenderFault: false, Message: 'try again' }],
        };
      },
    } as unknown as SQSClient;
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    await queue.requeueAlone([signUp(1), signUp(2)]);

    expect(requests).toEqual([2, 1]);
    const delivered = (await drain(standIns.queues.mailQueueUrl)).flatMap(parseMailMessage);
    expect(delivered).toHaveLength(2);
    expect(delivered).toEqual(expect.arrayContaining([signUp(1), signUp(2)]));
  });

  it('refuses a requeue that SQS keeps refusing in part', async () => {
    const { client } = countingClient((output) => ({
      ...output,
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    }));
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    await expect(queue.requeueAlone([signUp(1), signUp(2)])).rejects.toThrow(/InternalError/);
    await drain(standIns.queues.mailQueueUrl);
  });

  it('rejects every caller of a batch SQS could not be reached for', async () => {
    const unreachable = new SQSClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const queue = createMailJobQueue(unreachable, standIns.queues.mailQueueUrl);
    const depth = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: standIns.queues.mailQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
      );
    };
    const before = await depth();

    const outcomes = await Promise.allSettled([0, 1].map((index) => queue.enqueue(signUp(index))));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await depth()).toBe(before);
    unreachable.destroy();
  });
});
