import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HF_DAYS_DIR } from '../../support/paths';
import { parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';
import { LINK_PLACEHOLDERS, personalize } from '../../../functions/adapters/render/email-renderer';
import { createRenderer } from '../../../functions/adapters/render/precompiled-renderer';
import { escapeHtml } from '../../../functions/adapters/render/templater';
import { toPaperView, type DigestPaperView } from '../../../functions/core/digests/paper-view';
import { createMatcher, rankForDigest, type TopicRef } from '../../../functions/core/matching';
import type { Paper } from '../../../functions/core/papers';

const GMAIL_CLIP_BYTES = 102 * 1024;

function viewsOf(day: string): DigestPaperView[] {
  const { papers, rejected } = parseDailyPapers(
    JSON.parse(readFileSync(join(HF_DAYS_DIR, `${day}.json`), 'utf8')),
    day,
  );
  expect(rejected).toEqual([]);
  const reasons = [
    { topic: 'Diffusion models', matched: ['diffusion'] },
    { topic: 'AI agents', matched: ['agents', 'agentic'] },
    { topic: 'RLHF', matched: ['Direct Preference Optimization', 'DPO'], related: true as const },
    { topic: 'Reasoning', matched: ['model'], related: true as const },
  ];
  return papers.map((paper, index) => toPaperView(paper, [reasons[index % reasons.length]]));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Links as long as the real ones: a rating token is ~140 characters (reader, version and paper, signed). */
const links = {
  manageUrl: 'https://paperboy.example/preferences?token=manage.abc',
  unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=unsub.def',
  // A view token names the reader, the link version and the day, signed.
  viewUrl: `https://paperboy.example/digest?token=${'v'.repeat(80)}.${'x'.repeat(43)}`,
  rateUrl: (paperId: string) =>
    `https://paperboy.example/rate?token=${Buffer.from(JSON.stringify({ p: 'rate', s: '0b7c6a58-2f7e-4c1e-9d3e-4b1f6f0e9a11', v: 1, a: paperId })).toString('base64url')}.${'x'.repeat(43)}`,
};

describe('digest email, assembled from the precompiled pieces, of 10 real papers of 2025-11-13', () => {
  const renderer = createRenderer();
  const papers = viewsOf('2025-11-13');
  const render = () =>
    renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers, papersInWindow: 37 });

  it('uses the ten papers of the day', () => {
    expect(papers).toHaveLength(10);
  });

  it('shows each paper: title linked to its Hugging Face page, arXiv, PDF, GitHub and project links, why it matched', async () => {
    const { html } = await render();

    for (const paper of papers) {
      expect(html).toContain(`href="${paper.url}"`);
      expect(html).toContain(`>${escapeHtml(paper.title)}</a>`);
      expect(html).toContain(`href="${paper.arxivUrl}"`);
      expect(html).toContain(`href="${paper.pdfUrl}"`);
      if (paper.githubUrl) expect(html).toContain(`href="${escapeHtml(paper.githubUrl)}"`);
      if (paper.projectUrl) expect(html).toContain(`href="${escapeHtml(paper.projectUrl)}"`);
      expect(html).toContain(escapeHtml(paper.summary));
    }
    // Reasons these papers' text does not show (the test pairs papers and reasons at random): the words.
    expect(html).toContain('Why: <b style="color: #1c1917;">AI agents</b> — “agents”, “agentic”</p>');
    // Only related terms matched: said so, so that it does not read as a wrong match.
    expect(html).toContain(
      '<b style="color: #1c1917;">RLHF</b> — related: “Direct Preference Optimization”, “DPO”</p>',
    );
    // Every related word filtered out as generic: still not shown as a match of the reader's words.
    expect(html).toContain('<b style="color: #1c1917;">Reasoning</b> — related terms</p>');
    expect(html).not.toContain('Matched:');
    expect(html).toContain('Your papers for Thu, 13 Nov 2025');
    expect(html).toContain(
      '10 of the 37 latest papers on Hugging Face Daily Papers match your topics, best first.',
    );
    expect(html).toMatch(/<html lang="en"/);
  });

  it('says why as the paper says it, for reasons the matcher gave on this day', async () => {
    const day = parseDailyPapers(
      JSON.parse(readFileSync(join(HF_DAYS_DIR, '2025-11-13.json'), 'utf8')),
      '2025-11-13',
    ).papers;
    const matcher = createMatcher(day);
    const topics: TopicRef[] = [
      { kind: 'catalog', id: 'ai-agents' },
      { kind: 'catalog', id: 'world-models' },
      { kind: 'keyword', text: 'speculative decoding' },
    ];
    const byId = new Map(day.map((paper) => [paper.id, paper]));
    const ranked = rankForDigest(
      topics.map((topic) => ({ topic, hits: matcher.match(topic) })),
      byId,
    );
    const views = ranked.map(({ paperId, why }) => toPaperView(byId.get(paperId) as Paper, why));
    const { html, text } = await renderer.renderDigest({
      date: '2025-11-13',
      cadence: 'daily',
      papers: views,
    });

    const whys = [...html.matchAll(/<p class="why"[^>]*>(.*?)<\/p>/g)].map((match) => match[1]);
    expect(whys).toHaveLength(views.length);
    // Lumine's title says "Generalist Agents"; TiDAR lists "speculative decoding" among its keywords,
    // the topic's own words, so only where is said.
    expect(html).toContain('<b style="color: #1c1917;">AI agents</b> — “Agents” in the title');
    expect(text).toContain('Why: Speculative decoding — in the keywords');
    for (const why of whys) expect(why).toMatch(/ in the (title|keywords|summary|abstract)/);
    expect(html).not.toMatch(/\((LLMs|agents|WMPO)/);
  });

  it('opens with a "View in browser" link to the reader’s copy of the day, and says it in the text', async () => {
    const email = await render();
    const personal = personalize(email, links);

    const view = [...personal.html.matchAll(/<a href="([^"]*)"[^>]*>View in browser<\/a>/g)];
    expect(view.map((match) => match[1])).toEqual([escapeHtml(links.viewUrl)]);
    // Near the top: before the heading and the first paper.
    expect(view[0].index).toBeLessThan(personal.html.indexOf('<h1'));
    expect(personal.text.split('\n').slice(0, 4)).toContain(`View in browser: ${links.viewUrl}`);
    expect(() => personalize(email, { ...links, viewUrl: undefined })).toThrow(/viewUrl/);
  });

  it('shows a table of contents by topic, linking each paper to its card', async () => {
    const { html, text } = await render();

    const entries = [...html.matchAll(/<a href="#([^"]+)"[^>]*>([^<]+)<\/a>/g)];
    // Grouped by topic (the topics in the order of their best paper), so each paper once, in another order.
    expect(entries.map((entry) => entry[1]).sort()).toEqual(papers.map((paper) => `p${paper.id}`).sort());
    for (const paper of papers) expect(html).toContain(`<div class="paper" id="p${paper.id}"`);
    // Short names: the part of the title before its colon ("Lumine: An Open Recipe…" is "Lumine").
    expect(entries.map((entry) => entry[2])).toContain('Lumine');
    expect(html).toMatch(
      /In this email<\/p>\n<p class="toc-row"[^>]*><b[^>]*>Diffusion models<\/b>: <a href="#p2511\.08892"/,
    );
    expect(text).toMatch(/In this email:\n {3}\S.*: 1\. \S/);
  });

  it('shows each thumbnail with alt text, linked to the paper', async () => {
    const { html } = await render();

    const withThumbnail = papers.filter((paper) => paper.thumbnailUrl);
    expect(withThumbnail.length).toBeGreaterThan(5);
    for (const paper of withThumbnail)
      expect(html).toMatch(
        new RegExp(
          `<a href="${escapeRegExp(paper.url)}"[^>]*><img class="thumb" src="${escapeRegExp(escapeHtml(paper.thumbnailUrl ?? ''))}" alt="Thumbnail of the paper" width="150"`,
        ),
      );
  });

  it('has an inbox preview that names the papers, and colours for dark mode', async () => {
    const { html } = await render();

    const preview = /<div style="display:none[^>]*>([^<]*)<\/div>/.exec(html)?.[1];
    expect(preview).toMatch(/^10 of 37 new papers match: Lumine · /);
    expect((preview ?? '').length).toBeLessThanOrEqual(150);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('.sheet, .sheet > table { background-color: #24201c !important; }');
    expect(html).toMatch(/<div class="sheet" style="background:#ffffff;/);
  });

  it('has the manage and unsubscribe placeholders, visible as links, until personalized', async () => {
    const email = await render();

    expect(email.html).toContain(`<a href="${LINK_PLACEHOLDERS.manageUrl}"`);
    expect(email.html).toContain(`<a href="${LINK_PLACEHOLDERS.unsubscribeUrl}"`);
    expect(email.html).toMatch(/>Manage your topics<\/a>/);
    expect(email.html).toMatch(/>Unsubscribe<\/a>/);

    const personal = personalize(email, links);

    expect(personal.html).not.toContain('%%');
    expect(personal.text).not.toContain('%%');
    expect(personal.html).toContain(`href="${links.manageUrl}"`);
    expect(personal.html).toContain(`href="${links.unsubscribeUrl}"`);
    expect(personal.text).toContain(`Manage your topics: ${links.manageUrl}`);
    expect(personal.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
  });

  it('gives each paper its two rating links, for this reader and that paper, in the HTML and the text', async () => {
    const personal = personalize(await render(), links);

    for (const paper of papers) {
      const rate = escapeHtml(links.rateUrl(paper.id));
      expect(personal.html).toMatch(
        new RegExp(`<a href="${escapeRegExp(rate)}&amp;verdict=more"[^>]*>More like this</a>`),
      );
      expect(personal.html).toMatch(
        new RegExp(`<a href="${escapeRegExp(rate)}&amp;verdict=less"[^>]*>Not for me</a>`),
      );
      expect(personal.text).toContain(`More like this or not for me? ${links.rateUrl(paper.id)}\n`);
    }
  });

  it('makes no link of a paper that spells a placeholder', async () => {
    const [first] = papers;
    const spelled = {
      ...first,
      title: `Attack %%PAPERBOY_MANAGE_URL%% and %%PAPERBOY_RATE_URL:${first.id}%%`,
    };
    const email = await renderer.renderDigest({ date: '2025-11-13', cadence: 'daily', papers: [spelled] });

    const personal = personalize(email, links);

    expect(personal.html).not.toContain(`Attack ${links.manageUrl}`);
    expect(personal.html.split(escapeHtml(links.rateUrl(first.id))).length - 1).toBe(2);
    expect(personal.text.split(links.rateUrl(first.id)).length - 1).toBe(1);
  });

  it('has a plain-text part with every title and link', async () => {
    const { text } = await render();

    for (const paper of papers) {
      expect(text).toContain(paper.title);
      expect(text).toContain(paper.url);
      expect(text).toContain(`arXiv: ${paper.arxivUrl}`);
      expect(text).toContain(`PDF: ${paper.pdfUrl}`);
      if (paper.githubUrl) expect(text).toContain(`GitHub: ${paper.githubUrl}`);
    }
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('has a short subject naming the count, topics and day', async () => {
    const { subject } = await render();

    expect(subject).toMatch(/^paperboy · 10 papers on .+ — Thu 13 Nov$/);
    expect(subject.length).toBeLessThanOrEqual(78);
  });

  it('stays far below the size at which Gmail clips a message', async () => {
    const { html } = personalize(await render(), links);
    const bytes = Buffer.byteLength(html);

    console.log(`digest of 10 papers: ${bytes} bytes of HTML`);
    expect(bytes).toBeLessThan(GMAIL_CLIP_BYTES / 2);
  });

  it('stays below the clipping size with 25 papers', async () => {
    const many = [...papers, ...viewsOf('2025-11-12'), ...viewsOf('2025-11-11')].slice(0, 25);
    expect(many).toHaveLength(25);

    const { html } = personalize(
      await renderer.renderDigest({
        date: '2025-11-13',
        cadence: 'weekly',
        papers: many,
        papersInWindow: 120,
      }),
      links,
    );
    const bytes = Buffer.byteLength(html);

    console.log(`digest of 25 papers: ${bytes} bytes of HTML`);
    expect(bytes).toBeLessThan(GMAIL_CLIP_BYTES);
  });
});

describe('confirmation email', () => {
  const renderer = createRenderer();
  const confirmUrl = 'https://paperboy.example/confirm?token=conf.123&v=1';

  it('has exactly one /confirm link, in the html and in the text', async () => {
    const email = await renderer.renderConfirmation({ confirmUrl });

    const confirmLinks = [...email.html.matchAll(/href="([^"]*)"/g)]
      .map((match) => match[1])
      .filter((href) => new URL(href.replace(/&amp;/g, '&')).pathname === '/confirm');
    expect(confirmLinks).toEqual(['https://paperboy.example/confirm?token=conf.123&amp;v=1']);
    expect(email.text.split(confirmUrl)).toHaveLength(2);
  });

  it('says the link expires in 48 hours and that an unasked email can be ignored', async () => {
    const email = await renderer.renderConfirmation({ confirmUrl });

    for (const part of [email.html, email.text]) {
      expect(part).toContain('expires in 48 hours');
      expect(part).toMatch(/didn(&#39;|')t ask for this, ignore this email/);
    }
    expect(email.subject).toBe('Confirm your paperboy subscription');
  });

  it('puts each confirmation link in its own email (the precompiled HTML is shared)', async () => {
    const first = await renderer.renderConfirmation({
      confirmUrl: 'https://paperboy.example/confirm?token=one',
    });
    const second = await renderer.renderConfirmation({
      confirmUrl: 'https://paperboy.example/confirm?token=two',
    });

    expect(first.html).toContain('token=one');
    expect(first.html).not.toContain('token=two');
    expect(second.html).toContain('token=two');
    expect(second.text).not.toContain('token=one');
  });

  it('refuses a confirmation URL that is not http(s)', async () => {
    await expect(renderer.renderConfirmation({ confirmUrl: 'javascript:alert(1)' })).rejects.toThrow(
      /confirmUrl/,
    );
  });
});

describe('new-link email', () => {
  const renderer = createRenderer();
  const newLinks = {
    manageUrl: 'https://paperboy.example/preferences?token=manage.2&v=<2>',
    unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=unsub.2&v="2"',
  };
  const hrefsTo = (html: string, path: string) =>
    [...html.matchAll(/href="([^"]*)"/g)]
      .map((match) => match[1])
      .filter((href) => /^https?:/.test(href) && new URL(href.replace(/&amp;/g, '&')).pathname === path);

  it('carries the new manage link (button and footer) and the unsubscribe link, escaped in the html and as they are in the text', async () => {
    const email = await renderer.renderNewLink(newLinks);

    expect(hrefsTo(email.html, '/preferences')).toEqual([
      'https://paperboy.example/preferences?token=manage.2&amp;v=&lt;2&gt;',
      'https://paperboy.example/preferences?token=manage.2&amp;v=&lt;2&gt;',
    ]);
    expect(hrefsTo(email.html, '/unsubscribe')).toEqual([
      'https://paperboy.example/unsubscribe?token=unsub.2&amp;v=&quot;2&quot;',
    ]);
    expect(email.html).not.toContain('v=<2>');
    expect(email.html).toMatch(/>\s*Open my settings\s*</);
    expect(email.html).not.toContain('%%');
    expect(email.text).toContain(`Manage your topics: ${newLinks.manageUrl}`);
    expect(email.text).toContain(`Unsubscribe: ${newLinks.unsubscribeUrl}`);
    expect(email.text).not.toContain('%%');
  });

  it('says older links no longer work and that, if unasked, the settings are safe', async () => {
    const email = await renderer.renderNewLink(newLinks);

    for (const part of [email.html, email.text]) {
      expect(part).toContain('The links in your older paperboy emails no longer work');
      expect(part).toMatch(
        /If you didn(&#39;|')t ask for this, your settings are safe: nothing changed except the links/,
      );
    }
    expect(email.subject).toBe('Your new paperboy link');
    expect(email.html).toContain('<title>Your new paperboy link</title>');
  });

  it('puts each subscriber’s links in their own email (the precompiled HTML is shared)', async () => {
    const first = await renderer.renderNewLink({
      manageUrl: 'https://paperboy.example/preferences?token=one',
      unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=one',
    });
    const second = await renderer.renderNewLink({
      manageUrl: 'https://paperboy.example/preferences?token=two',
      unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=two',
    });

    expect(first.html).toContain('token=one');
    expect(first.html).not.toContain('token=two');
    expect(second.html).toContain('token=two');
    expect(second.text).not.toContain('token=one');
  });

  it.each([
    ['manageUrl', { ...newLinks, manageUrl: 'javascript:alert(1)' }],
    ['unsubscribeUrl', { ...newLinks, unsubscribeUrl: 'data:text/html,hi' }],
  ])('refuses a %s that is not http(s)', async (name, links) => {
    await expect(renderer.renderNewLink(links)).rejects.toThrow(
      new RegExp(`${name} is not an http\\(s\\) URL`),
    );
  });
});
