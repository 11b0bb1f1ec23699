import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { matchQueries } from '../../functions/core/matching';
import { runCli } from '../support/cli';
import { startTestStack } from '../support/local-stack';
import { HF_DAYS_DIR, SEED_FILE } from '../support/paths';
import { aSubscriber } from '../support/builders';

const cli = runCli;

describe('match command', () => {
  it('prints, per query, exactly what the digest code path selects, best first', async () => {
    const file = path.join(HF_DAYS_DIR, '2025-11-11.json');
    const queries = ['video generation', 'speculative decoding', 'GUI agents'];

    const result = await cli([
      'match',
      '--papers',
      file,
      ...queries.flatMap((q) => ['--query', q]),
      '--json',
    ]);
    const printed = JSON.parse(result.stdout);
    const papers = parseDailyPapers(JSON.parse(readFileSync(file, 'utf8')), '2025-11-11').papers;

    expect(result.code).toBe(0);
    expect(Object.keys(printed)).toEqual(queries);
    expect(printed).toEqual(JSON.parse(JSON.stringify(matchQueries(papers, queries))));
    for (const hits of Object.values(printed) as { id: string; relevance: number; why: string }[][]) {
      for (const hit of hits) expect(typeof hit.why).toBe('string');
      const scores = hits.map((hit) => hit.relevance);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  }, 60_000);

  it('reads a folder of days and odd records (null upvotes, no authors)', async () => {
    const result = await cli(['match', '--papers', SEED_FILE, '--query', 'mixture of experts', '--json']);
    const printed = JSON.parse(result.stdout) as Record<string, { id: string }[]>;
    expect(result.code).toBe(0);
    expect(printed['mixture of experts'].map((hit) => hit.id)).toContain('2504.14960');
  }, 60_000);
});

describe('bad input', () => {
  it.each([
    [['match', '--query', 'x', '--json'], /needs --papers/],
    [['match', '--papers', '/nonexistent/papers', '--query', 'agents'], /no such file/],
    [
      ['match', '--papers', HF_DAYS_DIR, '--query', 'x'],
      /--query "x": A keyword is 2 to 100 characters; this one is 1\./,
    ],
    [
      ['match', '--papers', HF_DAYS_DIR, '--query', 'k'.repeat(101)],
      /A keyword is 2 to 100 characters; this one is 101\./,
    ],
    [['match', '--papers', HF_DAYS_DIR], /at least one --query/],
    [['ingest', '--date', '2025-02-30'], /--date must be a real date/],
    [['ingest', '--date', '2025-11-01', '--since', '2025-10-01'], /not both/],
    [['preview'], /needs --email/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['digest', '--bogus'], /Unknown option/],
    [['claims'], /claims needs --date/],
    [['claims', '--date', '2025-02-30'], /--date must be a real date/],
    [['claims', '--date', '2025-11-13', '--force'], /--force only goes with --release/],
  ])(
    '%j exits 2 with a one-line reason',
    async (args, reason) => {
      const result = await cli(args as string[]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/^error: /);
      expect(result.stderr).toMatch(reason as RegExp);
    },
    60_000,
  );

  it('refuses a folder without paper files and a file without papers, rather than match nothing', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'paperboy-match-'));
    const emptyList = path.join(folder, 'empty.json');
    const emptyFolder = mkdtempSync(path.join(tmpdir(), 'paperboy-match-'));
    writeFileSync(emptyList, '[]');

    const noFiles = await cli(['match', '--papers', emptyFolder, '--query', 'agents']);
    const noPapers = await cli(['match', '--papers', emptyList, '--query', 'agents']);

    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toMatch(/no \.json files/);
    expect(noPapers.code).toBe(2);
    expect(noPapers.stderr).toMatch(/no papers in 1 file/);
  }, 60_000);

  it('prints the usage for --help and exits 0', async () => {
    const result = await cli(['match', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run cli -- <command>/);
    expect(result.stdout).toMatch(/match --papers FILE\|DIR/);
  }, 60_000);

  it('says how to start the stack when it is not running', async () => {
    const result = await cli(['digest'], { SQS_PORT: '1', DYNAMODB_PORT: '2' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm start/);
  }, 60_000);
});

describe('claims command', () => {
  it('lists a claim with no delivery record (ids, never addresses), then releases it', async () => {
    const stack = await startTestStack();
    try {
      const { services } = stack;
      const reader = aSubscriber({
        id: 'cli-claims-reader',
        email: 'cli-claims@example.com',
        preferences: { topics: ['ai-agents'] },
      });
      await services.subscribers.create(reader);
      await services.deliveries.claimDigest({
        subscriberId: reader.id,
        digestDate: '2025-11-13',
        paperIds: ['2511.00001'],
        forgetDays: [],
      });

      const listed = await stack.cli(['claims', '--date', '2025-11-13']);
      const released = await stack.cli(['claims', '--date', '2025-11-13', '--release']);
      const after = await stack.cli(['claims', '--date', '2025-11-13']);

      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^claims 2025-11-13: 1 with no delivery record\n {2}cli-claims-reader\n/);
      expect(listed.stdout).not.toContain(reader.email);
      expect(released.code).toBe(0);
      expect(released.stdout).toMatch(/released 1\b/);
      expect((await services.subscribers.get(reader.id))?.digestHistory?.['2025-11-13']).toBeUndefined();
      expect(after.stdout).toMatch(/^claims 2025-11-13: 0 with no delivery record\n$/);
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
