import { parseConfig } from '../../functions/config';
import { createServices, type Services } from '../../functions/composition';
import { sendDigestBatch } from '../../functions/core/digests/send-digests';
import type { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Logger } from '../../functions/core/ports';
import { defaultPreferences, type Subscriber } from '../../functions/core/subscribers/subscriber';
import { functionEnvironment, parseLocalSettings } from '../../infra/local/settings';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { readInbox } from '../support/ses-inbox';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { HF_DAYS_DIR } from '../support/paths';

/**
 * Faults injected around the real SES client (so the real SES adapter classifies them): SES
 * throttling for some recipients (refused, certainly not sent), and for others a timeout after
 * SES accepted the message (the outcome is unknown to the sender).
 */
const throttled = new Set<string>();
const acceptedThenTimedOut = new Set<string>();
function faultyClient(real: SESv2Client): SESv2Client {
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: SendEmailCommand) => {
        const [to] = command.input.Destination?.ToAddresses ?? [];
        if (throttled.has(to)) {
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'TooManyRequestsException',
            $metadata: { httpStatusCode: 429 },
          });
        }
        const response = await target.send(command);
        if (acceptedThenTimedOut.has(to))
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return response;
      };
    },
  });
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let standIns: StandIns;
let services: Services;

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'faults-' });
  const env = functionEnvironment({
    settings: parseLocalSettings({}),
    endpoints: standIns.endpoints,
    tables: standIns.tables,
    sendQueueUrl: standIns.queues.sendQueueUrl,
    tokenSecret: 'faults-test-secret-0123456789-abcdefghijklmnop',
    publicUrl: 'https://paperboy.example',
  });
  services = await createServices(parseConfig({ ...env, MAX_SEND_RATE: '1000' }), {
    sesClient: faultyClient,
    logger: silent,
  });
  const papers = parseDailyPapers(
    JSON.parse(readFileSync(path.join(HF_DAYS_DIR, '2025-11-13.json'), 'utf8')),
    '2025-11-13',
  ).papers;
  await services.papers.upsert(papers);
});
afterAll(async () => standIns.stop());

async function confirmedReaders(count: number): Promise<Subscriber[]> {
  const now = new Date().toISOString();
  const readers = Array.from({ length: count }, (_, index): Subscriber => ({
    id: `faulty-${index}-${Math.random().toString(36).slice(2, 8)}`,
    email: `faulty-${index}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    status: 'confirmed',
    preferences: { ...defaultPreferences(), topics: ['ai-agents'] },
    tokenVersion: 1,
    confirmationsSentAt: [],
    createdAt: now,
    updatedAt: now,
  }));
  for (const reader of readers) await services.subscribers.create(reader);
  return readers;
}

describe('send-digests under SES throttling (fault injected around the real SES adapter)', () => {
  it('reports the throttled recipients, sends the rest, and a retry sends each exactly once', async () => {
    const readers = await confirmedReaders(4);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = {
      digestDate: '2025-11-13',
      cadence: 'daily' as const,
      papers: [{ paperId: paper.id, score: 1, why: [{ topic: 'AI agents', matched: ['agent'] }] }],
      subscriberIds: readers.map((reader) => reader.id),
    };
    throttled.add(readers[1].email).add(readers[3].email);
    const deps = { ...services, linksFor: services.subscriptions.linksFor };

    const first = await sendDigestBatch(deps, batch);
    throttled.clear();
    const retry = await sendDigestBatch(deps, batch);
    const third = await sendDigestBatch(deps, batch);
    const inbox = await readInbox(standIns.endpoints.ses);

    expect(first.sent).toBe(2);
    expect(first.failedSubscriberIds.sort()).toEqual([readers[1].id, readers[3].id].sort());
    expect(retry).toEqual({ sent: 2, skipped: 2, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(third).toEqual({ sent: 0, skipped: 4, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    for (const reader of readers) {
      expect(inbox.filter((email) => email.destination.to.includes(reader.email))).toHaveLength(1);
    }
  });

  it('skips a subscriber who unsubscribed between planning and sending', async () => {
    const [reader] = await confirmedReaders(1);
    await services.subscribers.save(
      { ...reader, status: 'unsubscribed', updatedAt: new Date(Date.now() + 1000).toISOString() },
      reader.updatedAt,
    );
    const [paper] = await services.papers.listByDays(['2025-11-13']);

    const result = await sendDigestBatch(
      { ...services, linksFor: services.subscriptions.linksFor },
      {
        digestDate: '2025-11-13',
        cadence: 'daily',
        papers: [{ paperId: paper.id, score: 1, why: [] }],
        subscriberIds: [reader.id],
      },
    );

    expect(result).toEqual({ sent: 0, skipped: 1, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(0);
  });

  it('never sends a second copy when SES accepted the mail but the answer timed out', async () => {
    const [reader] = await confirmedReaders(1);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = {
      digestDate: '2025-11-13',
      cadence: 'daily' as const,
      papers: [{ paperId: paper.id, score: 1, why: [] }],
      subscriberIds: [reader.id],
    };
    const deps = { ...services, linksFor: services.subscriptions.linksFor };
    acceptedThenTimedOut.add(reader.email);

    const first = await sendDigestBatch(deps, batch);
    acceptedThenTimedOut.clear();
    const retry = await sendDigestBatch(deps, batch);

    expect(first).toMatchObject({ sent: 0, failedSubscriberIds: [], uncertainSubscriberIds: [reader.id] });
    expect(retry).toMatchObject({ sent: 0, skipped: 1 });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(1);
  });
});
