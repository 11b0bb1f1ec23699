import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createSharedSendRateLimiter } from '../../functions/adapters/dynamodb/send-rate-limiter';
import { createSesClient, createSesMailer } from '../../functions/adapters/ses/ses-mailer';
import { sharedRateLimited } from '../../functions/adapters/ses/shared-rate-mailer';
import { MailNotSentError } from '../../functions/core/ports';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { readInbox } from '../support/ses-inbox';
import { startSesThrottlingProxy, type SesThrottlingProxy } from '../support/ses-throttling-proxy';
import {
  anEmail,
  closeSenders,
  createSenders,
  sendUntil,
  warmUp,
  type Sender,
} from '../support/sender-fleet';

let standIns: StandIns;
const proxies: SesThrottlingProxy[] = [];
const fleets: Sender[][] = [];

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'send-rate-' });
});
afterAll(async () => {
  fleets.forEach(closeSenders);
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  await standIns.stop();
});

async function proxyAt(perSecond: number): Promise<SesThrottlingProxy> {
  const proxy = await startSesThrottlingProxy({ upstream: standIns.endpoints.ses, perSecond });
  proxies.push(proxy);
  return proxy;
}

function senders(count: number, proxy: SesThrottlingProxy, budget: string, perSecond: number): Sender[] {
  const fleet = createSenders({
    count,
    dynamodbEndpoint: standIns.endpoints.dynamodb,
    tableName: standIns.tables.deliveries,
    proxy,
    limiter: { budget, perSecond },
  });
  fleets.push(fleet);
  return fleet;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniqueTo = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}@example.com`;

describe('SES throttling proxy, through the real SES adapter', () => {
  it('refuses SendEmail calls beyond its rate with TooManyRequestsException: certainly not sent', async () => {
    const proxy = await proxyAt(5);
    const mailer = createSesMailer(createSesClient({ endpoint: proxy.endpoint, maxAttempts: 1 }), {
      from: 'paperboy <digest@paperboy.local>',
    });
    const recipients = Array.from({ length: 12 }, (_, index) => uniqueTo(`burst-${index}`));

    const outcomes = await Promise.allSettled(recipients.map((to) => mailer.send(anEmail(to))));

    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused).toHaveLength(7);
    for (const error of refused) {
      expect(error).toBeInstanceOf(MailNotSentError);
      expect((error as MailNotSentError).cause).toMatchObject({ name: 'TooManyRequestsException' });
    }
    expect({ accepted: proxy.accepted, throttled: proxy.throttled }).toEqual({ accepted: 5, throttled: 7 });
    const delivered = recipients.filter((_, index) => outcomes[index].status === 'fulfilled');
    const arrived = (await readInbox(standIns.endpoints.ses))
      .map((email) => email.destination.to[0])
      .filter((to) => recipients.includes(to));
    expect(arrived.sort()).toEqual(delivered.sort());
  });

  it('passes every call below its rate on to SES, where each one lands in the inbox', async () => {
    const proxy = await proxyAt(10);
    const mailer = createSesMailer(createSesClient({ endpoint: proxy.endpoint, maxAttempts: 1 }), {
      from: 'paperboy <digest@paperboy.local>',
    });
    const recipients = Array.from({ length: 12 }, (_, index) => uniqueTo(`paced-${index}`));

    for (const to of recipients) {
      await mailer.send(anEmail(to));
      await pause(200);
    }

    expect({ accepted: proxy.accepted, throttled: proxy.throttled }).toEqual({ accepted: 12, throttled: 0 });
    const inbox = await readInbox(standIns.endpoints.ses);
    expect(recipients.every((to) => inbox.some((email) => email.destination.to.includes(to)))).toBe(true);
  });
});

describe('shared send-rate limiter on dynalite', () => {
  it('keeps 4 senders sharing a 20/s budget within it, using most of it', async () => {
    const proxy = await proxyAt(20);
    const fleet = senders(4, proxy, 'digest-four', 20);
    await warmUp(fleet, proxy);

    // The first two seconds settle the senders on their lanes; the next five are measured.
    const started = performance.now();
    const sending = sendUntil(fleet, started + 7_000, 'four');
    await pause(2_000);
    const acceptedBefore = proxy.accepted;
    await pause(5_000);
    const acceptedInFive = proxy.accepted - acceptedBefore;
    const throttlingErrors = await sending;

    expect(throttlingErrors).toBe(0);
    expect(proxy.throttled).toBe(0);
    // The bench measures the share on a quiet machine (95-97 %); here other test files run on the same
    // two cores, so the bound leaves room for a sender that a busy CPU makes miss a slot.
    expect(acceptedInFive).toBeGreaterThanOrEqual(0.85 * 20 * 5);
  });

  it('keeps 16 senders within the same budget', async () => {
    const proxy = await proxyAt(20);
    const fleet = senders(16, proxy, 'digest-sixteen', 20);
    await warmUp(fleet, proxy, 3);

    const throttlingErrors = await sendUntil(fleet, performance.now() + 4_000, 'sixteen');

    expect(throttlingErrors).toBe(0);
    expect(proxy.throttled).toBe(0);
    expect(proxy.accepted).toBeGreaterThan(0);
  });

  it('sends a confirmation mail within about a second while the digest senders use up their budget', async () => {
    // SES allows 24/s: 20 for digests, 4 kept for transactional mail.
    const proxy = await proxyAt(24);
    const digestSenders = senders(4, proxy, 'digest-busy', 20);
    const [api] = senders(1, proxy, 'transactional', 4);
    const [lateDigestSender] = senders(1, proxy, 'digest-busy', 20);
    await warmUp([...digestSenders, api, lateDigestSender], proxy);
    const sending = sendUntil(digestSenders, performance.now() + 4_000, 'busy');
    await pause(2_000);
    const to = uniqueTo('confirm');

    const asked = performance.now();
    // A digest sender starting now queues behind the digest backlog; the confirmation does not.
    const digestWaitMs = lateDigestSender.limiter.acquire().then(() => performance.now() - asked);
    await api.mailer.send(anEmail(to));
    const tookMs = performance.now() - asked;
    const throttlingErrors = await sending;

    expect(tookMs).toBeLessThan(1_000);
    expect(await digestWaitMs).toBeGreaterThan(tookMs);
    expect(throttlingErrors).toBe(0);
    expect(proxy.throttled).toBe(0);
    expect(await readInbox(standIns.endpoints.ses, to)).toHaveLength(1);
  });

  it('refuses the email as certainly not sent when the limiter cannot reach DynamoDB', async () => {
    const proxy = await proxyAt(20);
    const real = createDocumentClient({ endpoint: standIns.endpoints.dynamodb });
    const unreachable = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async () => {
          throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
        };
      },
    }) as DynamoDBDocumentClient;
    const limiter = createSharedSendRateLimiter(unreachable, standIns.tables.deliveries, {
      budget: 'digest-unreachable',
      perSecond: 20,
    });
    const ses = createSesClient({ endpoint: proxy.endpoint, maxAttempts: 1 });
    const mailer = sharedRateLimited(
      createSesMailer(ses, { from: 'paperboy <digest@paperboy.local>' }),
      limiter,
    );
    const to = uniqueTo('no-permit');

    await expect(mailer.send(anEmail(to))).rejects.toBeInstanceOf(MailNotSentError);

    expect(proxy.accepted + proxy.throttled).toBe(0);
    expect(await readInbox(standIns.endpoints.ses, to)).toHaveLength(0);
    real.destroy();
    ses.destroy();
  });
});
