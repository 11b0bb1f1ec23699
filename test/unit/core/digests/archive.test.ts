import {
  archiveDayProblem,
  createArchive,
  PAST_DAY_TTL_MS,
  RECENT_DAY_TTL_MS,
} from '@functions/core/digests/archive';
import { digestVocabulary } from '@functions/core/digests/digest-composer';
import { ValidationError } from '@functions/core/errors';
import { createMatcher } from '@functions/core/matching';
import type { Paper } from '@functions/core/papers';
import { topicCatalog } from '@functions/core/topics/catalog';
import { aPaper } from '@support/builders';
import { InMemoryPaperRepository, SettableClock } from '@support/in-memory-ports';

const agents = aPaper({
  dailyDate: '2025-11-12',
  title: 'Tool Use for LLM Agents at Scale',
  abstract: 'We study LLM agents that plan and call tools over long horizons.',
  aiSummary: 'LLM agents learn tool use over long horizons.',
  upvotes: 40,
});
const video = aPaper({
  dailyDate: '2025-11-12',
  title: 'Fast Video Generation by Distilling Video Diffusion',
  abstract: 'We make video generation with video diffusion models fast.',
  upvotes: 10,
});
const both = aPaper({
  dailyDate: '2025-11-12',
  title: 'Agentic Video Generation: LLM Agents Direct Video Diffusion',
  abstract: 'LLM agents plan the shots; video diffusion renders them.',
  upvotes: 25,
});
const nothing = aPaper({
  dailyDate: '2025-11-12',
  title: 'Soil Erosion in River Deltas',
  abstract: 'We measure erosion.',
  upvotes: 3,
});
const older = aPaper({ dailyDate: '2025-11-10', title: 'LLM Agents That Browse the Web' });
const newer = aPaper({ dailyDate: '2025-11-13', title: 'Talking Head Video Generation' });

/** A paper repository that counts the day reads, and can be told to fail. */
class CountingPapers extends InMemoryPaperRepository {
  dayReads = 0;
  dayListReads = 0;
  failNext = false;
  override async listByDays(days: string[]): Promise<Paper[]> {
    this.dayReads++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('papers table unreachable');
    }
    return super.listByDays(days);
  }
  override async recentDays(limit: number, notAfter?: string): Promise<string[]> {
    this.dayListReads++;
    return super.recentDays(limit, notAfter);
  }
}

function anArchive(now = '2025-11-20T09:00:00.000Z') {
  const papers = new CountingPapers([agents, video, both, nothing, older, newer]);
  const clock = new SettableClock(now);
  return { archive: createArchive({ papers, clock }), papers, clock };
}

const idsOf = (list: { id: string }[]) => list.map((paper) => paper.id);

describe('the archive (core/digests/archive.ts)', () => {
  it('lists every day with papers, newest first', async () => {
    expect(await anArchive().archive.days()).toEqual(['2025-11-13', '2025-11-12', '2025-11-10']);
  });

  it('lists a day’s papers per curated topic, as the digest’s matcher matches them, and the rest apart', async () => {
    const day = await anArchive().archive.day('2025-11-12');

    const matcher = createMatcher([agents, video, both, nothing], {
      vocabulary: await digestVocabulary(undefined),
    });
    const byTopic = Object.fromEntries(
      (day?.topics ?? []).map((topic) => [topic.id, idsOf(topic.papers).sort()]),
    );
    expect(byTopic['ai-agents']).toEqual(
      matcher
        .match({ kind: 'catalog', id: 'ai-agents' })
        .map((hit) => hit.paperId)
        .sort(),
    );
    expect(byTopic['ai-agents']).toEqual([agents.id, both.id].sort());
    expect(byTopic['video-generation']).toEqual([video.id, both.id].sort());
    expect(idsOf(day?.others ?? [])).toEqual([nothing.id]);
    expect(day).toMatchObject({
      day: '2025-11-12',
      paperCount: 4,
      newerDay: '2025-11-13',
      olderDay: '2025-11-10',
    });
  });

  it('orders a topic’s papers as a digest would and shows each with the digest’s summary and links', async () => {
    const day = await anArchive().archive.day('2025-11-12');
    const topic = day?.topics.find((candidate) => candidate.id === 'ai-agents');

    expect(topic).toMatchObject({ name: 'AI agents' });
    expect(topic?.papers[0]).toEqual({
      id: agents.id,
      title: agents.title,
      url: `https://huggingface.co/papers/${agents.id}`,
      authorsLine: 'Ada Lovelace and Alan Turing',
      summary: 'LLM agents learn tool use over long horizons.',
      arxivUrl: `https://arxiv.org/abs/${agents.id}`,
      pdfUrl: `https://arxiv.org/pdf/${agents.id}`,
    });
    // Topics come in catalog order, and only those with papers.
    const ids = day?.topics.map((candidate) => candidate.id) ?? [];
    const catalogOrder = topicCatalog.map((candidate) => candidate.id).filter((id) => ids.includes(id));
    expect(ids).toEqual(catalogOrder);
    expect(ids).toEqual(expect.arrayContaining(['ai-agents', 'video-generation']));
    for (const matched of day?.topics ?? []) expect(matched.papers.length).toBeGreaterThan(0);
  });

  it('answers undefined for a day without papers, and refuses what is not a date', async () => {
    const { archive, papers } = anArchive();

    expect(await archive.day('2025-11-11')).toBeUndefined();
    expect(papers.dayReads).toBe(0);
    await expect(archive.day('2025-02-30')).rejects.toThrow(ValidationError);
    await expect(archive.day('yesterday')).rejects.toThrow('“yesterday” is not a date');
    expect(archiveDayProblem('2025-11-12')).toBeUndefined();
  });

  it('keeps a past day’s matches for hours, and a recent day’s for minutes', async () => {
    const { archive, papers, clock } = anArchive('2025-11-13T09:00:00.000Z');
    await archive.day('2025-11-10');
    await archive.day('2025-11-13');
    expect(papers.dayReads).toBe(2);

    clock.advance({ seconds: RECENT_DAY_TTL_MS / 1000 - 1 });
    await archive.day('2025-11-10');
    await archive.day('2025-11-13');
    expect(papers.dayReads).toBe(2);

    clock.advance({ seconds: 2 });
    await archive.day('2025-11-10');
    await archive.day('2025-11-13');
    expect(papers.dayReads).toBe(3);

    clock.advance({ seconds: PAST_DAY_TTL_MS / 1000 });
    await archive.day('2025-11-10');
    expect(papers.dayReads).toBe(4);
  });

  it('matches a day once for requests that come together, and reads the list of days once a while', async () => {
    const { archive, papers } = anArchive();

    await Promise.all([archive.day('2025-11-12'), archive.day('2025-11-12'), archive.days()]);

    expect(papers.dayReads).toBe(1);
    expect(papers.dayListReads).toBe(1);
  });

  it('forgets a failed read, so the next request tries again', async () => {
    const { archive, papers } = anArchive();
    papers.failNext = true;

    await expect(archive.day('2025-11-12')).rejects.toThrow('papers table unreachable');
    const day = await archive.day('2025-11-12');

    expect(day?.paperCount).toBe(4);
    expect(papers.dayReads).toBe(2);
  });
});
