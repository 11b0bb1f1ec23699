import {
  digestSubject,
  formatLongDay,
  formatShortDay,
  wrapText,
} from '../../../functions/adapters/render/format';
import { aPaperView } from './builders';

describe('dates', () => {
  it('formats the digest day in English, whatever the machine time zone', () => {
    expect(formatLongDay('2025-11-13')).toBe('Thu, 13 Nov 2025');
    expect(formatShortDay('2025-11-13')).toBe('Thu 13 Nov');
    expect(formatLongDay('2024-02-29')).toBe('Thu, 29 Feb 2024');
  });

  it('rejects a malformed or impossible day', () => {
    expect(() => formatLongDay('2025-02-30')).toThrow(RangeError);
    expect(() => formatLongDay('13/11/2025')).toThrow(RangeError);
  });
});

describe('digestSubject', () => {
  const papersOn = (...topics: string[][]) =>
    topics.map((names) => aPaperView({ matchedTopics: names.map((topic) => ({ topic, matched: [] })) }));

  it('names the count, the most matched topics and the day', () => {
    const papers = papersOn(
      ['AI agents'],
      ['Speculative decoding', 'AI agents'],
      ['Speculative decoding'],
      ['AI agents'],
    );

    expect(digestSubject({ date: '2025-11-13', cadence: 'daily', papers })).toBe(
      'paperboy · 4 papers on AI agents, Speculative decoding — Thu 13 Nov',
    );
  });

  it('names a follow by its name and leaves out the "like …" reasons of ratings', () => {
    const subject = digestSubject({
      date: '2025-11-13',
      cadence: 'daily',
      papers: papersOn(
        ['Org: NVIDIA'],
        ['like “Robot Learning from a Physical World Model” you rated'],
        ['Org: NVIDIA', 'Author: Yann LeCun'],
      ),
    });

    expect(subject).toBe('paperboy · 3 papers on NVIDIA, Yann LeCun — Thu 13 Nov');
  });

  it('stays within 78 characters by folding the other topics into "+N more"', () => {
    const papers = papersOn(
      ['Speculative decoding'],
      ['Retrieval-augmented generation'],
      ['Reinforcement learning for LLMs'],
      ['Mixture of experts'],
    );

    const subject = digestSubject({ date: '2025-11-13', cadence: 'daily', papers });

    expect(subject.length).toBeLessThanOrEqual(78);
    expect(subject).toMatch(/^paperboy · 4 papers on Speculative decoding.* \+\d more — Thu 13 Nov$/);
  });

  it('shortens a single very long topic name', () => {
    const papers = papersOn(['a very long own keyword phrase that somebody typed into the keywords box']);

    const subject = digestSubject({ date: '2025-11-13', cadence: 'daily', papers });

    expect(subject.length).toBeLessThanOrEqual(78);
    expect(subject).toContain('…');
  });

  it('says "1 paper" and "this week" for a weekly digest', () => {
    expect(digestSubject({ date: '2025-11-13', cadence: 'weekly', papers: papersOn(['AI agents']) })).toBe(
      'paperboy · 1 paper this week on AI agents — Thu 13 Nov',
    );
  });
});

describe('wrapText', () => {
  it('wraps at word boundaries without breaking long words', () => {
    const lines = wrapText('aaa bbb ccc https://a-very-long-url.example/path', 10);

    expect(lines).toEqual(['aaa bbb', 'ccc', 'https://a-very-long-url.example/path']);
  });
});
