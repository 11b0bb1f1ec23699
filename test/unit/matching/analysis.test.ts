import { isReleaseNotice, splitSentences, stem, tokenize } from '../../../functions/core/matching/analysis';

describe('stem', () => {
  it.each([
    ['decoding', 'decoded'],
    ['decode', 'decoding'],
    ['quantization', 'quantized'],
    ['quantize', 'quantizing'],
    ['retrieval', 'retrieve'],
    ['generation', 'generative'],
    ['agents', 'agent'],
    ['compression', 'compressed'],
    ['policies', 'policy'],
    ['alignment', 'aligned'],
    ['use', 'using'],
    ['usage', 'used'],
  ])('conflates %s and %s', (a, b) => {
    expect(stem(a)).toBe(stem(b));
  });

  it.each([
    ['general', 'generation'],
    ['bias', 'bi'],
    ['token', 'tokenization'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(stem(a)).not.toBe(stem(b));
  });

  it('leaves short words and acronyms alone', () => {
    expect(stem('kv')).toBe('kv');
    expect(stem('rag')).toBe('rag');
  });
});

describe('tokenize', () => {
  it('splits hyphenated words into their parts', () => {
    expect(tokenize('text-to-speech').map((token) => token.stem)).toEqual(['text', 'to', 'speech']);
  });

  it('joins a hyphenated prefix so both spellings meet', () => {
    expect(tokenize('pre-training').map((token) => token.stem)).toEqual(
      tokenize('pretraining').map((token) => token.stem),
    );
    expect(tokenize('multi-modal')[0].stem).toBe(tokenize('multimodal')[0].stem);
  });

  it('reads the plural of an acronym as the acronym', () => {
    expect(tokenize('GUIs LLMs VLAs').map((token) => token.stem)).toEqual(['gui', 'llm', 'vla']);
  });

  it('marks stop words and keeps the surface form', () => {
    const [the, cache] = tokenize('the KV-Cache');
    expect(the.stop).toBe(true);
    expect(cache.surface).toBe('KV');
  });
});

describe('splitSentences', () => {
  it('splits on sentence ends, not on decimals', () => {
    expect(splitSentences('We reach 91.6% accuracy. Then we stop.')).toEqual([
      'We reach 91.6% accuracy.',
      'Then we stop.',
    ]);
  });
});

describe('isReleaseNotice', () => {
  it.each([
    'Our code is available at https://github.com/example/repo.',
    'Project page: https://example.github.io/project',
    'Code, checkpoints, and annotations will be available online.',
    'The models are publicly released.',
  ])('reads "%s" as a notice', (sentence) => {
    expect(isReleaseNotice(sentence)).toBe(true);
  });

  it.each([
    'We release a code model that beats larger models on repository-level tasks.',
    'Four global and dense embedding datasets are released openly and for free along with the publication of this manuscript.',
    'Code LLMs are trained on permissively licensed repositories.',
  ])('reads "%s" as content', (sentence) => {
    expect(isReleaseNotice(sentence)).toBe(false);
  });
});

describe('idioms', () => {
  it('reads "attracted considerable attention" as interest, not the attention mechanism', () => {
    const stems = (text: string): string[] => tokenize(text).map((token) => token.stem);
    expect(stems('LLM agents have attracted considerable attention')).not.toContain(stem('attention'));
    expect(stems('Sparse attention heads cut memory')).toContain(stem('attention'));
    expect(stems('We pay attention to layout')).toEqual(stems('We pay interest to layout'));
  });
});
