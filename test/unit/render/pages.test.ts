import { createHash } from 'node:crypto';
import {
  assertConstantInlineBlocks,
  cspHash,
  inlineBlocks,
} from '../../../functions/adapters/render/page-csp';
import {
  pageContentSecurityPolicy,
  renderConfirmPage,
  renderLandingPage,
  renderMessagePage,
  renderPreferencesPage,
  renderUnsubscribePage,
} from '../../../functions/adapters/render/pages';

const topics = [
  { id: 'ai-agents', name: 'AI agents', description: 'LLM agents that plan, use tools and act.' },
  {
    id: 'evil"><script>x()</script>',
    name: '<img src=x onerror=alert(1)>',
    description: '</label><b>bold</b>',
  },
];
const hostileToken = 'abc"><script>alert(1)</script>&x=1';

describe('renderLandingPage', () => {
  const html = renderLandingPage({ topics });

  it('has the form controls the scripts and tests rely on', () => {
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<form id="subscribe-form"/);
    expect(html).toMatch(/<input[^>]*name="email"[^>]*type="email"/);
    expect(html).toMatch(/<textarea[^>]*name="keywords"/);
    expect(html).toMatch(/<button type="submit"/);
    expect(html).toMatch(/<div id="form-message"[^>]*role="status"/);
    expect(html).toContain('<input type="checkbox" name="topics" value="ai-agents">');
    expect(html).toContain('LLM agents that plan, use tools and act.');
  });

  it('escapes topic ids, names and descriptions', () => {
    expect(html).not.toContain('<script>x()</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('value="evil&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"');
  });

  it('posts to the subscribe API with fetch and shows the neutral confirmation message', () => {
    expect(html).toContain("fetch('/api/subscribe'");
    expect(html).toContain('Check your inbox to confirm');
  });

  it('needs nothing from another origin', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });
});

describe('renderConfirmPage', () => {
  it('confirms only through a POST form carrying the token, escaped', () => {
    const html = renderConfirmPage({ token: hostileToken });

    expect(html).toMatch(/<form method="post" action="\/confirm">/);
    expect(html).toContain(
      '<input type="hidden" name="token" value="abc&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=1">',
    );
    expect(html).toMatch(/<button type="submit" id="confirm-button"/);
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('renderUnsubscribePage', () => {
  it('unsubscribes only through a POST form to /unsubscribe with the token URL-encoded', () => {
    const html = renderUnsubscribePage({ token: hostileToken });

    expect(html).toContain(
      `<form method="post" action="/unsubscribe?token=${encodeURIComponent(hostileToken).replace(/&/g, '&amp;')}">`,
    );
    expect(html).toMatch(/id="unsubscribe-confirm"/);
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('renderPreferencesPage', () => {
  const html = renderPreferencesPage({ token: hostileToken, topics });

  it('has every control of the settings form', () => {
    for (const selector of [
      /<textarea[^>]*name="keywords"/,
      /<textarea[^>]*name="organizations"/,
      /<textarea[^>]*name="authors"/,
      /<input type="radio" name="cadence" value="daily">/,
      /<input type="radio" name="cadence" value="weekly">/,
      /<select id="weekday" name="weekday">/,
      /<option value="7">Sunday<\/option>/,
      /<input[^>]*name="papersPerEmail"[^>]*type="number"/,
      /<input type="checkbox" name="paused"/,
      /<button type="submit" id="save-button"/,
      /<button type="button" id="unsubscribe-button"/,
      /<button type="button" id="resubscribe-button"/,
      /<button type="button" id="delete-button"/,
      /<div id="preview"/,
      /<div id="status"[^>]*role="status"/,
      /<input type="checkbox" name="topics" value="ai-agents">/,
    ]) {
      expect(html).toMatch(selector);
    }
  });

  it('carries the token only escaped, and URL-encoded in the export link', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('data-token="abc&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=1"');
    expect(html).toContain(
      `id="export-link" class="button secondary" href="/api/export?token=${encodeURIComponent(hostileToken).replace(/&/g, '&amp;')}"`,
    );
  });

  it('shows the welcome banner only when asked', () => {
    expect(html).not.toContain("You're confirmed");
    expect(renderPreferencesPage({ token: 't', topics, welcome: true })).toContain("You're confirmed");
  });

  it('offers a new link through /api/links/renew and answers in a live region of its section', () => {
    expect(html).toMatch(/<section id="links-panel"[^>]*aria-labelledby="links-title"/);
    expect(html).toMatch(/<h2 id="links-title">Forwarded one of our emails\?<\/h2>/);
    expect(html).toMatch(/<button type="button" id="renew-button"[^>]*>Email me a new link<\/button>/);
    expect(html).toMatch(/<p id="renew-message"[^>]*role="status"[^>]*aria-live="polite"/);
    expect(html).toContain("api('POST', '/api/links/renew', { token })");
  });

  it('keeps the token out of the Referer header of outgoing links', () => {
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });
});

describe('renderMessagePage', () => {
  it('escapes the title and message', () => {
    const html = renderMessagePage({ title: '<b>Oops</b>', message: '<script>x</script>' });

    expect(html).toContain('<h1>&lt;b&gt;Oops&lt;/b&gt;</h1>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('tells what to do next on an error page only', () => {
    const error = renderMessagePage({
      title: 'This link has expired',
      message: 'Links work for 48 hours.',
      status: 410,
    });
    const done = renderMessagePage({ title: "You're unsubscribed", message: 'No more emails.' });

    expect(error).toContain('Request a new confirmation from the home page');
    expect(done).not.toContain('Request a new confirmation');
    expect(done).toContain('href="/"');
  });
});

describe('pageContentSecurityPolicy', () => {
  const policy = pageContentSecurityPolicy();
  const directives = new Map(
    policy.split(';').map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
  const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const pagesToCheck: [string, string][] = [
    ['landing', renderLandingPage({ topics })],
    ['confirm', renderConfirmPage({ token: hostileToken })],
    ['preferences', renderPreferencesPage({ token: hostileToken, topics })],
    ['preferences, welcome', renderPreferencesPage({ token: 'other-token', topics: [], welcome: true })],
    ['message', renderMessagePage({ title: 'Done', message: 'All good.' })],
    [
      'error message',
      renderMessagePage({ title: '<b>Oops</b>', message: '<script>x</script>', status: 410 }),
    ],
    ['unsubscribe', renderUnsubscribePage({ token: hostileToken })],
  ];
  /** Every inline <script>/<style> element's text, found independently of the module under test. */
  const blocksOf = (html: string, tag: 'script' | 'style') =>
    Array.from(html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gi')), (match) => match[1]);

  it('denies everything by default and allows no inline code without a hash', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('form-action')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    for (const directive of ['script-src', 'style-src']) {
      const sources = directives.get(directive) ?? [];
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    }
    expect(policy).not.toMatch(/unsafe-|nonce-|\*|https?:/);
  });

  it.each(pagesToCheck)('lists the hash of every inline script and style of the %s page', (name, html) => {
    const scripts = blocksOf(html, 'script');
    const styles = blocksOf(html, 'style');
    expect(styles).toHaveLength(1);
    expect(scripts).toHaveLength(/^(landing|preferences)/.test(name) ? 1 : 0);
    for (const script of scripts) expect(directives.get('script-src')).toContain(sha256(script));
    for (const style of styles) expect(directives.get('style-src')).toContain(sha256(style));
  });

  it.each(pagesToCheck)(
    'has no inline event handlers, style attributes or javascript: URLs on the %s page',
    (_name, html) => {
      const markup = html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '');
      expect(markup).not.toMatch(/<[a-z][^>]*\s(on[a-z]+|style)\s*=/i);
      expect(markup).not.toMatch(/javascript:/i);
    },
  );

  it('keeps script and style text constant whatever the data, so hashes hold for every request', () => {
    const a = renderPreferencesPage({ token: 'a', topics, welcome: true });
    const b = renderPreferencesPage({ token: hostileToken, topics: [] });
    expect(inlineBlocks(a)).toEqual(inlineBlocks(b));
    expect(inlineBlocks(a).scripts).toHaveLength(1);
  });

  it('hashes the text as the browser does (UTF-8, line breaks normalized)', () => {
    expect(cspHash('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(cspHash('a\r\nb\rc')).toBe(cspHash('a\nb\nc'));
    expect(cspHash('“✓”')).toBe(sha256('“✓”'));
  });

  it('refuses templates whose inline scripts or styles would change with the data', () => {
    const partials = { lists: 'function splitList() {}', bad: 'const token = "{{token}}";' };
    expect(() =>
      assertConstantInlineBlocks({ ok: '<script>\n{{> lists}}\n{{! note }}\n</script>' }, partials),
    ).not.toThrow();
    expect(() =>
      assertConstantInlineBlocks({ page: '<p>{{token}}</p><script>run()</script>' }, partials),
    ).not.toThrow();
    expect(() =>
      assertConstantInlineBlocks({ page: '<script>const t = "{{token}}";</script>' }, partials),
    ).toThrow(/page: \{\{token\}\} inside an inline <script>/);
    expect(() =>
      assertConstantInlineBlocks({ page: '<style>{{#if dark}}body{}{{/if}}</style>' }, partials),
    ).toThrow();
    expect(() => assertConstantInlineBlocks({ page: '<script>{{> bad}}</script>' }, partials)).toThrow(
      /page > bad/,
    );
  });
});
