import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, DigestRun, PlanCounts, RunLedger, RunReport, SendCounts } from '../../core/ports';
import { DELIVERY_RETENTION_DAYS } from './delivery-repository';
import { isConditionFailure, queryPartition } from './client';
import { keys } from './keys';

const PLAN_FIELDS = ['subscribers', 'due', 'withDigest', 'skippedEmpty', 'alreadySent', 'messages'] as const;
const SEND_FIELDS = ['sent', 'skipped', 'failed', 'uncertain'] as const;

/**
 * The counts of one send message of a run, added to by each of its attempts: a partition per run
 * beside the run's own item (`RUN#<day>` lists runs only), one item per message key.
 */
const messageKeys = {
  partition: (run: DigestRun) => {
    const { pk, sk } = keys.digestRun(run.digestDate, run.runId);
    return `${pk}#${sk}`;
  },
  message: (run: DigestRun, key: string) => ({ pk: messageKeys.partition(run), sk: `MSG#${key}` }),
};

/**
 * One item per digest run in the deliveries table, its plan counters added to with `ADD` by each
 * slice; the send counts added with `ADD` to one item per send message, once per attempt (one
 * request per attempt, never per reader), and summed when the run is read. Counting per message
 * lets a redelivery learn what the attempts before it counted (`countedOf`), so readers an attempt
 * killed midway had claimed are counted once, by the redelivery, and no reader twice.
 */
export function createRunLedger(db: DynamoDBDocumentClient, tableName: string, clock: Clock): RunLedger {
  const expiresAt = () => Math.floor(clock.now().getTime() / 1000) + DELIVERY_RETENTION_DAYS * 86400;

  /** Each message's send counts of the run, summed. */
  const sentByMessages = async (run: DigestRun): Promise<Record<string, number>> => {
    const totals: Record<string, number> = Object.fromEntries(SEND_FIELDS.map((name) => [name, 0]));
    const items = await queryPartition(db, tableName, messageKeys.partition(run), {
      attributes: SEND_FIELDS,
      consistent: true,
    });
    for (const item of items) for (const name of SEND_FIELDS) totals[name] += numberIn(item, name);
    return totals;
  };

  const read = async (run: DigestRun): Promise<RunReport | undefined> => {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.digestRun(run.digestDate, run.runId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const report = toReport(run, Item);
    const byMessages = await sentByMessages(run);
    for (const name of SEND_FIELDS) report[name] += byMessages[name];
    return report;
  };

  /** One attempt's counts added to its message's item (created by the first). */
  const addToMessage = async (run: DigestRun, key: string, counts: Record<string, number>) => {
    const fields = Object.entries(counts).filter(([, value]) => value !== 0);
    if (fields.length === 0) return;
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: messageKeys.message(run, key),
        UpdateExpression:
          `ADD ${fields.map((_, index) => `#f${index} :v${index}`).join(', ')}` +
          ' SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map(([, value], index) => [`:v${index}`, value])),
          ':expiresAt': expiresAt(),
        },
      }),
    );
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
            expiresAt: expiresAt(),
          },
        }),
      );
    },

    addPlanned: (run, counts: PlanCounts, segmentDone) =>
      add(run, { ...pick(counts, PLAN_FIELDS), segmentsDone: segmentDone ? 1 : 0 }, true),

    async addSent(run, counts: SendCounts, message) {
      if (message) await addToMessage(run, message.key, pick(counts, SEND_FIELDS));
      else await add(run, pick(counts, SEND_FIELDS), false);
    },

    async countedOf(run, messageKey) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: messageKeys.message(run, messageKey),
          ConsistentRead: true,
        }),
      );
      return Item ? SEND_FIELDS.reduce((sum, name) => sum + numberIn(Item, name), 0) : 0;
    },

    read,
  };
}

const numberIn = (item: Record<string, unknown>, name: string): number =>
  typeof item[name] === 'number' ? (item[name] as number) : 0;

/** A ledger item as the run's report: a counter nothing was added to yet is 0. */
function toReport(run: DigestRun, item: Record<string, unknown>): RunReport {
  const number = (name: string) => numberIn(item, name);
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
