import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { GIVE_WAY_MAX_MS, startQueuePoller } from '../../infra/local/queue-poller';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';

let standIns: StandIns;
let sqs: SQSClient;

beforeAll(async () => {
  standIns = await startStandIns({
    dynamodbPort: 0,
    sesPort: 0,
    sqsPort: 0,
    tablePrefix: 'poller-',
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 1,
  });
  sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await standIns.stop();
});

const depth = async (queueUrl: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('local event source mapping over local-aws-sqs', () => {
  it('deletes what succeeded, retries reported failures, and a message that keeps failing ends in the DLQ', async () => {
    const seen: Record<string, number> = {};
    const poller = startQueuePoller({
      sqs,
      queueUrl: standIns.queues.sendQueueUrl,
      retryDelaySeconds: 0,
      handler: async (event: SQSEvent) => {
        for (const record of event.Records) seen[record.body] = (seen[record.body] ?? 0) + 1;
        return {
          batchItemFailures: event.Records.filter((record) => record.body === 'poison').map((record) => ({
            itemIdentifier: record.messageId,
          })),
        };
      },
    });
    try {
      for (const body of ['good-1', 'poison', 'good-2']) {
        await sqs.send(new SendMessageCommand({ QueueUrl: standIns.queues.sendQueueUrl, MessageBody: body }));
      }
      await until(async () => (await depth(standIns.queues.deadLetterQueueUrl)) === 1);
      await until(async () => (await depth(standIns.queues.sendQueueUrl)) === 0);
    } finally {
      await poller.stop();
    }
    expect(seen['good-1']).toBe(1);
    expect(seen['good-2']).toBe(1);
    // local-aws-sqs moves a message on reaching maxReceiveCount receives, AWS on exceeding it.
    expect(seen.poison).toBeGreaterThanOrEqual(1);
    expect(seen.poison).toBeLessThanOrEqual(2);
  }, 30_000);
});

describe('giving way to the web app on one machine', () => {
  it('takes no batch while the web app is busy, and takes it once the web app is idle', async () => {
    let webBusy = true;
    const handledAt: number[] = [];
    // Queued before the poller starts: its second of giving way covers the whole wait below.
    await sqs.send(new SendMessageCommand({ QueueUrl: standIns.queues.mailQueueUrl, MessageBody: 'a' }));
    const poller = startQueuePoller({
      sqs,
      queueUrl: standIns.queues.mailQueueUrl,
      idleDelayMs: 20,
      giveWayTo: () => webBusy,
      handler: async (event) => {
        handledAt.push(Date.now());
        return { batchItemFailures: [] };
      },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handledAt).toEqual([]);
      const freedAt = Date.now();
      webBusy = false;
      await until(async () => handledAt.length === 1);
      expect(handledAt[0]).toBeGreaterThanOrEqual(freedAt);
    } finally {
      await poller.stop();
    }
  });

  it('takes its batch anyway after GIVE_WAY_MAX_MS, so a steady stream of requests cannot stall the queue', async () => {
    const handled: string[] = [];
    const poller = startQueuePoller({
      sqs,
      queueUrl: standIns.queues.mailQueueUrl,
      idleDelayMs: 20,
      giveWayTo: () => true,
      handler: async (event) => {
        handled.push(...event.Records.map((record) => record.body));
        return { batchItemFailures: [] };
      },
    });
    const startedAt = Date.now();
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: standIns.queues.mailQueueUrl, MessageBody: 'b' }));
      await until(async () => handled.length === 1, 5 * GIVE_WAY_MAX_MS);
    } finally {
      await poller.stop();
    }
    expect(handled).toEqual(['b']);
    // It did give way first.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(GIVE_WAY_MAX_MS - 20);
  });
});
