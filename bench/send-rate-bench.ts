/**
 * How close concurrent digest senders sharing one SES budget come to that budget, and what the
 * shared limiter costs in DynamoDB requests: the stand-ins, an SES throttling proxy at the budget,
 * and `senders` senders (each with its own clients and limiter, as separate Lambda instances
 * would be) sending as fast as their permits allow. Figures only; nothing here asserts.
 */
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createSharedSendRateLimiter } from '../functions/adapters/dynamodb/send-rate-limiter';
import { createSesClient, createSesMailer } from '../functions/adapters/ses/ses-mailer';
import { sharedRateLimited } from '../functions/adapters/ses/shared-rate-mailer';
import { MailNotSentError, type Mailer } from '../functions/core/ports';
import { startStandIns } from '../infra/local/stand-ins';
import { startSesThrottlingProxy } from '../test/support/ses-throttling-proxy';

export interface SendRateFigures {
  senders: number;
  budgetPerSecond: number;
  /** Emails SES (behind the proxy) accepted. */
  sent: number;
  /** How long the senders ran; sends whose permit came later are not made. */
  seconds: number;
  /** sent / (budget × seconds): 1 is the whole budget used. */
  sendRateRatio: number;
  /** Sends SES refused as too fast (TooManyRequestsException, no SDK retries). */
  throttlingErrors: number;
  /** DynamoDB requests the limiters made, per email sent. */
  limiterRequestsPerEmail: number;
}

const WARM_UP_SENDS = 10;

const anEmail = (reader: string, index: number) => ({
  to: `${reader}-${index}@example.com`,
  subject: 'digest',
  html: '<p>papers</p>',
  text: 'papers',
});

const isThrottling = (error: unknown) =>
  error instanceof MailNotSentError &&
  (error.cause as { name?: string })?.name === 'TooManyRequestsException';

/**
 * Runs `senders` senders for `seconds` against an SES that throttles above `ratePerSecond`, all
 * drawing on one shared `digest` budget of that rate, and reports what got through.
 */
export async function measureSendRate(options: {
  senders: number;
  ratePerSecond: number;
  seconds: number;
  /** The limiter's allowance for late sends (see SendRateOptions.toleranceMs). */
  toleranceMs?: number;
}): Promise<SendRateFigures> {
  const standIns = await startStandIns({
    dynamodbPort: 0,
    sesPort: 0,
    sqsPort: 0,
    tablePrefix: 'bench-rate-',
  });
  const proxy = await startSesThrottlingProxy({
    upstream: standIns.endpoints.ses,
    perSecond: options.ratePerSecond,
  });
  let deadline = Infinity;
  const fleet = Array.from({ length: options.senders }, () => {
    const db = createDocumentClient({ endpoint: standIns.endpoints.dynamodb });
    const ses = createSesClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
    const limiter = createSharedSendRateLimiter(db, standIns.tables.deliveries, {
      budget: 'digest',
      perSecond: options.ratePerSecond,
      toleranceMs: options.toleranceMs,
    });
    const sesMailer = createSesMailer(ses, { from: 'bench <bench@paperboy.local>' });
    // A permit granted after the deadline is not used: the figure is the rate while every sender is
    // busy, not the wait of the last ones for slots queued behind the others.
    const untilDeadline: Mailer = {
      send: (email) =>
        performance.now() < deadline ? sesMailer.send(email) : Promise.resolve({ messageId: 'late' }),
    };
    return { db, ses, sesMailer, limiter, mailer: sharedRateLimited(untilDeadline, limiter) };
  });
  try {
    // Warm senders, as in warm Lambdas: a cold SDK client's first calls arrive tens of ms after
    // their permit, which this strict proxy (SES itself allows short bursts) would count as a burst.
    proxy.setRate(Infinity);
    for (let round = 0; round < WARM_UP_SENDS; round++)
      await Promise.all(
        fleet.map(({ sesMailer }, sender) => sesMailer.send(anEmail(`warm-${sender}`, round))),
      );
    proxy.setRate(options.ratePerSecond);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    proxy.resetCounts();
    let throttlingErrors = 0;
    const started = performance.now();
    deadline = started + options.seconds * 1000;
    await Promise.all(
      fleet.map(async ({ mailer }, sender) => {
        for (let index = 0; performance.now() < deadline; index++) {
          try {
            await mailer.send(anEmail(`reader-${sender}`, index));
          } catch (error) {
            if (!isThrottling(error)) throw error;
            throttlingErrors++;
          }
        }
      }),
    );
    const sent = proxy.accepted;
    const requests = fleet.reduce((sum, { limiter }) => sum + limiter.stats.requests, 0);
    if (process.env.DEBUG_RATE) console.log(fleet.map(({ limiter }) => limiter.stats));
    return {
      senders: options.senders,
      budgetPerSecond: options.ratePerSecond,
      sent,
      seconds: options.seconds,
      sendRateRatio: round(sent / (options.ratePerSecond * options.seconds), 3),
      throttlingErrors,
      limiterRequestsPerEmail: round(requests / Math.max(1, sent), 3),
    };
  } finally {
    for (const { db, ses } of fleet) {
      db.destroy();
      ses.destroy();
    }
    await proxy.stop();
    await standIns.stop();
  }
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

if (require.main === module) {
  (async () => {
    for (const senders of [4, 16]) {
      console.log(await measureSendRate({ senders, ratePerSecond: 20, seconds: 10 }));
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
