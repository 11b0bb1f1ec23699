/**
 * Counts every DynamoDB request of a whole digest run against dynalite: generated readers created, then
 * the run planned in slices and every message sent (test/support/counted-run.ts, which the integration
 * test bounds).
 */
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createPaperRepository } from '../functions/adapters/dynamodb/paper-repository';
import { createSubscriberRepository } from '../functions/adapters/dynamodb/subscriber-repository';
import type { Paper } from '../functions/core/papers';
import { startStandIns } from '../infra/local/stand-ins';
import { countedRun, countRequests } from '../test/support/counted-run';
import { generatedReader, vocabularyOf } from './scale';

export interface DynamoCount {
  readers: number;
  perReader: number;
  byCommand: Record<string, number>;
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
    const requests = countRequests(client);
    await createPaperRepository(client, standIns.tables.papers).upsert(papers);
    const subscribers = createSubscriberRepository(client, standIns.tables.subscribers);
    const vocabulary = vocabularyOf(papers);
    for (let index = 0; index < options.readers; index++)
      await subscribers.create(generatedReader(index, vocabulary));

    const run = await countedRun({
      client,
      requests,
      tables: standIns.tables,
      clock: { now: () => new Date(`${options.digestDate}T08:00:00Z`) },
      digestDate: options.digestDate,
      segments: options.segments ?? 4,
    });
    return { readers: run.planned.length, perReader: run.perReader, byCommand: run.byCommand };
  } finally {
    await standIns.stop();
  }
}
