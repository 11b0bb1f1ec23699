/**
 * The digest run at size: generated readers planned slice by slice with the real core and each email
 * assembled with the real renderer, on one core, against the naive path measured side by side.
 *
 * Readers are generated from their index, page by page, as a DynamoDB scan hands them to a slice, so
 * memory holds what a slice holds (one page, one message), never the whole list.
 */
import { createRenderer, personalize } from '../functions/adapters/render';
import { createDigestComposer, subscriberTopics } from '../functions/core/digests/digest-composer';
import { cachedPaperViews, toPaperView, type DigestPaperView } from '../functions/core/digests/paper-view';
import { planSlice } from '../functions/core/digests/plan-slice';
import { createMatcher, rankForDigest } from '../functions/core/matching';
import type { Paper } from '../functions/core/papers';
import type { DigestBatch, ScanCursor, SubscriberPage, SubscriberRepository } from '../functions/core/ports';
import { defaultPreferences, type Subscriber } from '../functions/core/subscribers/subscriber';
import { topicCatalog } from '../functions/core/topics/catalog';
import { InMemoryPaperRepository } from '../test/support/in-memory-ports';

const PAGE_SIZE = 1_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A deterministic hash of (seed, index): the generated readers are the same in every run. */
function randomsFor(index: number, seed: number): () => number {
  let state = (index * 2654435761 + seed * 40503) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ReaderVocabulary {
  /** Own keywords, most common first (drawn Zipf-like). */
  phrases: string[];
  organizations: string[];
  authors: string[];
}

/** Realistic own words and follows, from the papers themselves: their AI keywords, organizations and authors. */
export function vocabularyOf(papers: Paper[]): ReaderVocabulary {
  const counts = new Map<string, number>();
  for (const paper of papers)
    for (const keyword of paper.aiKeywords) {
      const phrase = keyword.trim().toLowerCase();
      if (phrase.length >= 3 && phrase.length <= 60) counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
    }
  const phrases = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([p]) => p);
  const organizations = [
    ...new Set(
      papers.flatMap((paper) =>
        paper.organization ? [paper.organization.fullname ?? paper.organization.name] : [],
      ),
    ),
  ];
  const authors = [...new Set(papers.flatMap((paper) => paper.authors.slice(0, 2)))];
  return { phrases, organizations, authors };
}

/**
 * Reader `index`: 70% with 2-5 catalog topics only, 20% adding 1-3 own keywords (Zipf-like over the
 * phrases), 10% following organizations or authors (with a topic); 20% weekly.
 */
const pickFrom = <T>(items: T[], random: () => number): T => items[Math.floor(random() * items.length)];
const zipfFrom = <T>(items: T[], random: () => number): T =>
  items[Math.min(items.length - 1, Math.floor(items.length ** random()) - 1)];

export function generatedReader(index: number, vocabulary: ReaderVocabulary): Subscriber {
  const random = randomsFor(index, 7);
  const pick = <T>(items: T[]) => pickFrom(items, random);
  const zipf = <T>(items: T[]) => zipfFrom(items, random);
  const kind = random();
  const topics = new Set<string>();
  const topicCount = kind < 0.7 ? 2 + Math.floor(random() * 4) : 1 + Math.floor(random() * 2);
  while (topics.size < topicCount) topics.add(pick(topicCatalog).id);
  const keywords =
    kind >= 0.7 && kind < 0.9
      ? [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => zipf(vocabulary.phrases)))]
      : [];
  const follows = kind >= 0.9;
  const weekly = random() < 0.2;
  return {
    id: `reader-${index}`,
    email: `reader-${index}@example.com`,
    status: 'confirmed',
    preferences: {
      ...defaultPreferences(),
      topics: [...topics],
      keywords,
      organizations: follows && random() < 0.5 ? [pick(vocabulary.organizations)] : [],
      authors: follows ? [pick(vocabulary.authors)] : [],
      cadence: weekly ? 'weekly' : 'daily',
      // Weekly readers of the measured day: their weekday is the day's (2025-11-13 is a Thursday).
      weekday: 4,
    },
    tokenVersion: 1,
    confirmationsSentAt: [],
    createdAt: '2025-10-01T08:00:00.000Z',
    updatedAt: '2025-10-01T08:00:00.000Z',
    confirmedAt: '2025-10-01T08:05:00.000Z',
  };
}

/**
 * The readers as a scan sees them: segment s holds the indexes s, s + total, ..., in pages of
 * PAGE_SIZE; `history` adds what each reader was sent before (their item's digest history).
 */
export function generatedSubscribers(
  count: number,
  vocabulary: ReaderVocabulary,
  history?: (index: number) => Record<string, string[]> | undefined,
): SubscriberRepository {
  const unused = async (): Promise<never> => {
    throw new Error('the bench reads readers only by scanning');
  };
  return {
    get: unused,
    getMany: unused,
    findByEmail: unused,
    create: unused,
    save: unused,
    delete: unused,
    async scanPage(segment: number, totalSegments: number, cursor?: ScanCursor): Promise<SubscriberPage> {
      const start = typeof cursor?.next === 'number' ? cursor.next : segment;
      const subscribers: Subscriber[] = [];
      let index = start;
      for (; index < count && subscribers.length < PAGE_SIZE; index += totalSegments) {
        const reader = generatedReader(index, vocabulary);
        const sent = history?.(index);
        subscribers.push(sent ? { ...reader, digestHistory: sent } : reader);
      }
      return { subscribers, cursor: index < count ? { next: index } : undefined };
    },
  };
}

export interface ScaleFigures {
  subscribers: number;
  segments: number;
  papersInWindow: number;
  planSeconds: number;
  renderSeconds: number;
  emails: number;
  distinctDigests: number;
  messages: number;
  largestSliceSeconds: number;
  secondDay: { planSeconds: number; emails: number; papersAlreadySentDropped: number };
  peakRssMB: number;
}

/**
 * Plans day `digestDate` for `count` generated readers in `segments` slices, then plans the next day
 * with the first day's deliveries in each reader's history, assembling and personalizing every email
 * of the first day. Rendering is timed apart from planning.
 */
export async function measureScale(
  papers: Paper[],
  options: { count: number; segments: number; firstDay: string; secondDay: string },
): Promise<ScaleFigures> {
  const vocabulary = vocabularyOf(papers);
  const store = new InMemoryPaperRepository(papers);
  let peakRss = process.memoryUsage().rss;
  const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const renderer = createRenderer();
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  // What day one sent each reader, as compact paper indexes (their item's history on day two).
  const paperIndex = new Map(papers.map((paper, index) => [paper.id, index]));
  // One flat array (MAX_PICKS slots a reader, 0 = none, else index + 1), not a million small objects,
  // so the bench's own bookkeeping does not weigh on the garbage collector it measures under.
  const MAX_PICKS = 50;
  const sentOnDayOne = new Uint16Array(options.count * MAX_PICKS);
  const sentBy = (index: number): number[] => {
    const picks: number[] = [];
    for (let slot = index * MAX_PICKS; slot < (index + 1) * MAX_PICKS && sentOnDayOne[slot] > 0; slot++)
      picks.push(sentOnDayOne[slot] - 1);
    return picks;
  };

  let renderMs = 0;
  let emails = 0;
  const digestKeys = new Set<string>();
  // As send-digests does: one view per entry of a message's paper table (kept across messages), shared
  // by its readers.
  const paperViews = cachedPaperViews();
  const renderBatches = async (batches: DigestBatch[]) => {
    const started = performance.now();
    for (const batch of batches) {
      const views: DigestPaperView[] = batch.papers.map(({ paperId, why }) =>
        paperViews(byId.get(paperId) as Paper, why),
      );
      for (const recipient of batch.recipients) {
        const rendered = await renderer.renderDigest({
          date: batch.digestDate,
          cadence: recipient.cadence,
          papers: recipient.picks.map((pick) => views[pick]),
        });
        const email = personalize(rendered, {
          manageUrl: `https://paperboy.example/preferences?token=${recipient.subscriberId}`,
          unsubscribeUrl: `https://paperboy.example/unsubscribe?token=${recipient.subscriberId}`,
        });
        if (email.html.length === 0) throw new Error('empty email');
        emails++;
      }
    }
    renderMs += performance.now() - started;
  };
  const remember = (batches: DigestBatch[]) => {
    for (const batch of batches)
      for (const recipient of batch.recipients) {
        const index = Number(recipient.subscriberId.slice('reader-'.length));
        recipient.picks.forEach((pick, slot) => {
          sentOnDayOne[index * MAX_PICKS + slot] = (paperIndex.get(batch.papers[pick].paperId) ?? 0) + 1;
        });
        digestKeys.add(
          `${recipient.cadence}:${recipient.picks.map((pick) => batch.papers[pick].paperId).join(',')}`,
        );
      }
  };

  const runDay = async (
    digestDate: string,
    subscribers: SubscriberRepository,
    onBatches: (batches: DigestBatch[]) => Promise<void> | void,
  ) => {
    const composer = await createDigestComposer({ papers: store }, digestDate);
    let planMs = 0;
    let largestSliceMs = 0;
    let messages = 0;
    let planned = 0;
    for (let segment = 0; segment < options.segments; segment++) {
      const sliceStarted = performance.now();
      let handedOff = 0;
      const queue = {
        enqueue: async (batches: DigestBatch[]) => {
          const paused = performance.now();
          messages += batches.length;
          planned += batches.reduce((sum, batch) => sum + batch.recipients.length, 0);
          await onBatches(batches);
          sampleRss();
          handedOff += performance.now() - paused;
        },
      };
      await planSlice(
        { papers: store, subscribers, queue, logger: silent },
        { digestDate, runId: 'bench', segment, totalSegments: options.segments },
        { composer },
      );
      const sliceMs = performance.now() - sliceStarted - handedOff;
      planMs += sliceMs;
      largestSliceMs = Math.max(largestSliceMs, sliceMs);
      sampleRss();
    }
    return { planMs, largestSliceMs, messages, planned, papersInWindow: composer.papersInWindow };
  };

  const dayOne = await runDay(
    options.firstDay,
    generatedSubscribers(options.count, vocabulary),
    async (batches) => {
      remember(batches);
      await renderBatches(batches);
    },
  );
  const historyOf = (index: number) => {
    const sent = sentBy(index);
    return sent.length > 0 ? { [options.firstDay]: sent.map((i) => papers[i].id) } : undefined;
  };
  let dropped = 0;
  const dayTwo = await runDay(
    options.secondDay,
    generatedSubscribers(options.count, vocabulary, historyOf),
    (batches) => {
      for (const batch of batches)
        for (const recipient of batch.recipients) {
          const index = Number(recipient.subscriberId.slice('reader-'.length));
          const before = new Set(sentBy(index).map((i) => papers[i].id));
          for (const pick of recipient.picks) if (before.has(batch.papers[pick].paperId)) dropped++;
        }
    },
  );

  return {
    subscribers: options.count,
    segments: options.segments,
    papersInWindow: dayOne.papersInWindow,
    planSeconds: dayOne.planMs / 1000,
    renderSeconds: renderMs / 1000,
    emails,
    distinctDigests: digestKeys.size,
    messages: dayOne.messages,
    largestSliceSeconds: dayOne.largestSliceMs / 1000,
    secondDay: {
      planSeconds: dayTwo.planMs / 1000,
      emails: dayTwo.planned,
      papersAlreadySentDropped: dropped,
    },
    peakRssMB: Math.round(peakRss / 1024 / 1024),
  };
}

/**
 * The naive path on the same readers: each reader matched on their own (a fresh match of every topic)
 * and each email rendered through MJML, the oracle renderer. MJML is timed on a sample of emails and
 * extrapolated (it is that slow).
 */
export async function measureNaive(
  papers: Paper[],
  options: { count: number; digestDate: string; windowDays: string[]; mjmlSample: number },
): Promise<{ secondsPerReader: number; matchSecondsPerReader: number; mjmlSecondsPerEmail: number }> {
  const { createMjmlRenderer } = await import('../functions/adapters/render/mjml/mjml-renderer');
  const vocabulary = vocabularyOf(papers);
  const window = papers.filter((paper) => options.windowDays.includes(paper.dailyDate));
  const byId = new Map(window.map((paper) => [paper.id, paper]));
  const matcher = createMatcher(window);
  const mjml = createMjmlRenderer();
  const digests: DigestPaperView[][] = [];
  const started = performance.now();
  for (let index = 0; index < options.count; index++) {
    const reader = generatedReader(index, vocabulary);
    const perTopic = subscriberTopics(reader.preferences).map((topic) => ({
      topic,
      hits: matcher.match(topic),
    }));
    const ranked = rankForDigest(perTopic, byId, reader.preferences.papersPerEmail);
    if (ranked.length > 0 && digests.length < options.mjmlSample)
      digests.push(ranked.map(({ paperId, why }) => toPaperView(byId.get(paperId) as Paper, why)));
  }
  const matchMs = performance.now() - started;
  const mjmlStarted = performance.now();
  for (const digest of digests)
    await mjml.renderDigest({ date: options.digestDate, cadence: 'daily', papers: digest });
  const mjmlMsPerEmail = (performance.now() - mjmlStarted) / Math.max(1, digests.length);
  const matchSecondsPerReader = matchMs / 1000 / options.count;
  return {
    matchSecondsPerReader,
    mjmlSecondsPerEmail: mjmlMsPerEmail / 1000,
    secondsPerReader: matchSecondsPerReader + mjmlMsPerEmail / 1000,
  };
}
