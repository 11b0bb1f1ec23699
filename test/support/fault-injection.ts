import type { SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Faults injected around the real AWS clients the adapters use, so the real adapters (and the SDK's own
 * retries) meet them as they would in AWS. Every draw comes from one seeded source, so a run that
 * fails can be replayed with its seed.
 */

/** mulberry32: a small seeded pseudo-random source, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the injected faults did, added up over every client they were injected into. */
export interface FaultCounts {
  /** SendEmail attempts SES accepted (each a mail in the SES stand-in's inbox). */
  sesAccepted: number;
  /** SendEmail attempts answered with SES's throttling error (the SDK retries them). */
  sesThrottled: number;
  /** Mails SES accepted whose answer the caller never saw (a timeout). */
  sesTimedOutAfterAccepted: number;
  /** DynamoDB requests answered with throttling on the wire (the SDK retries them). */
  dynamoThrottled: number;
  /** DynamoDB calls that failed with throttling past the SDK's retries (the caller sees the error). */
  dynamoSurfaced: number;
}

export const noFaults = (): FaultCounts => ({
  sesAccepted: 0,
  sesThrottled: 0,
  sesTimedOutAfterAccepted: 0,
  dynamoThrottled: 0,
  dynamoSurfaced: 0,
});

/** SES v2's throttling error, as the SDK deserializes it (a 429 TooManyRequestsException). */
const sesThrottling = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'TooManyRequestsException',
    $fault: 'client',
    $metadata: { httpStatusCode: 429 },
  });

/** What the caller sees when SES's answer never comes back (the SDK's request timed out). */
const answerTimedOut = () =>
  Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError', code: 'ETIMEDOUT' });

/**
 * SES faults on the wire, inside the SDK's retries (a middleware after its retry step), on SendEmail
 * only: `throttle` of the attempts are refused with SES's throttling error before SES takes them, and
 * `timeoutAfterAccepted` of the mails SES accepts never get their answer back to the caller.
 * `onAccepted` hears of each mail SES accepted, with its input and message id (what SES's Send event
 * carries).
 */
export function injectSesFaults(
  client: SESv2Client,
  options: {
    random: () => number;
    throttle: number;
    timeoutAfterAccepted: number;
    counts: FaultCounts;
    onAccepted?: (input: SendEmailCommandInput, messageId: string) => void;
  },
): SESv2Client {
  const { random, counts } = options;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendEmailCommand') return next(args);
      if (random() < options.throttle) {
        counts.sesThrottled++;
        throw sesThrottling();
      }
      const result = await next(args);
      counts.sesAccepted++;
      const messageId = (result.output as { MessageId?: string }).MessageId;
      if (messageId) options.onAccepted?.((args as { input: SendEmailCommandInput }).input, messageId);
      if (random() < options.timeoutAfterAccepted) {
        counts.sesTimedOutAfterAccepted++;
        throw answerTimedOut();
      }
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'injectSesFaults' },
  );
  return client;
}

/** DynamoDB's throttling error, as the SDK deserializes it. */
const dynamoThrottling = () =>
  Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

/**
 * DynamoDB throttling, two ways: `throttle` of the requests on the wire, inside the SDK's retries (a
 * middleware after its retry step: the SDK backs off and tries again), and `surfaced` of the calls the
 * adapters make (the client's `send` wrapped: the caller gets the error, as when the SDK's retries run
 * out). Neither throttled request reaches the table.
 */
export function injectDynamoDbFaults(
  db: DynamoDBDocumentClient,
  options: { random: () => number; throttle: number; surfaced: number; counts: FaultCounts },
): DynamoDBDocumentClient {
  const { random, counts } = options;
  db.middlewareStack.add(
    (next) => async (args) => {
      if (random() < options.throttle) {
        counts.dynamoThrottled++;
        throw dynamoThrottling();
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'injectDynamoDbThrottling' },
  );
  const send = db.send.bind(db) as (...args: unknown[]) => Promise<unknown>;
  db.send = ((...args: unknown[]) => {
    if (random() < options.surfaced) {
      counts.dynamoSurfaced++;
      return Promise.reject(dynamoThrottling());
    }
    return send(...args);
  }) as DynamoDBDocumentClient['send'];
  return db;
}
