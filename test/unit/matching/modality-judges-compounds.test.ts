import { aPaper, dropped, ids, match } from './builders';

describe('modality modifiers and the related terms of the shorter phrase', () => {
  const parsing = aPaper({
    title: 'A Compact Model for Multilingual Document Parsing',
    abstract:
      'Document parsing turns page images into structured text. Our model reads tables, formulas and layout.',
    aiSummary: 'A compact vision-language model for document parsing of page images.',
    aiKeywords: ['document parsing', 'layout analysis'],
  });

  it('finds "visual document understanding" in a paper that says "document parsing"', () => {
    expect(ids(match([parsing], 'visual document understanding'))).toEqual([parsing.id]);
  });

  it('drops a modality modifier only when two specific words are left', () => {
    expect(dropped('visual document understanding')).toEqual(['document understanding']);
    expect(dropped('visual reasoning')).toEqual([]);
  });
});

describe('judges', () => {
  it('finds "LLM-as-a-judge" in a paper about autoraters', () => {
    const autorater = aPaper({
      title: 'Calibrating Autoraters to Preference Distributions',
      abstract:
        'An autorater scores model outputs. We calibrate each autorater to the distribution of human preferences.',
      aiSummary: 'Autoraters are calibrated to human preference distributions.',
      aiKeywords: ['autorater', 'calibration'],
    });
    expect(ids(match([autorater], 'LLM-as-a-judge'))).toEqual([autorater.id]);
  });
});

describe('lexicalized hyphen compounds', () => {
  it('does not read "code-switching" as code', () => {
    const switching = aPaper({
      title: 'Code-Switching Speech Recognition for Korean and English',
      abstract: 'Code-switching mixes languages in one utterance. We build a code-switched benchmark.',
      aiSummary: 'A benchmark for code-switching speech recognition.',
      aiKeywords: ['code-switching'],
    });
    expect(ids(match([switching], 'code generation'))).toEqual([]);
    expect(ids(match([switching], 'code-switching'))).toEqual([switching.id]);
  });
});
