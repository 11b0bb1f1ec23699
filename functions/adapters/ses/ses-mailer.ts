import { SESv2Client, SendEmailCommand, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { MailNotSentError, SendingRefusedError, type Mailer, type OutgoingEmail } from '../../core/ports';

/**
 * The SES v2 client; `maxAttempts: 1` lets throttling surface at once (a test, or a sender that
 * paces itself and would rather give the email back than wait in the SDK's backoff).
 */
export function createSesClient(
  options: { endpoint?: string; region?: string; maxAttempts?: number } = {},
): SESv2Client {
  const maxAttempts = options.maxAttempts ?? 4;
  return new SESv2Client({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts,
    retryStrategy: throttlingOnlyRetries(maxAttempts),
  });
}

type RetryStrategy = Extract<
  NonNullable<SESv2ClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategy['acquireInitialRetryToken']>>;

/** The first throttling retry waits up to this long, each next one twice as long (full jitter). */
const THROTTLING_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 20_000;

/**
 * Retries throttling only, with exponential backoff. The SDK's standard strategy also retries
 * timeouts, connection resets and 5xx, which for SendEmail means a second copy whenever SES had
 * accepted the first: those surface instead, and the sender treats them as may-have-been-sent.
 * Throttling is a refusal (nothing was sent), so retrying it is safe, except when the 24-hour quota
 * is spent: that lasts for hours. (The client's one other call, GetAccount, falls back to the
 * configured quota when it fails.)
 */
function throttlingOnlyRetries(maxAttempts: number): RetryStrategy {
  const token = (retries: number, delay: number): RetryToken => ({
    getRetryCount: () => retries,
    getRetryDelay: () => delay,
  });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    async refreshRetryTokenForRetry(previous, { errorType, error }) {
      const retries = previous.getRetryCount() + 1;
      if (errorType !== 'THROTTLING' || retries >= maxAttempts || isDailyQuotaSpent(error))
        throw new Error('SendEmail is retried only when throttled');
      const ceiling = Math.min(MAX_RETRY_DELAY_MS, THROTTLING_DELAY_MS * 2 ** (retries - 1));
      return token(retries, Math.random() * ceiling);
    },
    recordSuccess: () => undefined,
  };
}

const isDailyQuotaSpent = (error: unknown): boolean =>
  /daily message quota exceeded/i.test(String((error as { message?: unknown } | undefined)?.message ?? ''));

/**
 * Sends through SES v2 SendEmail with Simple content: HTML and text parts (multipart/alternative)
 * and custom headers such as List-Unsubscribe, which the v1 API can set only through raw MIME.
 */
export function createSesMailer(
  client: SESv2Client,
  options: { from: string; configurationSet?: string },
): Mailer {
  return {
    async send(email: OutgoingEmail) {
      const tags = Object.entries(email.tags ?? {}).map(([Name, Value]) => ({ Name, Value }));
      const response = await sendClassified(() =>
        client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [email.to] },
            ConfigurationSetName: options.configurationSet,
            // Returned in the configuration set's events (mail.tags), e.g. the digest's claim.
            ...(tags.length > 0 ? { EmailTags: tags } : {}),
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: {
                  Html: { Data: email.html, Charset: 'UTF-8' },
                  Text: { Data: email.text, Charset: 'UTF-8' },
                },
                Headers: Object.entries(email.headers ?? {}).map(([Name, Value]) => ({ Name, Value })),
              },
            },
          }),
        ),
      );
      if (!response.MessageId) throw new Error('SES accepted the message without a MessageId');
      return { messageId: response.MessageId };
    },
  };
}

/**
 * SES errors that mean the message was refused before it was accepted (throttling after the
 * SDK's retries, a paused account, a rejected message or any other 4xx). Timeouts, connection
 * resets and 5xx leave the outcome unknown and are rethrown as they are.
 */
const REFUSED = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
]);

/**
 * Refusals of SendEmail that hold for every email of the account, not this one alone: sending paused
 * (by SES after a review, by the operator, or for the configuration set), the account suspended, the
 * sender's MAIL FROM domain unverified, the configuration set missing (NotFoundException names a
 * resource of the call, and SendEmail's only one is the configuration set). The 24-hour quota spent
 * is a throttling error whose message says so.
 */
const ACCOUNT_REFUSALS = new Set([
  'SendingPausedException',
  'AccountSuspendedException',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
]);

async function sendClassified<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = $metadata?.httpStatusCode;
    if (name && ACCOUNT_REFUSALS.has(name)) throw new SendingRefusedError(name, { cause: error });
    if ((name && REFUSED.has(name)) || (status !== undefined && status >= 400 && status < 500)) {
      if (isDailyQuotaSpent(error))
        throw new SendingRefusedError(`daily quota exceeded (${name ?? status})`, { cause: error });
      throw new MailNotSentError(`SES refused the email (${name ?? status})`, { cause: error });
    }
    throw error;
  }
}
