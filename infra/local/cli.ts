import './env-defaults';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { parseConfig } from '../../functions/config';
import { createServices, type Services } from '../../functions/composition';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import {
  createPapersSource,
  createFilePapersSource,
  isHttpSource,
} from '../../functions/adapters/hf-papers/papers-source';
import { dayInTimeZone, daysBetween, isValidDay, isoWeekday, addDays } from '../../functions/core/dates';
import { createDigestComposer } from '../../functions/core/digests/digest-composer';
import { dryRunDigests, startDigestRun } from '../../functions/core/digests/start-digest-run';
import {
  CLAIM_LEASE_MS,
  findStuckClaims,
  settleStuckClaims,
  type StuckClaims,
} from '../../functions/core/digests/settle-claims';
import { toPaperView } from '../../functions/core/digests/paper-view';
import { ingestDays } from '../../functions/core/ingest-papers';
import { createMatcher, matchQueries, mineVocabulary } from '../../functions/core/matching';
import {
  matchReaders,
  readersProblem,
  ReadersFileSchema,
  type ReaderQuery,
} from '../../functions/core/matching/match-readers';
import type { DigestRun, Logger, RunReport } from '../../functions/core/ports';
import type { Paper } from '../../functions/core/papers';
import {
  keywordLengthProblem,
  normalizeEmail,
  type Subscriber,
} from '../../functions/core/subscribers/subscriber';
import { plural } from '../../functions/adapters/render/format';
import {
  endpointsOf,
  functionEnvironment,
  loadOrCreateTokenSecret,
  parseLocalSettings,
  TABLE_PREFIX,
} from './settings';
import { waitUntilQueueEmpty } from './queue-drain';
import {
  addTo,
  formatReasons,
  nextDigestDay,
  tallyReasons,
  WEEKDAY_NAMES,
  whyNoDigest,
  type ReasonTally,
} from './digest-reasons';

/** A bad invocation: printed as one line, exit code 2. */
class UsageError extends Error {}

const USAGE = `usage: npm run cli -- <command> [options]
  ingest [--date YYYY-MM-DD | --since YYYY-MM-DD] [--from FILE|DIR|URL]
  digest [--date YYYY-MM-DD] [--dry-run]
  claims --date YYYY-MM-DD [--release [--force]]
  preview --email ADDR [--date YYYY-MM-DD] [--out FILE.html]
  match --papers FILE|DIR --query "TEXT" [--query "TEXT" ...] [--known FILE|DIR] [--json]
  match --papers FILE|DIR --readers READERS.json [--known FILE|DIR] [--json]`;

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const day = (value: string | undefined, flag: string): string | undefined => {
  if (value === undefined) return undefined;
  if (!isValidDay(value)) throw new UsageError(`${flag} must be a real date as YYYY-MM-DD, got "${value}"`);
  return value;
};

/** Services wired to the running local stack (same environment variables as `npm start`). */
async function connect(papersSource?: string): Promise<Services> {
  const settings = parseLocalSettings();
  const endpoints = endpointsOf(settings);
  const tokenSecret = await loadOrCreateTokenSecret(settings.DATA_DIR);
  const tables = {
    papers: `${TABLE_PREFIX}papers`,
    subscribers: `${TABLE_PREFIX}subscribers`,
    deliveries: `${TABLE_PREFIX}deliveries`,
  };
  const env = functionEnvironment({
    settings: { ...settings, PAPERS_SOURCE: papersSource ?? settings.PAPERS_SOURCE },
    endpoints,
    tables,
    queues: {
      sendQueueUrl: 'http://unset.invalid/send',
      planQueueUrl: 'http://unset.invalid/plan',
      mailQueueUrl: 'http://unset.invalid/mail',
    },
    tokenSecret,
    publicUrl: settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`,
  });
  const services = await createServices(parseConfig(env), { logger: quietLogger });
  try {
    const queueUrl = async (name: string) =>
      (await services.sqs.send(new GetQueueUrlCommand({ QueueName: `${TABLE_PREFIX}${name}` }))).QueueUrl;
    return await createServices(
      parseConfig({ ...env, SEND_QUEUE_URL: await queueUrl('send'), PLAN_QUEUE_URL: await queueUrl('plan') }),
      { logger: quietLogger },
    );
  } catch (error) {
    throw new Error(
      `cannot reach the local stack at ${endpoints.sqs} (${(error as Error).message}); start it with \`npm start\``,
    );
  }
}

async function ingest(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, since: { type: 'string' }, from: { type: 'string' } },
  });
  const date = day(values.date, '--date');
  const since = day(values.since, '--since');
  if (date && since) throw new UsageError('give --date or --since, not both');
  const today = dayInTimeZone(new Date(), parseLocalSettings().SCHEDULE_TIME_ZONE);
  if (since && since > today) throw new UsageError(`--since ${since} is after today (${today})`);
  const services = await connect(values.from);
  const sourceName = values.from ?? services.config.PAPERS_SOURCE;
  if (!isHttpSource(sourceName) && !(await stat(sourceName).catch(() => undefined))) {
    throw new UsageError(`--from ${sourceName}: no such file or folder`);
  }
  const source = createPapersSource(sourceName);
  let days: string[];
  if (date) days = [date];
  else if (!isHttpSource(sourceName)) {
    // A file or folder knows its days: walk those (from --since on), not every calendar day.
    const available = await createFilePapersSource(sourceName).availableDays();
    days = since ? available.filter((d) => d >= since) : available;
    if (since && days.length === 0)
      process.stderr.write(
        `${sourceName} has no day on or after ${since}` +
          (available.length ? ` (its last is ${available[available.length - 1]})` : '') +
          '\n',
      );
  }
  // The API answers any date (a day without papers is an empty list): every calendar day up to today.
  else if (since) days = daysBetween(since, today);
  else days = [addDays(today, -1), today];
  const result = await ingestDays(
    { source, papers: services.papers, vocabulary: services.vocabulary, logger: quietLogger },
    days,
    (d, index, total) => {
      if (total > 1) process.stderr.write(`[${index + 1}/${total}] ${d}\n`);
    },
  );
  console.log(
    `days: ${result.days}  papers: ${result.fetched}  new: ${result.created}  updated: ${result.updated}  unchanged: ${result.unchanged}  rejected: ${result.rejected.length}`,
  );
  for (const item of result.rejected)
    console.log(`  rejected ${item.day} ${item.id ?? '(no id)'}: ${item.reason}`);
  for (const failure of result.failedDays) console.log(`  failed ${failure.day}: ${failure.reason}`);
  if (days.length > 0 && result.failedDays.length === days.length)
    throw new Error('no day could be ingested');
}

async function digest(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  const services = await connect();
  const digestDate =
    day(values.date, '--date') ?? dayInTimeZone(new Date(), services.config.SCHEDULE_TIME_ZONE);
  const dryRun = values['dry-run'] ?? false;
  const totalSegments = services.config.PLAN_SEGMENTS;
  const configuredQuota = services.config.SES_DAILY_QUOTA;
  // Who will get no digest and why, read just before the run (the planner counts; it does not say why).
  const why = await readReasons(services, digestDate);
  if (dryRun) {
    const { counts, batches, quotaLeft, exceedsQuota } = await dryRunDigests(services, {
      digestDate,
      totalSegments,
      configuredQuota,
    });
    console.log(
      `digest ${digestDate} (dry run): subscribers: ${counts.subscribers}  due: ${counts.due}  would send: ${counts.withDigest}  skipped empty: ${counts.skippedEmpty}` +
        (counts.alreadySent ? `  already sent: ${counts.alreadySent}` : '') +
        (quotaLeft === undefined ? '' : `  quota left: ${quotaLeft}${exceedsQuota ? ' (exceeded)' : ''}`),
    );
    printReasons(why, counts);
    for (const batch of batches)
      for (const recipient of batch.recipients)
        console.log(
          `  ${recipient.subscriberId} (${recipient.cadence}): ${recipient.picks.map((pick) => batch.papers[pick].paperId).join(', ')}`,
        );
    return;
  }
  // The same run as the schedule starts: slices on the plan queue, planned by the local stack's
  // plan-slice consumer, their messages sent by its send-digests consumer.
  const run = await startDigestRun(services, { digestDate, totalSegments, configuredQuota });
  process.stderr.write(
    `digest run ${run.runId}: ${totalSegments} slices queued; waiting for them to be planned and sent...\n`,
  );
  const report = await waitForRun(services, run, { timeoutMs: 180_000, hint: 'is `npm start` running?' });
  const skipped = report.alreadySent + report.skipped;
  const failed = report.failed + report.uncertain + unaccounted(report);
  console.log(
    `digest ${digestDate}: subscribers: ${report.subscribers}  emails sent: ${report.sent}  skipped empty: ${report.skippedEmpty}  failed: ${failed}` +
      (skipped ? `  skipped (already sent today or no longer active): ${skipped}` : ''),
  );
  printReasons(why, report);
  if (report.quotaLeft !== undefined && report.withDigest > report.quotaLeft)
    process.stderr.write(
      `the run planned ${report.withDigest} digests with ${report.quotaLeft} left of the SES 24-hour quota\n`,
    );
  if (failed > 0) process.exitCode = 1;
}

/** A run of at most this many readers lists who got no digest, by address. */
const SMALL_RUN = 50;

/**
 * Every reader sorted into why they get no digest on `digestDate` (digest-reasons.ts); on a small run,
 * also which of the readers the planner composes for would get nothing new, by the planner's own
 * composer. Read by the CLI just before the run.
 */
async function readReasons(services: Services, digestDate: string) {
  const tally = await tallyReasons(services.subscribers, digestDate, { keepComposed: SMALL_RUN });
  const small = tally.subscribers <= SMALL_RUN;
  let nothingNew: string[] = [];
  if (small && tally.composed.length > 0) {
    const composer = await createDigestComposer(services, digestDate);
    await composer.prepareReaders(tally.composed);
    nothingNew = tally.composed
      .filter((subscriber) => composer.digestFor(subscriber).length === 0)
      .map((subscriber) => subscriber.email);
  }
  return { tally, small, nothingNew };
}

/**
 * The reasons under the run's figures: the planner's skipped-empty count less the readers without
 * topics is "nothing new" (their digest had no paper they were not sent already).
 */
function printReasons(
  why: { tally: ReasonTally; small: boolean; nothingNew: string[] },
  planned: { subscribers: number; due: number; skippedEmpty: number },
) {
  const { tally } = why;
  const counts = new Map(tally.counts);
  const addresses = new Map(tally.addresses);
  const nothingNew = Math.max(0, planned.skippedEmpty - (counts.get('no topics') ?? 0));
  if (nothingNew > 0) {
    const listed = { counts: new Map<string, number>(), addresses: new Map<string, string[]>() };
    for (const email of why.nothingNew) addTo(listed, 'nothing new', email);
    counts.set('nothing new', nothingNew);
    addresses.set('nothing new', listed.addresses.get('nothing new') ?? []);
  }
  for (const line of formatReasons({ counts, addresses }, { withAddresses: why.small })) console.log(line);
  const notDue = [...counts]
    .filter(([label]) => !['already sent', 'no topics', 'nothing new'].includes(label))
    .reduce((sum, [, count]) => sum + count, 0);
  if (tally.subscribers !== planned.subscribers || notDue !== planned.subscribers - planned.due)
    console.log('  (readers changed while the run was planned: the reasons are from a read just before it)');
}

/** Readers planned a digest whose outcome no send message reported (a crash mid-message, say). */
const unaccounted = (report: RunReport): number =>
  Math.max(0, report.withDigest - report.sent - report.skipped - report.failed - report.uncertain);

/** Waits until every slice of the run is planned and both queues are empty, then reads its ledger. */
async function waitForRun(
  services: Services,
  run: DigestRun,
  options: { timeoutMs: number; hint: string },
): Promise<RunReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const report = await services.ledger.read(run);
    if (report && report.segmentsDone >= report.totalSegments) break;
    if (Date.now() > deadline)
      throw new Error(
        `the run's slices are not all planned (${report?.segmentsDone ?? 0} of ${report?.totalSegments ?? '?'}); ${options.hint}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const queueUrl of [services.config.PLAN_QUEUE_URL, services.config.SEND_QUEUE_URL] as string[])
    await waitUntilQueueEmpty(services.sqs, queueUrl, {
      timeoutMs: Math.max(1000, deadline - Date.now()),
      hint: options.hint,
    });
  return (await services.ledger.read(run)) as RunReport;
}

/**
 * Claims of a day with no delivery record (a crash between claim and send, a lost Send event): lists
 * them, or with --release gives them back so a re-run of the day (`digest --date D`) sends them.
 */
async function claims(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, release: { type: 'boolean' }, force: { type: 'boolean' } },
  });
  const digestDate = day(values.date, '--date');
  if (!digestDate) throw new UsageError('claims needs --date YYYY-MM-DD');
  if (values.force && !values.release) throw new UsageError('--force only goes with --release');
  const services = await connect();
  const busy = (found: StuckClaims) =>
    found.busyRuns.map(
      (run) =>
        `  run ${run.runId} (started ${run.startedAt}): ` +
        (run.reason === 'planning-not-finished'
          ? 'its slices are not all planned'
          : run.reason === 'outcomes-missing'
            ? `${plural(run.unaccounted, 'reader')} with no send outcome yet (a crashed send leaves them so)`
            : `started less than ${CLAIM_LEASE_MS / 3_600_000} h ago`),
    );
  if (!values.release) {
    const found = await findStuckClaims(services, digestDate);
    console.log(`claims ${digestDate}: ${found.subscriberIds.length} with no delivery record`);
    for (const id of found.subscriberIds) console.log(`  ${id}`);
    if (found.busyRuns.length > 0)
      console.log(['runs of the day that may still be sending:', ...busy(found)].join('\n'));
    return;
  }
  const result = await settleStuckClaims({ ...services, logger: quietLogger }, digestDate, {
    force: values.force,
  });
  if (!result.settled) {
    console.error(
      [
        `not released: ${plural(result.subscriberIds.length, 'claim')} of ${digestDate} may still be in flight`,
        ...busy(result),
        'once its send queue is empty (and the dead-letter queue looked at), --release --force releases them',
      ].join('\n'),
    );
    process.exitCode = 1;
    return;
  }
  console.log(
    `claims ${digestDate}: released ${result.released}; \`npm run cli -- digest --date ${digestDate}\` sends them`,
  );
}

async function preview(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, date: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.email) throw new UsageError('preview needs --email ADDR');
  const email = normalizeEmailOrUsage(values.email);
  const askedDate = day(values.date, '--date');
  const services = await connect();
  const subscriber = await services.subscribers.findByEmail(email);
  if (!subscriber) throw new UsageError(`no subscriber with address ${email}`);
  // Their next digest: today for a daily reader, their weekday's for a weekly one.
  const digestDate =
    askedDate ?? nextDigestDay(subscriber, dayInTimeZone(new Date(), services.config.SCHEDULE_TIME_ZONE));
  const note = previewNote(subscriber, digestDate, askedDate !== undefined);
  if (note) process.stderr.write(`${note}\n`);
  const composer = await createDigestComposer(services, digestDate);
  const planned = await composer.digestFor(subscriber);
  if (planned.length === 0) {
    console.log(`nothing to send to ${email} for ${digestDate}: no new paper matches their topics`);
    return;
  }
  const papers = new Map(
    (await services.papers.getMany(planned.map((p) => p.paperId))).map((p) => [p.id, p]),
  );
  const rendered = await services.renderer.renderDigest({
    date: digestDate,
    cadence: subscriber.preferences.cadence,
    papers: planned.flatMap((p) =>
      papers.has(p.paperId) ? [toPaperView(papers.get(p.paperId) as Paper, p.why)] : [],
    ),
  });
  const email_ = services.renderer.personalize(
    rendered,
    services.subscriptions.linksFor(subscriber, digestDate),
  );
  if (values.out) {
    await writeFile(values.out, email_.html);
    console.log(
      `${email_.subject}\nwrote ${values.out} (${Math.round(email_.html.length / 1024)} KB, ${planned.length} papers)`,
    );
  } else {
    console.log(`Subject: ${email_.subject}\n\n${email_.text}`);
  }
}

/**
 * What the operator should know about a preview: that this reader is sent no digest at all (the preview
 * shows what they would get), or that a weekly reader's preview is of their next weekday.
 */
function previewNote(subscriber: Subscriber, digestDate: string, dateAsked: boolean): string | undefined {
  const why = whyNoDigest(subscriber, digestDate);
  const { cadence, weekday } = subscriber.preferences;
  const weekdayName = WEEKDAY_NAMES[weekday - 1];
  const wouldGet = 'no digest is sent to them; this preview is what they would get';
  switch (why?.reason) {
    case 'unsubscribed':
      return `note: ${subscriber.email} is unsubscribed${subscriber.unsubscribedAt ? ` (since ${subscriber.unsubscribedAt.slice(0, 10)})` : ''}: ${wouldGet} if they subscribed again`;
    case 'not confirmed':
      return `note: ${subscriber.email} has not confirmed their address: ${wouldGet} once they do`;
    case 'suppressed':
      return `note: ${subscriber.email} is suppressed (${why.detail}): they are never mailed again; this preview is what they would get`;
    case 'paused':
      return `note: ${subscriber.email} paused their digests: ${wouldGet} once they resume`;
    case 'not due':
      return `note: ${subscriber.email} is ${why.detail}: ${digestDate} (a ${WEEKDAY_NAMES[isoWeekday(digestDate) - 1]}) is not their digest day`;
    case 'already sent':
      return `note: ${subscriber.email} was already sent their digest of ${digestDate}; this preview leaves out only papers of other days' digests`;
    case 'no topics':
      return `note: ${subscriber.email} has no topic, keyword, author, organization or example paper: nothing can match`;
  }
  if (cadence === 'weekly' && !dateAsked)
    return `weekly reader: their next digest is ${weekdayName} ${digestDate}`;
  return undefined;
}

function normalizeEmailOrUsage(raw: string): string {
  try {
    return normalizeEmail(raw);
  } catch (error) {
    throw new UsageError(`--email: ${(error as Error).message}`);
  }
}

async function loadPapers(location: string, flag = '--papers'): Promise<Paper[]> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw new UsageError(`${flag} ${location}: no such file or folder`);
  const files = info.isDirectory()
    ? (await readdir(location))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => path.join(location, name))
    : [location];
  const papers = new Map<string, Paper>();
  if (files.length === 0) throw new UsageError(`${flag} ${location}: no .json files in this folder`);
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      throw new UsageError(`${file} is not valid JSON`);
    }
    const listedOn = /(\d{4}-\d{2}-\d{2})\.json$/.exec(file)?.[1];
    const parsed = parseDailyPapers(raw, listedOn);
    if (parsed.papers.length === 0 && parsed.rejected.length > 0)
      throw new UsageError(`${file}: ${parsed.rejected[0].reason}`);
    for (const paper of parsed.papers) if (!papers.has(paper.id)) papers.set(paper.id, paper);
  }
  if (papers.size === 0)
    throw new UsageError(`${flag} ${location}: no papers in ${plural(files.length, 'file')}`);
  return [...papers.values()];
}

/** READERS.json, validated: the readers, or a UsageError saying what is wrong. */
async function loadReaders(file: string): Promise<ReaderQuery[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new UsageError(`--readers ${file}: ${missing ? 'no such file' : 'not valid JSON'}`);
  }
  const parsed = ReadersFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
    throw new UsageError(`--readers ${file}: ${issue.message}${where}`);
  }
  return parsed.data;
}

/**
 * `match --readers`: each reader's digest from --papers, with their ratings and examples (looked up in
 * --known and --papers), through the digest's ranking: every included paper, best first.
 */
async function matchReadersCommand(values: {
  papers: string;
  readers: string;
  known?: string;
  json?: boolean;
}) {
  const readers = await loadReaders(values.readers);
  const papers = await loadPapers(values.papers);
  const known = values.known ? await loadPapers(values.known, '--known') : [];
  const ids = new Set([...papers, ...known].map((paper) => paper.id));
  const problem = readersProblem(readers, (id) => ids.has(id));
  if (problem) throw new UsageError(`--readers ${values.readers}: ${problem}`);
  // The vocabulary the ingest would have mined: from every paper given.
  const vocabulary = mineVocabulary([...papers, ...known]);
  const result = matchReaders(papers, readers, known, createMatcher(papers, { vocabulary }));
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`${plural(papers.length, 'paper')} read`);
  const titles = titlesOf([...papers, ...known]);
  for (const [name, matches] of Object.entries(result)) {
    console.log(`${name}: ${plural(matches.length, 'paper')} included`);
    for (const match of matches) printHit(match, titles);
  }
}

const titlesOf = (papers: Paper[]): Map<string, string> =>
  new Map(papers.map((paper) => [paper.id, paper.title.replace(/\s+/g, ' ').trim()]));

/** One paper of `match`'s text output: its id, relevance and title, and why it matched under them. */
function printHit(hit: { id: string; relevance: number; why: string }, titles: Map<string, string>) {
  const head = `  ${hit.id}  ${hit.relevance.toFixed(3)}  `;
  console.log(`${head}${titles.get(hit.id) ?? '(title unknown)'}`);
  console.log(`${' '.repeat(head.length)}${hit.why}`);
}

async function match(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      papers: { type: 'string' },
      query: { type: 'string', multiple: true },
      readers: { type: 'string' },
      known: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.papers) throw new UsageError('match needs --papers FILE|DIR');
  if (values.readers !== undefined) {
    if (values.query) throw new UsageError('match takes --query or --readers, not both');
    return matchReadersCommand({ ...values, papers: values.papers, readers: values.readers });
  }
  const queries = (values.query ?? []).map((query) => query.trim()).filter(Boolean);
  if (queries.length === 0)
    throw new UsageError('match needs at least one --query "TEXT" (or --readers READERS.json)');
  for (const query of queries) {
    const problem = keywordLengthProblem(query);
    if (problem) throw new UsageError(`--query "${query.slice(0, 40)}": ${problem}`);
  }
  const papers = await loadPapers(values.papers);
  // --known papers are only mined for vocabulary here (with --readers they are rated papers too).
  const known = values.known ? await loadPapers(values.known, '--known') : [];
  const result = matchQueries(papers, queries, { vocabulary: mineVocabulary([...papers, ...known]) });
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`${plural(papers.length, 'paper')} read`);
  const titles = titlesOf(papers);
  for (const [query, hits] of Object.entries(result)) {
    console.log(`${query}: ${plural(hits.length, 'paper')} included`);
    for (const hit of hits) printHit(hit, titles);
  }
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  ingest,
  digest,
  claims,
  preview,
  match,
};

async function main(argv: string[]) {
  if (argv.some((arg) => arg === '--help' || arg === '-h') || argv[0] === 'help') {
    console.log(USAGE);
    return;
  }
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) throw new UsageError(name ? `unknown command "${name}"\n${USAGE}` : USAGE);
  await command(args);
}

main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: Error) => {
    const isUsage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`error: ${error.message.split('\n')[0]}`);
    if (isUsage && error.message.includes('\n')) console.error(error.message.split('\n').slice(1).join('\n'));
    process.exit(isUsage ? 2 : 1);
  });
