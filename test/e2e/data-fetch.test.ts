import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HF_DAYS_DIR, REPO_ROOT } from '../support/paths';

const run = promisify(execFile);

/** The Daily Papers API on loopback: a real captured day for 2025-11-13, [] for other days, 500 for 2025-11-12. */
let server: Server;
let source: string;
let out: string;
const realDay = readFileSync(path.join(HF_DAYS_DIR, '2025-11-13.json'), 'utf8');

beforeAll(async () => {
  server = createServer((request, response) => {
    const day = new URL(request.url ?? '/', 'http://localhost').searchParams.get('date');
    if (day === '2025-11-12') return response.writeHead(500).end('upstream down');
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(day === '2025-11-13' ? realDay : '[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  source = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/daily_papers`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), 'paperboy-data-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

async function dataFetch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/fetch-daily-papers.ts', ...args],
      { cwd: REPO_ROOT, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run data:fetch', () => {
  it('writes each day with papers as the API answered it, and nothing for empty days', async () => {
    const result = await dataFetch([
      '--since',
      '2025-11-13',
      '--until',
      '2025-11-14',
      '--out',
      out,
      '--source',
      source,
    ]);

    expect(result.code).toBe(0);
    expect(readdirSync(out)).toEqual(['2025-11-13.json']);
    expect(JSON.parse(readFileSync(path.join(out, '2025-11-13.json'), 'utf8'))).toEqual(JSON.parse(realDay));
    expect(result.stdout).toMatch(/2025-11-13: \d+ papers/);
    expect(result.stdout).toContain('2025-11-14: no papers, nothing written');
  });

  it('keeps the days it fetched and exits 1 with the reason when one day fails', async () => {
    const result = await dataFetch([
      '--date',
      '2025-11-12',
      '--date',
      '2025-11-13',
      '--out',
      out,
      '--source',
      source,
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/2025-11-12: could not fetch 2025-11-12: Daily Papers API answered 500/);
    expect(readdirSync(out)).toEqual(['2025-11-13.json']);
  });

  it.each([
    [['--out', 'x'], /which days\?/],
    [['--date', '2025-02-30'], /--date must be a real date/],
    [['--since', '2025-11-14', '--until', '2025-11-13'], /is after --until/],
    [['--date', '2025-11-13', '--source', 'data/'], /--source must be an http\(s\) URL/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j with exit code 2 and the reason', async (args, reason) => {
    const result = await dataFetch([...args, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('usage: npm run data:fetch');
  });
});
