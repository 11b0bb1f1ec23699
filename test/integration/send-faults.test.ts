import { parseConfig } from '../../functions/config';
import { createServices, type Services } from '../../functions/composition';
import { sendDigestBatch } from '../../functions/core/digests/send-digests';
import type { SendEmailCommand, SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Logger } from '../../functions/core/ports';
import { type Subscriber } from '../../functions/core/subscribers/subscriber';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { standInEnvironment } from '../support/stand-in-environment';
import { readInbox } from '../support/ses-inbox';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { HF_DAYS_DIR } from '../support/paths';
import { aDigestBatch, storedReaders } from '../support/builders';

/**
 * Faults injected around the real SES client (so the real SES adapter classifies them): SES
 * throttling for some recipients (refused, certainly not sent), and for others a timeout after
 * SES accepted the message (the outcome is unknown to the sender).
 */
const throttled = new Set<string>();
const acceptedThenTimedOut = new Set<string>();
/**
 * Faults on the wire, inside the SDK's retries (a middleware after its retry step): SES throttles the
 * first attempt, or accepts the mail and the connection drops before its answer arrives.
 */
const throttledOnce = new Set<string>();
const acceptedThenReset = new Set<string>();
function faultyClient(real: SESv2Client): SESv2Client {
  real.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: SendEmailCommandInput }).input;
      const [to] = context.commandName === 'SendEmailCommand' ? (input?.Destination?.ToAddresses ?? []) : [];
      if (to && throttledOnce.delete(to))
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'TooManyRequestsException',
          $fault: 'client',
          $metadata: { httpStatusCode: 429 },
        });
      const output = await next(args);
      if (to && acceptedThenReset.delete(to))
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
      return output;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'sesWireFaults' },
  );
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
  const env = standInEnvironment(standIns, { tokenSecret: 'faults-test-secret-0123456789-abcdefghijklmnop' });
  services = await createServices(parseConfig({ ...env, SES_MAX_SEND_RATE: '1000' }), {
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

const confirmedReaders = (count: number): Promise<Subscriber[]> => storedReaders(services.subscribers, count);

describe('send-digests under SES throttling (fault injected around the real SES adapter)', () => {
  it('reports the throttled recipients, sends the rest, and a retry sends each exactly once', async () => {
    const readers = await confirmedReaders(4);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = aDigestBatch({
      digestDate: '2025-11-13',
      runId: 'faults-1',
      papers: [{ paperId: paper.id, why: [{ topic: 'AI agents', matched: ['agent'] }] }],
      recipients: readers.map((reader) => reader.id),
    });
    throttled.add(readers[1].email).add(readers[3].email);
    const deps = { ...services, linksFor: services.subscriptions.linksFor };

    await services.ledger.start({ digestDate: '2025-11-13', runId: 'faults-1' }, 1);

    const first = await sendDigestBatch(deps, batch);
    throttled.clear();
    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });
    const rerun = await sendDigestBatch(deps, { ...batch, runId: 'faults-2' });
    const inbox = await readInbox(standIns.endpoints.ses);

    expect(first.sent).toBe(2);
    expect(first.retrySubscriberIds.sort()).toEqual([readers[1].id, readers[3].id].sort());
    expect(retry).toMatchObject({ sent: 2, skipped: 0, failed: 0, retrySubscriberIds: [] });
    expect(rerun).toMatchObject({ sent: 0, skipped: 4, retrySubscriberIds: [] });
    // The run's ledger counts each reader once, on their final outcome, across the redelivery.
    expect(await services.ledger.read({ digestDate: '2025-11-13', runId: 'faults-1' })).toMatchObject({
      sent: 4,
      skipped: 0,
      failed: 0,
    });
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
      aDigestBatch({
        digestDate: '2025-11-13',
        papers: [{ paperId: paper.id, why: [] }],
        recipients: [reader.id],
      }),
    );

    expect(result).toMatchObject({ sent: 0, skipped: 1, retrySubscriberIds: [], uncertainSubscriberIds: [] });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(0);
  });

  it('never sends a second copy when SES accepted the mail but the answer timed out', async () => {
    const [reader] = await confirmedReaders(1);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = aDigestBatch({
      digestDate: '2025-11-13',
      papers: [{ paperId: paper.id, why: [] }],
      recipients: [reader.id],
    });
    const deps = { ...services, linksFor: services.subscriptions.linksFor };
    acceptedThenTimedOut.add(reader.email);

    const first = await sendDigestBatch(deps, batch);
    acceptedThenTimedOut.clear();
    const retry = await sendDigestBatch(deps, { ...batch, runId: 'another-run' });

    expect(first).toMatchObject({
      sent: 0,
      uncertain: 1,
      retrySubscriberIds: [],
      uncertainSubscriberIds: [reader.id],
    });
    expect(retry).toMatchObject({ sent: 0, skipped: 1 });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(1);
  });

  it("sends no second copy when SES accepted the mail and the connection dropped (the SDK's retries are throttling only)", async () => {
    const [reader] = await confirmedReaders(1);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = aDigestBatch({
      digestDate: '2025-11-13',
      papers: [{ paperId: paper.id, why: [] }],
      recipients: [reader.id],
    });
    acceptedThenReset.add(reader.email);

    const result = await sendDigestBatch({ ...services, linksFor: services.subscriptions.linksFor }, batch);

    expect(result).toMatchObject({ sent: 0, uncertain: 1, uncertainSubscriberIds: [reader.id] });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(1);
  });

  it('still lets the SDK retry a throttled send, which then goes out once', async () => {
    const [reader] = await confirmedReaders(1);
    const [paper] = await services.papers.listByDays(['2025-11-13']);
    const batch = aDigestBatch({
      digestDate: '2025-11-13',
      papers: [{ paperId: paper.id, why: [] }],
      recipients: [reader.id],
    });
    throttledOnce.add(reader.email);

    const result = await sendDigestBatch({ ...services, linksFor: services.subscriptions.linksFor }, batch);

    expect(throttledOnce.has(reader.email)).toBe(false);
    expect(result).toMatchObject({ sent: 1, uncertain: 0, retrySubscriberIds: [] });
    expect(await readInbox(standIns.endpoints.ses, reader.email)).toHaveLength(1);
  });
});
