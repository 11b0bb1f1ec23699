/**
 * paperboy's benchmarks: speed and memory of the hot paths, each printed next to a baseline
 * measured in the same run. Figures only; nothing here asserts a timing.
 *
 *   npm run bench            (about a minute)
 */
import '../infra/local/env-defaults';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HF_DAYS_DIR } from '../data/paths';
import { parseDailyPapers } from '../functions/adapters/hf-papers/daily-papers-schema';
import { createRenderer, personalize } from '../functions/adapters/render';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createPaperRepository } from '../functions/adapters/dynamodb/paper-repository';
import { daysEnding } from '../functions/core/dates';
import { createDigestComposer, planDigests, subscriberTopics } from '../functions/core/digests/plan-digests';
import { toPaperView } from '../functions/core/digests/paper-view';
import { createMatcher, parseQuery, rankForDigest } from '../functions/core/matching';
import type { Paper } from '../functions/core/papers';
import { topicCatalog } from '../functions/core/topics/catalog';
import { build } from 'esbuild';
import { BUNDLE_SETTINGS, type HandlerName } from '../infra/aws/constructs/paperboy-function';
import { startStandIns } from '../infra/local/stand-ins';
import { aSubscriber } from '../test/support/builders';
import {
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingDigestQueue,
  RecordingLogger,
  SettableClock,
} from '../test/support/in-memory-ports';

const DIGEST_DATE = '2025-11-13';

function loadAllPapers(): Paper[] {
  return readdirSync(HF_DAYS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap(
      (name) =>
        parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, name), 'utf8')), name.slice(0, 10))
          .papers,
    );
}

/** Deterministic pseudo-random numbers, so every run plans the same subscribers. */
function seeded(seed: number) {
  let state = seed;
  return () => (state = (state * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
}

const OWN_WORDS = [
  'speculative decoding',
  'KV cache compression',
  'GUI agents',
  'video generation',
  'mixture of experts',
  'RLHF',
  'text-to-speech',
  'retrieval-augmented generation',
  'quantization',
  'world models',
  '3D Gaussian splatting',
  'image editing',
  'tool use',
  'hallucination',
  'diffusion language models',
];

function readers(count: number) {
  const random = seeded(42);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, () =>
    aSubscriber({
      preferences: {
        topics: [...new Set([pick(topicCatalog).id, pick(topicCatalog).id])],
        keywords: random() < 0.5 ? [pick(OWN_WORDS)] : [],
        papersPerEmail: 10,
        cadence: random() < 0.8 ? 'daily' : 'weekly',
        weekday: 4,
      },
    }),
  );
}

async function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

const row = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);
const ratio = (baseline: number, ours: number) => `${(baseline / ours).toFixed(1)}x`;

async function benchPlanning(papers: Paper[]) {
  const window = papers.filter((paper) => daysEnding(DIGEST_DATE, 7).includes(paper.dailyDate));
  const subscribers = readers(5_000);
  const deps = (planned = subscribers) => ({
    papers: new InMemoryPaperRepository(window),
    subscribers: new InMemorySubscriberRepository().seed(...planned),
    deliveries: new InMemoryDeliveryRepository(new SettableClock()),
    queue: new RecordingDigestQueue(),
    clock: new SettableClock(),
    logger: new RecordingLogger(),
  });

  const ours = await time(() => planDigests(deps(), { digestDate: DIGEST_DATE, dryRun: true }));
  // Baseline: what planning costs without the per-run topic cache: a fresh match of every topic
  // of every subscriber (still over one shared index, which is already generous). It is measured
  // on the first 500 subscribers only (it is that slow) and compared per subscriber.
  const sample = subscribers.slice(0, 500);
  const oursOnSample = await time(() => planDigests(deps(sample), { digestDate: DIGEST_DATE, dryRun: true }));
  const baseline = await time(async () => {
    const matcher = createMatcher(window);
    const byId = new Map(window.map((paper) => [paper.id, paper]));
    let withDigest = 0;
    for (const subscriber of sample) {
      const perTopic = subscriberTopics(subscriber.preferences).map((topic) => ({
        topic,
        hits: matcher.match(topic),
      }));
      if (rankForDigest(perTopic, byId, 10).length > 0) withDigest++;
    }
    return withDigest;
  });
  console.log(
    `\nplan-digests: ${subscribers.length} subscribers, ${window.length} papers in the weekly window`,
  );
  const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000));
  row(
    'ours (distinct topics matched once, identical digests grouped)',
    `${ours.ms.toFixed(0)} ms for ${subscribers.length}  (${perSecond(subscribers.length, ours.ms)} subscribers/s)`,
  );
  row(
    'ours on the first 500 only',
    `${oursOnSample.ms.toFixed(0)} ms for ${sample.length}  (${perSecond(sample.length, oursOnSample.ms)} subscribers/s)`,
  );
  row(
    'baseline (every subscriber matched on its own), the same 500',
    `${baseline.ms.toFixed(0)} ms for ${sample.length}  (${perSecond(sample.length, baseline.ms)} subscribers/s)`,
  );
  row('speed-up on the same 500', ratio(baseline.ms, oursOnSample.ms));
  row(
    'speed-up per subscriber, ours at 5000',
    ratio(baseline.ms / sample.length, ours.ms / subscribers.length),
  );
  row(
    'digests planned / distinct digests (= renders needed)',
    `${ours.result.withDigest} / ${ours.result.distinctDigests}`,
  );
  return ours.result;
}

async function benchRendering(papers: Paper[]) {
  const renderer = createRenderer();
  const views = papers
    .slice(-10)
    .map((paper) => toPaperView(paper, [{ topic: 'AI agents', matched: ['agent'] }]));
  const input = { date: DIGEST_DATE, cadence: 'daily' as const, papers: views };
  await renderer.renderDigest(input); // compile and warm up
  const links = (index: number) => ({
    manageUrl: `https://paperboy.example/preferences?token=m${index}`,
    unsubscribeUrl: `https://paperboy.example/unsubscribe?token=u${index}`,
  });
  const group = 100;
  const ours = await time(async () => {
    const rendered = await renderer.renderDigest(input);
    return Array.from({ length: group }, (_, index) => personalize(rendered, links(index)));
  });
  const baseline = await time(async () => {
    const emails = [];
    for (let index = 0; index < group; index++)
      emails.push(personalize(await renderer.renderDigest(input), links(index)));
    return emails;
  });
  console.log(`\nsend-digests rendering: one 10-paper digest for a group of ${group} subscribers`);
  row(
    'ours (MJML once, links filled per subscriber)',
    `${ours.ms.toFixed(0)} ms  (${(ours.ms / group).toFixed(2)} ms/email)`,
  );
  row(
    'baseline (MJML per subscriber)',
    `${baseline.ms.toFixed(0)} ms  (${(baseline.ms / group).toFixed(2)} ms/email)`,
  );
  row('speed-up', ratio(baseline.ms, ours.ms));
  row(
    'HTML size of one email',
    `${(Buffer.byteLength(ours.result[0].html) / 1024).toFixed(1)} KB (Gmail clips at 102 KB)`,
  );
}

async function benchMatcher(papers: Paper[]) {
  // The related-term rules (about 9,000 phrases) are built by the first query a process reads.
  const firstQuery = await time(() => parseQuery('speculative decoding'));
  const laterQuery = await time(() => parseQuery('KV cache compression'));
  // With --expose-gc (npm run bench) the figure is the heap the index keeps, not the garbage of building it.
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const built = await time(() => createMatcher(papers));
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  const day = papers.filter((paper) => paper.dailyDate === DIGEST_DATE);
  const dayBuild = await time(() => createMatcher(day));
  console.log(`\nmatcher index`);
  row(
    `build over all ${papers.length} papers`,
    `${built.ms.toFixed(0)} ms, ~${((after - before) / 1024 / 1024).toFixed(1)} MB heap`,
  );
  row(`build over one day (${day.length} papers)`, `${dayBuild.ms.toFixed(1)} ms`);
  row(
    'first query of a process (builds the related-term rules)',
    `${firstQuery.ms.toFixed(0)} ms  (a later query: ${laterQuery.ms.toFixed(1)} ms)`,
  );
  void built.result;
}

async function benchIngest(papers: Paper[]) {
  const standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'bench-' });
  try {
    const repository = createPaperRepository(
      createDocumentClient({ endpoint: standIns.endpoints.dynamodb }),
      standIns.tables.papers,
    );
    const first = await time(() => repository.upsert(papers));
    const again = await time(() => repository.upsert(papers));
    console.log(`\ningest upsert into dynalite (${papers.length} real papers)`);
    row(
      'first load (all new: BatchGet then BatchWrite)',
      `${first.ms.toFixed(0)} ms  (${Math.round(papers.length / (first.ms / 1000))} papers/s)`,
    );
    row(
      're-ingest of the same papers (read, compare, write nothing)',
      `${again.ms.toFixed(0)} ms  (${ratio(first.ms, again.ms)} faster than the first load)`,
    );
  } finally {
    await standIns.stop();
  }
}

/** Milliseconds for a fresh Node process to import a bundle: the module-loading part of a cold start. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' },
    encoding: 'utf8',
  });
  return Number(output.trim());
}

async function benchBundles() {
  // The esbuild settings of PaperboyFunction (infra/aws/constructs), without source maps.
  const handlers: HandlerName[] = ['api', 'send-digests', 'ingest', 'plan-digests', 'ses-events'];
  const outdir = mkdtempSync(path.join(tmpdir(), 'paperboy-bundles-'));
  try {
    const figures = [];
    for (const handler of handlers) {
      const outfile = path.join(outdir, `${handler}.mjs`);
      await build({
        entryPoints: [path.resolve(__dirname, `../functions/handlers/${handler}.ts`)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: BUNDLE_SETTINGS.target,
        mainFields: [...BUNDLE_SETTINGS.mainFields],
        banner: { js: BUNDLE_SETTINGS.banner },
        minify: BUNDLE_SETTINGS.minify,
        external: [...BUNDLE_SETTINGS.external],
        outfile,
        logLevel: 'error',
      });
      const runs = Array.from({ length: 7 }, () => importMs(outfile)).sort((a, b) => a - b);
      figures.push({ handler, bytes: statSync(outfile).size, ms: runs[3] });
    }
    const api = figures[0];
    console.log(`\nfunction bundles (baseline: the api bundle, which renders email with mjml)`);
    // Import times move with load; a bundle the size of api's (send-digests) may load a little slower.
    const againstApi = (ms: number) =>
      ms <= api.ms
        ? `${ratio(api.ms, ms)} faster to load than api`
        : `${ratio(ms, api.ms)} slower to load than api`;
    for (const { handler, bytes, ms } of figures) {
      row(
        `${handler}`,
        `${(bytes / 1024 / 1024).toFixed(2)} MB, import ${ms.toFixed(0)} ms (median of 7)${handler === 'api' ? '' : `  (${againstApi(ms)})`}`,
      );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function main() {
  const papers = loadAllPapers();
  console.log(`paperboy benchmarks (Node ${process.version}, ${papers.length} real Daily Papers items)`);
  await benchMatcher(papers);
  await benchPlanning(papers);
  await benchRendering(papers);
  await benchIngest(papers);
  await benchBundles();
  console.log(`\nprocess peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
