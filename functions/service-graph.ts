import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from './config';
import { createDocumentClient } from './adapters/dynamodb/client';
import { createDeliveryRepository } from './adapters/dynamodb/delivery-repository';
import { createPaperRepository } from './adapters/dynamodb/paper-repository';
import { createSubscriberRepository } from './adapters/dynamodb/subscriber-repository';
import { createVocabularyRepository } from './adapters/dynamodb/vocabulary-repository';
import { createPapersSource } from './adapters/hf-papers/papers-source';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesClient, createSesMailer } from './adapters/ses/ses-mailer';
import { sharedRateLimited } from './adapters/ses/shared-rate-mailer';
import { createSesSendQuota } from './adapters/ses/send-quota';
import { createSharedSendRateLimiter } from './adapters/dynamodb/send-rate-limiter';
import { createDigestQueue, createPlanSliceQueue, createSqsClient } from './adapters/sqs/digest-queue';
import { createMailJobQueue } from './adapters/sqs/mail-queue';
import { createRunLedger } from './adapters/dynamodb/run-ledger';
import { createLinks } from './core/links';
import type { Clock, DigestQueue, EmailRenderer, Logger } from './core/ports';
import type { MailJobQueue } from './core/subscribers/mail-jobs';
import { createSubscriptionService } from './core/subscribers/manage-subscription';
import { findCatalogTopic } from './core/topics/catalog';
import { createTokenSigner, type TokenSigner } from './core/tokens';

export const systemClock: Clock = { now: () => new Date() };

export const consoleLogger: Logger = {
  info: (message, extra) => console.log(JSON.stringify({ level: 'INFO', message, ...extra })),
  warn: (message, extra) => console.warn(JSON.stringify({ level: 'WARN', message, ...extra })),
  error: (message, extra) => console.error(JSON.stringify({ level: 'ERROR', message, ...extra })),
};

/** Parts a test or the local stack may swap for a wrapped version (fault injection, fixed clock). */
export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  /** Wraps the real SES client, e.g. to inject throttling or timeouts in tests. */
  sesClient?: (real: SESv2Client) => SESv2Client;
  queue?: DigestQueue;
  /** Where sign-ups and link renewals wait for the mail worker (tests: done at once). */
  mailJobs?: MailJobQueue;
  tokenSecret?: string;
}

/** The link-signing secret, for the functions that sign or verify links (api, send-digests). */
async function loadTokenSecret(config: Config): Promise<string | undefined> {
  if (config.TOKEN_SECRET) return config.TOKEN_SECRET;
  if (!config.TOKEN_SECRET_ARN) return undefined;
  const client = new SecretsManagerClient({});
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: config.TOKEN_SECRET_ARN }),
  );
  if (!SecretString) throw new Error('the token secret is empty');
  return SecretString;
}

/**
 * Every adapter built once from the parsed config, around the email renderer it is given. The
 * renderer is a parameter so that functions which never render (ingest, plan-digests, ses-events)
 * are bundled without the email renderer and its compiled emails: see composition.ts for the graph with emails.
 */
export async function assembleServices(config: Config, overrides: Overrides, renderer: EmailRenderer) {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? consoleLogger;
  const db = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT });
  const papers = createPaperRepository(db, config.PAPERS_TABLE_NAME);
  const vocabulary = createVocabularyRepository(db, config.PAPERS_TABLE_NAME);
  const subscribers = createSubscriberRepository(db, config.SUBSCRIBERS_TABLE_NAME, {
    onUnreadable: (key, reason) => logger.error('unreadable subscriber item skipped', { key, reason }),
  });
  const deliveries = createDeliveryRepository(
    db,
    { deliveries: config.DELIVERIES_TABLE_NAME, subscribers: config.SUBSCRIBERS_TABLE_NAME },
    clock,
  );
  const ledger = createRunLedger(db, config.DELIVERIES_TABLE_NAME, clock);
  const realSesClient = createSesClient({ endpoint: config.SES_ENDPOINT });
  const sesClient = overrides.sesClient ? overrides.sesClient(realSesClient) : realSesClient;
  const sesMailer = createSesMailer(sesClient, {
    from: config.SES_FROM_ADDRESS,
    configurationSet: config.SES_CONFIGURATION_SET,
  });
  // Only reads (GetAccount): plan-digests asks SES for its 24-hour quota and never sends.
  const sendQuota = createSesSendQuota(sesClient);
  // Two budgets of the account's rate, each shared by every sender: sign-up and link mail never
  // queues behind a digest run.
  const sendBudget = (budget: 'transactional' | 'digest', perSecond: number) =>
    sharedRateLimited(
      sesMailer,
      createSharedSendRateLimiter(db, config.DELIVERIES_TABLE_NAME, { budget, perSecond }),
    );
  const transactionalRate =
    config.TRANSACTIONAL_SEND_RATE ?? Math.max(1, Math.round(config.SES_MAX_SEND_RATE / 10));
  const mailer = sendBudget('transactional', transactionalRate);
  const digestMailer = sendBudget('digest', config.SES_MAX_SEND_RATE - transactionalRate);
  const sqs = createSqsClient({ endpoint: config.SQS_ENDPOINT });
  const queue =
    overrides.queue ??
    (config.SEND_QUEUE_URL ? createDigestQueue(sqs, config.SEND_QUEUE_URL) : missingQueue('SEND_QUEUE_URL'));
  const sliceQueue = config.PLAN_QUEUE_URL
    ? createPlanSliceQueue(sqs, config.PLAN_QUEUE_URL)
    : missingQueue('PLAN_QUEUE_URL');
  const mailJobs =
    overrides.mailJobs ??
    (config.MAIL_QUEUE_URL ? createMailJobQueue(sqs, config.MAIL_QUEUE_URL) : missingQueue('MAIL_QUEUE_URL'));
  const tokenSecret = overrides.tokenSecret ?? (await loadTokenSecret(config));
  const tokens = tokenSecret ? createTokenSigner(tokenSecret) : withoutTokenSecret();
  const links = createLinks(config.PUBLIC_URL);
  const subscriptions = createSubscriptionService({
    subscribers,
    deliveries,
    mailJobs,
    mailer,
    renderer,
    tokens,
    links,
    clock,
    logger,
    papers,
    isKnownTopic: (id) => Boolean(findCatalogTopic(id)),
  });
  return {
    config,
    clock,
    logger,
    db,
    sqs,
    papers,
    vocabulary,
    subscribers,
    deliveries,
    mailer,
    digestMailer,
    queue,
    sliceQueue,
    ledger,
    sendQuota,
    renderer,
    tokens,
    links,
    subscriptions,
    papersSource: () => createPapersSource(config.PAPERS_SOURCE),
  };
}

export type Services = Awaited<ReturnType<typeof assembleServices>>;

const NO_EMAIL_MESSAGE =
  'this function renders no email: build it with createServices (functions/composition.ts)';

/** The renderer of a function that sends no email: any attempt fails loudly instead of bundling one. */
const NO_EMAIL_RENDERER: EmailRenderer = {
  renderConfirmation: () => Promise.reject(new Error(NO_EMAIL_MESSAGE)),
  renderNewLink: () => Promise.reject(new Error(NO_EMAIL_MESSAGE)),
  renderDigest: () => Promise.reject(new Error(NO_EMAIL_MESSAGE)),
  personalize: () => {
    throw new Error(NO_EMAIL_MESSAGE);
  },
};

/** The graph for ingest, plan-digests and ses-events: everything but email rendering. */
export function createServicesWithoutEmail(config: Config, overrides: Overrides = {}): Promise<Services> {
  return assembleServices(config, overrides, NO_EMAIL_RENDERER);
}

/** A queue this function was given no URL for: any use fails loudly with the setting's name. */
function missingQueue(setting: string): {
  enqueue(...items: unknown[]): Promise<void>;
  requeueAlone(...items: unknown[]): Promise<void>;
} {
  const missing = async () => {
    throw new Error(`${setting} is not set`);
  };
  return { enqueue: missing, requeueAlone: missing };
}

/** For functions given no secret (ingest, plan-digests, ses-events): any use of links fails loudly. */
function withoutTokenSecret(): TokenSigner {
  const missing = (): never => {
    throw new Error('this function has no token secret: set TOKEN_SECRET_ARN (or TOKEN_SECRET locally)');
  };
  return { issue: missing, verify: missing };
}
