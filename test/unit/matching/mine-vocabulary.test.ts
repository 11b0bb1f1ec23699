import { loadPool } from '../../../eval/data';
import { minedVocabularyFile } from '../../../eval/mined-vocabulary';
import { mineVocabulary } from '../../../functions/core/matching/mine-vocabulary';
import { shippedVocabulary } from '../../../functions/core/matching/shipped-vocabulary';
import shippedFile from '../../../functions/core/matching/vocabulary/mined.json';

/** The papers of data/: real abstracts and ai_keywords. */
const papers = loadPool();
const vocabulary = mineVocabulary(papers);
const acronymOf = (longForm: string): string | undefined =>
  vocabulary.groups.find((group) => group.related.length === 0 && group.terms[0] === longForm)?.terms[1];
const relatedOf = (term: string): string[] =>
  vocabulary.groups.find((group) => group.related.length > 0 && group.terms[0] === term)?.related ?? [];

describe('mineVocabulary on the papers of data/', () => {
  it('finds acronyms the papers define, nearly always one way', () => {
    expect(acronymOf('computer-use agents')).toBe('CUA');
    expect(acronymOf('classifier-free guidance')).toBe('CFG');
    expect(acronymOf('post-training quantization')).toBe('PTQ');
  });

  it('leaves acronyms to the lexicon where it reads them (LLM) or reads them only in context (TTS)', () => {
    const acronyms = vocabulary.groups
      .filter((group) => group.related.length === 0)
      .map((group) => group.terms[1]);
    expect(acronyms).not.toContain('LLM');
    expect(acronyms).not.toContain('TTS');
    expect(acronyms).not.toContain('RL');
  });

  it('relates keywords that papers list together far more often than chance', () => {
    expect(relatedOf('AndroidWorld')).toContain('OSWorld');
    expect(relatedOf('parameter-efficient fine-tuning')).toContain('LoRA');
    expect(relatedOf('GRPO')).toContain('PPO');
  });

  it('does not relate a keyword to a broad one, nor two that met by chance', () => {
    expect(relatedOf('GUI agents')).not.toContain('planning');
    expect(relatedOf('speculative decoding')).not.toContain('image editing');
    const related = vocabulary.groups.flatMap((group) => group.related);
    for (const broad of ['reasoning', 'memory', 'perception', 'exploration'])
      expect(related).not.toContain(broad);
  });

  it('depends only on the set of papers, not their order or repeats', () => {
    const shuffled = [...papers].reverse();
    expect(mineVocabulary([...shuffled, ...papers.slice(0, 50)])).toEqual(vocabulary);
  });

  it('says what it was mined from', () => {
    expect(vocabulary.papers).toBe(papers.length);
    expect(vocabulary.to).toBe(
      [...papers]
        .map((paper) => paper.dailyDate)
        .sort()
        .pop(),
    );
  });
});

describe('the shipped vocabulary (functions/core/matching/vocabulary/mined.json)', () => {
  it('is what eval/mined-vocabulary.ts mines from data/ today (rebuild it when this fails)', () => {
    expect(shippedFile).toEqual(minedVocabularyFile());
  });

  it('is what the digest planner falls back to', () => {
    expect(shippedVocabulary().groups.length).toBe(vocabulary.groups.length);
  });
});
