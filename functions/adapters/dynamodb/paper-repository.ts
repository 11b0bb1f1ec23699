import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Paper } from '../../core/papers';
import type { PaperRepository } from '../../core/ports';
import { batchGetAll, batchWriteAll } from './client';
import { keys, PAPERS_BY_DAY_INDEX } from './keys';

const PaperItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  abstract: z.string(),
  aiSummary: z.string().optional(),
  aiKeywords: z.array(z.string()).default([]),
  authors: z.array(z.string()).default([]),
  organization: z.object({ name: z.string(), fullname: z.string().optional() }).optional(),
  upvotes: z.number().nullable(),
  numComments: z.number(),
  publishedAt: z.string(),
  dailyDate: z.string(),
  githubRepo: z.string().optional(),
  githubStars: z.number().optional(),
  projectPage: z.string().optional(),
  thumbnail: z.string().optional(),
});

const toPaper = (item: Record<string, unknown>): Paper => PaperItemSchema.parse(item);
const toItem = (paper: Paper) => ({ ...keys.paper(paper.id), ...paper });

/** Fields that can change after first listing; a change in any of them is an update. */
const comparable = (paper: Paper) => JSON.stringify({ ...paper, dailyDate: undefined });

export function createPaperRepository(db: DynamoDBDocumentClient, tableName: string): PaperRepository {
  const getMany = async (ids: string[]): Promise<Paper[]> => {
    const unique = [...new Set(ids)];
    const items = await batchGetAll(db, tableName, unique.map(keys.paper));
    const byId = new Map(items.map((item) => [item.id as string, toPaper(item)]));
    return unique.flatMap((id) => (byId.has(id) ? [byId.get(id) as Paper] : []));
  };

  return {
    async upsert(papers) {
      const latest = new Map(papers.map((paper) => [paper.id, paper]));
      const existing = new Map((await getMany([...latest.keys()])).map((paper) => [paper.id, paper]));
      let created = 0;
      let updated = 0;
      const writes: Paper[] = [];
      for (const paper of latest.values()) {
        const before = existing.get(paper.id);
        // A paper keeps the day it was first listed on, so it is never "new" twice.
        const next = before ? { ...paper, dailyDate: before.dailyDate } : paper;
        if (!before) created++;
        else if (comparable(before) !== comparable(next)) updated++;
        else continue;
        writes.push(next);
      }
      await batchWriteAll(
        db,
        tableName,
        writes.map((paper) => ({ PutRequest: { Item: toItem(paper) } })),
      );
      const days = [...new Set(writes.map((paper) => paper.dailyDate))];
      await batchWriteAll(
        db,
        tableName,
        days.map((day) => ({ PutRequest: { Item: { ...keys.listedDay(day) } } })),
      );
      return { created, updated, unchanged: latest.size - created - updated };
    },

    async listByDays(days) {
      const perDay = await Promise.all(
        days.map(async (day) => {
          const papers: Paper[] = [];
          let cursor: Record<string, unknown> | undefined;
          do {
            const page = await db.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: PAPERS_BY_DAY_INDEX,
                KeyConditionExpression: 'dailyDate = :day',
                ExpressionAttributeValues: { ':day': day },
                ExclusiveStartKey: cursor,
              }),
            );
            papers.push(...(page.Items ?? []).map(toPaper));
            cursor = page.LastEvaluatedKey;
          } while (cursor);
          return papers;
        }),
      );
      return perDay.flat();
    },

    getMany,

    async recentDays(limit, notAfter) {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: notAfter ? 'pk = :pk AND sk <= :last' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': keys.listedDay('').pk,
            ...(notAfter ? { ':last': notAfter } : {}),
          },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((item) => item.sk as string);
    },
  };
}
