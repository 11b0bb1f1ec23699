/**
 * A whole digest run over the real DynamoDB adapters, every request counted: the run's slices planned
 * (one composer, as a warm plan-slice container keeps it) and every message sent to a recording mailer.
 * The integration test bounds the requests per reader; the benchmark reports them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeliveryRepository } from '../../functions/adapters/dynamodb/delivery-repository';
import { createPaperRepository } from '../../functions/adapters/dynamodb/paper-repository';
import { createRunLedger } from '../../functions/adapters/dynamodb/run-ledger';
import { createSubscriberRepository } from '../../functions/adapters/dynamodb/subscriber-repository';
import { createDigestComposer } from '../../functions/core/digests/digest-composer';
import { runPlanSlice } from '../../functions/core/digests/plan-slice';
import { sendDigestBatch } from '../../functions/core/digests/send-digests';
import type { Clock, DigestBatch, RunReport } from '../../functions/core/ports';
import { FakeEmailRenderer, RecordingLogger, RecordingMailer } from './in-memory-ports';

/** Counts every command the client sends from now on (a middleware, so nothing else changes). */
export function countRequests(client: DynamoDBDocumentClient): string[] {
  const requests: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return requests;
}

export interface CountedRun {
  /** Readers planned a digest (and sent one). */
  planned: string[];
  report: RunReport | undefined;
  /** Requests of the run, by command. */
  byCommand: Record<string, number>;
  perReader: number;
}

/** Plans `digestDate` in `segments` slices and sends every message, counting the requests of both. */
export async function countedRun(input: {
  client: DynamoDBDocumentClient;
  requests: string[];
  tables: { papers: string; subscribers: string; deliveries: string };
  clock: Clock;
  digestDate: string;
  segments: number;
}): Promise<CountedRun> {
  const { client, tables, clock } = input;
  const papers = createPaperRepository(client, tables.papers);
  const subscribers = createSubscriberRepository(client, tables.subscribers);
  const deliveries = createDeliveryRepository(client, tables, clock);
  const ledger = createRunLedger(client, tables.deliveries, clock);
  const logger = new RecordingLogger();
  const run = { digestDate: input.digestDate, runId: `counted-${clock.now().getTime()}-${Math.random()}` };
  const batches: DigestBatch[] = [];
  const before = input.requests.length;

  await ledger.start(run, input.segments);
  const composer = await createDigestComposer({ papers }, input.digestDate);
  for (let segment = 0; segment < input.segments; segment++)
    await runPlanSlice(
      {
        papers,
        subscribers,
        queue: { enqueue: async (queued) => void batches.push(...queued) },
        sliceQueue: { enqueue: async () => undefined },
        ledger,
        logger,
      },
      { ...run, segment, totalSegments: input.segments },
      { composer },
    );
  const links = { manageUrl: 'https://paperboy.example/m', unsubscribeUrl: 'https://paperboy.example/u' };
  const sendDeps = {
    papers,
    deliveries,
    mailer: new RecordingMailer(),
    renderer: new FakeEmailRenderer(),
    ledger,
    clock,
    logger,
    linksFor: () => links,
  };
  for (const batch of batches) await sendDigestBatch(sendDeps, batch);
  const report = await ledger.read(run);

  const requests = input.requests.slice(before);
  const planned = batches.flatMap((batch) => batch.recipients.map((recipient) => recipient.subscriberId));
  return {
    planned,
    report,
    byCommand: Object.fromEntries(
      [...new Set(requests)].map((name) => [name, requests.filter((r) => r === name).length]),
    ),
    perReader: requests.length / Math.max(1, planned.length),
  };
}
