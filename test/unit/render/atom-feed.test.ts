import { escapeXml, renderAtomFeed } from '@functions/adapters/render/atom-feed';
import type { ReaderFeed } from '@functions/core/subscribers/feed';

const feed: ReaderFeed = {
  id: 'tag:paperboy.example,2025:feed:s-1',
  title: 'paperboy · your papers',
  selfUrl: 'https://paperboy.example/feed?token=a.b&x=1',
  homeUrl: 'https://paperboy.example/',
  updated: '2025-11-12T08:00:01.500Z',
  entries: [
    {
      id: 'tag:paperboy.example,2025:paper:2511.00001',
      paperId: '2511.00001',
      title: 'Draft & Verify: <Fast> "Decoding"\u0007',
      url: 'https://huggingface.co/papers/2511.00001',
      arxivUrl: 'https://arxiv.org/abs/2511.00001',
      pdfUrl: 'https://arxiv.org/pdf/2511.00001',
      summary: 'It is fast & <b>bold</b>.',
      authors: ['Ada Lovelace', "Grace O'Hopper"],
      digestDate: '2025-11-12',
      sentAt: '2025-11-12T08:00:00.000Z',
    },
    {
      id: 'tag:paperboy.example,2025:paper:2511.00002',
      paperId: '2511.00002',
      title: 'No Authors',
      url: 'https://huggingface.co/papers/2511.00002',
      arxivUrl: 'https://arxiv.org/abs/2511.00002',
      pdfUrl: 'https://arxiv.org/pdf/2511.00002',
      summary: 'Anonymous.',
      authors: [],
      digestDate: '2025-11-11',
      sentAt: '2025-11-11T08:00:00.000Z',
    },
  ],
};

describe('renderAtomFeed (RFC 4287)', () => {
  const xml = renderAtomFeed(feed);
  const entries = xml.split('<entry>').slice(1);

  it('is an Atom feed with its id, title, updated, self link and an author for entries without one', () => {
    expect(
      xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'),
    ).toBe(true);
    expect(xml).toContain('<id>tag:paperboy.example,2025:feed:s-1</id>');
    expect(xml).toContain('<title>paperboy · your papers</title>');
    expect(xml).toContain('<updated>2025-11-12T08:00:01.500Z</updated>');
    expect(xml).toContain(
      '<link rel="self" href="https://paperboy.example/feed?token=a.b&amp;x=1" type="application/atom+xml"/>',
    );
    expect(xml.split('</entry>')[0].split('<entry>')[0]).toContain('<author><name>paperboy</name>');
    expect(xml.trimEnd().endsWith('</feed>')).toBe(true);
  });

  it('gives every entry an id, a title, updated, the paper’s link, its authors and a text summary', () => {
    expect(entries).toHaveLength(2);
    const [first, second] = entries;
    expect(first).toContain('<id>tag:paperboy.example,2025:paper:2511.00001</id>');
    expect(first).toContain('<updated>2025-11-12T08:00:00.000Z</updated>');
    expect(first).toContain(
      '<link rel="alternate" href="https://huggingface.co/papers/2511.00001" type="text/html"/>',
    );
    expect(first).toContain(
      '<link rel="related" href="https://arxiv.org/pdf/2511.00001" type="application/pdf"/>',
    );
    expect(first).toContain('<author><name>Ada Lovelace</name></author>');
    expect(first).toContain('<author><name>Grace O&apos;Hopper</name></author>');
    expect(first).toContain('<summary type="text">It is fast &amp; &lt;b&gt;bold&lt;/b&gt;.</summary>');
    expect(second).not.toContain('<author>');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(entries[0]).toContain(
      '<title type="text">Draft &amp; Verify: &lt;Fast&gt; &quot;Decoding&quot;</title>',
    );
    expect(xml).not.toContain('\u0007');
    expect(escapeXml('a\u0000b\uD800c\uD83D\uDE00')).toBe('abc\uD83D\uDE00');
  });
});
