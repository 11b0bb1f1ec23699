import { createMatcher, rankForDigest, ratedReader, type TopicRef } from '../../../functions/core/matching';
import { likeLabel } from '../../../functions/core/matching/labels';
import { matchReaders, type ReaderQuery } from '../../../functions/core/matching/match-readers';
import { buildReaderModel, hasRatings } from '../../../functions/core/matching/reader-model';
import type { Paper } from '../../../functions/core/papers';
import { aPaper, fillerPapers } from './builders';

/** Papers on antibody design that never say "protein design", the words the reader typed. */
const antibody = (title: string, abstract: string): Paper =>
  aPaper({
    title,
    abstract,
    aiSummary: `${title} with discrete diffusion over antibody sequences and CDR loops.`,
    aiKeywords: ['antibody design', 'discrete diffusion', 'CDR loops', 'binding affinity'],
  });

const likedAntibody = antibody(
  'Discrete Diffusion for Antibody Sequence Design',
  'We generate antibody sequences with discrete diffusion. CDR loops are designed for binding affinity.',
);
const similarAntibody = antibody(
  'Designing CDR Loops with Discrete Diffusion',
  'Discrete diffusion designs CDR loops of antibody sequences. Binding affinity improves.',
);
const proteinDesign = aPaper({
  title: 'Protein Design with Inverse Folding',
  abstract: 'We study protein design. Protein design benefits from inverse folding models.',
  aiSummary: 'A protein design method based on inverse folding.',
  aiKeywords: ['protein design', 'inverse folding'],
});

/** Two papers the words "retrieval-augmented generation" match; the reader rejected one like the first. */
const rag = (title: string, domain: string): Paper =>
  aPaper({
    title,
    abstract: `We apply retrieval-augmented generation to ${domain}. Retrieval-augmented generation improves answers.`,
    aiSummary: `Retrieval-augmented generation for ${domain}.`,
    aiKeywords: ['retrieval-augmented generation', domain],
  });
const legalRag = aPaper({
  ...rag('Retrieval-Augmented Generation for Legal Contract Review', 'legal contract review'),
  abstract:
    'We apply retrieval-augmented generation to legal contract review. Contract clauses, statutes and case law are retrieved for lawyers.',
});
const medicalRag = rag(
  'Retrieval-Augmented Generation for Clinical Question Answering',
  'clinical questions',
);
const rejectedLegal = aPaper({
  title: 'Legal Contract Clauses Retrieved for Lawyers',
  abstract:
    'Contract clauses, statutes and case law are retrieved for lawyers. Legal contract review gets faster.',
  aiSummary: 'Legal contract review with retrieved clauses, statutes and case law.',
  aiKeywords: ['legal contract review', 'case law'],
});

const papers = [
  likedAntibody,
  similarAntibody,
  proteinDesign,
  legalRag,
  medicalRag,
  rejectedLegal,
  ...fillerPapers(20),
];

const digest = (reader: Omit<ReaderQuery, 'name'>, from: Paper[] = papers) =>
  matchReaders(from, [{ name: 'reader', ...reader }])['reader'];

describe('the reader model', () => {
  it('brings in, from the first rating, a paper like the liked one that the words do not match', () => {
    const cold = digest({ keywords: ['protein design'] });
    const rated = digest({ keywords: ['protein design'], like: [likedAntibody.id] });

    expect(cold.map((paper) => paper.id)).toEqual([proteinDesign.id]);
    expect(rated.map((paper) => paper.id)).toContain(similarAntibody.id);
    expect(rated.find((paper) => paper.id === similarAntibody.id)?.why).toBe(
      `like “${likedAntibody.title}” you rated`,
    );
    // The words still count: the protein design paper stays.
    expect(rated.map((paper) => paper.id)).toContain(proteinDesign.id);
  });

  it('never shows a paper the reader rated or gave again', () => {
    const rated = digest({
      keywords: ['protein design'],
      like: [likedAntibody.id],
      dislike: [proteinDesign.id],
    });
    expect(rated.map((paper) => paper.id)).not.toContain(likedAntibody.id);
    expect(rated.map((paper) => paper.id)).not.toContain(proteinDesign.id);
  });

  it('keeps out a matched paper close to a rejected one, and keeps the others', () => {
    const cold = digest({ keywords: ['retrieval-augmented generation'] });
    const rated = digest({ keywords: ['retrieval-augmented generation'], dislike: [rejectedLegal.id] });

    expect(cold.map((paper) => paper.id).sort()).toEqual([legalRag.id, medicalRag.id].sort());
    expect(rated.map((paper) => paper.id)).toEqual([medicalRag.id]);
  });

  it('matches "papers like these" by similarity to the examples alone, naming the example', () => {
    const likeThese = digest({ keywords: [], examples: [likedAntibody.id] });

    expect(likeThese.map((paper) => paper.id)).toEqual([similarAntibody.id]);
    expect(likeThese[0].why).toBe(`like “${likedAntibody.title}”`);
  });

  it('finds rated papers outside the window among the known papers', () => {
    const window = papers.filter((paper) => paper.id !== likedAntibody.id);
    const rated = matchReaders(
      window,
      [{ name: 'reader', keywords: ['protein design'], like: [likedAntibody.id] }],
      [likedAntibody],
    )['reader'];
    expect(rated.map((paper) => paper.id)).toContain(similarAntibody.id);
  });

  it('raises the relevance of matched papers like the liked ones', () => {
    const matcher = createMatcher(papers);
    const byId = new Map(papers.map((paper) => [paper.id, paper]));
    const topics: TopicRef[] = [{ kind: 'keyword', text: 'retrieval-augmented generation' }];
    const perTopic = topics.map((topic) => ({ topic, hits: matcher.match(topic) }));
    const reader = ratedReader(matcher, { liked: [rejectedLegal.id] }, (id) => byId.get(id));

    const cold = rankForDigest(perTopic, byId);
    const rated = rankForDigest(perTopic, byId, undefined, reader);
    const relevance = (ranked: typeof cold, id: string) =>
      ranked.find((paper) => paper.paperId === id)?.relevance;

    expect(relevance(rated, legalRag.id)).toBeGreaterThan(relevance(cold, legalRag.id) as number);
    expect(relevance(rated, medicalRag.id)).toBeCloseTo(relevance(cold, medicalRag.id) as number, 1);
  });

  it('is deterministic and does not depend on the order of the papers', () => {
    const reader = { keywords: ['protein design'], like: [likedAntibody.id], dislike: [rejectedLegal.id] };
    expect(digest(reader, [...papers].reverse())).toEqual(digest(reader));
  });

  it('is not built for a reader without ratings, nor from ratings of unknown papers', () => {
    const matcher = createMatcher(papers);
    expect(hasRatings({ liked: [], disliked: [], examples: [] })).toBe(false);
    expect(ratedReader(matcher, undefined, () => undefined)).toBeUndefined();
    expect(ratedReader(matcher, { liked: ['2501.00000'] }, () => undefined)).toBeUndefined();
    expect(buildReaderModel({ liked: ['2501.00000'] }, () => undefined)).toBeUndefined();
  });

  it('reads a paper both liked and rejected as rejected, and each list newest first', () => {
    const known = (id: string) => ({ id, title: id, vector: new Map([['x', 1]]) });
    const model = buildReaderModel({ liked: ['a', 'b', 'a'], disliked: ['b'], examples: ['a', 'c'] }, known);
    expect(model?.positives.map((paper) => [paper.id, paper.example])).toEqual([
      ['a', false],
      ['c', true],
    ]);
    expect(model?.negatives.map((paper) => paper.id)).toEqual(['b']);
  });
});

describe('likeLabel', () => {
  it('words the reason in one place, and shortens a long title at a word', () => {
    expect(likeLabel('A Paper', false)).toBe('like “A Paper” you rated');
    expect(likeLabel('A Paper', true)).toBe('like “A Paper”');
    const long = likeLabel(`${'word '.repeat(30)}end`, true);
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(/word…”$/);
  });
});
