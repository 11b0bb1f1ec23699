/**
 * The mined vocabulary on the stand-ins: the ingest handler mines it from the papers stored so far and
 * stores it (gzip parts under DynamoDB's 400 KB item limit), and a later digest plan matches with it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createPaperRepository } from '../../functions/adapters/dynamodb/paper-repository';
import { createVocabularyRepository } from '../../functions/adapters/dynamodb/vocabulary-repository';
import { createDigestComposer } from '../../functions/core/digests/digest-composer';
import { VOCABULARY_VERSION, type MinedVocabulary } from '../../functions/core/matching/mine-vocabulary';
import { handler as ingestHandler } from '../../functions/handlers/ingest';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { standInEnvironment } from '../support/stand-in-environment';
import { lambdaContext, manualEvent } from '../fixtures/events';
import { aSubscriber } from '../support/builders';
import { HF_DAYS_DIR } from '../support/paths';

let standIns: StandIns;
const sourceDir = mkdtempSync(path.join(tmpdir(), 'paperboy-vocabulary-'));
const DAY = '2025-11-13';

/** Real API items of a day, two of them rewritten to define a name no list knows, one to use it alone. */
function writeSource(): void {
  const items = JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${DAY}.json`), 'utf8')) as {
    paper: { title: string; summary: string; ai_summary?: string; ai_keywords?: string[] };
    title: string;
    summary: string;
  }[];
  const define = (at: number, title: string): void => {
    const item = items[at];
    item.title = item.paper.title = title;
    item.summary =
      item.paper.summary = `We study Quorvex Lattice Distillation (QLD), a way to compress teachers. ${item.paper.summary}`;
  };
  define(0, 'Scaling Quorvex Lattice Distillation to Large Teachers');
  define(1, 'Quorvex Lattice Distillation for Speech');
  const alone = items[2];
  alone.title = alone.paper.title = 'QLD Students Beat Their Teachers';
  alone.summary = alone.paper.summary =
    'We show that QLD students beat their teachers on every benchmark we tried.';
  alone.paper.ai_summary = 'QLD students outperform teachers across benchmarks.';
  writeFileSync(path.join(sourceDir, `${DAY}.json`), JSON.stringify(items));
}

beforeAll(async () => {
  writeSource();
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'vocabulary-' });
  Object.assign(
    process.env,
    standInEnvironment(standIns, {
      tokenSecret: 'vocabulary-test-secret-0123456789-abcdefghijklmno',
      settings: { PAPERS_SOURCE: sourceDir },
    }),
  );
});
afterAll(async () => standIns.stop());

const db = () => createDocumentClient({ endpoint: standIns.endpoints.dynamodb });

describe('the mined vocabulary on DynamoDB', () => {
  it('is stored by the ingest handler and brings a paper into a later digest plan', async () => {
    const papers = createPaperRepository(db(), standIns.tables.papers);
    const vocabulary = createVocabularyRepository(db(), standIns.tables.papers);
    expect(await vocabulary.get()).toBeUndefined();

    const ingested = await ingestHandler(manualEvent({ date: DAY }), lambdaContext);
    expect(ingested.created).toBeGreaterThan(3);

    const stored = await vocabulary.get();
    expect(stored?.to).toBe(DAY);
    expect(stored?.groups).toContainEqual({
      terms: ['quorvex lattice distillation', 'QLD'],
      related: [],
      inPhrase: true,
    });

    const reader = aSubscriber({ preferences: { keywords: ['quorvex lattice distillation'] } });
    const withStored = await createDigestComposer({ papers, vocabulary }, DAY);
    const shippedOnly = await createDigestComposer({ papers }, DAY);
    const ids = (digest: { paperId: string }[]) => digest.map((paper) => paper.paperId);
    const alone = (await papers.listByDays([DAY])).find((paper) => paper.title.startsWith('QLD Students'));
    expect(alone).toBeDefined();
    // Only the mined vocabulary says that QLD is Quorvex Lattice Distillation in this paper.
    expect(ids(withStored.digestFor(reader))).toContain(alone?.id);
    expect(ids(shippedOnly.digestFor(reader))).not.toContain(alone?.id);
  });

  it('stores a vocabulary larger than an item can hold in parts, and reads it back whole', async () => {
    const vocabulary = createVocabularyRepository(db(), standIns.tables.papers);
    // Random letters barely compress: some 1.4 MB of gzip.
    let seed = 7;
    const word = (): string =>
      Array.from({ length: 9 }, () =>
        String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26)),
      ).join('');
    const groups = Array.from({ length: 30_000 }, () => ({
      terms: [`${word()} ${word()}`],
      related: [word(), `${word()} ${word()}`, word()],
    }));
    const big: MinedVocabulary = { version: VOCABULARY_VERSION, papers: 30_000, groups };
    await vocabulary.put(big);
    await vocabulary.put(big);

    expect(await vocabulary.get()).toEqual(big);
    const { Items = [] } = await db().send(
      new QueryCommand({
        TableName: standIns.tables.papers,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'VOCABULARY' },
      }),
    );
    const parts = Items.filter((item) => String(item.sk).startsWith('PART#'));
    // One generation's parts are left (the older one's were deleted), each under the item limit.
    expect(parts.length).toBeGreaterThan(2);
    expect(new Set(parts.map((item) => String(item.sk).split('#')[1])).size).toBe(1);
    for (const item of parts) expect((item.data as Uint8Array).length).toBeLessThan(400 * 1024 - 1024);
  });
});
