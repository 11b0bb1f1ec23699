/**
 * What an email costs to render: the MJML path (the oracle, once per distinct digest) against the
 * precompiled pieces (per email, personalize() included), on many generated digests of one real day.
 * Figures only; nothing asserts a timing.
 *
 *   npx tsx bench/render-bench.ts [YYYY-MM-DD]     (a day of data/hf-daily-papers; default 2025-11-04)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HF_DAYS_DIR } from '../data/paths';
import { parseDailyPapers } from '../functions/adapters/hf-papers/daily-papers-schema';
import { personalize, type DigestEmailInput } from '../functions/adapters/render/email-renderer';
import { createMjmlRenderer } from '../functions/adapters/render/mjml/mjml-renderer';
import { createRenderer } from '../functions/adapters/render/precompiled-renderer';
import { toPaperView, type DigestPaperView, type MatchedTopic } from '../functions/core/digests/paper-view';
import type { Paper } from '../functions/core/papers';

export interface RenderingBenchOptions {
  /** Digests to generate, one email each (default 10,000). */
  digests?: number;
  /** Papers per digest, drawn uniformly from this range (default 3 to 10). */
  minPapers?: number;
  maxPapers?: number;
  /** Digests rendered through MJML, the first of the generated ones (default 300). */
  mjmlSample?: number;
  /** The digest day (default: the papers' latest dailyDate). */
  date?: string;
  seed?: number;
}

export interface RenderingFigures {
  /** MJML path per distinct digest, personalize() included: measured on `mjmlSample` digests. */
  mjmlMsPerDigest: number;
  /** Assembled path per email, renderDigest() and personalize(), over all `emails` (cards cached as they come). */
  assembledMsPerEmail: number;
  speedup: number;
  /** One personalized email of the first 10 papers. */
  htmlKB10Papers: number;
  /** Cards the assembled renderer rendered for all the emails: once per distinct (paper, reasons). */
  cardsRendered: number;
  emails: number;
  /** How many distinct digests the emails were (by content). */
  distinctDigests: number;
  mjmlSample: number;
  /** mjmlMsPerDigest × distinctDigests: what the MJML path would have spent on all of them. */
  mjmlMsExtrapolated: number;
  assembledMsTotal: number;
}

/** Deterministic pseudo-random numbers, so that every run draws the same digests. */
function seeded(seed: number) {
  let state = seed;
  return () => (state = (state * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
}

/** Why a paper matched, in the few ways a day's readers would see it. */
const REASON_SETS: MatchedTopic[][] = [
  [{ topic: 'AI agents', matched: ['agents', 'agentic'] }],
  [{ topic: 'Reasoning', matched: ['chain-of-thought'] }],
  [{ topic: 'RLHF', matched: ['Direct Preference Optimization', 'DPO'], related: true }],
  [
    { topic: 'Diffusion models', matched: ['diffusion'] },
    { topic: 'Efficient inference', matched: ['quantization'] },
  ],
];

/** `count` digests of `min` to `max` of the papers each, in random order, each paper with one of its reason sets. */
function generateDigests(
  papers: Paper[],
  count: number,
  min: number,
  max: number,
  date: string,
  random: () => number,
): DigestEmailInput[] {
  const views = papers.map((paper) => REASON_SETS.map((why) => toPaperView(paper, why)));
  return Array.from({ length: count }, () => {
    const size = Math.min(papers.length, min + Math.floor(random() * (max - min + 1)));
    const order = papers.map((_, index) => index);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const chosen: DigestPaperView[] = order
      .slice(0, size)
      .map((index) => views[index][Math.floor(random() * REASON_SETS.length)]);
    return { date, cadence: random() < 0.8 ? 'daily' : 'weekly', papers: chosen };
  });
}

const linksFor = (index: number) => ({
  manageUrl: `https://paperboy.example/preferences?token=manage.${index}`,
  unsubscribeUrl: `https://paperboy.example/unsubscribe?token=unsubscribe.${index}`,
});

/**
 * Times both rendering paths on digests generated from `papers` (one real day's, say). The MJML path
 * is timed on a sample of the digests (it is slow) and given per digest; the assembled path renders
 * every email with one renderer, as one send-digests instance would, its card cache cold at the start.
 */
export async function measureRendering(
  papers: Paper[],
  options: RenderingBenchOptions = {},
): Promise<RenderingFigures> {
  if (papers.length === 0) throw new RangeError('measureRendering needs papers');
  const count = options.digests ?? 10_000;
  const sample = Math.min(options.mjmlSample ?? 300, count);
  const date = options.date ?? papers.map((paper) => paper.dailyDate).sort()[papers.length - 1];
  const digests = generateDigests(
    papers,
    count,
    options.minPapers ?? 3,
    options.maxPapers ?? 10,
    date,
    seeded(options.seed ?? 42),
  );

  // Warm both paths up (module loading, JIT) on renderers that are then thrown away.
  const warmMjml = createMjmlRenderer();
  const warmAssembled = createRenderer();
  for (const digest of digests.slice(0, 5)) {
    await warmMjml.renderDigest(digest);
    await warmAssembled.renderDigest(digest);
  }

  const mjml = createMjmlRenderer();
  const mjmlStarted = performance.now();
  for (const [index, digest] of digests.slice(0, sample).entries()) {
    personalize(await mjml.renderDigest(digest), linksFor(index));
  }
  const mjmlMsPerDigest = (performance.now() - mjmlStarted) / sample;

  const assembled = createRenderer();
  const assembledStarted = performance.now();
  for (const [index, digest] of digests.entries()) {
    assembled.personalize(await assembled.renderDigest(digest), linksFor(index));
  }
  const assembledMsTotal = performance.now() - assembledStarted;
  const assembledMsPerEmail = assembledMsTotal / count;

  const tenPapers = personalize(
    await createRenderer().renderDigest({
      date,
      cadence: 'daily',
      papers: papers
        .slice(0, 10)
        .map((paper, index) => toPaperView(paper, REASON_SETS[index % REASON_SETS.length])),
    }),
    linksFor(0),
  );
  const distinctDigests = new Set(digests.map((digest) => JSON.stringify(digest))).size;

  return {
    mjmlMsPerDigest,
    assembledMsPerEmail,
    speedup: mjmlMsPerDigest / assembledMsPerEmail,
    htmlKB10Papers: Buffer.byteLength(tenPapers.html) / 1024,
    cardsRendered: assembled.cardsRendered,
    emails: count,
    distinctDigests,
    mjmlSample: sample,
    mjmlMsExtrapolated: mjmlMsPerDigest * distinctDigests,
    assembledMsTotal,
  };
}

async function main() {
  const day = process.argv[2] ?? '2025-11-04';
  const { papers } = parseDailyPapers(
    JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8')),
    day,
  );
  const figures = await measureRendering(papers);
  const row = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);
  console.log(
    `email rendering: ${figures.emails} emails of 3-10 of the ${papers.length} papers of ${day} (Node ${process.version})`,
  );
  row(
    `MJML path, per distinct digest (timed on ${figures.mjmlSample})`,
    `${figures.mjmlMsPerDigest.toFixed(2)} ms`,
  );
  row('precompiled pieces, per email (personalize included)', `${figures.assembledMsPerEmail.toFixed(3)} ms`);
  row('speed-up', `${figures.speedup.toFixed(0)}x`);
  row(
    `all ${figures.emails} emails (${figures.distinctDigests} distinct digests)`,
    `${(figures.assembledMsTotal / 1000).toFixed(2)} s, MJML ~${(figures.mjmlMsExtrapolated / 1000).toFixed(0)} s (extrapolated)`,
  );
  row('paper cards rendered', `${figures.cardsRendered}`);
  row('HTML of a 10-paper email', `${figures.htmlKB10Papers.toFixed(1)} KB`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
