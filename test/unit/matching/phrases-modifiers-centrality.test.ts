import { parseQuery } from '../../../functions/core/matching';
import { aPaper, ids, match } from './builders';

describe('related terms count only as whole phrases', () => {
  it('does not read a related phrase into scattered words of a sentence', () => {
    const scattered = aPaper({
      title: 'Computer Vision Agents for Document Use',
      abstract:
        'We present agents that read scanned pages. A computer then decides which pages to use for vision tasks.',
      aiSummary: 'Agents that read scanned pages, with a computer deciding which to use.',
      aiKeywords: ['document agents'],
    });
    expect(ids(match([scattered], 'GUI agents'))).toEqual([]);
  });
});

describe('generic modifiers are optional', () => {
  const jailbreak = aPaper({
    title: 'Imperceptible Jailbreaking with Invisible Characters',
    abstract:
      'Jailbreak attacks bypass the safety alignment of aligned models. We show invisible characters jailbreak them.',
    aiSummary: 'Invisible characters make a new jailbreak attack on aligned models.',
    aiKeywords: ['jailbreak', 'safety alignment'],
  });
  const passing = aPaper({
    title: 'A Survey of Tokenizers',
    abstract:
      'We survey tokenizers. We compare byte-level and word-level schemes. We measure speed. We discuss memory. ' +
      'We discuss multilingual text. Some tokenizers were also used in a jailbreak study.',
    aiSummary: 'A survey of tokenizers and their trade-offs.',
    aiKeywords: ['tokenizers'],
  });

  it('finds "LLM jailbreaks" in a paper that never writes "LLM" next to "jailbreak"', () => {
    expect(ids(match([jailbreak, passing], 'LLM jailbreaks'))).toEqual([jailbreak.id]);
  });

  it('drops only a leading generic modifier, never a generic head', () => {
    const expansions = (query: string): string[] =>
      (parseQuery(query).include[0].expansions ?? [])
        .filter((concept) => concept.modifierDropped)
        .map((concept) => concept.text);
    expect(expansions('LLM jailbreaks')).toEqual(['jailbreaks']);
    expect(expansions('reward models')).toEqual([]);
    expect(expansions('model merging')).toEqual([]);
    expect(expansions('deep learning')).toEqual([]);
  });
});

describe('passing mentions and centrality', () => {
  const about = aPaper({
    title: 'Speculative Decoding with Draft Trees',
    abstract:
      'Speculative decoding drafts tokens and verifies them. Our draft trees make speculative decoding faster.',
    aiSummary: 'Draft trees make speculative decoding faster.',
    aiKeywords: ['speculative decoding', 'draft trees'],
    upvotes: 0,
  });
  const mentions = aPaper({
    title: 'Decoding Strategies for Long Documents',
    abstract:
      'We study decoding for long documents. Beam search helps. Sampling helps less. Speculative decoding is one option.',
    aiSummary: 'Speculative decoding and beam search for long documents.',
    aiKeywords: ['decoding strategies'],
    upvotes: 500,
  });
  const deep = aPaper({
    title: 'Decoding Brain Signals',
    abstract:
      'We decode brain signals. We record EEG. We train a model. We evaluate it on three cohorts. ' +
      'We compare baselines. Our pipeline, unlike speculative decoding, is slow.',
    aiSummary: 'A model decodes brain signals from EEG.',
    aiKeywords: ['EEG', 'brain decoding'],
  });

  it('ranks the paper mainly about the phrase first, and drops a single deep passing mention', () => {
    const hits = match([mentions, deep, about], 'speculative decoding');
    expect(ids(hits)[0]).toBe(about.id);
    expect(ids(hits)).not.toContain(deep.id);
    expect(hits[0].relevance).toBeGreaterThan(hits[1]?.relevance ?? 0);
  });
});
