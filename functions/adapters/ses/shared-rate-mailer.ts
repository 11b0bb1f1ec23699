import { MailNotSentError, type Mailer } from '../../core/ports';
import type { SendPermits } from '../dynamodb/send-rate-limiter';

/**
 * Sends each email only once `permits` allows it, so every sender drawing on the same budget
 * stays within the account's SES rate together. When no permit can be had (the limiter's table
 * is unreachable) the email is certainly not sent: MailNotSentError, so the caller may retry it.
 */
export function sharedRateLimited(mailer: Mailer, permits: SendPermits): Mailer {
  return {
    async send(email) {
      try {
        await permits.acquire();
      } catch (error) {
        throw new MailNotSentError('no send permit: the shared send-rate limiter failed', { cause: error });
      }
      return mailer.send(email);
    },
  };
}
