import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { VOCABULARY_VERSION, type MinedVocabulary } from '../../core/matching/mine-vocabulary';
import type { VocabularyRepository } from '../../core/ports';
import { batchWriteAll, queryPartition } from './client';
import { keys } from './keys';

/**
 * The mined vocabulary in the papers table, as gzip-compressed JSON cut into parts: a DynamoDB item holds
 * at most 400 KB, and a vocabulary mined from a few months of papers can be larger than that even
 * compressed. Each put writes its parts under a generation of its own, then points `CURRENT` at it, then
 * deletes the parts of older generations: a reader sees the old vocabulary or the new one, never a mix.
 *
 *   pk VOCABULARY / sk CURRENT                       { generation, parts, bytes }
 *   pk VOCABULARY / sk PART#<generation>#<0000>      { data: gzip bytes }
 */
const PARTITION = keys.vocabularyPartition();
const CURRENT = keys.vocabularyCurrent();
const partPrefix = keys.vocabularyPartPrefix;
const partKey = keys.vocabularyPart;

/** Bytes of compressed vocabulary per item: well under 400 KB with the keys and attribute names. */
export const VOCABULARY_PART_BYTES = 300_000;

export function createVocabularyRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { partBytes?: number } = {},
): VocabularyRepository {
  const partBytes = options.partBytes ?? VOCABULARY_PART_BYTES;

  const partsOf = (prefix: string, attributes?: readonly string[]) =>
    queryPartition(db, tableName, PARTITION, { skPrefix: prefix, attributes, consistent: true });

  return {
    async get() {
      const { Item: current } = await db.send(
        new GetCommand({ TableName: tableName, Key: CURRENT, ConsistentRead: true }),
      );
      if (!current || typeof current.generation !== 'string') return undefined;
      const parts = await partsOf(partPrefix(current.generation));
      // Parts come in key order; a generation cut short (deleted under a slow reader) reads as none.
      if (parts.length !== current.parts) return undefined;
      const bytes = Buffer.concat(parts.map((part) => Buffer.from(part.data as Uint8Array)));
      const vocabulary = JSON.parse(gunzipSync(bytes).toString('utf8')) as MinedVocabulary;
      return vocabulary?.version === VOCABULARY_VERSION && Array.isArray(vocabulary.groups)
        ? vocabulary
        : undefined;
    },

    async put(vocabulary) {
      const bytes = gzipSync(Buffer.from(JSON.stringify(vocabulary), 'utf8'));
      // Sortable: an older put never deletes the parts of a newer one.
      const generation = `${new Date().toISOString()}#${randomUUID().slice(0, 8)}`;
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += partBytes) parts.push(bytes.subarray(at, at + partBytes));
      await batchWriteAll(
        db,
        tableName,
        parts.map((data, index) => ({ PutRequest: { Item: { ...partKey(generation, index), data } } })),
      );
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...CURRENT, generation, parts: parts.length, bytes: bytes.length },
        }),
      );
      const older = (await partsOf(partPrefix(''), ['pk', 'sk'])).filter(
        (item) => (item.sk as string) < partPrefix(generation),
      );
      await batchWriteAll(
        db,
        tableName,
        older.map((item) => ({ DeleteRequest: { Key: { pk: item.pk as string, sk: item.sk as string } } })),
      );
    },
  };
}
