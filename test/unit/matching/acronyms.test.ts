import {
  bestLongForm,
  findAcronymDefinitions,
  looksLikeAcronym,
} from '../../../functions/core/matching/acronyms';
import { createMatcher } from '../../../functions/core/matching';
import { aPaper } from './builders';

describe('findAcronymDefinitions', () => {
  it('finds "long form (ACRONYM)" definitions, hyphens and plurals included', () => {
    const definitions = findAcronymDefinitions(
      'Mixture-of-Experts (MoE) models scale. Large language models (LLMs) are costly. We compress the key-value (KV) cache.',
    );
    expect(definitions).toEqual(
      expect.arrayContaining([
        { acronym: 'MoE', longForm: 'Mixture-of-Experts' },
        { acronym: 'LLM', longForm: 'Large language models' },
        { acronym: 'KV', longForm: 'key-value' },
      ]),
    );
  });

  it('finds "ACRONYM (long form)" definitions', () => {
    expect(findAcronymDefinitions('We use SD (speculative decoding) to speed up.')).toContainEqual({
      acronym: 'SD',
      longForm: 'speculative decoding',
    });
  });

  it('ignores parentheses that are not definitions', () => {
    expect(findAcronymDefinitions('Results improve (see Table 2) on all (three) benchmarks.')).toEqual([]);
  });

  it('rejects a long form whose letters do not spell the acronym', () => {
    expect(bestLongForm('XYZ', 'a completely different phrase')).toBeUndefined();
    expect(looksLikeAcronym('RLHF')).toBe(true);
    expect(looksLikeAcronym('Table')).toBe(false);
  });
});

describe('acronym expansion in matching', () => {
  it('finds a paper that writes only the acronym, defined once, for the long form', () => {
    const paper = aPaper({
      title: 'Faster SPD for Serving',
      abstract:
        'Self-paced drafting (SPD) accelerates serving. SPD drafts tokens cheaply. We show SPD scales to long prompts.',
    });
    const hits = createMatcher([paper]).match({ kind: 'keyword', text: 'self-paced drafting' });
    expect(hits.map((hit) => hit.paperId)).toEqual([paper.id]);
  });

  it('finds a paper that writes only the long form for the acronym a reader types', () => {
    const paper = aPaper({
      title: 'Reinforcement Learning from Human Feedback at Scale',
      abstract: 'We scale reinforcement learning from human feedback to larger reward models.',
    });
    const hits = createMatcher([paper]).match({ kind: 'keyword', text: 'RLHF' });
    expect(hits.map((hit) => hit.paperId)).toEqual([paper.id]);
  });

  it('reads an ambiguous acronym by the paper’s own definition', () => {
    const speech = aPaper({
      title: 'Expressive TTS with Prosody Control',
      abstract:
        'Text-to-speech (TTS) systems lack control. Our TTS model adds prosody tokens. TTS quality improves.',
    });
    const scaling = aPaper({
      title: 'Budgeted TTS for Reasoning Models',
      abstract:
        'Test-time scaling (TTS) spends compute at inference. TTS improves math. We make TTS cheaper.',
    });
    const matcher = createMatcher([speech, scaling]);
    expect(matcher.match({ kind: 'keyword', text: 'text-to-speech' }).map((hit) => hit.paperId)).toEqual([
      speech.id,
    ]);
    expect(matcher.match({ kind: 'keyword', text: 'test-time scaling' }).map((hit) => hit.paperId)).toEqual([
      scaling.id,
    ]);
  });

  it('reads a known acronym by the paper’s own, different definition inside that paper', () => {
    const attacks = aPaper({
      title: 'Co-Evolving Attackers and Defenders for Safer Multi-Agent Systems',
      abstract:
        'Attackers jailbreak agents. Our defense keeps the attack-success rate (ASR) below 20%, ' +
        'whereas baselines reach an ASR of 38%.',
      aiKeywords: ['attack-success rate', 'jailbreak'],
    });
    const recognition = aPaper({
      title: 'Streaming ASR for Long Meetings',
      abstract: 'Automatic speech recognition (ASR) of meetings is hard. Our ASR model streams.',
    });
    const matcher = createMatcher([attacks, recognition]);
    expect(matcher.match({ kind: 'keyword', text: 'speech' }).map((hit) => hit.paperId)).toEqual([
      recognition.id,
    ]);
  });

  it('still reads a paper’s own spelling of a known long form as the lexicon’s acronym', () => {
    const gui = aPaper({
      title: 'Agents for Graphic User Interfaces',
      abstract: 'Graphic User Interfaces (GUIs) are everywhere. Our agent clicks through GUIs. GUIs vary.',
      aiSummary: 'An agent that operates graphic user interfaces.',
    });
    expect(
      createMatcher([gui])
        .match({ kind: 'keyword', text: 'GUI agents' })
        .map((hit) => hit.paperId),
    ).toEqual([gui.id]);
  });
});
