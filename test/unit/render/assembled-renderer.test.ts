import {
  createAssembledRenderer,
  slotsOfFlatTemplate,
  splitHeadAtContents,
  type CompiledEmails,
} from '../../../functions/adapters/render/assembled-renderer';
import { collapseIndentation } from '../../../functions/adapters/render/email-renderer';
import { compileTemplate } from '../../../functions/adapters/render/templater';
import { GenerationalCache } from '../../../functions/core/generational-cache';
import { createRenderer } from '../../../functions/adapters/render/precompiled-renderer';
import compiledEmails from '../../../functions/adapters/render/compiled-emails.json';
import { aPaperView } from './builders';

const digest = (...papers: ReturnType<typeof aPaperView>[]) => ({
  date: '2025-11-13',
  cadence: 'daily' as const,
  papers,
});

describe('the precompiled renderer', () => {
  const first = aPaperView({ id: '1', title: 'First' });
  const second = aPaperView({ id: '2', title: 'Second' });
  const third = aPaperView({ id: '3', title: 'Third' });

  it('renders each paper card once, whatever digests it appears in', async () => {
    const renderer = createRenderer();

    await renderer.renderDigest(digest(first, second));
    await renderer.renderDigest(digest(second, first));
    await renderer.renderDigest(digest(third, second, first));

    expect(renderer.cardsRendered).toBe(3);
  });

  it('renders another card for the same paper with other reasons', async () => {
    const renderer = createRenderer();
    const why = (topic: string) => aPaperView({ matchedTopics: [{ topic, matched: ['agents'] }] });

    const agents = await renderer.renderDigest(digest(why('AI agents')));
    const robots = await renderer.renderDigest(digest(why('Robotics')));

    expect(renderer.cardsRendered).toBe(2);
    expect(agents.html).toMatch(/<b[^>]*>AI agents<\/b> — “agents”/);
    expect(robots.html).toMatch(/<b[^>]*>Robotics<\/b> — “agents”/);
    expect(robots.html).not.toContain('AI agents');
  });

  it('keeps only as many cards as its cache holds, the most recently used', async () => {
    const renderer = createRenderer({ cardCacheSize: 2 });
    // Copies: views read anew (as from another message) find their card by content, in the LRU.
    const again = (view: typeof first) => ({ ...view });

    await renderer.renderDigest(digest(again(first), again(second)));
    await renderer.renderDigest(digest(again(first), again(third))); // second is the least recently used: dropped
    await renderer.renderDigest(digest(again(first)));
    await renderer.renderDigest(digest(again(second)));

    expect(renderer.cardsRendered).toBe(4);
  });

  it('renders a view shared by many digests once, whatever the cache holds', async () => {
    const renderer = createRenderer({ cardCacheSize: 1 });

    for (let reader = 0; reader < 5; reader++) await renderer.renderDigest(digest(first, second, third));

    expect(renderer.cardsRendered).toBe(3);
  });

  it('says to run npm run build:emails when a compiled piece is unreadable', () => {
    const broken: CompiledEmails = {
      ...compiledEmails,
      digest: { ...compiledEmails.digest, htmlCard: '{{#if title}}unclosed' },
    };

    expect(() => createAssembledRenderer(broken)).toThrow(/paper card.*npm run build:emails/);
  });
});

describe('splitHeadAtContents (the digest head around its table of contents)', () => {
  const head = (compiledEmails as CompiledEmails).digest.htmlHead;

  it('cuts the head into the part before the contents, the contents section and the part after', () => {
    const parts = splitHeadAtContents(head);

    expect(parts).toBeDefined();
    expect(parts && parts.before + parts.contents + parts.after).toBe(head);
    expect(parts?.contents).toMatch(
      /^\{\{#if toc\}\}<div class="toc"[\s\S]*\{\{\/each\}\}\n<\/div>\{\{\/if\}\}$/,
    );
    expect(parts?.before).toContain('{{lede}}');
    expect(parts?.after).not.toContain('{{');
  });

  it('declines a head without contents, or one whose cut would meet whitespace', () => {
    expect(splitHeadAtContents('<p>{{lede}}</p>')).toBeUndefined();
    expect(splitHeadAtContents('<p>{{lede}}</p>\n{{#if toc}}x{{/if}}</div>')).toBeUndefined();
    expect(splitHeadAtContents('<p>{{lede}}</p>{{#if toc}}{{#if a}}x{{/if}}{{/if}}</div>')).toEqual({
      before: '<p>{{lede}}</p>',
      contents: '{{#if toc}}{{#if a}}x{{/if}}{{/if}}',
      after: '</div>',
    });
  });
});

describe('slotsOfFlatTemplate (the digest head filled without the template)', () => {
  // The part of the head before its contents: the part filled by joining.
  const head = splitHeadAtContents((compiledEmails as CompiledEmails).digest.htmlHead)?.before ?? '';
  const viaTemplate = (values: Record<string, string>) =>
    collapseIndentation(compileTemplate(head, { name: 'head', escape: 'html' })(values));
  const values = {
    subject: 'paperboy · 3 papers on R&D <agents> — Thu 13 Nov',
    preview: 'A "title" · another one',
    heading: 'Your papers for Thu, 13 Nov 2025',
    lede: "3 papers that match your topics, it's best first.",
  };

  it('gives what the template and the collapse give, for values on one line', () => {
    const fill = slotsOfFlatTemplate(head);

    expect(fill).toBeDefined();
    expect(fill?.(values)).toBe(viaTemplate(values));
  });

  it('leaves a value the collapse would reshape to the template (line break, edge spaces, empty)', () => {
    const fill = slotsOfFlatTemplate(head);

    for (const preview of ['two\n  lines', ' leading', 'trailing ', ''])
      expect(fill?.({ ...values, preview })).toBeUndefined();
  });

  it('declines a template with sections or static parts that are not collapsed', () => {
    expect(slotsOfFlatTemplate('<p>{{#if a}}x{{/if}}</p>')).toBeUndefined();
    expect(slotsOfFlatTemplate('<p>\n    {{a}}</p>')).toBeUndefined();
    expect(slotsOfFlatTemplate('<p>\n{{a}}</p>')?.({ a: 'x&y' })).toBe('<p>\nx&amp;y</p>');
  });
});

describe('GenerationalCache', () => {
  it('keeps what was used in this generation or the last, and holds at most its capacity', () => {
    const cache = new GenerationalCache<string, number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    // A new generation: a and b are the previous one.
    cache.set('c', 3);
    // Used again: a is carried into the current generation.
    expect(cache.get('a')).toBe(1);
    // Another generation: c and a stay (previous), b is dropped.
    cache.set('d', 4);

    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 3, 4]);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it('refuses a capacity below one', () => {
    expect(() => new GenerationalCache(0)).toThrow(RangeError);
  });
});
