import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Clock, DeliveryRecord, DeliveryRepository, SentDigest } from '../../core/ports';
import { batchGetAll, batchWriteAll, isConditionFailure, queryPartition } from './client';
import { keys } from './keys';
import { toSubscriber } from './subscriber-repository';

/** Delivery records outlive any digest window by far; TTL then removes them. */
export const DELIVERY_RETENTION_DAYS = 120;

/**
 * Claims live on the reader's own item in the subscribers table (its digest history, which the planner
 * reads with the reader); the record of each email sent is one item in the deliveries table.
 */
export function createDeliveryRepository(
  db: DynamoDBDocumentClient,
  tables: { deliveries: string; subscribers: string },
  clock: Clock,
): DeliveryRepository {
  const tableName = tables.deliveries;
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const expiresAt = () => nowSeconds() + DELIVERY_RETENTION_DAYS * 86400;
  // TTL deletion is lazy in DynamoDB (and absent in dynalite): expired items are filtered on read.
  const live = (item: Record<string, unknown>) =>
    typeof item.expiresAt !== 'number' || item.expiresAt > nowSeconds();

  const partition = (pk: string, attributes?: readonly string[]) =>
    queryPartition(db, tableName, pk, { attributes });

  const sentDigestItem = ({ subscriberId, digestDate, paperIds, messageId }: SentDigest, sentAt: string) => ({
    ...keys.sentDigest(subscriberId, digestDate),
    subscriberId,
    digestDate,
    paperIds,
    messageId,
    sentAt,
    expiresAt: expiresAt(),
  });

  /** Only a reader who may get mail now: confirmed, not paused, not suppressed. */
  const ACTIVE = '#status = :confirmed AND preferences.paused = :false AND attribute_not_exists(suppressed)';
  const activeValues = { ':confirmed': 'confirmed', ':false': false };

  /** One conditional UpdateItem; the reader as stored after it, or undefined when its condition failed. */
  const claimWith = async (
    update: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
    id: string,
  ) => {
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tables.subscribers,
          Key: keys.subscriber(id),
          ReturnValues: 'ALL_NEW',
          ...update,
        }),
      );
      return Attributes ? toSubscriber(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  };

  return {
    async claimDigest({ subscriberId, digestDate, paperIds, forgetDays }) {
      const forget = forgetDays.filter((day) => day !== digestDate);
      const forgetNames = Object.fromEntries(forget.map((day, index) => [`#f${index}`, day]));
      const claimed = await claimWith(
        {
          UpdateExpression:
            'SET digestHistory.#day = :papers' +
            (forget.length
              ? ` REMOVE ${forget.map((_, index) => `digestHistory.#f${index}`).join(', ')}`
              : ''),
          ConditionExpression: `attribute_exists(digestHistory) AND attribute_not_exists(digestHistory.#day) AND ${ACTIVE}`,
          ExpressionAttributeNames: { '#status': 'status', '#day': digestDate, ...forgetNames },
          ExpressionAttributeValues: { ...activeValues, ':papers': paperIds },
        },
        subscriberId,
      );
      if (claimed) return claimed;
      // A reader's first digest: the item has no history yet, and a nested SET needs the map to exist.
      return claimWith(
        {
          UpdateExpression: 'SET digestHistory = :history',
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(digestHistory) AND ${ACTIVE}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...activeValues, ':history': { [digestDate]: paperIds } },
        },
        subscriberId,
      );
    },

    async releaseDigest(subscriberId, digestDate) {
      await db
        .send(
          new UpdateCommand({
            TableName: tables.subscribers,
            Key: keys.subscriber(subscriberId),
            UpdateExpression: 'REMOVE digestHistory.#day',
            ConditionExpression: 'attribute_exists(digestHistory.#day)',
            ExpressionAttributeNames: { '#day': digestDate },
          }),
        )
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    async recordSent(sent) {
      const sentAt = clock.now().toISOString();
      await batchWriteAll(
        db,
        tableName,
        sent.map((record) => ({ PutRequest: { Item: sentDigestItem(record, sentAt) } })),
      );
    },

    // One conditional PutItem: SES's Send event and the sender may both record one email.
    async recordSentOnce(sent) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: sentDigestItem(sent, clock.now().toISOString()),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async sentDigestsOf(pairs) {
      const items = await batchGetAll(
        db,
        tableName,
        pairs.map(({ subscriberId, digestDate }) => keys.sentDigest(subscriberId, digestDate)),
      );
      return items.filter(live).flatMap((item): SentDigest[] =>
        typeof item.subscriberId === 'string' && typeof item.digestDate === 'string'
          ? [
              {
                subscriberId: item.subscriberId,
                digestDate: item.digestDate,
                paperIds: Array.isArray(item.paperIds) ? (item.paperIds as string[]) : [],
                messageId: String(item.messageId ?? ''),
              },
            ]
          : [],
      );
    },

    async digestRunsOf(digestDate) {
      const runs = await partition(keys.digestRun(digestDate, '').pk, ['sk']);
      return runs.map((item) => ({ digestDate, runId: String(item.sk) }));
    },

    async listForSubscriber(subscriberId) {
      return (await partition(keys.subscriberPartition(subscriberId)))
        .filter(live)
        .flatMap((item): DeliveryRecord[] => {
          const { digestDate, sentAt } = item as { digestDate: string; sentAt: string };
          // (A claim item of before, with a `state`, duplicates its per-paper items below.)
          if (Array.isArray(item.paperIds) && typeof sentAt === 'string' && item.state === undefined)
            return (item.paperIds as string[]).map((paperId) => ({ paperId, digestDate, sentAt }));
          // One item per paper, as the deliveries were kept before one item per email.
          if (typeof item.paperId === 'string' && String(item.sk).startsWith('PAPER#'))
            return [{ paperId: item.paperId, digestDate, sentAt }];
          return [];
        });
    },

    // Single-item deletes: the API function may delete but never write, and BatchWriteItem is a write.
    async deleteForSubscriber(subscriberId) {
      const items = await partition(keys.subscriberPartition(subscriberId));
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
