import {
  LINK_PLACEHOLDERS,
  personalize,
  type RenderedEmail,
  type Renderer,
} from '../../../functions/adapters/render/email-renderer';
import { createMjmlRenderer } from '../../../functions/adapters/render/mjml/mjml-renderer';
import { createRenderer } from '../../../functions/adapters/render/precompiled-renderer';
import { aPaperView } from './builders';

const links = {
  manageUrl: 'https://paperboy.test/preferences?token=m.1&x=<y>',
  unsubscribeUrl: 'https://paperboy.test/unsubscribe?token=u.2',
};

describe('personalize', () => {
  const rendered: RenderedEmail = {
    subject: 'paperboy · 1 paper',
    html: `<a href="${LINK_PLACEHOLDERS.manageUrl}">Manage</a><a href="${LINK_PLACEHOLDERS.unsubscribeUrl}">Unsubscribe</a><a href="${LINK_PLACEHOLDERS.manageUrl}">again</a>`,
    text: `Manage: ${LINK_PLACEHOLDERS.manageUrl}\nUnsubscribe: ${LINK_PLACEHOLDERS.unsubscribeUrl}\n${LINK_PLACEHOLDERS.manageUrl}`,
  };

  it('replaces every placeholder in the html (escaped for an attribute) and in the text', () => {
    const email = personalize(rendered, links);

    expect(email.html).toBe(
      '<a href="https://paperboy.test/preferences?token=m.1&amp;x=&lt;y&gt;">Manage</a>' +
        '<a href="https://paperboy.test/unsubscribe?token=u.2">Unsubscribe</a>' +
        '<a href="https://paperboy.test/preferences?token=m.1&amp;x=&lt;y&gt;">again</a>',
    );
    expect(email.text).toBe(
      `Manage: ${links.manageUrl}\nUnsubscribe: ${links.unsubscribeUrl}\n${links.manageUrl}`,
    );
    expect(email.subject).toBe(rendered.subject);
  });

  it('leaves the shared rendering untouched for the next subscriber', () => {
    personalize(rendered, links);

    expect(rendered.html).toContain(LINK_PLACEHOLDERS.manageUrl);
  });

  it('refuses a link that is not http(s)', () => {
    expect(() => personalize(rendered, { ...links, manageUrl: 'javascript:alert(1)' })).toThrow(/manageUrl/);
  });

  it('uses placeholders that are distinct and cannot occur in ordinary text', () => {
    expect(LINK_PLACEHOLDERS.manageUrl).not.toBe(LINK_PLACEHOLDERS.unsubscribeUrl);
    expect(LINK_PLACEHOLDERS.manageUrl).toMatch(/^%%[A-Z_]+%%$/);
  });
});

// The precompiled renderer ships; the MJML one is the oracle it is compiled from and must equal.
describe.each<[string, () => Renderer]>([
  ['precompiled', () => createRenderer()],
  ['MJML', () => createMjmlRenderer()],
])('digest email escaping (%s)', (_name, create) => {
  const renderer = create();

  it('escapes hostile paper text everywhere it appears in the html', async () => {
    const paper = aPaperView({
      title: '<script>alert("title")</script> & <img src=x onerror=alert(1)>',
      authorsLine: '<b>Mallory</b>',
      organization: '"><svg onload=alert(2)>',
      summary: '</mj-text><mj-raw><script>alert(3)</script></mj-raw>',
      matchedTopics: [{ topic: '<i>topic</i>', matched: ['<u>word</u>'] }],
    });

    const email = await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers: [paper] });

    expect(email.html).not.toMatch(/<script|<img|<svg|<b>Mallory|<i>topic|<u>word|<mj-/i);
    expect(email.html).toContain(
      '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(email.html).toContain('&lt;b&gt;Mallory&lt;/b&gt;');
    // The plain-text part is not HTML: it shows the text as the reader should read it.
    expect(email.text).toContain('<script>alert("title")</script> & <img src=x onerror=alert(1)>');
  });

  it('shows upvotes and comments only where they carry signal', async () => {
    const render = (upvotes: number | null, numComments: number) =>
      renderer.renderDigest({
        date: '2025-11-13',
        cadence: 'daily',
        papers: [aPaperView({ upvotes, numComments })],
      });

    const unknown = await render(null, 1);
    const zero = await render(0, 2);
    const known = await render(1, 3);

    // Unknown or no upvotes, and the one or two comments nearly every paper has (a bot's): nothing.
    for (const email of [unknown, zero]) {
      expect(email.html).not.toMatch(/upvote|comment/);
      expect(email.text).not.toMatch(/upvote|comment/);
    }
    expect(known.text).toContain('   1 upvote · 3 comments\n');
    expect(known.html).toContain('>1 upvote · 3 comments</p>');
  });

  it('says why as a person would: the topic, then where the paper says it', async () => {
    const email = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [
        aPaperView({
          matchedTopics: [
            { topic: 'AI agents', matched: ['agents'], seen: { field: 'title', words: 'Generalist Agents' } },
            { topic: 'Speculative decoding', matched: [], seen: { field: 'keywords', words: '' } },
            { topic: 'RLHF', matched: ['DPO'], related: true, seen: { field: 'abstract', words: 'DPO' } },
            { topic: 'Org: NVIDIA', matched: ['NVIDIA'] },
            { topic: 'Diffusion', matched: ['diffusion'] },
          ],
        }),
      ],
    });

    expect(email.text).toContain(
      '   Why: AI agents — “Generalist Agents” in the title · Speculative decoding — in the keywords · ' +
        'RLHF — related “DPO” in the abstract · +2 more topics\n',
    );
    expect(email.html).toMatch(
      /Why: <b[^>]*>AI agents<\/b> — “Generalist Agents” in the title · <b[^>]*>Speculative decoding<\/b> — in the keywords · /,
    );
    const follows = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [
        aPaperView({
          matchedTopics: [
            { topic: 'Org: NVIDIA', matched: ['NVIDIA'] },
            { topic: 'Author: Ada Lovelace', matched: [] },
            { topic: 'like “Lumine” you rated', matched: [] },
          ],
        }),
      ],
    });
    expect(follows.text).toContain(
      '   Why: NVIDIA — an organization you follow · Ada Lovelace — an author you follow · like “Lumine” you rated\n',
    );
  });

  it('has a contents from five papers on, and none below', async () => {
    const papers = (count: number) =>
      Array.from({ length: count }, (_, index) =>
        aPaperView({
          id: `2511.0000${index}`,
          title: `Paper${index}: a title`,
          matchedTopics: [{ topic: index % 2 ? 'Robotics' : 'AI agents', matched: [] }],
        }),
      );

    const four = await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers: papers(4) });
    const five = await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers: papers(5) });

    expect(four.html).not.toContain('In this email');
    expect(four.text).not.toContain('In this email');
    expect(five.html).toMatch(
      /<b[^>]*>AI agents<\/b>: <a href="#p2511\.00000"[^>]*>Paper0<\/a> · <a href="#p2511\.00002"[^>]*>Paper2<\/a> · <a href="#p2511\.00004"[^>]*>Paper4<\/a><\/p>/,
    );
    expect(five.text).toContain(
      'In this email:\n   AI agents: 1. Paper0 · 3. Paper2 · 5. Paper4\n   Robotics: 2. Paper1 · 4. Paper3\n',
    );
  });

  it('says how many of the window’s papers matched, when the message carries the count', async () => {
    const daily = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView(), aPaperView({ id: '2' })],
      papersInWindow: 41,
    });
    const weekly = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'weekly',
      papers: [aPaperView()],
      papersInWindow: 180,
    });
    const unknown = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView()],
    });

    expect(daily.text).toContain(
      '2 of the 41 latest papers on Hugging Face Daily Papers match your topics, best first.',
    );
    expect(daily.html).toContain('2 of the 41 latest papers');
    expect(weekly.text).toContain(
      "Week ending Thu, 13 Nov 2025: 1 of the week's 180 papers on Hugging Face Daily Papers matches your topics",
    );
    expect(unknown.text).toContain(
      '1 paper from Hugging Face Daily Papers that matches your topics, best first.',
    );
  });

  it('shows a thumbnail with alt text only when the paper has one', async () => {
    const withOne = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView({ thumbnailUrl: 'https://cdn.example/t.png?a=1&b=2' })],
    });
    const without = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView()],
    });

    expect(withOne.html).toContain(
      '<img class="thumb" src="https://cdn.example/t.png?a=1&amp;b=2" alt="Thumbnail of the paper" width="150"',
    );
    expect(without.html).not.toContain('<img');
  });

  it('links GitHub and the project page only when known', async () => {
    const email = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView({ githubUrl: undefined, projectUrl: undefined })],
    });

    expect(email.html).not.toContain('>GitHub<');
    expect(email.html).not.toContain('>Project page<');
    expect(email.text).not.toContain('GitHub:');
  });

  it('headlines a weekly digest as this week', async () => {
    const email = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'weekly',
      papers: [aPaperView()],
    });

    expect(email.html).toContain('This week&#39;s papers');
    expect(email.subject).toContain('this week');
  });
});
