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

  it('omits upvotes when unknown and shows them otherwise', async () => {
    const unknown = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView({ upvotes: null, numComments: 2 })],
    });
    const known = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: [aPaperView({ upvotes: 1, numComments: 0 })],
    });

    expect(unknown.html).not.toMatch(/upvote/);
    expect(unknown.html).toContain('2 comments');
    expect(known.text).toContain('1 upvote · 0 comments');
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
