import { createMatcher, findCatalogTopic, parseQuery, topicCatalog } from '../../../functions/core/matching';
import { tokenize } from '../../../functions/core/matching/analysis';
import { analyze } from '../../../functions/core/matching/canonical';
import type { QueryOptions } from '../../../functions/core/matching/query';
import { RELATED } from '../../../functions/core/matching/related';
import { FIELD_RELATED } from '../../../functions/core/matching/related-field-terms';
import { aPaper, fillerPapers, ids } from './builders';

/** The expansions of a query's first phrase, as stems. */
const expansionTexts = (query: string, options: QueryOptions = {}): string[] =>
  (parseQuery(query, options).include[0].expansions ?? []).map((concept) =>
    concept.tokens.map((t) => t.stem).join(' '),
  );
const stems = (text: string): string =>
  tokenize(text)
    .map((token) => token.stem)
    .join(' ');

describe('query expansion with related terms', () => {
  it('expands the modifier of a head noun and a whole phrase', () => {
    const gui = expansionTexts('GUI agents');
    expect(gui).toContain(stems('computer use agents'));
    expect(gui).toContain(stems('UI agents'));
    expect(expansionTexts('KV cache compression')).toEqual(
      expect.arrayContaining([stems('key value cache eviction'), stems('key cache pruning')]),
    );
    // The lexicon's forms apply to related terms too: MCP is the model context protocol.
    expect(expansionTexts('tool use')).toEqual(
      expect.arrayContaining([stems('function calling'), stems('model context protocol')]),
    );
  });

  it.each(['retrieval models', 'verification models', 'synthetic data generation', 'LLM jailbreaks'])(
    'gives each related phrase of "%s" once (a repeated one would corroborate itself)',
    (query) => {
      const texts = expansionTexts(query);
      expect(texts.length).toBeGreaterThan(0);
      expect(new Set(texts).size).toBe(texts.length);
    },
  );

  it('reads a query without the related terms when asked (the unseen-topic proxy of the eval)', () => {
    const related = (query: string) => expansionTexts(query, { relatedTerms: false });
    const papers = [computerUse, ...fillerPapers(5)];

    expect(related('GUI agents')).not.toContain(stems('computer use agents'));
    // The field terms, written ahead of any topic, stay.
    expect(related('sparse autoencoders')).toContain(stems('dictionary learning'));
    // General readings stay: the agent noun ("retriever") and the phrase without its generic modifier.
    expect(related('retrieval models')).toContain(stems('retriever'));
    expect(related('LLM jailbreaks')).toContain(stems('jailbreaks'));
    expect(ids(createMatcher(papers).match({ kind: 'keyword', text: 'GUI agents' }))).toEqual([
      computerUse.id,
    ]);
    expect(
      createMatcher(papers, { relatedTerms: false }).match({ kind: 'keyword', text: 'GUI agents' }),
    ).toEqual([]);
  });

  it('has each term in one group only, across related.ts and the field terms (a second group would shadow or double it)', () => {
    const termKey = (term: string): string =>
      analyze(term)
        .filter((token) => !token.stop)
        .map((token) => token.stem)
        .join(' ');
    const owners = new Map<string, number[]>();
    [...RELATED, ...FIELD_RELATED].forEach((group, index) =>
      group.terms.forEach((term) => owners.set(termKey(term), [...(owners.get(termKey(term)) ?? []), index])),
    );
    const shared = [...owners].filter(([, groups]) => new Set(groups).size > 1).map(([term]) => term);

    expect(shared).toEqual([]);
    expect(FIELD_RELATED.length).toBeGreaterThan(200);
  });

  it('lets a field-terms group of the whole phrase add to the substitutions inside it, not hide them', () => {
    // "KV cache compression" is a field-terms group; related.ts substitutes "compression" inside it.
    expect(expansionTexts('KV cache compression')).toEqual(
      expect.arrayContaining([
        stems('SnapKV'),
        stems('key cache pruning'),
        stems('key value cache eviction'),
      ]),
    );
  });

  it('does not expand a generic one-word term inside a longer phrase', () => {
    // "compression" is expanded inside a phrase (a hyponym list); "agent" alone never is.
    expect(expansionTexts('agent')).toEqual([]);
    // (A phrase no group knows: "protein folding" is a field-terms group now.)
    expect(expansionTexts('river delta dynamics')).toEqual([]);
  });

  const computerUse = aPaper({
    title: 'ScaleUp: Computer-Use Agents Trained on Cross-Platform Data',
    abstract: 'We train computer-use agents on desktop and phone screens. Our agents click and type.',
    aiSummary: 'Computer-use agents trained on cross-platform data operate desktops and phones.',
    aiKeywords: ['computer-use agents', 'cross-platform data'],
  });
  const passing = aPaper({
    title: 'A Benchmark of Long Documents',
    abstract: 'We evaluate readers of long documents. Unlike computer-use agents, readers do not act.',
    aiSummary: 'A benchmark of long documents.',
    aiKeywords: ['long documents'],
  });

  it('finds a paper about the topic in related words, but not one that mentions them in passing', () => {
    const hits = createMatcher([computerUse, passing, ...fillerPapers(5)]).match({
      kind: 'keyword',
      text: 'GUI agents',
    });
    expect(ids(hits)).toEqual([computerUse.id]);
    expect(hits[0].matched.join(' ').toLowerCase()).toContain('computer use agents');
  });

  it("ranks a paper in the reader's own words above one in related words", () => {
    const own = aPaper({
      title: 'GUI Agents that Recover from Errors',
      abstract: 'GUI agents fail on long tasks. We teach GUI agents to recover.',
      aiSummary: 'GUI agents learn to recover from errors.',
      aiKeywords: ['GUI agents'],
    });
    const hits = createMatcher([computerUse, own]).match({ kind: 'keyword', text: 'GUI agents' });
    expect(ids(hits)).toEqual([own.id, computerUse.id]);
    expect(hits[0].relevance).toBeGreaterThan(hits[1].relevance);
  });

  it('needs corroboration: a related phrase once in the title alone is not enough', () => {
    const titleOnly = aPaper({
      title: 'Function Calling in the Wild',
      abstract: 'We study an unrelated problem of schedules. Results improve.',
      aiSummary: 'A study of schedules.',
    });
    expect(createMatcher([titleOnly]).match({ kind: 'keyword', text: 'tool use' })).toEqual([]);
    const direct = aPaper({ ...titleOnly, id: '2511.99999', title: 'Tool Use in the Wild' });
    expect(ids(createMatcher([direct]).match({ kind: 'keyword', text: 'tool use' }))).toEqual([direct.id]);
  });

  it('lets several different related phrases corroborate each other', () => {
    const paper = aPaper({
      title: 'Agents Calling APIs',
      abstract:
        'We train models for function calling over real APIs. Tool calling errors drop by half. Tool calling gets faster.',
      aiSummary: 'Function calling and tool calling improve with our training data.',
      aiKeywords: ['function calling'],
    });
    expect(ids(createMatcher([paper]).match({ kind: 'keyword', text: 'tool use' }))).toEqual([paper.id]);
    // One related phrase alone, in the same fields, is not enough: the second one corroborates.
    const alone = aPaper({
      title: 'Agents Calling APIs',
      abstract: 'We train models for function calling over real APIs. Errors drop by half.',
      aiSummary: 'Function calling improves with our training data.',
      aiKeywords: ['function calling'],
    });
    expect(createMatcher([alone]).match({ kind: 'keyword', text: 'tool use' })).toEqual([]);
  });
});

describe("scattered words do not take part of an acronym's long form", () => {
  it('does not read "diffusion ... MLLM" as "diffusion language models"', () => {
    const mllm = aPaper({
      title: 'Editing with Diffusion and MLLM Feedback',
      abstract:
        'We combine a diffusion model with an MLLM judge. The MLLM scores edits for the diffusion model.',
      aiSummary: 'A diffusion editor is trained with MLLM feedback.',
    });
    const dllm = aPaper({
      title: 'Fast Sampling for Diffusion LLMs',
      abstract: 'Diffusion LLMs generate text in parallel. We make diffusion large language models faster.',
      aiSummary: 'Diffusion language models sample faster with our method.',
    });
    expect(
      ids(createMatcher([mllm, dllm]).match({ kind: 'keyword', text: 'diffusion language models' })),
    ).toEqual([dllm.id]);
  });

  it('still reads "LLM-based agents" as "large language model agents"', () => {
    const paper = aPaper({
      title: 'LLM-based Agents for Spreadsheets',
      abstract: 'We build LLM-based agents for spreadsheets. The agents use large language models to plan.',
      aiSummary: 'LLM-based agents automate spreadsheet work.',
    });
    expect(
      ids(createMatcher([paper]).match({ kind: 'keyword', text: 'large language model agents' })),
    ).toEqual([paper.id]);
  });

  it('does not read "real-world" as a world', () => {
    const paper = aPaper({
      title: 'Real-World Evaluation of Detection Models',
      abstract: 'We test detection models in real-world settings. Real-world model failures are common.',
      aiSummary: 'Detection models fail in real-world settings.',
    });
    expect(createMatcher([paper]).match({ kind: 'keyword', text: 'world models' })).toEqual([]);
  });
});

describe('catalog topics hold papers mainly about them', () => {
  it('leaves out a paper that mentions a catalog phrase only in its abstract', () => {
    const passing = aPaper({
      title: 'Chart Question Answering at Scale',
      abstract:
        'We build a chart QA dataset. Models are trained with reinforcement learning and evaluated on charts. Reinforcement learning helps.',
      aiSummary: 'A chart question answering dataset improves chart reading.',
    });
    const about = aPaper({
      title: 'Scaling Reinforcement Learning for Language Models',
      abstract: 'We scale reinforcement learning for LLMs. Reinforcement learning improves reasoning.',
      aiSummary: 'Reinforcement learning at scale improves LLM reasoning.',
    });
    const hits = createMatcher([passing, about]).match({ kind: 'catalog', id: 'reinforcement-learning' });
    expect(ids(hits)).toEqual([about.id]);
  });

  it('has no catalog phrase that starts or ends with a stop word ("new benchmark" would be "benchmark")', () => {
    for (const topic of topicCatalog) {
      for (const phrase of [...topic.phrases, ...(topic.exclude ?? [])]) {
        const tokens = analyze(phrase);
        expect([phrase, tokens[0].stop || tokens[tokens.length - 1].stop]).toEqual([phrase, false]);
      }
    }
    expect(findCatalogTopic('benchmarks')?.phrases).not.toContain('new benchmark');
  });
});
