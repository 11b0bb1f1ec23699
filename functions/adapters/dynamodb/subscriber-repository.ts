import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
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
    .object({
      reason: z.enum(['hard-bounce', 'complaint', 'soft-bounces']),
      at: z.string(),
      detail: z.string().optional(),
    })
    .optional(),
  softBouncesAt: z.array(z.string()).optional(),
  pendingPreferences: PreferencesSchema.optional(),
  confirmationsSentAt: z.array(z.string()).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
  confirmedAt: z.string().optional(),
  unsubscribedAt: z.string().optional(),
  digestHistory: z.record(z.string(), z.array(z.string())).optional(),
  ratings: z.object({ liked: z.array(z.string()), disliked: z.array(z.string()) }).optional(),
});

/** A stored subscriber item as the domain's Subscriber; throws when it no longer fits the schema. */
export const toSubscriber = (item: Record<string, unknown>): Subscriber => SubscriberItemSchema.parse(item);
const toItem = (subscriber: Subscriber) => ({ ...keys.subscriber(subscriber.id), ...subscriber });

/** Fields a profile may drop (REMOVEd when unset on save). */
const OPTIONAL_FIELDS = ['suppressed', 'pendingPreferences', 'confirmedAt', 'unsubscribedAt'] as const;

/**
 * The UpdateItem that saves a profile: every field the profile owns, and never `digestHistory`, which
 * the send path writes on the same item (a Put of a profile read before a send would erase its claim).
 */
function profileUpdate(subscriber: Subscriber) {
  const { id: _id, digestHistory: _history, ...fields } = subscriber;
  const set = Object.entries(fields).filter(([, value]) => value !== undefined);
  const remove = OPTIONAL_FIELDS.filter((field) => fields[field] === undefined);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = set.map(([field, value], index) => {
    names[`#s${index}`] = field;
    values[`:s${index}`] = value;
    return `#s${index} = :s${index}`;
  });
  const removals = remove.map((field, index) => {
    names[`#r${index}`] = field;
    return `#r${index}`;
  });
  return {
    UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

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
          // An empty history from the start, so the first digest's claim is one nested write.
          Item: { ...toItem(subscriber), digestHistory: subscriber.digestHistory ?? {} },
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
      const update = profileUpdate(subscriber);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.subscriber(subscriber.id),
            ...update,
            ConditionExpression: 'updatedAt = :expected',
            ExpressionAttributeValues: {
              ...update.ExpressionAttributeValues,
              ':expected': expectedUpdatedAt,
            },
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

    async scanPage(segment, totalSegments, cursor) {
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
      return { subscribers: readable(page.Items ?? []), cursor: page.LastEvaluatedKey };
    },
  };
}
