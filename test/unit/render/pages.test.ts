import {
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
