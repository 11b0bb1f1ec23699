import { performance } from 'node:perf_hooks';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import {
  createSharedSendRateLimiter,
  type SendRateOptions,
  type SharedSendRateLimiter,
} from '../../functions/adapters/dynamodb/send-rate-limiter';
import { createSesClient, createSesMailer } from '../../functions/adapters/ses/ses-mailer';
import { sharedRateLimited } from '../../functions/adapters/ses/shared-rate-mailer';
import { MailNotSentError, type Mailer, type OutgoingEmail } from '../../functions/core/ports';
import type { SesThrottlingProxy } from './ses-throttling-proxy';

/**
 * Senders as separate Lambda instances would be: each with its own DynamoDB and SES clients and
 * its own limiter, drawing on one shared budget, sending through the real SES adapter with no SDK
 * retries (so throttling shows) to an SES throttling proxy.
 */
export interface Sender {
  db: DynamoDBDocumentClient;
  ses: SESv2Client;
  limiter: SharedSendRateLimiter;
  /** The SES adapter on its own, without the limiter. */
  sesMailer: Mailer;
  /** The SES adapter behind the shared limiter. */
  mailer: Mailer;
}

/** A sender stopped at a deadline may still wait for a slot it holds: that must not keep the process up. */
const unrefSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** `count` senders drawing on the budget `limiter` names, sending through `proxy`. */
export function createSenders(options: {
  count: number;
  dynamodbEndpoint: string;
  tableName: string;
  proxy: SesThrottlingProxy;
  limiter: Pick<SendRateOptions, 'budget' | 'perSecond'> & Partial<SendRateOptions>;
}): Sender[] {
  return Array.from({ length: options.count }, () => {
    const db = createDocumentClient({ endpoint: options.dynamodbEndpoint });
    const ses = createSesClient({ endpoint: options.proxy.endpoint, maxAttempts: 1 });
    const limiter = createSharedSendRateLimiter(db, options.tableName, {
      sleep: unrefSleep,
      ...options.limiter,
    });
    const sesMailer = createSesMailer(ses, { from: 'paperboy <digest@paperboy.local>' });
    return { db, ses, limiter, sesMailer, mailer: sharedRateLimited(sesMailer, limiter) };
  });
}

export const anEmail = (to: string): OutgoingEmail => ({
  to,
  subject: 'Your papers',
  html: '<p>papers</p>',
  text: 'papers',
});

/**
 * Warm senders, as warm Lambdas are: a cold SDK client's first calls reach SES tens of ms after
 * their permit, which the strict proxy (SES itself allows short bursts) would count as a burst.
 * The proxy lets these through unlimited; its window is clear again when this returns.
 */
export async function warmUp(senders: Sender[], proxy: SesThrottlingProxy, rounds = 10): Promise<void> {
  const rate = proxy.rate;
  proxy.setRate(Infinity);
  for (let round = 0; round < rounds; round++)
    await Promise.all(
      senders.map(({ sesMailer }, index) => sesMailer.send(anEmail(`warm-${index}-${round}@example.com`))),
    );
  proxy.setRate(rate);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  proxy.resetCounts();
}

export const isThrottling = (error: unknown): boolean =>
  error instanceof MailNotSentError &&
  (error.cause as { name?: string } | undefined)?.name === 'TooManyRequestsException';

/**
 * Every sender sends as fast as its permits allow until `deadline` (performance.now() ms); a
 * permit that comes after the deadline is not used, nor waited for. Answers the throttling errors
 * the senders saw.
 */
export async function sendUntil(senders: Sender[], deadline: number, label = 'reader'): Promise<number> {
  let throttled = 0;
  const over = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())));
  await Promise.all(
    senders.map(async ({ limiter, sesMailer }, sender) => {
      const untilDeadline = sharedRateLimited(
        {
          send: (email) =>
            performance.now() < deadline ? sesMailer.send(email) : Promise.resolve({ messageId: 'unused' }),
        },
        limiter,
      );
      for (let index = 0; performance.now() < deadline; index++) {
        try {
          await Promise.race([untilDeadline.send(anEmail(`${label}-${sender}-${index}@example.com`)), over]);
        } catch (error) {
          if (!isThrottling(error)) throw error;
          throttled++;
        }
      }
    }),
  );
  return throttled;
}

/** Total DynamoDB requests the senders' limiters made. */
export const limiterRequests = (senders: Sender[]): number =>
  senders.reduce((sum, { limiter }) => sum + limiter.stats.requests, 0);

/** Closes the senders' clients (their sockets would keep the process up). */
export function closeSenders(senders: Sender[]): void {
  for (const { db, ses } of senders) {
    db.destroy();
    ses.destroy();
  }
}
