import { SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { SNSEvent } from 'aws-lambda';
import { countEmails, EmailMetric, instrumented } from '../adapters/observability';
import { CLAIM_TAG, settleSentClaim } from '../core/digests/settle-claims';
import { suppressAddress } from '../core/subscribers/suppress';
import { SesEventMessageSchema } from './events';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

/**
 * SES events (configuration set → SNS → here): bounces and complaints suppress the address at once;
 * a Send event of a digest (its `claim` tag) records that reader's digest of the day as sent.
 */
export const handler = instrumented(
  async (event: SNSEvent): Promise<{ suppressed: number; settled: number; ignored: number }> => {
    const services = await getServices();
    let suppressed = 0;
    let settled = 0;
    let ignored = 0;
    for (const record of SnsSchema.parse(event).Records) {
      const message = SesEventMessageSchema.parse(JSON.parse(record.Sns.Message));
      const type = message.eventType ?? message.notificationType;
      if (type === 'Send') {
        const tag = message.mail.tags?.[CLAIM_TAG]?.[0];
        const messageId = message.mail.messageId;
        if (!tag || !messageId) ignored++;
        else if ((await settleSentClaim(services, { tag, messageId })) === 'recorded') settled++;
        continue;
      }
      const targets =
        type === 'Bounce' && message.bounce?.bounceType === 'Permanent'
          ? message.bounce.bouncedRecipients.map((r) => ({
              email: r.emailAddress,
              reason: 'hard-bounce' as const,
              detail: r.diagnosticCode,
            }))
          : type === 'Complaint' && message.complaint
            ? message.complaint.complainedRecipients.map((r) => ({
                email: r.emailAddress,
                reason: 'complaint' as const,
                detail: message.complaint?.complaintFeedbackType,
              }))
            : [];
      if (targets.length === 0) ignored++;
      else
        countEmails(
          targets[0].reason === 'complaint' ? EmailMetric.Complained : EmailMetric.Bounced,
          targets.length,
        );
      for (const target of targets) {
        if ((await suppressAddress(services, target)) === 'suppressed') suppressed++;
      }
    }
    return { suppressed, settled, ignored };
  },
);
