import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HF_DAYS_DIR } from '../../support/paths';
import { parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';
import { personalize, type DigestEmailInput } from '../../../functions/adapters/render/email-renderer';
import { createMjmlRenderer } from '../../../functions/adapters/render/mjml/mjml-renderer';
import { createRenderer } from '../../../functions/adapters/render/precompiled-renderer';
import {
  toPaperView,
  type DigestPaperView,
  type MatchedTopic,
} from '../../../functions/core/digests/paper-view';
import type { Paper } from '../../../functions/core/papers';

/**
 * The oracle: every digest assembled from the committed pieces must be, byte for byte, the email MJML
 * renders from the templates. Real Daily Papers, with and without each optional part.
 */

const days = readdirSync(HF_DAYS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => name.slice(0, 10));
const papersOf = (day: string): Paper[] => {
  const { papers, rejected } = parseDailyPapers(
    JSON.parse(readFileSync(join(HF_DAYS_DIR, `${day}.json`), 'utf8')),
    day,
  );
  expect(rejected).toEqual([]);
  return papers;
};
const allPapers = days.flatMap(papersOf);

const REASONS: MatchedTopic[][] = [
  [{ topic: 'AI agents', matched: ['agents', 'agentic'] }],
  [{ topic: 'RLHF', matched: ['Direct Preference Optimization', 'DPO'], related: true }],
  [{ topic: 'Reasoning', matched: [], related: true }],
  [
    { topic: 'Diffusion models', matched: ['diffusion'] },
    { topic: 'R&D <agents> "quoted" it\'s', matched: ['Übersetzung', 'R&D <b>'] },
    { topic: 'Org: NVIDIA', matched: [] },
  ],
  [],
];
const view = (paper: Paper, index: number): DigestPaperView =>
  toPaperView(paper, REASONS[index % REASONS.length]);
const viewsOf = (papers: Paper[]): DigestPaperView[] => papers.map(view);

/** Real papers edited to lack (or to stress) one part each: the card's optional sections. */
function variantsOf(paper: Paper): Paper[] {
  return [
    { ...paper, githubRepo: undefined, projectPage: undefined },
    { ...paper, githubRepo: "https://github.com/o/r?x=1&y='2'", projectPage: 'https://p.example/?q="a"' },
    { ...paper, organization: undefined, authors: [] },
    { ...paper, organization: { name: 'lab', fullname: 'Lab  \n  Ünïversität & Co <R&D>' } },
    { ...paper, aiSummary: undefined, abstract: '' },
    { ...paper, upvotes: null, numComments: 1 },
    { ...paper, upvotes: 0, numComments: 7, thumbnail: undefined },
    { ...paper, thumbnail: 'https://cdn.example/t.png?a=1&b="2"', projectPage: paper.githubRepo },
    {
      ...paper,
      title: `${paper.title} — x < y > z & "q" 'r' ∑ 数学`,
      aiSummary: `${paper.aiSummary ?? paper.abstract} <b>not bold</b> & "quoted" 'single' ü 🚀`,
    },
  ];
}

describe('the precompiled renderer against the MJML oracle', () => {
  const mjml = createMjmlRenderer();
  // One instance for every case, as in a send-digests container: later digests reuse cached cards.
  const precompiled = createRenderer();

  async function expectSameDigest(input: DigestEmailInput): Promise<void> {
    const expected = await mjml.renderDigest(input);
    const actual = await precompiled.renderDigest(input);

    expect(actual.subject).toBe(expected.subject);
    expect(actual.html).toBe(expected.html);
    expect(actual.text).toBe(expected.text);
  }

  const nov13 = viewsOf(papersOf('2025-11-13'));
  const week = viewsOf([...papersOf('2025-11-13'), ...papersOf('2025-11-12'), ...papersOf('2025-11-11')]);

  it('uses the papers it means to', () => {
    expect(nov13).toHaveLength(10);
    expect(week.length).toBeGreaterThanOrEqual(25);
  });

  it.each([
    ['1 paper, daily', { date: '2025-11-13', cadence: 'daily' as const, papers: nov13.slice(0, 1) }],
    ['1 paper, weekly', { date: '2025-11-13', cadence: 'weekly' as const, papers: nov13.slice(3, 4) }],
    // Four papers: no contents yet; five: a contents.
    ['4 papers, daily', { date: '2025-11-13', cadence: 'daily' as const, papers: nov13.slice(0, 4) }],
    [
      '5 papers, daily, of 37',
      { date: '2025-11-13', cadence: 'daily' as const, papers: nov13.slice(0, 5), papersInWindow: 37 },
    ],
    ['10 papers, daily', { date: '2025-11-13', cadence: 'daily' as const, papers: nov13 }],
    [
      '10 papers, weekly, of 96',
      { date: '2025-11-13', cadence: 'weekly' as const, papers: week.slice(5, 15), papersInWindow: 96 },
    ],
    ['25 papers, daily', { date: '2025-11-13', cadence: 'daily' as const, papers: week.slice(0, 25) }],
    ['25 papers, weekly', { date: '2025-11-13', cadence: 'weekly' as const, papers: week.slice(0, 25) }],
  ])('renders the same digest: %s', async (_name, input) => {
    await expectSameDigest(input);
  });

  it('renders the same digest again from cached cards, in another order', async () => {
    await expectSameDigest({ date: '2025-11-14', cadence: 'daily', papers: [...nov13].reverse() });
  });

  it('renders the same cards with and without each optional part, and with & < > " \' and non-ASCII', async () => {
    const edited = papersOf('2025-11-12').flatMap(variantsOf);
    const views = edited.map(view);
    expect(views.some((paper) => !paper.githubUrl && !paper.projectUrl)).toBe(true);
    expect(views.some((paper) => paper.summary === '')).toBe(true);
    expect(views.some((paper) => paper.authorsLine === '' && !paper.organization)).toBe(true);
    expect(views.some((paper) => paper.matchedTopics.length === 0)).toBe(true);

    for (let start = 0; start < views.length; start += 10) {
      await expectSameDigest({
        date: '2025-11-12',
        cadence: start % 20 === 0 ? 'daily' : 'weekly',
        papers: views.slice(start, start + 10),
      });
    }
  });

  it('renders the same digests of every real paper with &, ", \' or non-ASCII in its text', async () => {
    const special = allPapers.filter((paper) =>
      [
        paper.title,
        paper.aiSummary ?? paper.abstract,
        ...paper.authors,
        paper.organization?.fullname ?? '',
      ].some((text) => /[&"'<>]|[^\x00-\x7f]/.test(text)),
    );
    expect(special.length).toBeGreaterThan(50);

    for (let start = 0; start < special.length; start += 10) {
      await expectSameDigest({
        date: '2025-11-13',
        cadence: 'daily',
        papers: viewsOf(special.slice(start, start + 10)),
      });
    }
  });

  it('personalizes the same: the links filled in the HTML (escaped) and the text', async () => {
    const links = {
      manageUrl: 'https://paperboy.example/preferences?token=m.1&v=<2>',
      unsubscribeUrl: "https://paperboy.example/unsubscribe?token=u.1&v='3'",
      viewUrl: 'https://paperboy.example/digest?token=d.1&v=<5>',
      rateUrl: (paperId: string) => `https://paperboy.example/rate?token=r.${paperId}&v="4"`,
    };
    const input = { date: '2025-11-13', cadence: 'weekly' as const, papers: week.slice(2, 12) };
    const expected = personalize(await mjml.renderDigest(input), links);
    const actual = precompiled.personalize(await precompiled.renderDigest(input), links);

    expect(actual).toEqual(expected);
    expect(actual.html).toContain('token=m.1&amp;v=&lt;2&gt;');
    expect(actual.text).toContain("token=u.1&v='3'");
    expect(actual.html).toMatch(
      /<a href="https:\/\/paperboy\.example\/digest\?token=d\.1&amp;v=&lt;5&gt;"[^>]*>View in browser<\/a>/,
    );
    expect(actual.text).toContain('View in browser: https://paperboy.example/digest?token=d.1&v=<5>');
  });

  it('renders the same confirmation email', async () => {
    const input = { confirmUrl: 'https://paperboy.example/confirm?token=c.1&v=<2>&w="3"' };

    expect(await precompiled.renderConfirmation(input)).toEqual(await mjml.renderConfirmation(input));
  });

  it('renders the same new-link email', async () => {
    const links = {
      manageUrl: 'https://paperboy.example/preferences?token=m.1&v=<2>',
      unsubscribeUrl: "https://paperboy.example/unsubscribe?token=u.1&v='3'",
    };

    expect(await precompiled.renderNewLink(links)).toEqual(await mjml.renderNewLink(links));
  });
});
