/**
 * How close concurrent digest senders sharing one SES budget come to that budget, and what the
 * shared limiter costs in DynamoDB requests: the stand-ins, an SES throttling proxy at the budget,
 * and `senders` senders (each with its own clients and limiter, as separate Lambda instances
 * would be) sending as fast as their permits allow. Figures only; nothing here asserts.
 *
 *   npx tsx bench/send-rate-bench.ts     (4 and 16 senders at 20/s, 30 s each)
 */
import { performance } from 'node:perf_hooks';
import { startStandIns } from '../infra/local/stand-ins';
import { startSesThrottlingProxy } from '../test/support/ses-throttling-proxy';
import {
  closeSenders,
  createSenders,
  limiterRequests,
  sendUntil,
  warmUp,
} from '../test/support/sender-fleet';

export interface SendRateFigures {
  senders: number;
  budgetPerSecond: number;
  /** Emails SES (behind the proxy) accepted while the senders ran. */
  sent: number;
  /** How long the senders ran, from their first permit asked for. */
  seconds: number;
  /** sent / (budget × seconds): 1 is the whole budget used. */
  sendRateRatio: number;
  /** Sends SES refused as too fast (TooManyRequestsException; the SDK does not retry here). */
  throttlingErrors: number;
  /** DynamoDB requests the senders' limiters made, per email sent. */
  limiterRequestsPerEmail: number;
}

/**
 * Runs `senders` senders for `seconds` against an SES that throttles above `ratePerSecond`, all
 * drawing on one shared `digest` budget of that rate, and reports what got through. The senders
 * are warmed first (a cold SDK client's first calls are slow); the figures cover the run only.
 */
export async function measureSendRate(options: {
  senders: number;
  ratePerSecond: number;
  seconds: number;
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
  const senders = createSenders({
    count: options.senders,
    dynamodbEndpoint: standIns.endpoints.dynamodb,
    tableName: standIns.tables.deliveries,
    proxy,
    limiter: { budget: 'digest', perSecond: options.ratePerSecond },
  });
  try {
    await warmUp(senders, proxy);
    const started = performance.now();
    const throttlingErrors = await sendUntil(senders, started + options.seconds * 1000);
    const sent = proxy.accepted;
    const round = (value: number, digits: number) => Number(value.toFixed(digits));
    return {
      senders: options.senders,
      budgetPerSecond: options.ratePerSecond,
      sent,
      seconds: options.seconds,
      sendRateRatio: round(sent / (options.ratePerSecond * options.seconds), 3),
      throttlingErrors,
      limiterRequestsPerEmail: round(limiterRequests(senders) / Math.max(1, sent), 3),
    };
  } finally {
    closeSenders(senders);
    await proxy.stop();
    await standIns.stop();
  }
}

if (require.main === module) {
  (async () => {
    for (const senders of [4, 16])
      console.log(await measureSendRate({ senders, ratePerSecond: 20, seconds: 30 }));
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
