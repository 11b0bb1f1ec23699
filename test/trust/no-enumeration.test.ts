import { performance } from 'node:perf_hooks';
import type { Subscriber } from '../../functions/core/subscribers/subscriber';
import { parseConfig } from '../../functions/config';
import { createWebApp } from '../../functions/http/app';
import { createServicesWithoutEmail, type Services } from '../../functions/service-graph';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { aSubscriber } from '../support/builders';
import { seededRandom } from '../support/fault-injection';
import { runMailWorker } from '../support/mail-worker';
import { readInbox } from '../support/ses-inbox';
import { silentLogger } from '../support/local-stack';
import { standInEnvironment } from '../support/stand-in-environment';
import { reportFigures, trustSize } from './scale';

/**
 * No enumeration: the sign-up form answers the same status, the same body and in the same time whether
 * the address is new, waiting for confirmation, confirmed, unsubscribed or mailed a minute ago. The api
 * is measured as it is deployed, alone (the Hono app on the stand-ins, the mail worker run afterwards,
 * as send-mail is a function of its own); the requests go round the five states in turn, so whatever
 * else the machine does weighs on all of them alike.
 */
const ROUNDS = trustSize(300, 1000);
const STATES = ['new', 'pending', 'confirmed', 'unsubscribed', 'recently-mailed'] as const;
type State = (typeof STATES)[number];

let standIns: StandIns;
let services: Services;
let app: ReturnType<typeof createWebApp>;
const known: Record<Exclude<State, 'new'>, Subscriber> = {
  pending: aSubscriber({
    email: 'pending@example.com',
    status: 'unconfirmed',
    confirmedAt: undefined,
    confirmationsSentAt: ['2025-01-01T00:00:00.000Z'],
  }),
  confirmed: aSubscriber({
    email: 'confirmed@example.com',
    // Mailed twice today, hours ago: the flood limit allows exactly one more, however long the suite runs.
    confirmationsSentAt: [3 * 3600_000, 2 * 3600_000].map((ago) => new Date(Date.now() - ago).toISOString()),
  }),
  unsubscribed: aSubscriber({
    email: 'unsubscribed@example.com',
    status: 'unsubscribed',
    unsubscribedAt: '2025-11-02T08:00:00.000Z',
  }),
  'recently-mailed': aSubscriber({
    email: 'recently-mailed@example.com',
    status: 'unconfirmed',
    confirmedAt: undefined,
    // Mailed three times today, the last a minute ago: the flood limit holds however long the suite runs.
    confirmationsSentAt: [3 * 3600_000, 2 * 3600_000, 60_000].map((ago) =>
      new Date(Date.now() - ago).toISOString(),
    ),
  }),
};

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'enumeration-' });
  Object.assign(
    process.env,
    standInEnvironment(standIns, {
      tokenSecret: 'enumeration-test-secret-0123456789-abcdefghijkl',
      settings: { MAX_SEND_RATE: 2000 },
    }),
  );
  services = await createServicesWithoutEmail(parseConfig(), { logger: silentLogger });
  app = createWebApp(services);
  for (const subscriber of Object.values(known)) await services.subscribers.create(subscriber);
}, 60_000);
afterAll(async () => standIns?.stop());

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function signUp(email: string): Promise<{ status: number; body: string; type: string; ms: number }> {
  const started = performance.now();
  const response = await app.fetch(
    new Request('http://paperboy.test/api/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, topics: ['ai-agents'] }),
    }),
  );
  const body = await response.text();
  return {
    status: response.status,
    body,
    type: response.headers.get('content-type') ?? '',
    ms: performance.now() - started,
  };
}

type Answer = Awaited<ReturnType<typeof signUp>>;

/** One trial: ROUNDS rounds of one sign-up per state, in a seeded random order each round. */
async function trial(random: () => number, trialIndex: number) {
  const seen = Object.fromEntries(STATES.map((state) => [state, [] as Answer[]])) as Record<State, Answer[]>;
  for (let round = 0; round < ROUNDS; round++) {
    // A random order each round, so no state keeps a place in any rhythm of the machine's.
    for (const state of shuffled(STATES, random)) {
      const email = state === 'new' ? `new-${trialIndex}-${round}@example.com` : known[state].email;
      seen[state].push(await signUp(email));
    }
  }
  const medians = Object.fromEntries(
    STATES.map((state) => [state, median(seen[state].map((answer) => answer.ms))]),
  ) as Record<State, number>;
  const ratio = Math.max(...Object.values(medians)) / Math.min(...Object.values(medians));
  return { seen, medians, ratio };
}

/**
 * Up to this many trials, stopping at the first whose medians are within the bound: a machine shared
 * with other work can slow one state's requests by chance in one trial, but a real difference in work
 * shows in every trial.
 */
const TRIALS = 3;
const BOUND = 1.1;

it('answers a sign-up alike for new, pending, confirmed, unsubscribed and recently-mailed addresses', async () => {
  // Warm the path (first requests pay for module and connection set-up), measured for no state.
  for (let warm = 0; warm < 10; warm++) await signUp(`warm-${warm}@example.com`);
  const random = seededRandom(Number(process.env.PAPERBOY_TRUST_SEED ?? 20251113));
  const trials = [];
  do trials.push(await trial(random, trials.length));
  while (trials.length < TRIALS && trials[trials.length - 1].ratio > BOUND);
  const jobs = await runMailWorker(standIns);

  const best = trials.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const answers = new Set(
    trials.flatMap(({ seen }) =>
      STATES.flatMap((state) => seen[state].map((r) => JSON.stringify([r.status, r.type, r.body]))),
    ),
  );
  reportFigures('no enumeration', {
    rounds: ROUNDS,
    trials: trials.length,
    ...Object.fromEntries(
      STATES.map((state) => [`medianMs.${state}`, Number(best.medians[state].toFixed(2))]),
    ),
    slowestOverFastest: trials.map((t) => t.ratio.toFixed(3)).join(' '),
    distinctAnswers: answers.size,
  });

  expect([...answers]).toEqual([
    JSON.stringify([
      202,
      'application/json',
      JSON.stringify({ message: 'Check your inbox: we sent a link to confirm your subscription.' }),
    ]),
  ]);
  expect(best.ratio).toBeLessThanOrEqual(BOUND);
  // What the worker did behind the identical answers: each new address mailed once, the states kept.
  expect(jobs).toBe(10 + trials.length * ROUNDS * STATES.length);
  const mail = await readInbox(standIns.endpoints.ses);
  const mailedTo = (email: string) => mail.filter((sent) => sent.destination.to.includes(email)).length;
  expect(mailedTo('new-0-0@example.com')).toBe(1);
  expect(mailedTo(known['recently-mailed'].email)).toBe(0);
  expect(mailedTo(known.confirmed.email)).toBe(1);
  expect((await services.subscribers.findByEmail(known.confirmed.email))?.status).toBe('confirmed');
  expect((await services.subscribers.findByEmail(known.unsubscribed.email))?.status).toBe('unsubscribed');
}, 300_000);
