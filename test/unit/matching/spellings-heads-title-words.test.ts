import { tokenize } from '../../../functions/core/matching/analysis';
import { aPaper, dropped, ids, match } from './builders';

const stems = (text: string): string[] => tokenize(text).map((token) => token.stem);

describe('joined spellings', () => {
  it('splits camel-case compounds of capitalized words', () => {
    expect(stems('DeepResearch')).toEqual(stems('deep research'));
    expect(stems('WebSailor')).toEqual(['web', 'sailor']);
  });

  it('keeps acronyms and mixed forms whole', () => {
    expect(stems('LLaMA OpenAI GPT-4o')).toEqual(['llama', 'openai', 'gpt', '4o']);
  });

  it('writes "multi-agent", "multiagent", "multi agent" and "MultiAgent" as one word', () => {
    const one = stems('multi-agent');
    expect(one).toHaveLength(1);
    for (const spelling of ['multiagent', 'multi agent', 'MultiAgent', 'Multi-Agent'])
      expect(stems(spelling)).toEqual(one);
  });

  it('joins only prefixes that are not words of their own', () => {
    expect(stems('co training')).toEqual(['co', 'train']);
    expect(stems('multi of')).toEqual(['multi', 'of']);
  });

  it('finds "deep research agents" in a paper that writes "DeepResearch"', () => {
    const paper = aPaper({
      title: 'Tongyi DeepResearch Technical Report',
      abstract:
        'We present an agentic model for long-horizon information seeking. Our DeepResearch agent browses the web and writes reports.',
      aiSummary: 'An open DeepResearch agent trained for long-horizon web research.',
    });
    expect(ids(match([paper], 'deep research agents'))).toEqual([paper.id]);
  });
});

describe('empty head nouns', () => {
  it('drops "systems" / "framework" when the rest is specific', () => {
    expect(dropped('multi-agent systems')).toEqual(['multi-agent']);
    expect(dropped('recommendation systems')).toEqual(['recommendation']);
  });

  it('keeps meaningful heads and generic rests', () => {
    expect(dropped('reward models')).toEqual([]);
    expect(dropped('GUI agents')).toEqual([]);
    expect(dropped('learning systems')).toEqual([]);
  });

  it('finds "multi-agent systems" in a paper about a multiagent framework', () => {
    const paper = aPaper({
      title: 'A Multiagent Framework for Interactive Science Automation',
      abstract: 'Several LLM agents plan, run and review experiments together. Agents debate each result.',
      aiSummary: 'A multi-agent framework in which LLM agents collaborate on experiments.',
      aiKeywords: ['multi-agent framework'],
    });
    expect(ids(match([paper], 'multi-agent systems'))).toEqual([paper.id]);
  });
});

describe('one distinctive word of the phrase in the title', () => {
  const decathlon = aPaper({
    title: 'The Tool Decathlon: Benchmarking Language Agents',
    abstract:
      'We benchmark agents on realistic tasks that need tool use across many applications. Agents fail often.',
  });

  it('counts when the whole phrase is elsewhere in the paper', () => {
    expect(ids(match([decathlon], 'tool use'))).toEqual([decathlon.id]);
  });

  it('does not count without the phrase elsewhere', () => {
    const other = aPaper({
      title: 'The Tool Decathlon: Benchmarking Language Agents',
      abstract: 'We benchmark agents on realistic tasks across many applications. Agents fail often.',
    });
    expect(match([other], 'tool use')).toEqual([]);
  });

  it('needs a word the reader typed for a related phrase', () => {
    const calling = aPaper({
      title: 'Agents Calling APIs',
      abstract: 'We train models for function calling over real APIs. Errors drop by half.',
      aiSummary: 'Function calling improves with our training data.',
      aiKeywords: ['function calling'],
    });
    expect(match([calling], 'tool use')).toEqual([]);
  });
});
