import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock, DeliveryRecord, DeliveryRepository } from '../../core/ports';
import { batchGetAll, batchWriteAll, isConditionFailure } from './client';
import { keys } from './keys';

/** Delivery records outlive any digest window by far; TTL then removes them. */
export const DELIVERY_RETENTION_DAYS = 120;

export function createDeliveryRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): DeliveryRepository {
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const expiresAt = () => nowSeconds() + DELIVERY_RETENTION_DAYS * 86400;
  // TTL deletion is lazy in DynamoDB (and absent in dynalite): expired items are filtered on read.
  const live = (item: Record<string, unknown>) =>
    typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds();

  const queryPartition = async (subscriberId: string) => {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.subscriberPartition(subscriberId) },
          ExclusiveStartKey: cursor,
        }),
      );
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
  };

  return {
    async sentPaperIds(subscriberId, paperIds) {
      const items = await batchGetAll(
        db,
        tableName,
        [...new Set(paperIds)].map((paperId) => keys.delivery(subscriberId, paperId)),
      );
      return new Set(items.filter(live).map((item) => item.paperId as string));
    },

    async claimDigest(subscriberId, digestDate) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.digestClaim(subscriberId, digestDate),
              state: 'sending',
              claimedAt: clock.now().toISOString(),
              expiresAt: expiresAt(),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': nowSeconds() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async releaseDigest(subscriberId, digestDate) {
      await db
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.digestClaim(subscriberId, digestDate),
            ConditionExpression: '#state = :sending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          }),
        )
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    async recordSent(subscriberId, digestDate, paperIds, messageId) {
      const sentAt = clock.now().toISOString();
      await batchWriteAll(
        db,
        tableName,
        paperIds.map((paperId) => ({
          PutRequest: {
            Item: {
              ...keys.delivery(subscriberId, paperId),
              paperId,
              digestDate,
              sentAt,
              expiresAt: expiresAt(),
            },
          },
        })),
      );
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.digestClaim(subscriberId, digestDate),
          UpdateExpression:
            'SET #state = :sent, sentAt = :sentAt, messageId = :messageId, paperIds = :paperIds',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':sentAt': sentAt,
            ':messageId': messageId,
            ':paperIds': paperIds,
          },
        }),
      );
    },

    async listForSubscriber(subscriberId) {
      return (await queryPartition(subscriberId))
        .filter(
          (item) => live(item) && typeof item.paperId === 'string' && String(item.sk).startsWith('PAPER#'),
        )
        .map((item) => ({
          paperId: item.paperId as string,
          digestDate: item.digestDate as string,
          sentAt: item.sentAt as string,
        }));
    },

    // Single-item deletes: the API function may delete but never write, and BatchWriteItem is a write.
    async deleteForSubscriber(subscriberId) {
      const items = await queryPartition(subscriberId);
      for (let start = 0; start < items.length; start += 25) {
        await Promise.all(
          items.slice(start, start + 25).map((item) =>
            db.send(
              new DeleteCommand({
                TableName: tableName,
                Key: { pk: item.pk as string, sk: item.sk as string },
              }),
            ),
          ),
        );
      }
    },
  };
}

/** State of one subscriber's digest for a day, for reports (the CLI counts sent and failed). */
export async function digestStates(
  db: DynamoDBDocumentClient,
  tableName: string,
  subscriberIds: string[],
  digestDate: string,
): Promise<Map<string, { state: string; sentAt?: string }>> {
  const items = await batchGetAll(
    db,
    tableName,
    subscriberIds.map((id) => keys.digestClaim(id, digestDate)),
  );
  return new Map(
    items.map((item) => [
      String(item.pk).slice('SUB#'.length),
      { state: item.state as string, sentAt: item.sentAt as string | undefined },
    ]),
  );
}
