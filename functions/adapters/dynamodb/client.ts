import { chunk } from '../../core/collections';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(
  options: { endpoint?: string; region?: string } = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string })?.name === 'ConditionalCheckFailedException';

import { BatchGetCommand, BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

type Key = Record<string, string>;
type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every item of one partition, page by page. `attributes`: the only attributes to read (else all);
 * `consistent`: a strongly consistent read; `skPrefix`: only the items whose sort key begins with it.
 */
export async function queryPartition(
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { attributes?: readonly string[]; consistent?: boolean; skPrefix?: string } = {},
): Promise<Record<string, unknown>[]> {
  const names = options.attributes?.map((name, index) => [`#a${index}`, name] as const);
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression:
          options.skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues:
          options.skPrefix === undefined ? { ':pk': pk } : { ':pk': pk, ':prefix': options.skPrefix },
        ProjectionExpression: names?.map(([alias]) => alias).join(', '),
        ExpressionAttributeNames: names ? Object.fromEntries(names) : undefined,
        ConsistentRead: options.consistent,
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/** BatchGetItem over any number of keys, retrying unprocessed keys with backoff. */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: Key[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const group of chunk(keyList, 100)) {
    let pending: Key[] = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchGet on ${tableName} left ${pending.length} keys unprocessed`);
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const response = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      items.push(...((response.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
      pending = (response.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return items;
}

/** BatchWriteItem over any number of requests, retrying unprocessed ones with backoff. */
export async function batchWriteAll(db: DynamoDBDocumentClient, tableName: string, requests: WriteRequest[]) {
  for (const group of chunk(requests, 25)) {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8)
        throw new Error(`BatchWrite on ${tableName} left ${pending.length} writes unprocessed`);
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const response = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (response.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}
