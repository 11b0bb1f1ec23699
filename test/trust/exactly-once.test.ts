import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { createMetrics } from '../../functions/adapters/observability';
import { PlanSliceSchema } from '../../functions/adapters/sqs/digest-queue';
import { createServices, type Services } from '../../functions/composition';
import { parseConfig, type Config } from '../../functions/config';
import { createDigestComposer, type DigestComposer } from '../../functions/core/digests/digest-composer';
import { runPlanSlice } from '../../functions/core/digests/plan-slice';
import { SEND_MAX_RECEIVE_COUNT } from '../../functions/core/digests/send-digests';
import {
  CLAIM_LEASE_MS,
  CLAIM_TAG,
  findStuckClaims,
  settleSentClaim,
  settleStuckClaims,
} from '../../functions/core/digests/settle-claims';
import { startDigestRun } from '../../functions/core/digests/start-digest-run';
import type { Clock, Logger, RunReport } from '../../functions/core/ports';
import { defaultPreferences, type Subscriber } from '../../functions/core/subscribers/subscriber';
import { sendDigestsHandler } from '../../functions/handlers/send-digests';
import { localLambdaContext } from '../../infra/local/lambda-context';
import { waitUntilQueueEmpty } from '../../infra/local/queue-drain';
import { startQueuePoller } from '../../infra/local/queue-poller';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { injectDynamoDbFaults, injectSesFaults, noFaults, seededRandom } from '../support/fault-injection';
import { eventSourceSqsClient, STAND_IN_RECEIVES_PER_FAILURE } from '../support/event-source-sqs';
import { killSwitch } from '../support/kill-switch';
import { HF_DAYS_DIR } from '../support/paths';
import { dropStoredBodies, inboxByRecipient, inboxSize } from '../support/ses-store';
import { standInEnvironment } from '../support/stand-in-environment';
import { FULL_SIZE, reportFigures, trustSize } from './scale';

/**
 * Exactly once at size. N readers go through a whole digest day as in AWS: the run started, its
 * slices planned from the plan queue, its send messages sent from the send queue by several senders
 * (each its own Lambda instance: clients, rate-limiter lane), on dynalite, aws-ses-v2-local and
 * local-aws-sqs, while faults are injected around the real clients the adapters use:
 *
 * - SES throttles 10 % of SendEmail attempts (the SDK retries them), and for 2 % of the mails it
 *   accepts the answer never reaches the sender (a timeout: recorded as probably sent, never resent);
 * - DynamoDB throttles 5 % of requests on the wire (the SDK retries them) and 0.2 % of calls fail
 *   past the SDK's retries (the adapters and the core see the error);
 * - 15 % of send invocations (and the first two) are killed midway, as a Lambda timeout or crash
 *   kills one: at a random call, which half the time still lands (the claim written, the mail
 *   accepted), and nothing after it runs; SQS redelivers the message.
 *
 * SES's Send events settle claims, as the deploy option `settleClaimsFromSesEvents` has them arrive
 * through SNS (without it a mail SES accepted just before a kill has no record, and its claim looks
 * stuck: at least once, by design). Once the queues are empty, the events in, and the run's lease
 * passed, the operator's release (no --force) gives back the claims of mail never handed to SES, and a
 * re-run of the day sends them; the rounds repeat until nothing is stuck. Then: exactly N digests in
 * the SES stand-in's inbox, one per reader, no claim stuck, both DLQs empty.
 *
 * The faults are drawn from one seeded source (PAPERBOY_TRUST_SEED replays a run); TRUST_DEBUG=1
 * prints the run's progress, each kill and each failed slice.
 */
const DAY = '2025-11-13';
const READERS = trustSize(600, 10_000);
const SENDERS = FULL_SIZE ? 12 : 6;
const SEED = Number(process.env.PAPERBOY_TRUST_SEED ?? 20251113);
const FAULTS = {
  sesThrottle: 0.1,
  sesTimeoutAfterAccepted: 0.02,
  dynamoThrottle: 0.05,
  dynamoSurfaced: 0.002,
  /** Send invocations killed midway. */
  kill: 0.15,
};
/** Calls a sender makes through its ports for a full message (≤ 50 readers): where a kill may fall. */
const CALLS_PER_MESSAGE = 105;
const MAX_ROUNDS = 5;
/** Topics beside `ai-agents` (which every reader has, so every reader has a digest that day). */
const SECOND_TOPICS = ['llm-reasoning', 'multimodal-models', 'efficient-inference', 'rag', 'benchmarks'];

jest.setTimeout(FULL_SIZE ? 60 * 60_000 : 150_000);

const random = seededRandom(SEED);
const faults = noFaults();
const stats = {
  sliceInvocations: 0,
  slicesFailed: 0,
  sendInvocations: 0,
  killed: 0,
  killedAfterLanding: 0,
  sendEvents: 0,
  released: 0,
};
/** How often each log message was written (the core's loggers), to report what the faults caused. */
const logged = new Map<string, number>();
const countingLogger: Logger = {
  info: () => undefined,
  warn: (message) => void logged.set(message, (logged.get(message) ?? 0) + 1),
  error: (message) => void logged.set(message, (logged.get(message) ?? 0) + 1),
};
/** Every instance's clock: the operator's release moves it past the run's lease. */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let standIns: StandIns;
let config: Config;
/** The operator: setup, release and checks, with no faults. */
let operator: Services;
const stopping: (() => Promise<void>)[] = [];
/** SES Send events on their way (SNS → ses-events): the claim tag and SES's message id. */
const sendEvents: { tag: string; messageId: string }[] = [];
let eventsInFlight = 0;

/** One Lambda instance's services, faults injected around its SES and DynamoDB clients. */
async function faultyInstance(): Promise<Services> {
  const services = await createServices(config, {
    clock,
    logger: countingLogger,
    sesClient: (real) =>
      injectSesFaults(real, {
        random,
        throttle: FAULTS.sesThrottle,
        timeoutAfterAccepted: FAULTS.sesTimeoutAfterAccepted,
        counts: faults,
        onAccepted: (input, messageId) => {
          const tag = input.EmailTags?.find((entry) => entry.Name === CLAIM_TAG)?.Value;
          if (tag) sendEvents.push({ tag, messageId });
        },
      }),
  });
  injectDynamoDbFaults(services.db, {
    random,
    throttle: FAULTS.dynamoThrottle,
    surfaced: FAULTS.dynamoSurfaced,
    counts: faults,
  });
  return services;
}

/** plan-slice as its handler runs it: one slice a record, the day's composer kept by the instance. */
function planSliceConsumer(planner: Services) {
  let cached: { day: string; composer: Promise<DigestComposer> } | undefined;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      stats.sliceInvocations++;
      try {
        const slice = PlanSliceSchema.parse(JSON.parse(record.body));
        if (cached?.day !== slice.digestDate) {
          const composer = createDigestComposer(planner, slice.digestDate);
          cached = { day: slice.digestDate, composer };
          composer.catch(() => (cached = undefined));
        }
        await runPlanSlice(planner, slice, { composer: await cached.composer });
      } catch (error) {
        stats.slicesFailed++;
        if (process.env.TRUST_DEBUG) console.log('slice failed', error);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/**
 * The send-digests handler over one instance's services; `FAULTS.kill` of its invocations die at a
 * random call (the poller sees the invocation fail, and the message comes back).
 */
function sendConsumer(instance: Services) {
  let current = instance;
  const metrics = createMetrics();
  const handle = sendDigestsHandler(async () => current, metrics);
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    stats.sendInvocations++;
    const context = localLambdaContext('paperboy-send-digests', 120_000);
    try {
      // The first two invocations die too, so that every run, however small, has senders killed.
      if (random() >= FAULTS.kill && stats.sendInvocations > 2) {
        current = instance;
        return await handle(event, context);
      }
      const landed = random() < 0.5;
      const at = 1 + Math.floor(random() * CALLS_PER_MESSAGE);
      const kill = killSwitch({ at, landed });
      if (process.env.TRUST_DEBUG)
        void kill.killed.then(() =>
          console.log('killed', { at, landed, receive: event.Records[0].attributes.ApproximateReceiveCount }),
        );
      current = {
        ...instance,
        papers: kill.wrap(instance.papers),
        deliveries: kill.wrap(instance.deliveries),
        ledger: kill.wrap(instance.ledger),
        digestMailer: kill.wrap(instance.digestMailer),
      };
      return await Promise.race([
        handle(event, context),
        kill.killed.then((): never => {
          stats.killed++;
          if (landed) stats.killedAfterLanding++;
          throw new Error('killed');
        }),
      ]);
    } finally {
      metrics.clearMetrics();
    }
  };
}

/** SNS delivering SES's Send events to ses-events (which settles the claims); a failed one is retried. */
function startSendEventPump(events: Services): () => Promise<void> {
  let running = true;
  let bodiesDroppedAt = 0;
  const loop = (async () => {
    while (running) {
      const due = sendEvents.splice(0, 64);
      // At full size the SES stand-in (in this process) would hold every digest's body: keep only
      // who each went to, which is what the count reads.
      if (FULL_SIZE && Date.now() - bodiesDroppedAt > 2000) {
        dropStoredBodies();
        bodiesDroppedAt = Date.now();
      }
      if (due.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      eventsInFlight += due.length;
      await Promise.all(
        due.map(async (event) => {
          try {
            await settleSentClaim(events, event);
            stats.sendEvents++;
          } catch {
            sendEvents.push(event);
          } finally {
            eventsInFlight--;
          }
        }),
      );
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function until(done: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (${sendEvents.length} Send events waiting)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One run of the day, from the schedule's start to empty queues and every Send event in. */
async function runDay(runId: string, planner: Services): Promise<void> {
  // A start that fails (DynamoDB past its retries) is retried, as the Scheduler retries it.
  for (let attempt = 1; ; attempt++) {
    try {
      await startDigestRun(planner, { digestDate: DAY, totalSegments: config.PLAN_SEGMENTS, runId });
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
  const timeoutMs = FULL_SIZE ? 40 * 60_000 : 120_000;
  const hint = 'the run did not finish';
  await waitUntilQueueEmpty(operator.sqs, standIns.queues.planQueueUrl, { timeoutMs, quietMs: 1500, hint });
  await waitUntilQueueEmpty(operator.sqs, standIns.queues.sendQueueUrl, { timeoutMs, quietMs: 1500, hint });
  await until(() => sendEvents.length === 0 && eventsInFlight === 0, 'the Send events', timeoutMs);
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await operator.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function createReaders(count: number): Promise<Subscriber[]> {
  const now = clock.now().toISOString();
  const readers = Array.from({ length: count }, (_, index): Subscriber => ({
    id: `trust-${String(index).padStart(5, '0')}-${SEED}`,
    email: `reader-${index}@trust.example`,
    status: 'confirmed',
    preferences: {
      ...defaultPreferences(),
      topics: ['ai-agents', SECOND_TOPICS[index % SECOND_TOPICS.length]],
    },
    tokenVersion: 1,
    confirmationsSentAt: [],
    createdAt: now,
    updatedAt: now,
    confirmedAt: now,
  }));
  for (let start = 0; start < readers.length; start += 25)
    await Promise.all(readers.slice(start, start + 25).map((reader) => operator.subscribers.create(reader)));
  return readers;
}

beforeAll(async () => {
  standIns = await startStandIns({
    dynamodbPort: 0,
    sesPort: 0,
    sqsPort: 0,
    tablePrefix: 'trust-',
    // A message goes to its DLQ after SEND_MAX_RECEIVE_COUNT failed receives, as in AWS.
    maxReceiveCount: SEND_MAX_RECEIVE_COUNT * STAND_IN_RECEIVES_PER_FAILURE,
    visibilityTimeoutSeconds: 30,
  });
  stopping.push(() => standIns.stop());
  const env = standInEnvironment(standIns, { tokenSecret: 'trust-test-secret-0123456789-abcdefghijklmnopq' });
  config = parseConfig({ ...env, SES_MAX_SEND_RATE: '2000', PLAN_SEGMENTS: FULL_SIZE ? '16' : '4' });
  operator = await createServices(config, { clock, logger: countingLogger });
  await operator.papers.upsert(
    parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${DAY}.json`), 'utf8')), DAY).papers,
  );
});

afterAll(async () => {
  for (const stop of stopping.reverse()) await stop();
});

describe('exactly once at size', () => {
  it(`sends each of ${READERS} readers exactly one digest through SES throttling, timeouts, DynamoDB throttling and killed senders`, async () => {
    const startedAt = Date.now();
    const readers = await createReaders(READERS);
    const setupSeconds = (Date.now() - startedAt) / 1000;

    const planner = await faultyInstance();
    // Lambda's event source mappings: one message an invocation, retried a second after a failure.
    const sqs = eventSourceSqsClient(standIns.endpoints.sqs);
    stopping.push(async () => sqs.destroy());
    const pollerError = (error: Error) => {
      if (error.message !== 'killed')
        logged.set(`poller: ${error.message}`, (logged.get(`poller: ${error.message}`) ?? 0) + 1);
    };
    const pollers = [
      startQueuePoller({
        sqs,
        queueUrl: standIns.queues.planQueueUrl,
        handler: planSliceConsumer(planner),
        batchSize: 1,
        retryDelaySeconds: 1,
        idleDelayMs: 100,
        onError: pollerError,
      }),
    ];
    for (let index = 0; index < SENDERS; index++) {
      const sender = await faultyInstance();
      pollers.push(
        startQueuePoller({
          sqs,
          queueUrl: standIns.queues.sendQueueUrl,
          handler: sendConsumer(sender),
          batchSize: 1,
          retryDelaySeconds: 1,
          idleDelayMs: 100,
          onError: pollerError,
        }),
      );
    }
    stopping.push(async () => void (await Promise.all(pollers.map((poller) => poller.stop()))));
    stopping.push(startSendEventPump(await faultyInstance()));

    const sendingStartedAt = Date.now();
    if (process.env.TRUST_DEBUG) {
      const progress = setInterval(
        () =>
          console.log('progress', {
            seconds: Math.round((Date.now() - sendingStartedAt) / 1000),
            inbox: inboxSize(),
            eventsWaiting: sendEvents.length,
            ...stats,
          }),
        15_000,
      );
      stopping.push(async () => clearInterval(progress));
    }
    await runDay('trust-run', planner);
    const firstRun = (await operator.ledger.read({ digestDate: DAY, runId: 'trust-run' })) as RunReport;
    const inboxAfterFirstRun = inboxSize();

    // The operator's rounds: once the lease has passed, release what is stuck (no --force), run again.
    let rounds = 1;
    for (;;) {
      offsetMs += CLAIM_LEASE_MS + 60_000;
      const settled = await settleStuckClaims(operator, DAY);
      if (!settled.settled) throw new Error(`release refused: ${JSON.stringify(settled.busyRuns)}`);
      stats.released += settled.released;
      if (settled.released === 0 || rounds >= MAX_ROUNDS) break;
      rounds++;
      await runDay(`trust-rerun-${rounds}`, planner);
    }
    const seconds = (Date.now() - sendingStartedAt) / 1000;

    const inbox = inboxByRecipient();
    const perReader = readers.map((reader) => inbox.get(reader.email) ?? 0);
    const figures = {
      readers: READERS,
      seed: SEED,
      senders: SENDERS,
      digestsInInbox: inboxSize(),
      duplicates: perReader.filter((count) => count > 1).length,
      lost: perReader.filter((count) => count === 0).length,
      stuckClaims: (await findStuckClaims(operator, DAY)).subscriberIds.length,
      sendDlq: await messagesIn(standIns.queues.deadLetterQueueUrl),
      planDlq: await messagesIn(standIns.queues.planDeadLetterQueueUrl),
      rounds,
      releasedByOperator: stats.released,
      firstRunPlanned: firstRun.withDigest,
      firstRunSent: firstRun.sent,
      firstRunUncertain: firstRun.uncertain,
      firstRunSkipped: firstRun.skipped,
      firstRunFailed: firstRun.failed,
      inboxAfterFirstRun,
      sliceInvocations: stats.sliceInvocations,
      slicesFailed: stats.slicesFailed,
      sendInvocations: stats.sendInvocations,
      killed: stats.killed,
      killedAfterLanding: stats.killedAfterLanding,
      sesThrottled: faults.sesThrottled,
      sesTimedOutAfterAccepted: faults.sesTimedOutAfterAccepted,
      sesAccepted: faults.sesAccepted,
      dynamoThrottled: faults.dynamoThrottled,
      dynamoSurfaced: faults.dynamoSurfaced,
      sendEventsSettled: stats.sendEvents,
      claimsNotWritten: logged.get('digest not claimed') ?? 0,
      sendsRefused: logged.get('digest send failed') ?? 0,
      countedForKilledAttempts:
        logged.get('readers claimed by an earlier attempt that did not finish: counted uncertain') ?? 0,
      setupSeconds,
      seconds,
    };
    reportFigures('exactly-once', figures);

    expect(firstRun.withDigest).toBe(READERS);
    expect(figures).toMatchObject({
      digestsInInbox: READERS,
      duplicates: 0,
      lost: 0,
      stuckClaims: 0,
      sendDlq: 0,
      planDlq: 0,
    });
    // Every SendEmail SES accepted is one of those digests: nothing was sent twice, even inside the SDK.
    expect(faults.sesAccepted).toBe(READERS);
  });
});
