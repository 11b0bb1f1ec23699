/**
 * paperboy's benchmarks: the digest run at size and the hot paths, each printed next to a baseline
 * measured in the same run. Figures only; nothing here asserts a timing.
 *
 *   npm run bench                          (1,000,000 generated readers; several minutes)
 *   npm run bench -- --subscribers 20000   (a quick run)
 *   npm run bench -- --json                (one JSON object of the figures on the last line)
 */
import '../infra/local/env-defaults';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HF_DAYS_DIR } from '../data/paths';
import { parseDailyPapers } from '../functions/adapters/hf-papers/daily-papers-schema';
import { createRenderer, personalize } from '../functions/adapters/render';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createPaperRepository } from '../functions/adapters/dynamodb/paper-repository';
import { daysEnding } from '../functions/core/dates';
import { toPaperView } from '../functions/core/digests/paper-view';
import { createMatcher, parseQuery } from '../functions/core/matching';
import type { Paper } from '../functions/core/papers';
import { build } from 'esbuild';
import { BUNDLE_SETTINGS, type HandlerName } from '../infra/aws/constructs/paperboy-function';
import { startStandIns } from '../infra/local/stand-ins';
import { countDynamoRequests } from './dynamo-requests';
import { costPer1000Emails } from './cost';
import { measureNaive, measureScale } from './scale';
import { measureSendRate } from './send-rate-bench';
import { measureVocabularyMining } from './vocabulary-bench';
import { measureReaderModel } from './reader-model-bench';
import { loadPool } from '../eval/data';

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

async function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

const row = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`);
const ratio = (baseline: number, ours: number) => `${(baseline / ours).toFixed(1)}x`;

const FIRST_DAY = '2025-11-12';
const SEGMENTS = 16;

async function benchDigestRun(papers: Paper[], subscribers: number) {
  const scale = await measureScale(papers, {
    count: subscribers,
    segments: SEGMENTS,
    firstDay: FIRST_DAY,
    secondDay: DIGEST_DATE,
  });
  // Side by side on 10,000 readers: ours (the same code as above) against each reader matched alone
  // and MJML per email (MJML timed on 300 emails and extrapolated).
  const side = 10_000;
  const oursSide = await measureScale(papers, {
    count: side,
    segments: 4,
    firstDay: FIRST_DAY,
    secondDay: DIGEST_DATE,
  });
  const naive = await measureNaive(papers, {
    count: side,
    digestDate: FIRST_DAY,
    windowDays: daysEnding(FIRST_DAY, 3),
    mjmlSample: 300,
  });
  const oursPerReader = (oursSide.planSeconds + oursSide.renderSeconds) / side;
  const naiveSpeedup = naive.secondsPerReader / oursPerReader;

  console.log(
    `\ndigest run: ${subscribers.toLocaleString('en')} generated readers, ${SEGMENTS} slices, ${scale.papersInWindow} papers in the weekly window, one core`,
  );
  row(
    'plan (all slices, day one)',
    `${scale.planSeconds.toFixed(1)} s  (${Math.round(subscribers / scale.planSeconds).toLocaleString('en')} readers/s)`,
  );
  row(
    'largest slice',
    `${scale.largestSliceSeconds.toFixed(2)} s for ~${Math.round(subscribers / SEGMENTS).toLocaleString('en')} readers`,
  );
  row(
    'render: assemble + personalize every email',
    `${scale.renderSeconds.toFixed(1)} s for ${scale.emails.toLocaleString('en')} emails (${((scale.renderSeconds / Math.max(1, scale.emails)) * 1e6).toFixed(0)} µs/email)`,
  );
  row(
    'distinct digests / send messages',
    `${scale.distinctDigests.toLocaleString('en')} / ${scale.messages.toLocaleString('en')}`,
  );
  row(
    'day two (history of day one on each reader)',
    `plan ${scale.secondDay.planSeconds.toFixed(1)} s, ${scale.secondDay.emails.toLocaleString('en')} emails, ${scale.secondDay.papersAlreadySentDropped} already-sent papers planned again`,
  );
  row('peak RSS', `${scale.peakRssMB} MB`);
  row(
    `naive path on ${side.toLocaleString('en')} readers (per reader)`,
    `${(naive.secondsPerReader * 1000).toFixed(2)} ms  (match ${(naive.matchSecondsPerReader * 1000).toFixed(2)} ms + MJML ${(naive.mjmlSecondsPerEmail * 1000).toFixed(1)} ms)`,
  );
  row(
    `ours on the same ${side.toLocaleString('en')} (per reader)`,
    `${(oursPerReader * 1000).toFixed(3)} ms`,
  );
  row('speed-up against the naive path', ratio(naive.secondsPerReader, oursPerReader));
  return { scale, naiveSpeedup };
}

async function benchEmailSize(papers: Paper[]) {
  const renderer = createRenderer();
  const views = papers
    .slice(-10)
    .map((paper) => toPaperView(paper, [{ topic: 'AI agents', matched: ['agent'] }]));
  const email = personalize(
    await renderer.renderDigest({ date: DIGEST_DATE, cadence: 'daily', papers: views }),
    {
      manageUrl: 'https://paperboy.example/preferences?token=m',
      unsubscribeUrl: 'https://paperboy.example/unsubscribe?token=u',
    },
  );
  const kb = Buffer.byteLength(email.html) / 1024;
  console.log('\nemail size');
  row('HTML of a 10-paper digest', `${kb.toFixed(1)} KB (Gmail clips at 102 KB)`);
  return kb;
}

async function benchDynamo(papers: Paper[]) {
  const counted = await countDynamoRequests(papers, { readers: 2_000, digestDate: DIGEST_DATE });
  console.log(`\nDynamoDB requests of a whole run on dynalite (${counted.readers} readers planned and sent)`);
  row('requests per reader (scan, claim, records, ledger, papers)', `${counted.perReader.toFixed(3)}`);
  row('by request', JSON.stringify(counted.byCommand));
  return counted;
}

async function benchSendRate() {
  console.log('\nsend rate: senders sharing one SES budget, behind a proxy that throttles above it');
  const figures = [];
  for (const senders of [4, 16]) {
    const measured = await measureSendRate({ senders, ratePerSecond: 20, seconds: 30 });
    figures.push(measured);
    row(
      `${senders} senders, budget ${measured.budgetPerSecond}/s`,
      `${(measured.sendRateRatio * 100).toFixed(1)} % of the budget, ${measured.throttlingErrors} throttled, ${measured.limiterRequestsPerEmail.toFixed(3)} limiter requests/email`,
    );
  }
  return figures;
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
  const handlers: HandlerName[] = [
    'api',
    'send-digests',
    'ingest',
    'plan-digests',
    'plan-slice',
    'ses-events',
  ];
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
    console.log(`\nfunction bundles (baseline: the api bundle)`);
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

/** Mining the vocabulary the ingest rebuilds (data/'s papers, and 30,000 made by repeating them). */
function benchVocabulary() {
  console.log('\nvocabulary mining (mine-vocabulary.ts, one core)');
  for (const figures of measureVocabularyMining(loadPool()))
    row(
      `${figures.papers.toLocaleString('en-US')} papers: cold / warm, groups, JSON`,
      `${figures.coldMs.toFixed(0)} ms / ${figures.warmMs.toFixed(0)} ms, ${figures.groups}, ${figures.jsonKB.toFixed(1)} KB`,
    );
}

/** A rated reader's ranking against one whose ranking is words only, in the same run (the baseline). */
function benchReaderModel() {
  const figures = measureReaderModel(loadPool());
  console.log(
    `\nreader model (reader-model.ts, one core, warm; ${figures.readers.toLocaleString('en-US')} readers with 10 liked, 5 rejected, 1 example; ${figures.papersInWindow} papers in a weekly window)`,
  );
  row('per reader, words only (rankForDigest)', `${figures.wordsOnlyMs.toFixed(3)} ms`);
  row('per rated reader (ratedReader + rankForDigest)', `${figures.ratedMs.toFixed(3)} ms`);
  row('rated against words only', `${(figures.ratedMs / figures.wordsOnlyMs).toFixed(1)}x the time`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000000' },
      json: { type: 'boolean', default: false },
    },
  });
  const subscribers = Number(values.subscribers);
  if (!Number.isInteger(subscribers) || subscribers < 100) {
    console.error(`--subscribers must be a whole number of at least 100, got "${values.subscribers}"`);
    process.exit(2);
  }
  const papers = loadAllPapers();
  console.log(`paperboy benchmarks (Node ${process.version}, ${papers.length} real Daily Papers items)`);
  const { scale, naiveSpeedup } = await benchDigestRun(papers, subscribers);
  const htmlKB10Papers = await benchEmailSize(papers);
  const dynamo = await benchDynamo(papers);
  const sendRates = await benchSendRate();
  // The send-rate leases are DynamoDB requests too (the senders' share of the budget item).
  const limiterRequestsPerEmail = Math.max(...sendRates.map((figures) => figures.limiterRequestsPerEmail));
  const dynamoRequestsPerSubscriber = dynamo.perReader + limiterRequestsPerEmail;
  row('DynamoDB requests per reader, send-rate leases included', dynamoRequestsPerSubscriber.toFixed(3));
  const cost = costPer1000Emails({
    planSecondsPerReader: scale.planSeconds / subscribers,
    renderSecondsPerEmail: scale.renderSeconds / Math.max(1, scale.emails),
    limiterRequestsPerEmail,
    readersPerMessage: scale.emails / Math.max(1, scale.messages),
  });
  console.log('\ninfrastructure per 1,000 emails (on-demand prices of us-east-1, see bench/cost.ts)');
  for (const [item, usd] of Object.entries(cost.items)) row(item, `$${usd.toFixed(5)}`);
  row('total (SES itself: $0.10)', `$${cost.total.toFixed(4)}`);
  await benchMatcher(papers);
  benchVocabulary();
  benchReaderModel();
  await benchIngest(papers);
  await benchBundles();
  console.log(`\nprocess peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (values.json) {
    const worst = sendRates.reduce((a, b) => (a.sendRateRatio <= b.sendRateRatio ? a : b));
    console.log(
      JSON.stringify({
        subscribers,
        planSeconds: round(scale.planSeconds),
        renderSeconds: round(scale.renderSeconds),
        peakRssMB: scale.peakRssMB,
        naiveSpeedup: round(naiveSpeedup),
        distinctDigests: scale.distinctDigests,
        dynamoRequestsPerSubscriber: round(dynamoRequestsPerSubscriber),
        sendRateRatio: round(worst.sendRateRatio),
        throttlingErrors: sendRates.reduce((sum, figures) => sum + figures.throttlingErrors, 0),
        infraCostPer1000Emails: Number(cost.total.toFixed(5)),
        htmlKB10Papers: round(htmlKB10Papers),
        emails: scale.emails,
        largestSliceSeconds: round(scale.largestSliceSeconds),
      }),
    );
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
