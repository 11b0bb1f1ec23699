import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_PAPER_BYTES, parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';

import { HF_DAYS_DIR as DAILY_DIR, SEED_FILE } from '../../support/paths';

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const dailyFiles = readdirSync(DAILY_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** A real late-2025 item (2025-11-13, "LoopTool"), to mutate into broken ones. */
function realItem(): Record<string, any> {
  const items = readJson(path.join(DAILY_DIR, '2025-11-13.json')) as Record<string, any>[];
  const item = items.find((candidate) => candidate.paper.id === '2511.09148');
  if (!item) throw new Error('fixture item 2511.09148 not found in 2025-11-13.json');
  return structuredClone(item);
}

describe('parseDailyPapers on the real Daily Papers responses', () => {
  it('has all 70 captured days', () => {
    expect(dailyFiles).toHaveLength(70);
  });

  it('parses all 1,279 papers of every captured day with none rejected, each on its queried day', () => {
    let total = 0;
    const rejected: unknown[] = [];
    const wrongDay: string[] = [];

    for (const file of dailyFiles) {
      const day = file.replace(/\.json$/, '');
      const raw = readJson(path.join(DAILY_DIR, file)) as unknown[];
      const result = parseDailyPapers(raw, day);
      total += result.papers.length;
      rejected.push(...result.rejected.map((item) => ({ file, ...item })));
      wrongDay.push(
        ...result.papers.filter((paper) => paper.dailyDate !== day).map((paper) => `${file}:${paper.id}`),
      );
      expect(result.papers).toHaveLength(raw.length);
    }

    expect(rejected).toEqual([]);
    expect(total).toBe(1279);
    expect(wrongDay).toEqual([]);
  });

  it('parses every captured item without the query day too (the day then comes from the item)', () => {
    const rejected = dailyFiles.flatMap(
      (file) => parseDailyPapers(readJson(path.join(DAILY_DIR, file))).rejected,
    );

    expect(rejected).toEqual([]);
  });

  it('maps every field of a late-2025 item', () => {
    const { papers, rejected } = parseDailyPapers([realItem()], '2025-11-13');

    expect(rejected).toEqual([]);
    expect(papers[0]).toMatchObject({
      id: '2511.09148',
      title: 'LoopTool: Closing the Data-Training Loop for Robust LLM Tool Calls',
      upvotes: 5,
      numComments: 1,
      publishedAt: '2025-11-12T09:34:39.000Z',
      dailyDate: '2025-11-13',
      githubRepo: 'https://github.com/Rednote-ExperienceAI-Lab/LoopTool',
      githubStars: 0,
      organization: { name: 'SJTU', fullname: 'Shanghai Jiao Tong University' },
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2511.09148.png',
    });
    expect(papers[0].authors.slice(0, 3)).toEqual(['Kangning Zhang', 'Wenxiang Jiao', 'Kounianhua Du']);
    expect(papers[0].aiKeywords).toContain('tool learning');
    expect(papers[0].aiSummary).toMatch(/^LoopTool, an automated data evolution framework/);
    expect(papers[0].abstract.length).toBeGreaterThan(100);
  });

  it('parses the oldest (2024-05) shape, which lacks the ai_* fields, organization and submittedOnDailyAt', () => {
    const { papers, rejected } = parseDailyPapers(
      readJson(path.join(DAILY_DIR, '2024-05-27.json')),
      '2024-05-27',
    );

    expect(rejected).toEqual([]);
    expect(papers).toHaveLength(13);
    expect(papers.every((paper) => paper.aiKeywords.length === 0 && paper.aiSummary === undefined)).toBe(
      true,
    );
    expect(papers.every((paper) => typeof paper.upvotes === 'number' && paper.authors.length > 0)).toBe(true);
  });
});

describe('parseDailyPapers on the seed page', () => {
  const seed = readJson(SEED_FILE) as Record<string, any>[];

  it('parses all 48 seed papers with none rejected', () => {
    const { papers, rejected } = parseDailyPapers(seed);

    expect(rejected).toEqual([]);
    expect(papers).toHaveLength(48);
  });

  it('keeps unknown upvotes as null, and the 7 known counts as they are', () => {
    const { papers } = parseDailyPapers(seed);

    expect(papers.filter((paper) => paper.upvotes === null)).toHaveLength(41);
    expect(papers.find((paper) => paper.id === '2508.00819')?.upvotes).toBe(21);
    expect(papers.find((paper) => paper.id === '2410.07145')?.upvotes).toBe(0);
  });

  it('gives the seed papers no authors and takes their day from publishedAt', () => {
    const { papers } = parseDailyPapers(seed);
    const moe = papers.find((paper) => paper.id === '2504.14960');

    expect(papers.every((paper) => Array.isArray(paper.authors) && paper.authors.length === 0)).toBe(true);
    expect(moe?.dailyDate).toBe('2025-04-21');
  });
});

describe('parseDailyPapers on odd and hostile input', () => {
  it('maps missing or null authors to [] and leaves hidden and nameless authors out', () => {
    const missing = realItem();
    delete missing.paper.authors;
    const nulled = realItem();
    nulled.paper.id = '2511.00001';
    nulled.paper.authors = null;
    const hidden = realItem();
    hidden.paper.id = '2511.00002';
    hidden.paper.authors = [
      { name: 'Shown  Author' },
      { name: 'Hidden Author', hidden: true },
      { name: null },
      {},
    ];

    const { papers, rejected } = parseDailyPapers([missing, nulled, hidden], '2025-11-13');

    expect(rejected).toEqual([]);
    expect(papers.map((paper) => paper.authors)).toEqual([[], [], ['Shown Author']]);
  });

  it('keeps null upvotes as null (not 0)', () => {
    const item = realItem();
    item.paper.upvotes = null;

    const { papers } = parseDailyPapers([item], '2025-11-13');

    expect(papers[0].upvotes).toBeNull();
  });

  it('rejects broken items with a reason and keeps the rest of the batch', () => {
    const good = realItem();
    const missingId = realItem();
    delete missingId.paper.id;
    const numericTitle = realItem();
    numericTitle.paper.id = '2511.00003';
    numericTitle.paper.title = 42;
    const badId = realItem();
    badId.paper.id = '<script>alert(1)</script>';
    const negativeUpvotes = realItem();
    negativeUpvotes.paper.id = '2511.00004';
    negativeUpvotes.paper.upvotes = -3;
    const alsoGood = realItem();
    alsoGood.paper.id = '2511.00005';

    const { papers, rejected } = parseDailyPapers(
      [good, missingId, numericTitle, null, 'not an item', badId, negativeUpvotes, alsoGood],
      '2025-11-13',
    );

    expect(papers.map((paper) => paper.id)).toEqual(['2511.09148', '2511.00005']);
    expect(rejected.map(({ index, id }) => ({ index, id }))).toEqual([
      { index: 1, id: undefined },
      { index: 2, id: '2511.00003' },
      { index: 3, id: undefined },
      { index: 4, id: undefined },
      { index: 5, id: '<script>alert(1)</script>' },
      { index: 6, id: '2511.00004' },
    ]);
    expect(rejected[0].reason).toMatch(/^paper\.id: /);
    expect(rejected[1].reason).toMatch(/^paper\.title: /);
    expect(rejected[4].reason).toBe('paper.id: paper.id is not an arXiv-like id');
    expect(rejected[5].reason).toMatch(/^paper\.upvotes: /);
  });

  it.each([
    ['an error object', { error: 'Rate limit exceeded' }],
    ['null', null],
    ['a string', '<!doctype html>'],
  ])('rejects %s as a whole response, with no papers', (_label, raw) => {
    expect(parseDailyPapers(raw)).toEqual({
      papers: [],
      rejected: [{ index: -1, reason: 'response is not a JSON array of papers' }],
    });
  });

  it('rejects an item that says no day when the query day is not known', () => {
    const item = realItem();
    delete item.paper.submittedOnDailyAt;
    delete item.paper.publishedAt;
    delete item.publishedAt;

    const { papers, rejected } = parseDailyPapers([item]);

    expect(papers).toEqual([]);
    expect(rejected).toEqual([
      { index: 0, id: '2511.09148', reason: expect.stringMatching(/no Daily Papers date/) },
    ]);
  });

  it('takes the day from submittedOnDailyAt when the query day is not known', () => {
    const { papers } = parseDailyPapers([realItem()]);

    expect(papers[0].dailyDate).toBe('2025-11-13');
  });

  it('collapses whitespace and drops blank optional strings', () => {
    const item = realItem();
    item.paper.title = '  LoopTool:\n  Closing   the Loop ';
    item.paper.projectPage = '   ';
    item.paper.ai_summary = '';

    const { papers } = parseDailyPapers([item], '2025-11-13');

    expect(papers[0].title).toBe('LoopTool: Closing the Loop');
    expect(papers[0].projectPage).toBeUndefined();
    expect(papers[0].aiSummary).toBeUndefined();
  });

  it('rejects a paper too large to store alone and keeps the rest of its day', () => {
    const huge = realItem();
    huge.paper.id = '2511.99999';
    huge.paper.summary = 'x'.repeat(MAX_PAPER_BYTES);

    const { papers, rejected } = parseDailyPapers([realItem(), huge], '2025-11-13');

    expect(papers.map((paper) => paper.id)).toEqual(['2511.09148']);
    expect(rejected).toEqual([
      { index: 1, id: '2511.99999', reason: expect.stringMatching(/bytes, more than the 65536/) },
    ]);
  });

  it('cleans control characters and lone surrogates from text, dropping authors and keywords left blank', () => {
    const item = realItem();
    item.paper.title = 'Loop\u0000Tool:\u001b[31m Closing\ud800 the Loop';
    item.paper.authors = [{ name: ' \u0007 ' }, { name: 'Ada\u0000Lovelace' }, { name: '   ' }];
    item.paper.ai_keywords = ['\u0001', 'tool\u000blearning'];

    const [paper] = parseDailyPapers([item], '2025-11-13').papers;

    expect(paper.title).toBe('Loop Tool: [31m Closing the Loop');
    expect(paper.authors).toEqual(['Ada Lovelace']);
    expect(paper.aiKeywords).toEqual(['tool learning']);
  });

  it('rejects a title of nothing but control characters', () => {
    const item = realItem();
    item.paper.title = '\u0000\u0001 \u001b';

    const { papers, rejected } = parseDailyPapers([item], '2025-11-13');

    expect(papers).toEqual([]);
    expect(rejected[0].reason).toMatch(/paper.title is empty/);
  });

  it('keeps publishedAt only when it is an ISO timestamp, else the listed day', () => {
    const garbled = realItem();
    garbled.paper.publishedAt = 'not a date';
    garbled.publishedAt = '';

    const [paper] = parseDailyPapers([garbled], '2025-11-13').papers;

    expect(paper.publishedAt).toBe('2025-11-13T00:00:00.000Z');
  });
});
