import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHttpPapersSource } from '../../functions/adapters/hf-papers/papers-source';
import { HF_DAYS_DIR } from '../support/paths';

/** A stand-in for the Daily Papers API on loopback, answering from a script of responses per day. */
let server: Server;
let baseUrl: string;
const script = new Map<string, { status: number; body: string }[]>();
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const day = url.searchParams.get('date') ?? '';
    requests.push(`${url.pathname}?${url.searchParams.toString()}`);
    const next = script.get(day)?.shift() ?? { status: 200, body: '[]' };
    response.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/daily_papers`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const realDay = readFileSync(path.join(HF_DAYS_DIR, '2025-11-13.json'), 'utf8');

describe('Daily Papers API source', () => {
  it('asks for the day and parses every item of a real response', async () => {
    script.set('2025-11-13', [{ status: 200, body: realDay }]);
    const { papers, rejected } = await createHttpPapersSource(baseUrl).fetchDay('2025-11-13');

    expect(requests.at(-1)).toMatch(/^\/api\/daily_papers\?date=2025-11-13/);
    expect(papers).toHaveLength(JSON.parse(realDay).length);
    expect(papers.every((paper) => paper.dailyDate === '2025-11-13')).toBe(true);
    expect(rejected).toEqual([]);
  });

  it('retries a 5xx and succeeds when the API recovers', async () => {
    script.set('2025-11-12', [
      { status: 503, body: 'busy' },
      { status: 200, body: realDay },
    ]);
    const { papers } = await createHttpPapersSource(baseUrl).fetchDay('2025-11-12');
    expect(papers.length).toBeGreaterThan(0);
  });

  it('fails the day at once, with the reason, on a 4xx or an answer that is not JSON', async () => {
    script.set('2025-11-11', [{ status: 404, body: '{"error":"not found"}' }]);
    script.set('2025-11-10', [{ status: 200, body: '<html>maintenance</html>' }]);
    const source = createHttpPapersSource(baseUrl);
    const before = requests.length;

    await expect(source.fetchDay('2025-11-11')).rejects.toThrow(/answered 404/);
    await expect(source.fetchDay('2025-11-10')).rejects.toThrow(/not JSON/);
    expect(requests.length - before).toBe(2);
  });
});
