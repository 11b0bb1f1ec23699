import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { MailNotSentError, type Mailer, type OutgoingEmail } from '../../core/ports';

/**
 * The SES v2 client; `maxAttempts: 1` lets throttling surface at once (a test, or a sender that
 * paces itself and would rather give the email back than wait in the SDK's backoff).
 */
export function createSesClient(
  options: { endpoint?: string; region?: string; maxAttempts?: number } = {},
): SESv2Client {
  return new SESv2Client({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // Throttling is retried with backoff by the SDK's standard retry strategy.
    maxAttempts: options.maxAttempts ?? 4,
  });
}

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

async function sendClassified<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = $metadata?.httpStatusCode;
    if ((name && REFUSED.has(name)) || (status !== undefined && status >= 400 && status < 500)) {
      throw new MailNotSentError(`SES refused the email (${name ?? status})`, { cause: error });
    }
    throw error;
  }
}
