import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { formatLongDay } from '../../functions/adapters/render/format';
import { addDays, dayInTimeZone, isoWeekday } from '../../functions/core/dates';
import { matchQueries } from '../../functions/core/matching';
import { runCli } from '../support/cli';
import { startTestStack, type TestStack } from '../support/local-stack';
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

  it('prints each paper with its title under its id and relevance, and why it matched', async () => {
    const file = path.join(HF_DAYS_DIR, '2025-11-11.json');
    const papers = parseDailyPapers(JSON.parse(readFileSync(file, 'utf8')), '2025-11-11').papers;
    const expected = matchQueries(papers, ['video generation'])['video generation'];

    const result = await cli(['match', '--papers', file, '--query', 'video generation']);
    const lines = result.stdout.split('\n');

    expect(result.code).toBe(0);
    expect(expected.length).toBeGreaterThan(0);
    expect(lines[1]).toBe(
      `video generation: ${expected.length} paper${expected.length === 1 ? '' : 's'} included`,
    );
    expected.forEach((hit, index) => {
      const title = (papers.find((paper) => paper.id === hit.id)?.title ?? '').replace(/\s+/g, ' ').trim();
      expect(title.length).toBeGreaterThan(0);
      expect(lines[2 + 2 * index]).toBe(`  ${hit.id}  ${hit.relevance.toFixed(3)}  ${title}`);
      expect(lines[3 + 2 * index].trim()).toBe(hit.why);
    });
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
    [['ingest', '--since', '2999-01-01'], /--since 2999-01-01 is after today \(\d{4}-\d{2}-\d{2}\)/],
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

/** 2025-11-13 is a Thursday: a reader weekly on Friday is not due. */
const DAY = '2025-11-13';

describe('digest and preview with a stack', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    const papers = parseDailyPapers(
      JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${DAY}.json`), 'utf8')),
      DAY,
    ).papers;
    await stack.services.papers.upsert(papers);
  }, 120_000);
  afterAll(async () => stack?.stop());

  const reader = (name: string, overrides: Parameters<typeof aSubscriber>[0] = {}) =>
    aSubscriber({ id: `cli-${name}`, email: `${name}@example.com`, ...overrides });

  it('says who got no digest and why, by reason and (on a small run) by address', async () => {
    const readers = [
      reader('daily', { preferences: { topics: ['ai-agents'] } }),
      reader('friday', { preferences: { topics: ['ai-agents'], cadence: 'weekly', weekday: 5 } }),
      reader('monday', { preferences: { topics: ['ai-agents'], cadence: 'weekly', weekday: 1 } }),
      reader('gone', { status: 'unsubscribed', preferences: { topics: ['ai-agents'] } }),
      reader('pending', { status: 'unconfirmed', preferences: { topics: ['ai-agents'] } }),
      reader('resting', { preferences: { topics: ['ai-agents'], paused: true } }),
      reader('bounced', {
        preferences: { topics: ['ai-agents'] },
        suppressed: { reason: 'hard-bounce', at: '2025-11-01T00:00:00.000Z' },
      }),
      reader('blank'),
      reader('niche', { preferences: { keywords: ['ornithology'] } }),
    ];
    for (const subscriber of readers) await stack.services.subscribers.create(subscriber);

    const dryRun = await stack.cli(['digest', '--date', DAY, '--dry-run']);
    const result = await stack.cli(['digest', '--date', DAY]);
    const rerun = await stack.cli(['digest', '--date', DAY]);
    const lines = result.stdout.trimEnd().split('\n');

    expect(result.code).toBe(0);
    expect(lines[0]).toMatch(
      /^digest 2025-11-13: subscribers: 9 {2}emails sent: 1 {2}skipped empty: 2 {2}failed: 0$/,
    );
    expect(lines[1]).toBe(
      '  no digest: not due: 2 (weekly on Monday: 1, weekly on Friday: 1)  not confirmed: 1  unsubscribed: 1  paused: 1  suppressed: 1  no topics: 1  nothing new: 1',
    );
    expect(lines.slice(2)).toEqual([
      '    weekly on Monday: monday@example.com',
      '    weekly on Friday: friday@example.com',
      '    not confirmed: pending@example.com',
      '    unsubscribed: gone@example.com',
      '    paused: resting@example.com',
      '    suppressed: bounced@example.com',
      '    no topics: blank@example.com',
      '    nothing new: niche@example.com',
    ]);
    // The dry run gives the same reasons before anything is sent.
    expect(dryRun.stdout).toContain(lines[1]);
    expect(dryRun.stdout).toContain('    nothing new: niche@example.com');
    // Run again: the daily reader was sent today's already.
    expect(rerun.stdout).toMatch(/emails sent: 0/);
    expect(rerun.stdout).toMatch(/already sent: 1/);
    expect(rerun.stdout).toMatch(/^ {4}already sent: daily@example\.com$/m);
  }, 180_000);

  it('says when the reader previewed is unsubscribed (exit 0) and still renders what they would get', async () => {
    await stack.services.subscribers.create(
      reader('left', {
        status: 'unsubscribed',
        unsubscribedAt: '2025-11-10T09:00:00.000Z',
        preferences: { topics: ['ai-agents'] },
      }),
    );

    const result = await stack.cli(['preview', '--email', 'left@example.com', '--date', DAY]);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^note: left@example\.com is unsubscribed \(since 2025-11-10\): no digest is sent/,
    );
    expect(result.stdout).toMatch(/^Subject: /);
  }, 60_000);

  it("dates a weekly reader's preview on their next digest day, not today", async () => {
    const today = dayInTimeZone(new Date(), 'UTC');
    // Weekly on tomorrow's weekday: dated today, the preview would be a day early.
    const next = addDays(today, 1);
    const recent = parseDailyPapers(
      JSON.parse(readFileSync(path.join(HF_DAYS_DIR, '2025-11-12.json'), 'utf8')),
      '2025-11-12',
    ).papers.map((paper) => ({ ...paper, dailyDate: today }));
    await stack.services.papers.upsert(recent);
    await stack.services.subscribers.create(
      reader('weekender', {
        preferences: { topics: ['ai-agents', 'llm-reasoning'], cadence: 'weekly', weekday: isoWeekday(next) },
      }),
    );

    const result = await stack.cli(['preview', '--email', 'weekender@example.com']);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^weekly reader: their next digest is \\w+day ${next}\\n$`));
    expect(result.stdout).toMatch(/^Subject: /);
    expect(result.stdout).toContain(`Week ending ${formatLongDay(next)}`);
    expect(result.stdout).not.toContain(`Week ending ${formatLongDay(today)}`);
  }, 60_000);

  it('ingest --since walks the days a folder has, not every calendar day up to today', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'paperboy-ingest-'));
    for (const day of ['2025-11-12', '2025-11-13'])
      copyFileSync(path.join(HF_DAYS_DIR, `${day}.json`), path.join(folder, `${day}.json`));

    const result = await stack.cli(['ingest', '--from', folder, '--since', '2025-11-01']);
    const none = await stack.cli(['ingest', '--from', folder, '--since', '2025-11-14']);

    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual(['[1/2] 2025-11-12', '[2/2] 2025-11-13']);
    expect(result.stdout).toMatch(/^days: 2 {2}papers: \d+/);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^days: 0 /);
    expect(none.stderr).toMatch(/has no day on or after 2025-11-14 \(its last is 2025-11-13\)/);
  }, 60_000);

  it('ingest --since from the API asks for every calendar day from D to today, weekends too, and no later', async () => {
    // A stand-in for the Daily Papers API on loopback: no papers on any day, each date asked recorded.
    const asked: string[] = [];
    const api = createServer((request, response) => {
      asked.push(new URL(request.url ?? '/', 'http://x').searchParams.get('date') ?? '');
      response.setHeader('content-type', 'application/json');
      response.end('[]');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/daily_papers`;
    const today = dayInTimeZone(new Date(), 'UTC');
    const since = addDays(today, -8);
    try {
      const result = await stack.cli(['ingest', '--from', url, '--since', since]);

      expect(result.code).toBe(0);
      expect(asked).toEqual(Array.from({ length: 9 }, (_, index) => addDays(since, index)));
      expect(result.stdout).toMatch(/^days: 9 {2}papers: 0 /);
    } finally {
      await new Promise((resolve) => api.close(resolve));
    }
  }, 60_000);
});
