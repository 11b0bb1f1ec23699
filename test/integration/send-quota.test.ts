import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { createRunLedger } from '../../functions/adapters/dynamodb/run-ledger';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { createSesClient } from '../../functions/adapters/ses/ses-mailer';
import { createSesSendQuota } from '../../functions/adapters/ses/send-quota';
import { parseConfig } from '../../functions/config';
import { runPlanSlice } from '../../functions/core/digests/plan-slice';
import { startDigestRun } from '../../functions/core/digests/start-digest-run';
import type { DigestRun, PlanSlice } from '../../functions/core/ports';
import type { Subscriber } from '../../functions/core/subscribers/subscriber';
import { createServicesWithoutEmail, type Services } from '../../functions/service-graph';
import { LOCAL_SES_ACCOUNT, startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { standInEnvironment } from '../support/stand-in-environment';
import { lambdaContext, manualEvent, schedulerEvent, sqsRecord } from '../fixtures/events';
import { RecordingLogger } from '../support/in-memory-ports';
import { HF_DAYS_DIR } from '../support/paths';
import { aSubscriber } from '../support/builders';

/**
 * The SES 24-hour quota on the stand-ins: aws-ses-v2-local describes the account given in
 * AWS_SES_ACCOUNT (of this process, which runs it), the run's ledger lives on dynalite, the slices
 * travel on the local SQS queue.
 */

const DAY = '2025-11-13';
const READERS = 5;
/** The configured quota of the handlers here: above what SES says is left, so SES's answer counts. */
const CONFIGURED_QUOTA = 1000;

let standIns: StandIns;
let env: Record<string, string>;
let services: Services;
let handlers: {
  plan: typeof import('../../functions/handlers/plan-digests').handler;
  planSlice: typeof import('../../functions/handlers/plan-slice').handler;
};

/** The account aws-ses-v2-local describes: a 24-hour quota of `max`, `sent` of it sent. */
function sesAccountWith(quota: { max: number; sent: number }): void {
  process.env.AWS_SES_ACCOUNT = JSON.stringify({
    ...LOCAL_SES_ACCOUNT,
    SendQuota: { Max24HourSend: quota.max, MaxSendRate: 14, SentLast24Hours: quota.sent },
  });
}

const savedAccount = process.env.AWS_SES_ACCOUNT;
afterEach(() => {
  if (savedAccount === undefined) delete process.env.AWS_SES_ACCOUNT;
  else process.env.AWS_SES_ACCOUNT = savedAccount;
});

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'quota-' });
  env = {
    ...standInEnvironment(standIns, { tokenSecret: 'quota-test-secret-0123456789-abcdefghijklmnop' }),
    SES_DAILY_QUOTA: String(CONFIGURED_QUOTA),
  };
  Object.assign(process.env, env);
  // Log lines and metrics are what the handler tests read: Powertools decides whether to write them
  // when the handlers' modules load, so they are loaded after this.
  delete process.env.POWERTOOLS_LOG_LEVEL;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  handlers = {
    plan: (await import('../../functions/handlers/plan-digests')).handler,
    planSlice: (await import('../../functions/handlers/plan-slice')).handler,
  };

  services = await createServicesWithoutEmail(parseConfig(env), { logger: new RecordingLogger() });
  const day = JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${DAY}.json`), 'utf8'));
  await services.papers.upsert(parseDailyPapers(day, DAY).papers);
  for (let index = 0; index < READERS; index++) await services.subscribers.create(aReader(index));
});
afterAll(async () => standIns.stop());

/** A confirmed daily reader whose keywords match papers of DAY. */
const aReader = (index: number): Subscriber =>
  aSubscriber({
    id: `quota-reader-${index}`,
    email: `quota-reader-${index}@example.com`,
    preferences: { keywords: ['language model', 'agents', 'video'] },
  });

/** What Powertools writes while `run` runs: JSON lines (log lines and EMF metric documents). */
async function captured<T>(run: () => Promise<T>): Promise<{ result: T; lines: Record<string, any>[] }> {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  try {
    const result = await run();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line));
    return { result, lines };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

/** QuotaShortfall datapoints in EMF documents. */
const quotaShortfalls = (lines: Record<string, any>[]) =>
  lines.filter((line) => line._aws && 'QuotaShortfall' in line).map((line) => line.QuotaShortfall);

/** Lambda's view of time left: enough that a slice reads its whole segment. */
const sliceContext = { ...lambdaContext, getRemainingTimeInMillis: () => 300_000 };

/**
 * Feeds the run's slices (continuations included) to the plan-slice handler one message per
 * invocation, as the event source mapping does, until the ledger has every segment planned. Answers,
 * for each invocation, the run's digests after it and what it wrote.
 */
async function planSlicesOf(run: DigestRun) {
  const invocations: { plannedAfter: number; lines: Record<string, any>[] }[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    const report = await services.ledger.read(run);
    if (report && report.segmentsDone >= report.totalSegments) return { invocations, report };
    const { Messages = [] } = await services.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: standIns.queues.planQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    for (const message of Messages) {
      await services.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: standIns.queues.planQueueUrl,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
      const slice = JSON.parse(message.Body ?? '{}') as PlanSlice;
      if (slice.runId !== run.runId) continue;
      const { result, lines } = await captured(() =>
        handlers.planSlice(
          { Records: [sqsRecord(message.Body ?? '', { messageId: message.MessageId })] },
          sliceContext,
        ),
      );
      expect(result.batchItemFailures).toEqual([]);
      invocations.push({ plannedAfter: (await services.ledger.read(run))?.withDigest ?? 0, lines });
    }
  }
  throw new Error(`run ${run.runId} was not planned in time`);
}

describe('SES send quota adapter on aws-ses-v2-local (GetAccount)', () => {
  const sendQuota = () => createSesSendQuota(createSesClient({ endpoint: standIns.endpoints.ses }));

  it("reads the account's 24-hour quota and what it sent in the last 24 hours", async () => {
    sesAccountWith({ max: 200, sent: 57 });

    expect(await sendQuota().read()).toEqual({ max24HourSend: 200, sentLast24Hours: 57 });
  });

  it('answers no quota for an account without one (SES says -1)', async () => {
    sesAccountWith({ max: -1, sent: 12_345 });

    expect(await sendQuota().read()).toBeUndefined();
  });

  it('throws when SES does not describe the account', async () => {
    delete process.env.AWS_SES_ACCOUNT;

    await expect(sendQuota().read()).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});

describe('run ledger on dynalite: the quota left', () => {
  const counts = { subscribers: 4, due: 4, withDigest: 3, skippedEmpty: 1, alreadySent: 0, messages: 1 };

  it("stores the quota left with the run's item and answers the run's totals after each slice's counts", async () => {
    const ledger = createRunLedger(services.db, standIns.tables.deliveries, services.clock);
    const run = { digestDate: DAY, runId: `ledger-quota-${Date.now()}` };
    await ledger.start(run, 2, 5);

    const afterFirst = await ledger.addPlanned(run, counts, true);
    const afterSecond = await ledger.addPlanned(run, counts, true);
    const { Item } = await services.db.send(
      new GetCommand({ TableName: standIns.tables.deliveries, Key: keys.digestRun(DAY, run.runId) }),
    );

    expect(Item?.quotaLeft).toBe(5);
    expect(afterFirst).toMatchObject({ ...run, quotaLeft: 5, withDigest: 3, segmentsDone: 1 });
    expect(afterSecond).toMatchObject({ quotaLeft: 5, withDigest: 6, segmentsDone: 2, subscribers: 8 });
    expect(await ledger.read(run)).toEqual(afterSecond);
  });

  it('stores no quota for a run started without one, and answers nothing for a run never started', async () => {
    const ledger = createRunLedger(services.db, standIns.tables.deliveries, services.clock);
    const run = { digestDate: DAY, runId: `ledger-no-quota-${Date.now()}` };
    await ledger.start(run, 1);

    const totals = await ledger.addPlanned(run, counts, true);

    expect(totals).toMatchObject({ withDigest: 3, segmentsDone: 1 });
    expect(totals).not.toHaveProperty('quotaLeft');
    expect(await ledger.addPlanned({ ...run, runId: 'never-started' }, counts, true)).toBeUndefined();
  });
});

describe('plan-digests and plan-slice handlers against the quota', () => {
  it('the dry run says what is left of the quota and that the day exceeds it', async () => {
    sesAccountWith({ max: 200, sent: 197 });

    const { result } = await captured(() =>
      handlers.plan(manualEvent({ date: DAY, dryRun: true }), lambdaContext),
    );

    expect(result).toMatchObject({
      digestDate: DAY,
      dryRun: true,
      withDigest: READERS,
      quotaLeft: 3,
      exceedsQuota: true,
    });
  });

  it('a run over quota logs the error and records the shortfall once per slice that sees it, without an address', async () => {
    sesAccountWith({ max: 200, sent: 197 });

    const { result: run, lines: started } = await captured(
      async () =>
        (await handlers.plan(schedulerEvent(`${DAY}T08:00:00Z`), lambdaContext)) as DigestRun & {
          quotaLeft?: number;
        },
    );
    const { invocations, report } = await planSlicesOf(run);

    expect(run.quotaLeft).toBe(3);
    expect(started).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'digest run started', quotaLeft: 3 }),
    );
    expect(report).toMatchObject({ quotaLeft: 3, withDigest: READERS });
    // Each slice that leaves the run past the quota records one shortfall, and only those.
    const overQuota = invocations.filter((invocation) => invocation.plannedAfter > 3);
    expect(overQuota.length).toBeGreaterThan(0);
    for (const { plannedAfter, lines } of invocations) {
      const errors = lines.filter((line) => line.message === 'digest run exceeds the SES 24-hour quota');
      if (plannedAfter > 3) {
        expect(quotaShortfalls(lines)).toEqual([1]);
        expect(errors).toEqual([
          expect.objectContaining({
            level: 'ERROR',
            digestDate: DAY,
            runId: run.runId,
            planned: plannedAfter,
            quotaLeft: 3,
          }),
        ]);
      } else {
        expect(quotaShortfalls(lines)).toEqual([]);
        expect(errors).toEqual([]);
      }
      expect(JSON.stringify(lines)).not.toContain('@example.com');
    }
  });

  it('a run within quota records no shortfall and logs no error', async () => {
    sesAccountWith({ max: 200, sent: 200 - READERS });

    const { result: run } = await captured(
      async () => (await handlers.plan(schedulerEvent(`${DAY}T08:05:00Z`), lambdaContext)) as DigestRun,
    );
    const { invocations, report } = await planSlicesOf(run);

    expect(report).toMatchObject({ quotaLeft: READERS, withDigest: READERS });
    const lines = invocations.flatMap((invocation) => invocation.lines);
    expect(quotaShortfalls(lines)).toEqual([]);
    expect(lines.filter((line) => line.level === 'ERROR')).toEqual([]);
  });

  it('starts the run on the configured quota, with a warning, when SES does not answer', async () => {
    delete process.env.AWS_SES_ACCOUNT;

    const { result: run, lines } = await captured(
      async () =>
        (await handlers.plan(schedulerEvent(`${DAY}T08:10:00Z`), lambdaContext)) as DigestRun & {
          quotaLeft?: number;
        },
    );
    await planSlicesOf(run);

    expect(run.quotaLeft).toBe(CONFIGURED_QUOTA);
    expect((await services.ledger.read(run))?.quotaLeft).toBe(CONFIGURED_QUOTA);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'SES sending quota not read: using the configured quota',
        configuredQuota: CONFIGURED_QUOTA,
      }),
    );
  });
});

describe('a digest run on the stand-ins when SES does not answer', () => {
  it('falls back to the configured quota and reports the run over it', async () => {
    delete process.env.AWS_SES_ACCOUNT;
    const logger = new RecordingLogger();
    const configured = await createServicesWithoutEmail(parseConfig({ ...env, SES_DAILY_QUOTA: '2' }), {
      logger,
    });
    const digests: unknown[] = [];
    const deps = {
      ...configured,
      queue: { enqueue: async (batches: unknown[]) => void digests.push(...batches) },
    };

    const run = await startDigestRun(deps, {
      digestDate: DAY,
      totalSegments: 1,
      runId: `fallback-${Date.now()}`,
      configuredQuota: configured.config.SES_DAILY_QUOTA,
    });
    const slice = await runPlanSlice(
      { ...deps, sliceQueue: { enqueue: async () => undefined } },
      { ...run, segment: 0, totalSegments: 1 },
    );

    expect(run.quotaLeft).toBe(2);
    expect(slice.counts.withDigest).toBe(READERS);
    expect(slice.quotaShortfall).toBe(READERS - 2);
    expect(logger.messages('warn')).toEqual(['SES sending quota not read: using the configured quota']);
    expect(logger.entries.find((entry) => entry.level === 'error')).toEqual({
      level: 'error',
      message: 'digest run exceeds the SES 24-hour quota',
      extra: { digestDate: DAY, runId: run.runId, planned: READERS, quotaLeft: 2, shortfall: READERS - 2 },
    });
    expect(logger.serialized()).not.toContain('@');
  });
});
