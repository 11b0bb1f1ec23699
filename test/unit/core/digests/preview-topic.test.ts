import { toPaperView } from '@functions/core/digests/paper-view';
import { createTopicPreview } from '@functions/core/digests/preview-topic';
import { createMatcher, rankForDigest } from '@functions/core/matching';
import { ValidationError } from '@functions/core/errors';
import { aPaper } from '@support/builders';
import { rlhfPapers } from '../../matching/builders';
import { InMemoryPaperRepository, SettableClock } from '@support/in-memory-ports';

// The preview looks at the last days of papers: these are listed on the clock's day.
const { dpo, rlhf } = rlhfPapers({ dailyDate: '2025-11-14' });
const unrelated = aPaper({ title: 'Protein Folding Benchmarks', abstract: 'We fold proteins.' });

function preview() {
  return createTopicPreview({
    papers: new InMemoryPaperRepository([dpo, rlhf, unrelated]),
    clock: new SettableClock(),
  });
}

describe('topic preview', () => {
  it('lists the papers a keyword would have matched, with the words the email shows', async () => {
    const { papers, days } = await preview()('rlhf');

    const byPaper = new Map([dpo, rlhf, unrelated].map((paper) => [paper.id, paper]));
    const topic = { kind: 'keyword', text: 'rlhf' } as const;
    const hits = createMatcher([dpo, rlhf, unrelated]).match(topic);
    const emailWords = new Map(
      rankForDigest([{ topic, hits }], byPaper).map(({ paperId, why }) => [
        paperId,
        toPaperView(byPaper.get(paperId)!, why).matchedTopics.flatMap((reason) => reason.matched),
      ]),
    );
    expect(papers.map((paper) => paper.id).sort()).toEqual([dpo.id, rlhf.id].sort());
    for (const paper of papers) expect(paper.matched).toEqual(emailWords.get(paper.id));
    const byId = new Map(papers.map((paper) => [paper.id, paper]));
    expect(byId.get(rlhf.id)).toMatchObject({
      related: false,
      url: `https://huggingface.co/papers/${rlhf.id}`,
    });
    expect(byId.get(dpo.id)).toMatchObject({ related: true, matched: expect.arrayContaining(['DPO']) });
    expect(days).toBe(1); // the repository holds one day of papers
  });

  it('shows the words of a good match, even when they are the query’s own', async () => {
    const { papers } = await preview()('rlhf');

    const exact = papers.find((paper) => paper.id === rlhf.id);
    expect(exact?.related).toBe(false);
    expect(exact?.matched.map((word) => word.toLowerCase())).toContain('rlhf');
  });

  it('names a curated topic that says the same, with a few of its other phrases', async () => {
    const worldModels = await preview()('world models');
    const ownWords = await preview()('protein folding benchmarks');

    expect(worldModels.curated).toEqual({
      id: 'world-models',
      name: 'World models',
      alsoCovers: ['world simulator', 'interactive video generation', 'game engine'],
    });
    expect(ownWords.curated).toBeUndefined();
  });

  it.each([
    ['x', 1],
    ['k'.repeat(101), 101],
    ['   ', 0],
  ])('refuses %j: a keyword is 2 to 100 characters', async (query, length) => {
    const attempt = preview()(query);

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(`A keyword is 2 to 100 characters; this one is ${length}.`);
  });
});
