import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, DigestRun, PlanCounts, RunLedger, RunReport, SendCounts } from '../../core/ports';
import { DELIVERY_RETENTION_DAYS } from './delivery-repository';
import { isConditionFailure } from './client';
import { keys } from './keys';

const PLAN_FIELDS = ['subscribers', 'due', 'withDigest', 'skippedEmpty', 'alreadySent', 'messages'] as const;
const SEND_FIELDS = ['sent', 'skipped', 'failed', 'uncertain'] as const;

/**
 * One item per digest run in the deliveries table, its counters added to with `ADD` by each slice and
 * each send message (one request per message, never per reader).
 */
export function createRunLedger(db: DynamoDBDocumentClient, tableName: string, clock: Clock): RunLedger {
  const add = async (run: DigestRun, counts: Record<string, number>) => {
    const fields = Object.entries(counts).filter(([, value]) => value !== 0);
    if (fields.length === 0) return;
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.digestRun(run.digestDate, run.runId),
          UpdateExpression: `ADD ${fields.map((_, index) => `#f${index} :v${index}`).join(', ')}`,
          // Only a started run has a ledger (a message queued before runs were counted has none).
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(
            fields.map(([, value], index) => [`:v${index}`, value]),
          ),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };

  return {
    async start(run, totalSegments) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.digestRun(run.digestDate, run.runId),
            totalSegments,
            startedAt: clock.now().toISOString(),
            expiresAt: Math.floor(clock.now().getTime() / 1000) + DELIVERY_RETENTION_DAYS * 86400,
          },
        }),
      );
    },

    addPlanned: (run, counts: PlanCounts, segmentDone) =>
      add(run, { ...pick(counts, PLAN_FIELDS), segmentsDone: segmentDone ? 1 : 0 }),

    addSent: (run, counts: SendCounts) => add(run, pick(counts, SEND_FIELDS)),

    async read(run) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.digestRun(run.digestDate, run.runId),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      const number = (name: string) => (typeof Item[name] === 'number' ? (Item[name] as number) : 0);
      return {
        ...run,
        startedAt: String(Item.startedAt),
        totalSegments: number('totalSegments'),
        segmentsDone: number('segmentsDone'),
        ...(Object.fromEntries([...PLAN_FIELDS, ...SEND_FIELDS].map((name) => [name, number(name)])) as Omit<
          RunReport,
          'digestDate' | 'runId' | 'startedAt' | 'totalSegments' | 'segmentsDone'
        >),
      };
    },
  };
}

function pick<K extends string>(counts: Record<K, number>, fields: readonly K[]): Record<string, number> {
  return Object.fromEntries(fields.map((field) => [field, counts[field]]));
}
