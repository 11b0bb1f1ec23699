import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { createMetrics, RunMetric } from '../../functions/adapters/observability';
import { createServices, type Services } from '../../functions/composition';
import { parseConfig } from '../../functions/config';
import { REFUSALS_BEFORE_STOP } from '../../functions/core/digests/send-digests';
import { findStuckClaims } from '../../functions/core/digests/settle-claims';
import { type Subscriber } from '../../functions/core/subscribers/subscriber';
import { sendDigestsHandler } from '../../functions/handlers/send-digests';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { lambdaContext, sqsRecord } from '../fixtures/events';
import { aDigestBatch, storedReaders } from '../support/builders';
import { RecordingLogger } from '../support/in-memory-ports';
import { HF_DAYS_DIR } from '../support/paths';
import { readInbox } from '../support/ses-inbox';
import { standInEnvironment } from '../support/stand-in-environment';

/**
 * SES pauses the account's sending midway through a send message (fault injected around the real SES
 * client, so the real SES adapter classifies it): the sender stops after a run of refusals, leaves the
 * rest of the message for the retry and says why; once SES sends again, the redelivered message sends
 * every reader exactly once.
 */
const DAY = '2025-11-13';
const RUN = { digestDate: DAY, runId: 'refused-run' };
const READERS = 10;
const ACCEPTED_BEFORE_PAUSE = 3;

/** SES as it answers SendEmail while the account's sending is paused. */
const sendingPaused = () =>
  Object.assign(
    new Error('Sending paused for this account. For more information, please check the AWS console.'),
    {
      name: 'SendingPausedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'paused-request' },
    },
  );

/** SendEmail calls reaching the wrapper; from `pauseAfter` accepted ones on, SES refuses them all. */
const ses = { calls: 0, accepted: 0, pauseAfter: Infinity };
function pausingClient(real: SESv2Client): SESv2Client {
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: SendEmailCommand) => {
        ses.calls++;
        if (ses.accepted >= ses.pauseAfter) throw sendingPaused();
        const response = await target.send(command);
        ses.accepted++;
        return response;
      };
    },
  });
}

let standIns: StandIns;
let services: Services;
const logger = new RecordingLogger();

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'refused-' });
  const env = standInEnvironment(standIns, { tokenSecret: 'refused-test-secret-0123456789-abcdefghijklmn' });
  services = await createServices(parseConfig({ ...env, SES_MAX_SEND_RATE: '1000' }), {
    sesClient: pausingClient,
    logger,
  });
  await services.papers.upsert(
    parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${DAY}.json`), 'utf8')), DAY).papers,
  );
});
afterAll(async () => standIns.stop());

const confirmedReaders = (count: number): Promise<Subscriber[]> => storedReaders(services.subscribers, count);

describe('send-digests while SES refuses the account its sending (SendingPausedException)', () => {
  it('stops after a run of refusals, defers the rest unclaimed, says why, and sends each reader once after', async () => {
    const readers = await confirmedReaders(READERS);
    const [paper] = await services.papers.listByDays([DAY]);
    const batch = aDigestBatch({
      ...RUN,
      papers: [{ paperId: paper.id, why: [{ topic: 'AI agents', matched: ['agent'] }] }],
      recipients: readers.map((reader) => reader.id),
    });
    await services.ledger.start(RUN, 1);
    const metrics = createMetrics();
    const handler = sendDigestsHandler(async () => services, metrics);
    const delivery = (receiveCount: number) => ({
      Records: [
        sqsRecord(JSON.stringify(batch), {
          messageId: 'refused-message',
          attributes: { ...sqsRecord('').attributes, ApproximateReceiveCount: String(receiveCount) },
        }),
      ],
    });
    ses.pauseAfter = ACCEPTED_BEFORE_PAUSE;

    const paused = await handler(delivery(1), lambdaContext);

    const deferred = READERS - ACCEPTED_BEFORE_PAUSE - REFUSALS_BEFORE_STOP;
    expect(paused).toEqual({ batchItemFailures: [{ itemIdentifier: 'refused-message' }] });
    // SES was asked for the accepted mails and the run of refusals, then no more.
    expect(ses.calls).toBe(ACCEPTED_BEFORE_PAUSE + REFUSALS_BEFORE_STOP);
    expect(await readInbox(standIns.endpoints.ses)).toHaveLength(ACCEPTED_BEFORE_PAUSE);
    // Nothing is held: the refused readers' claims are given back, the rest were never claimed.
    for (const reader of readers.slice(ACCEPTED_BEFORE_PAUSE))
      expect((await services.subscribers.get(reader.id))?.digestHistory?.[DAY]).toBeUndefined();
    // Why, in the logs and a metric.
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'SES refuses to send for the account: rest of the batch left for the retry',
      extra: { reason: 'SendingPausedException', refusals: REFUSALS_BEFORE_STOP, deferred },
    });
    expect(metrics.serializeMetrics()).toMatchObject({ [RunMetric.SendingRefused]: 1 });
    expect(await services.ledger.read(RUN)).toMatchObject({ sent: ACCEPTED_BEFORE_PAUSE, failed: 0 });

    // SES sends again; SQS redelivers the message after its visibility timeout.
    ses.pauseAfter = Infinity;
    metrics.clearMetrics();
    const resumed = await handler(delivery(2), lambdaContext);
    const again = await handler(delivery(3), lambdaContext);

    expect(resumed).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    const inbox = await readInbox(standIns.endpoints.ses);
    expect(inbox).toHaveLength(READERS);
    for (const reader of readers)
      expect(inbox.filter((email) => email.destination.to.includes(reader.email))).toHaveLength(1);
    expect(metrics.serializeMetrics()).not.toHaveProperty(RunMetric.SendingRefused);
    expect(await services.ledger.read(RUN)).toMatchObject({
      sent: READERS,
      skipped: 0,
      failed: 0,
      uncertain: 0,
    });
    expect((await findStuckClaims(services, DAY)).subscriberIds).toEqual([]);
  });
});
