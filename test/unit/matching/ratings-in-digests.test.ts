import { planSlice } from '@functions/core/digests/plan-slice';
import type { Paper } from '@functions/core/papers';
import type { DigestBatch } from '@functions/core/ports';
import { aPaper, aSubscriber } from '@support/builders';
import {
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingDigestQueue,
  RecordingLogger,
} from '@support/in-memory-ports';

/** The digest day (papers of the daily window are listed on it). */
const DIGEST_DATE = '2025-11-14';

const antibody = (title: string, dailyDate: string): Paper =>
  aPaper({
    title,
    abstract:
      'We generate antibody sequences with discrete diffusion. CDR loops are designed for binding affinity.',
    aiSummary: `${title}: discrete diffusion over antibody sequences and CDR loops.`,
    aiKeywords: ['antibody design', 'discrete diffusion', 'CDR loops', 'binding affinity'],
    dailyDate,
  });

/** Rated a month ago: not in the window, read from storage. */
const likedLastMonth = antibody('Discrete Diffusion for Antibody Sequence Design', '2025-10-14');
const similarToday = antibody('Designing CDR Loops with Discrete Diffusion', DIGEST_DATE);
const proteinDesign = aPaper({
  title: 'Protein Design with Inverse Folding',
  abstract: 'We study protein design. Protein design benefits from inverse folding models.',
  aiSummary: 'A protein design method based on inverse folding.',
  aiKeywords: ['protein design', 'inverse folding'],
  dailyDate: DIGEST_DATE,
});
const others = Array.from({ length: 12 }, (_, index) =>
  aPaper({
    title: `Weather Forecasting at Scale, Part ${index + 1}`,
    abstract: `We forecast weather with model number ${index + 1}. Errors fall.`,
    dailyDate: DIGEST_DATE,
  }),
);

class CountingPaperRepository extends InMemoryPaperRepository {
  getManyCalls = 0;
  override async getMany(ids: string[]) {
    this.getManyCalls++;
    return super.getMany(ids);
  }
}

async function plan(...subscribers: ReturnType<typeof aSubscriber>[]) {
  const papers = new CountingPaperRepository([likedLastMonth, similarToday, proteinDesign, ...others]);
  const queue = new RecordingDigestQueue();
  const deps = {
    papers,
    subscribers: new InMemorySubscriberRepository().seed(...subscribers),
    queue,
    logger: new RecordingLogger(),
  };
  await planSlice(deps, { digestDate: DIGEST_DATE, runId: 'run-1', segment: 0, totalSegments: 1 });
  return { papers, digests: digestsOf(queue.batches) };
}

/** Each planned reader's papers: id and the reasons' topics. */
function digestsOf(batches: DigestBatch[]): Map<string, { paperId: string; topics: string[] }[]> {
  const digests = new Map<string, { paperId: string; topics: string[] }[]>();
  for (const batch of batches)
    for (const recipient of batch.recipients)
      digests.set(
        recipient.subscriberId,
        recipient.picks.map((pick) => ({
          paperId: batch.papers[pick].paperId,
          topics: batch.papers[pick].why.map((why) => why.topic),
        })),
      );
  return digests;
}

describe('ratings in the planned digests (plan-slice, the digest ranking)', () => {
  it('brings in a paper like one the reader liked last month, read from storage once for the page', async () => {
    const rater = aSubscriber({
      preferences: { keywords: ['protein design'] },
      ratings: { liked: [likedLastMonth.id], disliked: [] },
    });
    const cold = aSubscriber({ preferences: { keywords: ['protein design'] } });

    const { papers, digests } = await plan(rater, cold);

    expect(digests.get(cold.id)).toEqual([{ paperId: proteinDesign.id, topics: ['Protein design'] }]);
    expect(digests.get(rater.id)).toEqual(
      expect.arrayContaining([
        { paperId: proteinDesign.id, topics: ['Protein design'] },
        { paperId: similarToday.id, topics: [`like “${likedLastMonth.title}” you rated`] },
      ]),
    );
    expect(papers.getManyCalls).toBe(1);
  });

  it('gives a reader with only example papers ("papers like these") a digest', async () => {
    const likeThese = aSubscriber({ preferences: { examplePapers: [likedLastMonth.id] } });

    const { digests } = await plan(likeThese);

    expect(digests.get(likeThese.id)).toEqual([
      { paperId: similarToday.id, topics: [`like “${likedLastMonth.title}”`] },
    ]);
  });

  it('leaves out the paper a reader rejected, and reads nothing for readers without ratings', async () => {
    const rejecter = aSubscriber({
      preferences: { keywords: ['protein design'] },
      ratings: { liked: [], disliked: [proteinDesign.id] },
    });
    const cold = aSubscriber({ preferences: { keywords: ['protein design'] } });

    const withRejection = await plan(rejecter);
    const withoutRatings = await plan(cold);

    expect(withRejection.digests.has(rejecter.id)).toBe(false);
    expect(withRejection.papers.getManyCalls).toBe(0);
    expect(withoutRatings.papers.getManyCalls).toBe(0);
  });
});
