import {
  createMatcher,
  curatedTopicFor,
  findCatalogTopic,
  matchQueries,
  parseQuery,
  rankForDigest,
  topicCatalog,
  topicKey,
  topicLabel,
  type TopicHit,
} from '../../../functions/core/matching';
import type { Paper } from '../../../functions/core/papers';
import { aPaper, fillerPapers, ids, rlhfPapers } from './builders';

describe('phrase matching', () => {
  const onTopic = aPaper({
    title: 'Speculative Decoding with Adaptive Draft Lengths',
    abstract:
      'Speculative decoding speeds up inference with a small draft model verified by the target model.',
  });
  const wordsApart = aPaper({
    title: 'Decoding Brain Signals',
    abstract:
      'We decode fMRI signals into text. Our analysis is speculative in places. Decoding accuracy rises on two datasets.',
  });

  it('includes the paper about the phrase and not one that has its words apart', () => {
    const hits = createMatcher([onTopic, wordsApart]).match({
      kind: 'keyword',
      text: 'speculative decoding',
    });
    expect(ids(hits)).toEqual([onTopic.id]);
    expect(hits[0].matched.map((text) => text.toLowerCase())).toContain('speculative decoding');
  });

  it('weights the title above the abstract', () => {
    const inTitle = aPaper({
      title: 'GUI Agents that Learn from Mistakes',
      abstract: 'We build GUI agents for phones. They recover from errors.',
      aiSummary: 'GUI agents learn from their own mistakes.',
    });
    const inAbstract = aPaper({
      title: 'Learning from Mistakes',
      abstract: 'We study GUI agents among other agents. GUI agents recover from errors. They learn.',
      aiSummary: 'Agents learn from their own mistakes, including GUI agents.',
    });
    const hits = createMatcher([inAbstract, inTitle]).match({ kind: 'keyword', text: 'GUI agents' });
    expect(ids(hits)).toEqual([inTitle.id, inAbstract.id]);
    expect(hits[0].relevance).toBeGreaterThan(hits[1].relevance);
  });

  it('does not include a paper that mentions the phrase once in passing', () => {
    const passing = aPaper({
      title: 'A Benchmark for Chart Reasoning',
      abstract:
        'We present a chart benchmark. Unlike work on quantization, we focus on reasoning. Models struggle.',
      aiKeywords: ['chart reasoning', 'benchmark', 'quantization'],
      aiSummary: 'A benchmark shows models struggle with charts.',
    });
    expect(createMatcher([passing]).match({ kind: 'keyword', text: 'quantization' })).toEqual([]);
  });

  it('finds the words of a longer phrase in another order in one sentence', () => {
    const paper = aPaper({
      title: 'Thin Caches for Long Prompts',
      abstract:
        'We compress the KV cache of large language models by 8x. Compressing the KV cache keeps accuracy.',
      aiSummary: 'A method compresses the KV cache with little loss.',
    });
    expect(ids(createMatcher([paper]).match({ kind: 'keyword', text: 'KV cache compression' }))).toEqual([
      paper.id,
    ]);
  });

  it('honours alternatives and exclusions in what the reader typed', () => {
    const tts = aPaper({
      title: 'Zero-Shot Text-to-Speech',
      abstract: 'A text-to-speech model clones voices.',
    });
    const survey = aPaper({
      title: 'A Survey of Text-to-Speech',
      abstract: 'We survey text-to-speech systems.',
    });
    const asr = aPaper({
      title: 'Robust Speech Recognition',
      abstract: 'Speech recognition under noise, with speech recognition data.',
    });
    const matcher = createMatcher([tts, survey, asr]);
    expect(
      ids(matcher.match({ kind: 'keyword', text: 'text-to-speech, speech recognition' })).sort(),
    ).toEqual([tts.id, survey.id, asr.id].sort());
    expect(ids(matcher.match({ kind: 'keyword', text: 'text-to-speech -survey' }))).toEqual([tts.id]);
  });

  it('is deterministic', () => {
    const papers = [onTopic, wordsApart, ...fillerPapers(10)];
    const first = createMatcher(papers).match({ kind: 'keyword', text: 'speculative decoding' });
    const second = createMatcher([...papers].reverse()).match({
      kind: 'keyword',
      text: 'speculative decoding',
    });
    expect(second).toEqual(first);
  });
});

describe('the decision does not depend on how many papers arrived', () => {
  const borderline = aPaper({
    title: 'Efficient Serving of Language Models',
    abstract:
      'We serve language models faster. Speculative decoding is one tool we combine with batching. Our scheduler also supports speculative decoding.',
  });
  const clear = aPaper({
    title: 'Speculative Decoding for Everyone',
    abstract: 'Speculative decoding with tiny drafts.',
  });

  it.each([0, 4, 59])('same papers, same decisions and scores with %i other papers that day', (others) => {
    const alone = createMatcher([borderline, clear]).match({ kind: 'keyword', text: 'speculative decoding' });
    const crowd = createMatcher([...fillerPapers(others), borderline, clear]).match({
      kind: 'keyword',
      text: 'speculative decoding',
    });
    expect(crowd).toEqual(alone);
    expect(ids(alone)).toContain(clear.id);
  });

  it('includes nothing on a day without a relevant paper', () => {
    expect(createMatcher(fillerPapers(60)).match({ kind: 'keyword', text: 'speculative decoding' })).toEqual(
      [],
    );
  });
});

describe('follows', () => {
  const metaPaper = aPaper({
    organization: { name: 'facebook', fullname: 'AI at Meta' },
    authors: ['Ana Núñez', 'Bo Li'],
  });
  const other = aPaper({ organization: { name: 'google' }, authors: ['Carl Doe'] });
  const matcher = createMatcher([metaPaper, other]);

  it('matches an organization by name or full name, case-insensitively', () => {
    expect(ids(matcher.match({ kind: 'organization', name: 'FACEBOOK' }))).toEqual([metaPaper.id]);
    expect(ids(matcher.match({ kind: 'organization', name: 'ai at meta' }))).toEqual([metaPaper.id]);
    expect(matcher.match({ kind: 'organization', name: 'meta' })).toEqual([]);
  });

  it('matches an author case- and accent-insensitively, and says who', () => {
    const hits = matcher.match({ kind: 'author', name: 'ana nunez' });
    expect(ids(hits)).toEqual([metaPaper.id]);
    expect(hits[0].matched).toEqual(['Ana Núñez']);
    expect(matcher.match({ kind: 'author', name: 'Ana' })).toEqual([]);
  });
});

describe('catalog', () => {
  it('has about 25 topics with unique kebab-case ids, names and phrases', () => {
    expect(topicCatalog.length).toBeGreaterThanOrEqual(20);
    expect(new Set(topicCatalog.map((topic) => topic.id)).size).toBe(topicCatalog.length);
    for (const topic of topicCatalog) {
      expect(topic.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(topic.phrases.length).toBeGreaterThan(0);
      expect(topic.description.length).toBeGreaterThan(10);
    }
  });

  it('matches a catalog topic through any of its phrases', () => {
    const paper = aPaper({
      title: 'EAGLE-4: Faster Speculative Decoding',
      abstract: 'Speculative decoding with feature-level drafts doubles the speed of inference.',
    });
    const hits = createMatcher([paper, ...fillerPapers(3)]).match({
      kind: 'catalog',
      id: 'efficient-inference',
    });
    expect(ids(hits)).toEqual([paper.id]);
    expect(findCatalogTopic('Efficient-Inference')?.name).toBe('Efficient inference');
  });

  it('matches nothing for an unknown catalog id', () => {
    expect(createMatcher([aPaper()]).match({ kind: 'catalog', id: 'no-such-topic' })).toEqual([]);
  });
});

describe('topicKey and topicLabel', () => {
  it('gives one key to the same words typed differently', () => {
    expect(topicKey({ kind: 'keyword', text: 'GUI agents' })).toBe(
      topicKey({ kind: 'keyword', text: '  gui   Agent ' }),
    );
    expect(topicKey({ kind: 'keyword', text: 'RLHF' })).toBe(
      topicKey({ kind: 'keyword', text: 'reinforcement learning from human feedback' }),
    );
    expect(topicKey({ kind: 'keyword', text: 'GUI agents' })).not.toBe(
      topicKey({ kind: 'keyword', text: 'web agents' }),
    );
    // A name typed in capitals matches only that spelling, so it is another topic than the word.
    expect(topicKey({ kind: 'keyword', text: 'AIME' })).not.toBe(topicKey({ kind: 'keyword', text: 'aims' }));
    expect(topicKey({ kind: 'organization', name: 'Meta' })).toBe(
      topicKey({ kind: 'organization', name: 'meta ' }),
    );
    expect(topicKey({ kind: 'author', name: 'Meta' })).not.toBe(
      topicKey({ kind: 'organization', name: 'Meta' }),
    );
  });

  it('names topics for the reader', () => {
    expect(topicLabel({ kind: 'keyword', text: 'speculative decoding' })).toBe('Speculative decoding');
    expect(topicLabel({ kind: 'keyword', text: 'vLLM serving' })).toBe('vLLM serving');
    expect(topicLabel({ kind: 'catalog', id: 'mixture-of-experts' })).toBe('Mixture of experts');
    expect(topicLabel({ kind: 'organization', name: 'Meta' })).toBe('Org: Meta');
    expect(topicLabel({ kind: 'author', name: 'Jane Doe' })).toBe('Author: Jane Doe');
  });

  it('writes acronyms typed in lower case as the field does, and leaves other words as typed', () => {
    const label = (text: string) => topicLabel({ kind: 'keyword', text });
    expect(
      ['rlhf', 'moe', 'kv cache', 'efficient moe routing', 'llms for code', 'self-rag'].map(label),
    ).toEqual(['RLHF', 'MoE', 'KV cache', 'Efficient MoE routing', 'LLMs for code', 'Self-RAG']);
    expect(label('Graph RAG')).toBe('Graph RAG');
    expect(label('agents (1)')).toBe('Agents');
    expect(label('gpt-4 agents')).toBe('gpt-4 agents');
    expect(label('mixture of experts (moe)')).toBe('Mixture of experts (MoE)');
    expect(label('diffusion')).toBe('Diffusion');
  });

  it('reads a bracketed part as another name only when it holds a word', () => {
    const texts = (typed: string) => parseQuery(typed).include.map((concept) => concept.text);
    expect(texts('agents (1)')).toEqual(['agents']);
    expect(texts('world model(s)')).toEqual(['world model']);
    expect(texts('[1]')).toEqual([]);
    expect(texts('x')).toEqual([]);
    expect(texts('3D, GPT-4')).toEqual(['3D', 'GPT-4']);
    expect(texts('speculative decoding (SD)')).toEqual(['speculative decoding', 'SD']);
    expect(parseQuery('diffusion -2').exclude).toEqual([]);
  });

  it('marks a hit made only by related terms', () => {
    const { dpo, rlhf, dpoMentioning: mentionsRlhf } = rlhfPapers();
    const dpoForMoe = aPaper({
      title: 'Direct Preference Optimization for Mixture of Experts',
      abstract: 'We apply direct preference optimization (DPO) to mixture-of-experts (MoE) language models.',
    });
    const matcher = createMatcher([dpo, rlhf, mentionsRlhf, dpoForMoe]);
    const related = (text: string) =>
      new Map(matcher.match({ kind: 'keyword', text }).map((found) => [found.paperId, found.related]));

    const rlhfHits = related('RLHF');
    const eitherHits = related('RLHF, mixture of experts');

    expect(rlhfHits.get(dpo.id)).toBe(true);
    expect(rlhfHits.has(rlhf.id) && rlhfHits.get(rlhf.id)).toBe(undefined);
    // The paper says "RLHF" once, though DPO weighs more: not "related only".
    expect(rlhfHits.has(mentionsRlhf.id) && rlhfHits.get(mentionsRlhf.id)).toBe(undefined);
    // One of the reader's phrases is said: not "related only", whichever phrase scores best.
    expect(eitherHits.has(dpoForMoe.id) && eitherHits.get(dpoForMoe.id)).toBe(undefined);
  });

  it('matches no paper on a lone number or letter in brackets', () => {
    const numbered = aPaper({
      title: 'VibeThinker-1.5B: 1 Small Model',
      abstract: 'Stage 1 trains a small reasoning model in 1 day on 1 GPU.',
    });
    const agents = aPaper({ title: 'LLM Agents for the Web', abstract: 'Web agents browse and act.' });
    const matcher = createMatcher([numbered, agents]);
    expect(ids(matcher.match({ kind: 'keyword', text: 'agents (1)' }))).toEqual([agents.id]);
    expect(matcher.match({ kind: 'keyword', text: 'alert(1)' })).toEqual([]);
  });

  it('parses alternatives and exclusions', () => {
    const query = parseQuery('mixture of experts (MoE), sparse models -survey');
    expect(query.include).toHaveLength(2);
    expect(query.exclude.map((concept) => concept.text)).toEqual(['survey']);
  });
});

describe('curatedTopicFor', () => {
  it('finds the curated topic that names what the reader typed, and its other phrases', () => {
    expect(curatedTopicFor('World Models')?.topic.id).toBe('world-models');
    const speculative = curatedTopicFor('speculative decoding');
    expect(speculative?.topic.id).toBe('efficient-inference');
    expect(speculative?.otherPhrases).not.toContain('speculative decoding');
    expect(speculative?.otherPhrases).toContain('quantization');
    expect(curatedTopicFor('protein folding')).toBeUndefined();
    // "AIME" (the benchmark, typed in capitals) is not the word "aims".
    expect(curatedTopicFor('aims')).toBeUndefined();
    expect(curatedTopicFor('AIME')?.topic.id).toBe('math-reasoning');
    // Nor does the list repeat the topic's own name.
    expect(speculative?.otherPhrases).not.toContain('efficient inference');
  });
});

describe('rankForDigest', () => {
  const hot = aPaper({ upvotes: 150, numComments: 10 });
  const cold = aPaper({ upvotes: 0, numComments: 0 });
  const both = aPaper({ upvotes: 20, numComments: 1 });
  const byId = new Map<string, Paper>([hot, cold, both].map((paper) => [paper.id, paper]));
  const hit = (paper: Paper, relevance: number, matched = ['x']): TopicHit => ({
    paperId: paper.id,
    relevance,
    matched,
  });

  it('lists a paper matched by several topics once, with every topic', () => {
    const ranked = rankForDigest(
      [
        {
          topic: { kind: 'keyword', text: 'speculative decoding' },
          hits: [hit(both, 0.6, ['speculative decoding'])],
        },
        { topic: { kind: 'author', name: 'Jane Doe' }, hits: [hit(both, 1, ['Jane Doe'])] },
      ],
      byId,
    );
    expect(ranked).toHaveLength(1);
    expect(ranked[0].why).toEqual([
      { topic: 'Speculative decoding', matched: ['speculative decoding'] },
      { topic: 'Author: Jane Doe', matched: ['Jane Doe'] },
    ]);
  });

  it('gives a catalog topic and a keyword of the same name one reason, with the words of both', () => {
    const ranked = rankForDigest(
      [
        {
          topic: { kind: 'catalog', id: 'mixture-of-experts' },
          hits: [hit(both, 0.8, ['Mixture of Experts'])],
        },
        { topic: { kind: 'keyword', text: 'Mixture of Experts' }, hits: [hit(both, 0.9, ['MoE'])] },
      ],
      byId,
    );
    expect(ranked[0].why).toEqual([{ topic: 'Mixture of experts', matched: ['Mixture of Experts', 'MoE'] }]);
    const worldModels = rankForDigest(
      [
        { topic: { kind: 'catalog', id: 'world-models' }, hits: [hit(both, 0.8, ['WMPO'])] },
        { topic: { kind: 'keyword', text: 'world model(s)' }, hits: [hit(both, 0.9, ['World Model'])] },
      ],
      byId,
    );
    expect(worldModels[0].why).toEqual([{ topic: 'World models', matched: ['WMPO', 'World Model'] }]);
    const withAcronym = rankForDigest(
      [
        { topic: { kind: 'catalog', id: 'mixture-of-experts' }, hits: [hit(both, 0.8, ['MoE'])] },
        { topic: { kind: 'keyword', text: 'mixture of experts (moe)' }, hits: [hit(both, 0.9, ['MoE'])] },
        { topic: { kind: 'organization', name: 'Mixture of experts' }, hits: [hit(both, 1, ['x'])] },
      ],
      byId,
    );
    expect(withAcronym[0].why.map((why) => why.topic)).toEqual([
      'Mixture of experts',
      'Org: Mixture of experts',
    ]);
    const differentBrackets = rankForDigest(
      [
        { topic: { kind: 'keyword', text: 'LLM (MoE)' }, hits: [hit(both, 0.8, ['MoE'])] },
        { topic: { kind: 'keyword', text: 'LLM (RLHF)' }, hits: [hit(both, 0.9, ['RLHF'])] },
        { topic: { kind: 'keyword', text: '(1)' }, hits: [hit(both, 0.5, ['1'])] },
        { topic: { kind: 'keyword', text: '(2)' }, hits: [hit(both, 0.5, ['2'])] },
      ],
      byId,
    );
    expect(differentBrackets[0].why.map((why) => why.topic)).toEqual([
      'LLM (MoE)',
      'LLM (RLHF)',
      '(1)',
      '(2)',
    ]);
  });

  it("says when a paper matched only through related terms, and not once the reader's words match too", () => {
    const only = rankForDigest(
      [{ topic: { kind: 'keyword', text: 'RLHF' }, hits: [{ ...hit(both, 0.6, ['DPO']), related: true }] }],
      byId,
    );
    const alsoDirect = rankForDigest(
      [
        { topic: { kind: 'keyword', text: 'RLHF' }, hits: [{ ...hit(both, 0.6, ['DPO']), related: true }] },
        { topic: { kind: 'keyword', text: 'rlhf' }, hits: [hit(both, 0.7, ['RLHF'])] },
      ],
      byId,
    );
    expect(only[0].why).toEqual([{ topic: 'RLHF', matched: ['DPO'], related: true }]);
    expect(alsoDirect[0].why).toEqual([{ topic: 'RLHF', matched: ['DPO', 'RLHF'] }]);
  });

  it('orders by relevance and trending together', () => {
    const ranked = rankForDigest(
      [{ topic: { kind: 'keyword', text: 'x' }, hits: [hit(cold, 0.7), hit(hot, 0.7)] }],
      byId,
    );
    expect(ranked.map((paper) => paper.paperId)).toEqual([hot.id, cold.id]);
    const byRelevance = rankForDigest(
      [{ topic: { kind: 'keyword', text: 'x' }, hits: [hit(cold, 0.95), hit(both, 0.3)] }],
      byId,
    );
    expect(byRelevance.map((paper) => paper.paperId)).toEqual([cold.id, both.id]);
  });

  it('respects the limit and drops hits of unknown papers', () => {
    const ranked = rankForDigest(
      [
        {
          topic: { kind: 'keyword', text: 'x' },
          hits: [hit(hot, 0.5), hit(cold, 0.5), { paperId: 'missing', relevance: 1, matched: [] }],
        },
      ],
      byId,
      1,
    );
    expect(ranked.map((paper) => paper.paperId)).toEqual([hot.id]);
  });
});

describe('matchQueries', () => {
  it('returns, per query, exactly the included papers best first with relevance and why', () => {
    const strong = aPaper({
      title: 'Mixture of Experts Routing',
      abstract: 'Mixture-of-Experts (MoE) models route tokens. Our MoE router balances load.',
    });
    const weak = aPaper({ title: 'Dense Models Are Fine', abstract: 'We train dense models.' });
    const result = matchQueries([weak, strong], ['mixture of experts', 'protein design']);
    expect(Object.keys(result)).toEqual(['mixture of experts', 'protein design']);
    expect(result['protein design']).toEqual([]);
    expect(result['mixture of experts']).toEqual([
      { id: strong.id, relevance: expect.any(Number), why: expect.stringMatching(/mixture of experts|MoE/i) },
    ]);
    expect(result['mixture of experts'][0].relevance).toBeGreaterThan(0);
    expect(result['mixture of experts'][0].relevance).toBeLessThanOrEqual(1);
  });

  it('says "related" where the email does', () => {
    const { dpo } = rlhfPapers();
    const [row] = matchQueries([dpo], ['RLHF']).RLHF;
    expect(row).toMatchObject({ id: dpo.id, related: true, why: expect.stringMatching(/^related: .*DPO/) });
  });

  it('keeps any query text as a key, "__proto__" and "constructor" included', () => {
    const paper = aPaper({ title: 'Prototype Networks', abstract: 'We study prototypes.' });
    const result = matchQueries([paper], ['__proto__', 'constructor']);
    expect(Object.keys(result)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(result)).toBe('{"__proto__":[],"constructor":[]}');
  });
});
