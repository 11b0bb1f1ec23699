import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { matchReaders, type ReaderQuery } from '../../functions/core/matching/match-readers';
import type { Paper } from '../../functions/core/papers';
import { runCli } from '../support/cli';
import { HF_DAYS_DIR, SEED_FILE } from '../support/paths';

const DAY = '2025-11-11';
const DAY_FILE = path.join(HF_DAYS_DIR, `${DAY}.json`);
/** A seed paper (not in DAY_FILE): "MoE Parallel Folding". */
const SEED_MOE = '2504.14960';

const folder = mkdtempSync(path.join(tmpdir(), 'paperboy-readers-'));
const writeReaders = (name: string, content: unknown): string => {
  const file = path.join(folder, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** Every paper of a folder of days, as the CLI reads it (a paper listed twice keeps its first day). */
function papersOfFolder(folderPath: string): Paper[] {
  const byId = new Map<string, Paper>();
  for (const name of readdirSync(folderPath)
    .filter((file) => file.endsWith('.json'))
    .sort())
    for (const paper of parseDailyPapers(
      JSON.parse(readFileSync(path.join(folderPath, name), 'utf8')),
      name.slice(0, 10),
    ).papers)
      if (!byId.has(paper.id)) byId.set(paper.id, paper);
  return [...byId.values()];
}

const reader = (overrides: Partial<ReaderQuery> & { name: string }) => ({
  keywords: [],
  like: [],
  dislike: [],
  examples: [],
  ...overrides,
});

describe('match --readers', () => {
  it("prints, per reader, exactly what the digest's ranking includes, best first, ratings and examples included", async () => {
    const readers = [
      reader({ name: 'words', keywords: ['mixture of experts'] }),
      reader({ name: 'rated', keywords: ['mixture of experts'], like: [SEED_MOE], dislike: ['2511.07070'] }),
      reader({ name: 'like these', examples: [SEED_MOE] }),
      reader({ name: 'catalog', topics: ['world-models'] }),
    ];
    const file = writeReaders('readers.json', readers);

    const result = await runCli([
      'match',
      '--papers',
      HF_DAYS_DIR,
      '--readers',
      file,
      '--known',
      SEED_FILE,
      '--json',
    ]);

    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<
      string,
      { id: string; relevance: number; why: string }[]
    >;
    const papers = papersOfFolder(HF_DAYS_DIR);
    const known = parseDailyPapers(JSON.parse(readFileSync(SEED_FILE, 'utf8'))).papers;
    expect(Object.keys(printed)).toEqual(readers.map(({ name }) => name));
    expect(printed).toEqual(JSON.parse(JSON.stringify(matchReaders(papers, readers, known))));
    expect(printed.words.length).toBeGreaterThan(0);
    expect(printed.catalog.length).toBeGreaterThan(0);
    expect(printed['like these'].length).toBeGreaterThan(0);
    for (const matches of Object.values(printed))
      for (const match of matches) {
        expect(Object.keys(match)).toEqual(['id', 'relevance', 'why']);
        expect(match.relevance).toBeGreaterThan(0);
        expect(match.relevance).toBeLessThanOrEqual(1);
        expect(match.why).not.toBe('');
      }
    expect(printed.rated.map((match) => match.id)).not.toContain('2511.07070');
    for (const match of printed['like these']) expect(match.why).toMatch(/^like “MoE Parallel Folding/);
  }, 60_000);

  it('prints a readable list without --json', async () => {
    const file = writeReaders('one.json', [reader({ name: 'moe', keywords: ['mixture of experts'] })]);
    const result = await runCli(['match', '--papers', DAY_FILE, '--readers', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^19 papers read\nmoe: \d+ papers? included\n/);
  }, 60_000);
});

describe('match --readers, bad input', () => {
  const missing = path.join(folder, 'missing.json');
  it.each([
    ['a missing file', () => ['--readers', missing], /--readers .*missing\.json: no such file/],
    ['bad JSON', () => ['--readers', writeReaders('bad.json', '[{')], /not valid JSON/],
    ['not a list', () => ['--readers', writeReaders('object.json', { name: 'x' })], /a list of readers/],
    [
      'an unknown paper id',
      () => [
        '--readers',
        writeReaders('unknown.json', [reader({ name: 'r', keywords: ['agents'], like: ['2501.99999'] })]),
      ],
      /reader "r", like: no paper "2501\.99999" in --papers or --known/,
    ],
    [
      'an id only --known would hold, without --known',
      () => ['--readers', writeReaders('seed-id.json', [reader({ name: 'r', examples: [SEED_MOE] })])],
      /no paper "2504\.14960"/,
    ],
    [
      'an unknown topic',
      () => ['--readers', writeReaders('topic.json', [reader({ name: 'r', topics: ['no-such-topic'] })])],
      /reader "r": no catalog topic "no-such-topic"/,
    ],
    [
      'a reader with nothing to match',
      () => ['--readers', writeReaders('empty.json', [reader({ name: 'r', dislike: ['2511.07070'] })])],
      /reader "r" has nothing to match/,
    ],
    [
      'a name twice',
      () => [
        '--readers',
        writeReaders('twice.json', [
          reader({ name: 'r', keywords: ['agents'] }),
          reader({ name: 'r', keywords: ['RLHF'] }),
        ]),
      ],
      /reader "r" is listed twice/,
    ],
    [
      'a keyword of one letter',
      () => ['--readers', writeReaders('short.json', [reader({ name: 'r', keywords: ['x'] })])],
      /keyword "x": A keyword is 2 to 100 characters/,
    ],
    [
      'a missing --known',
      () => [
        '--readers',
        writeReaders('fine.json', [reader({ name: 'r', keywords: ['agents'] })]),
        '--known',
        missing,
      ],
      /--known .*missing\.json: no such file/,
    ],
    [
      '--query with --readers',
      () => ['--readers', missing, '--query', 'agents'],
      /--query or --readers, not both/,
    ],
  ])(
    '%s exits 2 with the reason',
    async (_case, args, reason) => {
      const result = await runCli(['match', '--papers', DAY_FILE, ...(args as () => string[])()]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/^error: /);
      expect(result.stderr).toMatch(reason);
    },
    60_000,
  );
});
