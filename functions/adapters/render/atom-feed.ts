import type { ReaderFeed } from '../../core/subscribers/feed';

/** The media type of an Atom document (RFC 4287). */
export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/**
 * Characters XML 1.0 cannot hold at all (C0 controls but tab, line feed and carriage return; lone
 * surrogates; U+FFFE, U+FFFF): dropped, or the whole feed would not parse.
 */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text for XML element content and quoted attribute values. */
export const escapeXml = (value: string): string =>
  value.replace(NOT_XML, '').replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);

/** A full RFC 3339 date-time (Atom's date construct); a bare day is read as midnight UTC. */
const atomDate = (value: string): string => {
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return new Date(Number.isNaN(time) ? 0 : time).toISOString();
};

const element = (name: string, text: string, attributes = ''): string =>
  `<${name}${attributes}>${escapeXml(text)}</${name}>`;

const link = (href: string, rel: string, type?: string): string =>
  `<link rel="${escapeXml(rel)}" href="${escapeXml(href)}"${type ? ` type="${escapeXml(type)}"` : ''}/>`;

/**
 * The reader's feed as an Atom 1.0 document (RFC 4287): the feed's id, title, updated, self and
 * alternate links and a feed-level author (so an entry of a paper without authors is still valid);
 * each entry with id, title, updated, its links (the paper's page; arXiv and the PDF as related),
 * authors, a text summary and the digest day as a category.
 */
export function renderAtomFeed(feed: ReaderFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${element('id', feed.id)}`,
    `  ${element('title', feed.title)}`,
    `  ${element('subtitle', 'The papers of your recent paperboy digests, newest first.')}`,
    `  ${element('updated', atomDate(feed.updated))}`,
    `  ${link(feed.selfUrl, 'self', 'application/atom+xml')}`,
    `  ${link(feed.homeUrl, 'alternate', 'text/html')}`,
    `  <author>${element('name', 'paperboy')}${element('uri', feed.homeUrl)}</author>`,
    `  ${element('generator', 'paperboy')}`,
  ];
  for (const entry of feed.entries) {
    lines.push(
      '  <entry>',
      `    ${element('id', entry.id)}`,
      `    ${element('title', entry.title, ' type="text"')}`,
      `    ${element('updated', atomDate(entry.sentAt))}`,
      `    ${link(entry.url, 'alternate', 'text/html')}`,
      `    ${link(entry.arxivUrl, 'related', 'text/html')}`,
      `    ${link(entry.pdfUrl, 'related', 'application/pdf')}`,
      ...entry.authors.map((name) => `    <author>${element('name', name)}</author>`),
      `    <category term="${escapeXml(entry.digestDate)}" label="${escapeXml(`Digest of ${entry.digestDate}`)}"/>`,
      `    ${element('summary', entry.summary, ' type="text"')}`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
