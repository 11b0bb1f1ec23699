import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConcurrentUpdateError, EmailTakenError, type SubscriberRepository } from '../../core/ports';
import { PreferencesSchema, type Subscriber } from '../../core/subscribers/subscriber';
import { batchGetAll, isConditionFailure } from './client';
import { keys } from './keys';

const SubscriberItemSchema = z.object({
  id: z.string(),
  email: z.string(),
  status: z.enum(['unconfirmed', 'confirmed', 'unsubscribed']),
  preferences: PreferencesSchema,
  tokenVersion: z.number(),
  suppressed: z
    .object({ reason: z.enum(['hard-bounce', 'complaint']), at: z.string(), detail: z.string().optional() })
    .optional(),
  pendingPreferences: PreferencesSchema.optional(),
  confirmationsSentAt: z.array(z.string()).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
  confirmedAt: z.string().optional(),
  unsubscribedAt: z.string().optional(),
});

const toSubscriber = (item: Record<string, unknown>): Subscriber => SubscriberItemSchema.parse(item);
const toItem = (subscriber: Subscriber) => ({ ...keys.subscriber(subscriber.id), ...subscriber });

export function createSubscriberRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { onUnreadable?: (key: string, reason: string) => void } = {},
): SubscriberRepository {
  /** A stored item that no longer fits the schema is reported and passed over, not fatal to a scan. */
  const readable = (items: Record<string, unknown>[]): Subscriber[] =>
    items.flatMap((item) => {
      const parsed = SubscriberItemSchema.safeParse(item);
      if (parsed.success) return [parsed.data];
      options.onUnreadable?.(String(item.pk), parsed.error.issues[0]?.message ?? 'invalid item');
      return [];
    });

  const get = async (id: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.subscriber(id) }));
    return Item ? toSubscriber(Item) : undefined;
  };

  /** Claims the address for `subscriberId`; a claim whose profile is gone is taken over. */
  const claimEmail = async (email: string, subscriberId: string) => {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.emailClaim(email), subscriberId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.emailClaim(email) }));
      if (!Item || (await get(Item.subscriberId as string))) throw new EmailTakenError();
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.emailClaim(email), subscriberId },
          ConditionExpression: 'subscriberId = :dangling',
          ExpressionAttributeValues: { ':dangling': Item.subscriberId },
        }),
      );
    }
  };

  return {
    get,

    async getMany(ids) {
      const items = await batchGetAll(db, tableName, [...new Set(ids)].map(keys.subscriber));
      return readable(items);
    },

    async findByEmail(email) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.emailClaim(email) }));
      return Item ? get(Item.subscriberId as string) : undefined;
    },

    // The profile first, then the address: a claim whose profile is missing was left by a crash
    // (never by a create in progress), so taking it over cannot give one address two subscribers.
    async create(subscriber) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: toItem(subscriber),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      try {
        await claimEmail(subscriber.email, subscriber.id);
      } catch (error) {
        await db.send(new DeleteCommand({ TableName: tableName, Key: keys.subscriber(subscriber.id) }));
        throw error;
      }
    },

    async save(subscriber, expectedUpdatedAt) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(subscriber),
            ConditionExpression: 'updatedAt = :expected',
            ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new ConcurrentUpdateError();
        throw error;
      }
    },

    async delete(subscriber) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.subscriber(subscriber.id) }));
      await db
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.emailClaim(subscriber.email),
            ConditionExpression: 'subscriberId = :id',
            ExpressionAttributeValues: { ':id': subscriber.id },
          }),
        )
        .catch((error) => {
          if (!isConditionFailure(error)) throw error;
        });
    },

    async *scanSegment(segment, totalSegments) {
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: totalSegments,
            FilterExpression: 'sk = :profile',
            ExpressionAttributeValues: { ':profile': 'PROFILE' },
            ExclusiveStartKey: cursor,
          }),
        );
        const items = page.Items ?? [];
        if (items.length) yield readable(items);
        cursor = page.LastEvaluatedKey;
      } while (cursor);
    },
  };
}
