import {
  createAssembledRenderer,
  type CompiledEmails,
} from '../../../functions/adapters/render/assembled-renderer';
import { LruCache } from '../../../functions/adapters/render/lru-cache';
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
    expect(agents.html).toContain('AI agents (agents)');
    expect(robots.html).toContain('Robotics (agents)');
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

describe('LruCache', () => {
  it('drops the least recently used entry when full', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);

    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
