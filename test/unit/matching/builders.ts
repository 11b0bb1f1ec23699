import { createMatcher, parseQuery, type TopicHit } from '../../../functions/core/matching';
import type { Paper } from '../../../functions/core/papers';

let sequence = 0;

/** A paper with neutral defaults; override what the test is about. */
export function aPaper(overrides: Partial<Paper> = {}): Paper {
  sequence += 1;
  return {
    id: `2511.${String(10000 + sequence)}`,
    title: 'A Study of Something Unrelated',
    abstract: 'We study an unrelated problem. Our method improves results on standard benchmarks.',
    aiKeywords: [],
    authors: ['Jane Doe'],
    upvotes: 10,
    numComments: 0,
    publishedAt: '2025-11-10T00:00:00.000Z',
    dailyDate: '2025-11-11',
    ...overrides,
  };
}

/** Unrelated filler papers, to make a day of a given size. */
export function fillerPapers(count: number): Paper[] {
  const topics = [
    'protein folding',
    'weather forecasting',
    'graph coloring',
    'music transcription',
    'traffic prediction',
  ];
  return Array.from({ length: count }, (_, index) =>
    aPaper({
      title: `Advances in ${topics[index % topics.length]} number ${index}`,
      abstract: `We revisit ${topics[index % topics.length]}. Speculative claims aside, decoding the structure matters.`,
    }),
  );
}

/** The ids of the hits, in order. */
export const ids = (hits: TopicHit[]): string[] => hits.map((hit) => hit.paperId);

/** What a reader's phrase matches among the given papers and five unrelated ones. */
export const match = (papers: Paper[], text: string): TopicHit[] =>
  createMatcher([...papers, ...fillerPapers(5)]).match({ kind: 'keyword', text });

/** The reader's phrase less an optional modifier or head, as the query reads it. */
export const dropped = (text: string): string[] =>
  (parseQuery(text).include[0].expansions ?? [])
    .filter((expansion) => expansion.modifierDropped)
    .map((expansion) => expansion.text);

/**
 * Two papers for "RLHF": one about DPO that never says RLHF (a related term in the lexicon), one that
 * says RLHF. `dpoMentioning` adds a passing "unlike RLHF" to the DPO paper.
 */
export function rlhfPapers(overrides: Partial<Paper> = {}): {
  dpo: Paper;
  rlhf: Paper;
  dpoMentioning: Paper;
} {
  const dpoTitle = 'Direct Preference Optimization Without a Reward Model';
  return {
    dpo: aPaper({
      ...overrides,
      title: dpoTitle,
      abstract: 'Direct preference optimization (DPO) aligns language models to preferences. DPO is simple.',
    }),
    rlhf: aPaper({
      ...overrides,
      title: 'RLHF at Scale',
      abstract:
        'Reinforcement learning from human feedback (RLHF) aligns language models. RLHF needs a reward model.',
    }),
    dpoMentioning: aPaper({
      ...overrides,
      title: dpoTitle,
      abstract:
        'Direct preference optimization (DPO) aligns language models to preferences, unlike RLHF. DPO is simple.',
    }),
  };
}
