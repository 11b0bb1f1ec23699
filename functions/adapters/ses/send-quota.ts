import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { SendQuota } from '../../core/ports';

/** The SES account's 24-hour sending quota, from SES v2 GetAccount (SendQuota). */
export function createSesSendQuota(client: SESv2Client): SendQuota {
  return {
    async read() {
      const { SendQuota: quota } = await client.send(new GetAccountCommand({}));
      const max24HourSend = quota?.Max24HourSend;
      // SES answers -1 for an account without a 24-hour quota: nothing to stay under.
      if (typeof max24HourSend !== 'number' || max24HourSend < 0) return undefined;
      return { max24HourSend, sentLast24Hours: quota?.SentLast24Hours ?? 0 };
    },
  };
}
