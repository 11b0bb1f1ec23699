import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';
import { ingestDays, type PapersSource } from '../../../functions/core/ingest-papers';
import type { Paper } from '../../../functions/core/papers';
import { aPaper } from '../../support/builders';
import { HF_DAYS_DIR } from '../../support/paths';
import { InMemoryPaperRepository, RecordingLogger } from '../../support/in-memory-ports';

type DayResponse = Awaited<ReturnType<PapersSource['fetchDay']>>;

/** A source that answers from a table of days; a day given as an Error fails to fetch. */
class TablePapersSource implements PapersSource {
  readonly fetched: string[] = [];
  constructor(private readonly days: Record<string, DayResponse | Error>) {}
  async fetchDay(day: string): Promise<DayResponse> {
    this.fetched.push(day);
    const answer = this.days[day] ?? { papers: [], rejected: [] };
    if (answer instanceof Error) throw answer;
    return structuredClone(answer);
  }
}

/** A source backed by the captured API responses in data/, parsed by the real schema. */
class CapturedPapersSource implements PapersSource {
  async fetchDay(day: string): Promise<DayResponse> {
    const file = path.join(HF_DAYS_DIR, `${day}.json`);
    return parseDailyPapers(JSON.parse(readFileSync(file, 'utf8')), day);
  }
}

const dayOf = (papers: Paper[], rejected: DayResponse['rejected'] = []): DayResponse => ({
  papers,
  rejected,
});

describe('ingestDays', () => {
  it('stores new papers and counts created, updated and unchanged', async () => {
    const first = aPaper({ dailyDate: '2025-11-12', upvotes: 3 });
    const second = aPaper({ dailyDate: '2025-11-12' });
    const papers = new InMemoryPaperRepository();
    const logger = new RecordingLogger();
    await ingestDays(
      { source: new TablePapersSource({ '2025-11-12': dayOf([first, second]) }), papers, logger },
      ['2025-11-12'],
    );
    // The next day lists `first` again with more upvotes, `second` unchanged, and a new paper.
    const third = aPaper({ dailyDate: '2025-11-13' });
    const source = new TablePapersSource({
      '2025-11-13': dayOf([
        { ...first, upvotes: 30, dailyDate: '2025-11-13' },
        { ...second, dailyDate: '2025-11-13' },
        third,
      ]),
    });

    const result = await ingestDays({ source, papers, logger }, ['2025-11-13']);

    expect(result).toMatchObject({
      days: 1,
      fetched: 3,
      created: 1,
      updated: 1,
      unchanged: 1,
      rejected: [],
      failedDays: [],
    });
    const stored = new Map(papers.all().map((paper) => [paper.id, paper]));
    expect(stored.get(first.id)).toMatchObject({ upvotes: 30, dailyDate: '2025-11-12' });
    expect(stored.get(third.id)?.dailyDate).toBe('2025-11-13');
  });

  it('reports rejected items with their day and logs them, keeping the good papers', async () => {
    const good = aPaper();
    const source = new TablePapersSource({
      '2025-11-14': dayOf([good], [{ id: '2511.bad', reason: 'paper.title: paper.title is empty' }]),
    });
    const papers = new InMemoryPaperRepository();
    const logger = new RecordingLogger();

    const result = await ingestDays({ source, papers, logger }, ['2025-11-14']);

    expect(result.rejected).toEqual([
      { day: '2025-11-14', id: '2511.bad', reason: 'paper.title: paper.title is empty' },
    ]);
    expect(papers.all().map((paper) => paper.id)).toEqual([good.id]);
    expect(logger.entries).toContainEqual({
      level: 'warn',
      message: 'paper rejected',
      extra: { day: '2025-11-14', paperId: '2511.bad', reason: 'paper.title: paper.title is empty' },
    });
  });

  it('reports a day that cannot be fetched and still ingests the other days', async () => {
    const before = aPaper({ dailyDate: '2025-11-12' });
    const after = aPaper({ dailyDate: '2025-11-14' });
    const source = new TablePapersSource({
      '2025-11-12': dayOf([before]),
      '2025-11-13': new Error('HTTP 503 from Hugging Face'),
      '2025-11-14': dayOf([after]),
    });
    const papers = new InMemoryPaperRepository();
    const logger = new RecordingLogger();

    const result = await ingestDays({ source, papers, logger }, ['2025-11-12', '2025-11-13', '2025-11-14']);

    expect(result).toMatchObject({ days: 2, fetched: 2, created: 2 });
    expect(result.failedDays).toEqual([{ day: '2025-11-13', reason: 'HTTP 503 from Hugging Face' }]);
    expect(source.fetched).toEqual(['2025-11-12', '2025-11-13', '2025-11-14']);
    expect(logger.messages('error')).toEqual(['day not ingested']);
    expect(await papers.recentDays(5)).toEqual(['2025-11-14', '2025-11-12']);
  });

  it('counts an empty day as ingested without writing anything', async () => {
    const papers = new InMemoryPaperRepository();

    const result = await ingestDays(
      { source: new TablePapersSource({}), papers, logger: new RecordingLogger() },
      ['2025-11-15'],
    );

    expect(result).toEqual({
      days: 1,
      fetched: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: [],
      failedDays: [],
    });
    expect(papers.all()).toEqual([]);
  });

  it('reports progress after each day', async () => {
    const source = new TablePapersSource({ '2025-11-12': dayOf([aPaper({ dailyDate: '2025-11-12' })]) });
    const progress: [string, number, number, number][] = [];

    await ingestDays(
      { source, papers: new InMemoryPaperRepository(), logger: new RecordingLogger() },
      ['2025-11-12', '2025-11-13'],
      (day, index, total, soFar) => progress.push([day, index, total, soFar.fetched]),
    );

    expect(progress).toEqual([
      ['2025-11-12', 0, 2, 1],
      ['2025-11-13', 1, 2, 1],
    ]);
  });

  it('ingests captured real days end to end, and a second run changes nothing', async () => {
    const days = ['2025-11-11', '2025-11-12', '2025-11-13'];
    const papers = new InMemoryPaperRepository();
    const deps = { source: new CapturedPapersSource(), papers, logger: new RecordingLogger() };

    const first = await ingestDays(deps, days);
    const second = await ingestDays(deps, days);

    expect(first.rejected).toEqual([]);
    expect(first.created).toBe(first.fetched);
    expect(first.created).toBeGreaterThan(0);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.fetched });
    expect(await papers.recentDays(10)).toEqual(['2025-11-13', '2025-11-12', '2025-11-11']);
  });
});
