import {
  authorsLine,
  cachedPaperViews,
  readableMatches,
  summarize,
  toPaperView,
  withoutBracketMarkup,
} from '../../../functions/core/digests/paper-view';
import { aPaper } from './builders';

const ABSTRACT =
  'Mixture of Experts (MoE) models enhance neural network scalability by dynamically selecting relevant experts per input token. ' +
  'However, efficient training of large-scale MoE models across thousands of GPUs, e.g. with 5D parallelism, presents significant challenges. ' +
  'We introduce an end-to-end training framework for large-scale MoE models that utilizes five-dimensional hybrid parallelism. ' +
  'We achieve up to 49.3% Model Flops Utilization on H100 GPUs.';
/** An abstract with no sentence that says what the paper does ("We…", "This paper…"). */
const BACKGROUND =
  'Mixture of Experts (MoE) models enhance neural network scalability by dynamically selecting relevant experts per input token. ' +
  'However, efficient training of large-scale MoE models across thousands of GPUs, e.g. with 5D parallelism, presents significant challenges. ' +
  'An end-to-end training framework for large-scale MoE models utilizes five-dimensional hybrid parallelism. ' +
  'It reaches up to 49.3% Model Flops Utilization on H100 GPUs.';

describe('summarize', () => {
  it('uses the ai_summary when the paper has one', () => {
    const paper = aPaper({ abstract: ABSTRACT, aiSummary: 'MoE Parallel Folding speeds up MoE training.' });

    expect(summarize(paper)).toBe('MoE Parallel Folding speeds up MoE training.');
  });

  it('keeps a short abstract whole', () => {
    expect(summarize(aPaper({ abstract: '  A short   abstract. Two sentences. ' }))).toBe(
      'A short abstract. Two sentences.',
    );
  });

  it('starts at the sentence that says what the paper does, after the background', () => {
    expect(summarize(aPaper({ abstract: ABSTRACT }), 300)).toBe(
      'We introduce an end-to-end training framework for large-scale MoE models that utilizes five-dimensional hybrid parallelism. ' +
        'We achieve up to 49.3% Model Flops Utilization on H100 GPUs.',
    );
    expect(
      summarize(
        aPaper({
          abstract:
            'Large language models are everywhere. Yet they forget. In this paper, a memory is added. It helps.',
        }),
      ),
    ).toBe('In this paper, a memory is added. It helps.');
  });

  it('cuts at the last sentence end that fits, from the first sentence when none says what the paper does', () => {
    const summary = summarize(aPaper({ abstract: BACKGROUND }), 300);

    expect(summary).toBe(
      'Mixture of Experts (MoE) models enhance neural network scalability by dynamically selecting relevant experts per input token. ' +
        'However, efficient training of large-scale MoE models across thousands of GPUs, e.g. with 5D parallelism, presents significant challenges.',
    );
    expect(summary.length).toBeLessThanOrEqual(300);
  });

  it('does not take "e.g." or a decimal point for a sentence end', () => {
    const [first, second, third] = BACKGROUND.split(/(?<=\.) (?=[A-Z])/);
    const beforeDecimal = BACKGROUND.indexOf('49.') + 3;

    expect(summarize(aPaper({ abstract: BACKGROUND }), BACKGROUND.indexOf('e.g.') + 10)).toBe(first);
    expect(summarize(aPaper({ abstract: BACKGROUND }), beforeDecimal + 2)).toBe(
      `${first} ${second} ${third}`,
    );
  });

  it('leaves no stray bracket: citation marks dropped, a bracketed name kept as the name', () => {
    expect(
      summarize(
        aPaper({
          abstract:
            'We introduce [Cosmos-Predict2.5], the latest generation of [1] world foundation models [2, 3]. It predicts video.',
        }),
      ),
    ).toBe(
      'We introduce Cosmos-Predict2.5, the latest generation of world foundation models. It predicts video.',
    );
    expect(summarize(aPaper({ aiSummary: '[Lumine](https://x.example) plays games.' }))).toBe(
      'Lumine plays games.',
    );
    expect(withoutBracketMarkup('A [sic] note ( ) on [12–14] things.')).toBe('A sic note on things.');
  });

  it('cuts a first sentence longer than the limit at a word, with an ellipsis', () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');

    const summary = summarize(aPaper({ abstract: `${words}. Next sentence.` }), 100);

    expect(summary.length).toBeLessThanOrEqual(100);
    expect(summary.endsWith('…')).toBe(true);
    expect(words.split(' ')).toEqual(expect.arrayContaining(summary.slice(0, -1).split(' ')));
  });

  it('returns "" for a paper without abstract or summary', () => {
    expect(summarize(aPaper({ abstract: '' }))).toBe('');
  });
});

describe('authorsLine', () => {
  it.each([
    [[], ''],
    [['Ada Lovelace'], 'Ada Lovelace'],
    [['Ada Lovelace', 'Alan Turing'], 'Ada Lovelace and Alan Turing'],
    [['A', 'B', 'C'], 'A, B and C'],
    [['A', 'B', 'C', 'D'], 'A, B, C et al.'],
    [[' A ', '', 'B'], 'A and B'],
  ])('%j → %j', (authors, expected) => {
    expect(authorsLine(authors)).toBe(expected);
  });

  it('takes another maximum', () => {
    expect(authorsLine(['A', 'B', 'C'], 1)).toBe('A et al.');
  });
});

describe('toPaperView', () => {
  it('builds the links from the arXiv id and keeps why the paper matched', () => {
    const why = [{ topic: 'AI agents', matched: ['agents'] }];

    const view = toPaperView(
      aPaper({ id: '2511.09148', organization: { name: 'sjtu', fullname: 'Shanghai Jiao Tong University' } }),
      why,
    );

    expect(view).toMatchObject({
      url: 'https://huggingface.co/papers/2511.09148',
      arxivUrl: 'https://arxiv.org/abs/2511.09148',
      pdfUrl: 'https://arxiv.org/pdf/2511.09148',
      organization: 'Shanghai Jiao Tong University',
      authorsLine: 'Weihao Tan and Xiangyang Li',
      // The title says it: "…Building Generalist Agents in 3D Open Worlds".
      matchedTopics: [{ ...why[0], seen: { field: 'title', words: 'Agents' } }],
    });
    expect(view.githubUrl).toBeUndefined();
  });

  it('keeps http(s) GitHub and project links and drops any other scheme', () => {
    const safe = toPaperView(
      aPaper({ githubRepo: 'https://github.com/a/b', projectPage: 'https://a.github.io/b/' }),
      [],
    );
    const hostile = toPaperView(aPaper({ githubRepo: 'javascript:alert(1)', projectPage: 'not a url' }), []);

    expect(safe).toMatchObject({ githubUrl: 'https://github.com/a/b', projectUrl: 'https://a.github.io/b/' });
    expect(hostile.githubUrl).toBeUndefined();
    expect(hostile.projectUrl).toBeUndefined();
  });

  it('keeps unknown upvotes as null', () => {
    expect(toPaperView(aPaper({ upvotes: null }), []).upvotes).toBeNull();
  });

  it('drops a project page that repeats the GitHub, arXiv or Hugging Face link', () => {
    const project = (projectPage: string, githubRepo = 'https://github.com/a/b') =>
      toPaperView(aPaper({ githubRepo, projectPage }), []).projectUrl;

    expect(project('https://github.com/a/b')).toBeUndefined();
    expect(project('http://www.github.com/A/B/')).toBeUndefined();
    expect(project('https://github.com/a/b/tree/main/docs')).toBeUndefined();
    expect(project('https://arxiv.org/abs/2511.08892')).toBeUndefined();
    expect(project('https://huggingface.co/papers/2511.08892')).toBeUndefined();
    // Another repository of the same owner, or a site of its own, is a page of its own.
    expect(project('https://github.com/a/bc')).toBe('https://github.com/a/bc');
    expect(project('https://a.github.io/b/')).toBe('https://a.github.io/b/');
  });

  it('keeps an http(s) thumbnail, and none of another scheme', () => {
    const thumbnail = 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2511.08892.png';

    expect(toPaperView(aPaper({ thumbnail }), []).thumbnailUrl).toBe(thumbnail);
    expect(toPaperView(aPaper({ thumbnail: 'javascript:alert(1)' }), [])).not.toHaveProperty('thumbnailUrl');
    expect(toPaperView(aPaper(), [])).not.toHaveProperty('thumbnailUrl');
  });
});

describe('where a paper says what matched (toPaperView, seen)', () => {
  const paper = aPaper({
    title: 'Tiny Model, Big Logic: Diversity-Driven Optimization Elicits Large-Model Reasoning',
    aiKeywords: ['speculative decoding', 'multi-agent environment'],
    aiSummary: 'A small model reasons with world knowledge.',
    abstract:
      'We study world modeling. Recent video generation helps. Direct Preference Optimization (DPO) aligns it.',
  });
  const seenOf = (topic: string, matched: string[], related?: true) =>
    toPaperView(paper, [{ topic, matched, ...(related ? { related } : {}) }]).matchedTopics[0].seen;

  it('finds the words in the title as the title writes them, whatever their form or order', () => {
    expect(seenOf('LLM reasoning', ['reasoning large models', 'Large Model Reasoning'])).toEqual({
      field: 'title',
      words: 'Large-Model Reasoning',
    });
  });

  it('looks at the title, then the keywords, the summary and the abstract', () => {
    expect(seenOf('AI agents', ['agents'])).toEqual({ field: 'keywords', words: 'multi-agent' });
    expect(seenOf('Knowledge', ['world knowledge'])).toEqual({ field: 'summary', words: 'world knowledge' });
    expect(seenOf('RLHF', ['DPO'], true)).toEqual({ field: 'abstract', words: 'DPO' });
  });

  it('says only where when the words are the topic’s own name', () => {
    expect(seenOf('Speculative decoding', ['speculative decoding'])).toEqual({
      field: 'keywords',
      words: '',
    });
  });

  it('never runs a phrase over the end of a sentence, and says nothing it cannot find', () => {
    // "…world modeling. Recent video generation…" is no phrase "video generation modeling".
    expect(seenOf('Video generation', ['video generation modeling'])).toBeUndefined();
    expect(seenOf('Video generation', ['video generation'])).toEqual({ field: 'abstract', words: '' });
    expect(seenOf('Robotics', ['robot arms'])).toBeUndefined();
  });

  it('looks for nothing for a follow or a paper like one the reader rated', () => {
    expect(seenOf('Org: NVIDIA', ['Tiny'])).toBeUndefined();
    expect(seenOf('like “Lumine” you rated', [])).toBeUndefined();
  });
});

describe('readableMatches', () => {
  it('keeps each term once whatever its case, drops generic words and long phrase artifacts, and keeps a few', () => {
    const matched = [
      'video generation image to video models',
      'Video Generation',
      'video generation',
      'models',
      'model',
      'I2V',
      'generated videos',
      'text-to-video',
      'video diffusion',
    ];

    // "generated videos" says the same words as "Video Generation".
    expect(readableMatches(matched)).toEqual(['Video Generation', 'I2V', 'text-to-video', 'video diffusion']);
  });

  it('keeps a phrase once whatever its number or word order, and not also its parts', () => {
    expect(
      readableMatches([
        'Large Model Reasoning',
        'reasoning large models',
        'Model Reasoning',
        'reasoning models',
      ]),
    ).toEqual(['Large Model Reasoning']);
    expect(readableMatches(['World Model', 'world models', 'WMPO'])).toEqual(['World Model', 'WMPO']);
    expect(readableMatches(['Direct Preference Optimization', 'preference optimization', 'DPO'])).toEqual([
      'Direct Preference Optimization',
      'DPO',
    ]);
  });

  it('lists words that only repeat the topic name last, and still lists them (a good match shows its words)', () => {
    expect(readableMatches(['NVIDIA'], 'Org: NVIDIA')).toEqual(['NVIDIA']);
    expect(readableMatches(['Mixture of Experts', 'MoE', 'router'], 'Mixture of experts (MoE)')).toEqual([
      'router',
      'Mixture of Experts',
      'MoE',
    ]);
    // A colon in a keyword is not a follow's prefix.
    expect(readableMatches(['reasoning'], 'LLM: reasoning')).toEqual(['reasoning']);
    expect(readableMatches(['speculative decoding', 'draft model'], 'Speculative decoding')).toEqual([
      'draft model',
      'speculative decoding',
    ]);
    expect(readableMatches(['world models', 'World Model'], 'world models')).toEqual(['world models']);
    expect(readableMatches(['Diffusion', 'diffusion language models'], 'Diffusion')).toEqual([
      'diffusion language models',
    ]);
  });
});

describe('cachedPaperViews', () => {
  const why = [{ topic: 'AI agents', matched: ['agents'] }];

  it('gives the same view for the same paper and reasons, read anew from the store', () => {
    const viewOf = cachedPaperViews();
    const paper = aPaper({ id: '2511.00001', title: 'Agents at scale' });

    const first = viewOf(paper, why);
    const again = viewOf(structuredClone(paper), structuredClone(why));

    expect(again).toBe(first);
    expect(first).toEqual(toPaperView(paper, why));
  });

  it('makes a new view when the paper or its reasons changed', () => {
    const viewOf = cachedPaperViews();
    const paper = aPaper({ id: '2511.00001', upvotes: 3, abstract: 'We study agents. They act.' });
    const first = viewOf(paper, why);

    const moreUpvotes = viewOf({ ...paper, upvotes: 4 }, why);
    const newSummary = viewOf({ ...paper, abstract: 'We study agents. They plan.' }, why);
    const otherReason = viewOf(paper, [{ topic: 'Robotics', matched: ['agents'] }]);

    expect(moreUpvotes.upvotes).toBe(4);
    expect(newSummary.summary).toBe(
      toPaperView({ ...paper, abstract: 'We study agents. They plan.' }, why).summary,
    );
    expect(newSummary.summary).not.toBe(first.summary);
    expect(otherReason.matchedTopics[0].topic).toBe('Robotics');
    expect(viewOf(paper, why)).toBe(first);
  });

  it('keeps at most its capacity of views', () => {
    const viewOf = cachedPaperViews(2);
    const papers = ['a', 'b', 'c'].map((id) => aPaper({ id }));
    const first = viewOf(papers[0], why);
    viewOf(papers[1], why);
    viewOf(papers[2], why); // past capacity: the cache starts again

    expect(viewOf(papers[0], why)).not.toBe(first);
    expect(viewOf(papers[0], why)).toEqual(first);
  });
});
