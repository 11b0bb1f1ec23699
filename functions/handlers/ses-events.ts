import { SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import type { SNSEvent } from 'aws-lambda';
import { countEmails, EmailMetric, type EmailMetricName, instrumented } from '../adapters/observability';
import { parseSesNotification } from '../adapters/ses/feedback';
import { settleSentClaim } from '../core/digests/settle-claims';
import { applyFeedback, type Feedback } from '../core/subscribers/feedback';
import { createServicesWithoutEmail } from '../service-graph';
import { lambdaServices } from './runtime';

const getServices = lambdaServices(createServicesWithoutEmail);

const METRIC_OF: Record<Feedback['kind'], EmailMetricName> = {
  'hard-bounce': EmailMetric.Bounced,
  'soft-bounce': EmailMetric.SoftBounced,
  complaint: EmailMetric.Complained,
};

/**
 * SES events (configuration set → SNS → here): each recipient's bounce or complaint goes to the core
 * (hard bounces and complaints suppress, soft bounces are recorded and suppress when they repeat); a
 * Send event of a digest (its `claim` tag) records that reader's digest of the day as sent.
 */
export const handler = instrumented(
  async (
    event: SNSEvent,
  ): Promise<{ suppressed: number; recorded: number; settled: number; ignored: number }> => {
    const services = await getServices();
    const counts = { suppressed: 0, recorded: 0, settled: 0, ignored: 0 };
    for (const record of SnsSchema.parse(event).Records) {
      const notification = parseSesNotification(record.Sns.Message, record.Sns.Timestamp);
      if (notification.type === 'ignored') counts.ignored++;
      else if (notification.type === 'send') {
        if ((await settleSentClaim(services, notification)) === 'recorded') counts.settled++;
      } else {
        for (const kind of Object.keys(METRIC_OF) as Feedback['kind'][])
          countEmails(METRIC_OF[kind], notification.items.filter((item) => item.kind === kind).length);
        for (const feedback of notification.items) {
          const outcome = await applyFeedback(services, feedback);
          if (outcome === 'suppressed' || outcome === 'recorded') counts[outcome]++;
        }
      }
    }
    return counts;
  },
);
