import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createMailJobQueue, MailJobSchema } from '../../functions/adapters/sqs/mail-queue';
import type { MailJob } from '../../functions/core/subscribers/mail-jobs';
import { defaultPreferences } from '../../functions/core/subscribers/subscriber';
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

async function drain(queueUrl: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => JSON.parse(message.Body ?? '')));
  }
}

describe('mail queue on SQS', () => {
  it('sends jobs queued at the same moment ten to a request, every one delivered whole', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);
    const jobs = Array.from({ length: 25 }, (_, index) => signUp(index));

    await Promise.all(jobs.map((job) => queue.enqueue(job)));

    expect(calls).toEqual(Array(3).fill('SendMessageBatchCommand'));
    const bodies = await drain(standIns.queues.mailQueueUrl);
    expect(bodies.map((body) => MailJobSchema.parse(body))).toEqual(expect.arrayContaining(jobs));
    expect(bodies).toHaveLength(25);
  });

  it('sends a job queued alone by itself, a moment later', async () => {
    const { client, calls } = countingClient();
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    await queue.enqueue({ job: 'new-link', subscriberId: 'reader-1', tokenVersion: 2 });

    expect(calls).toEqual(['SendMessageBatchCommand']);
    expect(await drain(standIns.queues.mailQueueUrl)).toEqual([
      { job: 'new-link', subscriberId: 'reader-1', tokenVersion: 2 },
    ]);
  });

  it('rejects only the caller whose entry SQS refused', async () => {
    const { client } = countingClient((output) => ({
      ...output,
      Successful: output.Successful.filter((entry: { Id: string }) => entry.Id !== '1'),
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    }));
    const queue = createMailJobQueue(client, standIns.queues.mailQueueUrl);

    const outcomes = await Promise.allSettled([0, 1, 2].map((index) => queue.enqueue(signUp(index))));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(
      /SQS refused a mail job: InternalError/,
    );
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
