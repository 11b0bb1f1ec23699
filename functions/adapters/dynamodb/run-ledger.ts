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
  const read = async (run: DigestRun): Promise<RunReport | undefined> => {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.digestRun(run.digestDate, run.runId),
        ConsistentRead: true,
      }),
    );
    return Item && toReport(run, Item);
  };

  /** Adds to a started run's counters; with `answer`, answers its totals after adding. */
  const add = async (
    run: DigestRun,
    counts: Record<string, number>,
    answer: boolean,
  ): Promise<RunReport | undefined> => {
    const fields = Object.entries(counts).filter(([, value]) => value !== 0);
    if (fields.length === 0) return answer ? read(run) : undefined;
    try {
      const { Attributes } = await db.send(
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
          ReturnValues: answer ? 'ALL_NEW' : 'NONE',
        }),
      );
      return Attributes && toReport(run, Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  };

  return {
    async start(run, totalSegments, quotaLeft) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.digestRun(run.digestDate, run.runId),
            totalSegments,
            ...(quotaLeft === undefined ? {} : { quotaLeft }),
            startedAt: clock.now().toISOString(),
            expiresAt: Math.floor(clock.now().getTime() / 1000) + DELIVERY_RETENTION_DAYS * 86400,
          },
        }),
      );
    },

    addPlanned: (run, counts: PlanCounts, segmentDone) =>
      add(run, { ...pick(counts, PLAN_FIELDS), segmentsDone: segmentDone ? 1 : 0 }, true),

    addSent: async (run, counts: SendCounts) => void (await add(run, pick(counts, SEND_FIELDS), false)),

    read,
  };
}

/** A ledger item as the run's report: a counter nothing was added to yet is 0. */
function toReport(run: DigestRun, item: Record<string, unknown>): RunReport {
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  return {
    ...run,
    startedAt: String(item.startedAt),
    totalSegments: number('totalSegments'),
    segmentsDone: number('segmentsDone'),
    ...(Object.fromEntries([...PLAN_FIELDS, ...SEND_FIELDS].map((name) => [name, number(name)])) as Omit<
      RunReport,
      'digestDate' | 'runId' | 'startedAt' | 'totalSegments' | 'segmentsDone' | 'quotaLeft'
    >),
    ...(typeof item.quotaLeft === 'number' ? { quotaLeft: item.quotaLeft } : {}),
  };
}

function pick<K extends string>(counts: Record<K, number>, fields: readonly K[]): Record<string, number> {
  return Object.fromEntries(fields.map((field) => [field, counts[field]]));
}
