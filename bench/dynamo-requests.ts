/**
 * Counts every DynamoDB request of a whole digest run against dynalite: readers created, then the run
 * planned in slices and every message sent, with a middleware counting each command the client sends.
 */
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createDeliveryRepository } from '../functions/adapters/dynamodb/delivery-repository';
import { createPaperRepository } from '../functions/adapters/dynamodb/paper-repository';
import { createRunLedger } from '../functions/adapters/dynamodb/run-ledger';
import { createSubscriberRepository } from '../functions/adapters/dynamodb/subscriber-repository';
import { createDigestComposer } from '../functions/core/digests/digest-composer';
import { runPlanSlice } from '../functions/core/digests/plan-slice';
import { sendDigestBatch } from '../functions/core/digests/send-digests';
import type { Paper } from '../functions/core/papers';
import type { DigestBatch } from '../functions/core/ports';
import { startStandIns } from '../infra/local/stand-ins';
import { generatedReader, vocabularyOf } from './scale';

export interface DynamoCount {
  readers: number;
  perReader: number;
  byCommand: Record<string, number>;
  /** Emails the run sent (to the stand-in mailer): every planned reader. */
  sent: number;
}

export async function countDynamoRequests(
  papers: Paper[],
  options: { readers: number; digestDate: string; segments?: number },
): Promise<DynamoCount> {
  const standIns = await startStandIns({
    dynamodbPort: 0,
    sesPort: 0,
    sqsPort: 0,
    tablePrefix: 'bench-count-',
  });
  try {
    const client = createDocumentClient({ endpoint: standIns.endpoints.dynamodb });
    const requests: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const clock = { now: () => new Date('2025-11-13T08:00:00Z') };
    const paperStore = createPaperRepository(client, standIns.tables.papers);
    await paperStore.upsert(papers);
    const subscribers = createSubscriberRepository(client, standIns.tables.subscribers);
    const vocabulary = vocabularyOf(papers);
    for (let index = 0; index < options.readers; index++)
      await subscribers.create(generatedReader(index, vocabulary));
    const deliveries = createDeliveryRepository(
      client,
      { deliveries: standIns.tables.deliveries, subscribers: standIns.tables.subscribers },
      clock,
    );
    const ledger = createRunLedger(client, standIns.tables.deliveries, clock);
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const segments = options.segments ?? 4;
    const run = { digestDate: options.digestDate, runId: 'bench' };
    const batches: DigestBatch[] = [];
    requests.length = 0;

    await ledger.start(run, segments);
    // One warm container plans every slice (its composer reused), as Lambda's would.
    const composer = await createDigestComposer({ papers: paperStore }, options.digestDate);
    for (let segment = 0; segment < segments; segment++)
      await runPlanSlice(
        {
          papers: paperStore,
          subscribers,
          queue: { enqueue: async (queued) => void batches.push(...queued) },
          sliceQueue: { enqueue: async () => undefined },
          ledger,
          logger,
        },
        { ...run, segment, totalSegments: segments },
        { composer },
      );
    const mailer = { send: async () => ({ messageId: `m-${requests.length}` }) };
    const renderer = {
      renderDigest: async () => ({ subject: 's', html: 'h', text: 't' }),
      renderConfirmation: async () => ({ subject: 's', html: 'h', text: 't' }),
      renderNewLink: async () => ({ subject: 's', html: 'h', text: 't' }),
      personalize: (email: { subject: string; html: string; text: string }) => email,
    };
    let sent = 0;
    for (const batch of batches) {
      const result = await sendDigestBatch(
        {
          papers: paperStore,
          deliveries,
          mailer,
          renderer,
          ledger,
          clock,
          logger,
          linksFor: () => ({ manageUrl: 'https://x.example/m', unsubscribeUrl: 'https://x.example/u' }),
        },
        batch,
      );
      sent += result.sent;
    }
    const planned = batches.reduce((sum, batch) => sum + batch.recipients.length, 0);
    const byCommand = Object.fromEntries(
      [...new Set(requests)].map((name) => [name, requests.filter((r) => r === name).length]),
    );
    return {
      readers: planned,
      perReader: requests.length / Math.max(1, planned),
      byCommand,
      sent,
    };
  } finally {
    await standIns.stop();
  }
}
