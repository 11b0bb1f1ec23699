import type {
  Clock,
  DeliveryRepository,
  DigestBatch,
  EmailRenderer,
  Logger,
  Mailer,
  PaperRepository,
  SubscriberRepository,
} from '../ports';
import { errorLabel } from '../errors';
import { MailNotSentError } from '../ports';
import { isActive, type Subscriber } from '../subscribers/subscriber';
import { toPaperView } from './paper-view';

export interface SendDeps {
  papers: PaperRepository;
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  mailer: Mailer;
  renderer: EmailRenderer;
  clock: Clock;
  logger: Logger;
  linksFor: (subscriber: Subscriber) => { manageUrl: string; unsubscribeUrl: string };
}

export interface SendResult {
  sent: number;
  /** Not sent on purpose: unsubscribed, paused or suppressed since planning, or already sent. */
  skipped: number;
  /** Not sent, claim given back: a retry of the batch sends to them. */
  failedSubscriberIds: string[];
  /** The send failed in a way that may have delivered it: the claim stays, so they get no second copy. */
  uncertainSubscriberIds: string[];
}

/**
 * Sends one planned digest to its group of subscribers: renders once, personalizes the
 * links per subscriber, and claims each (subscriber, day) first so a redelivered message never
 * mails anyone twice.
 */
export async function sendDigestBatch(
  deps: SendDeps,
  batch: DigestBatch,
  options: { hasTimeLeft?: () => boolean } = {},
): Promise<SendResult> {
  const papers = new Map(
    (await deps.papers.getMany(batch.papers.map((paper) => paper.paperId))).map((p) => [p.id, p]),
  );
  const views = batch.papers.flatMap(({ paperId, why }) => {
    const paper = papers.get(paperId);
    return paper ? [toPaperView(paper, why)] : [];
  });
  const result: SendResult = { sent: 0, skipped: 0, failedSubscriberIds: [], uncertainSubscriberIds: [] };
  if (views.length === 0) {
    result.skipped = batch.subscriberIds.length;
    return result;
  }
  const rendered = await deps.renderer.renderDigest({
    date: batch.digestDate,
    cadence: batch.cadence,
    papers: views,
  });
  const sentPaperIds = views.map((view) => view.id);
  const subscribers = await deps.subscribers.getMany(batch.subscriberIds);
  result.skipped += batch.subscriberIds.length - subscribers.length;

  for (const [index, subscriber] of subscribers.entries()) {
    if (options.hasTimeLeft && !options.hasTimeLeft()) {
      // Nobody from here on is claimed yet, so the retried message sends to them.
      const deferred = subscribers.slice(index).map((rest) => rest.id);
      result.failedSubscriberIds.push(...deferred);
      deps.logger.warn('time running out: rest of the batch left for the retry', {
        deferred: deferred.length,
      });
      break;
    }
    if (!isActive(subscriber) || !(await deps.deliveries.claimDigest(subscriber.id, batch.digestDate))) {
      result.skipped++;
      continue;
    }
    let messageId: string;
    try {
      const links = deps.linksFor(subscriber);
      const email = deps.renderer.personalize(rendered, links);
      ({ messageId } = await deps.mailer.send({
        to: subscriber.email,
        ...email,
        headers: {
          'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      }));
    } catch (error) {
      if (error instanceof MailNotSentError) {
        // Certainly not sent: give the claim back so the retried message sends it.
        await deps.deliveries.releaseDigest(subscriber.id, batch.digestDate);
        deps.logger.error('digest send failed', { subscriberId: subscriber.id, error: errorLabel(error) });
        result.failedSubscriberIds.push(subscriber.id);
      } else {
        // A timeout or 5xx may still have delivered it: keep the claim, at most once beats twice.
        deps.logger.error('digest send outcome unknown; not retried', {
          subscriberId: subscriber.id,
          error: errorLabel(error),
        });
        result.uncertainSubscriberIds.push(subscriber.id);
      }
      continue;
    }
    result.sent++;
    try {
      await deps.deliveries.recordSent(subscriber.id, batch.digestDate, sentPaperIds, messageId);
    } catch (error) {
      // The mail is out and the claim stays, so a retry cannot send it again; only the
      // per-paper history is missing, which at worst lets a paper appear in a later digest.
      deps.logger.error('sent digest not recorded', {
        subscriberId: subscriber.id,
        messageId,
        error: errorLabel(error),
      });
    }
  }
  deps.logger.info('digest batch processed', {
    digestDate: batch.digestDate,
    papers: views.length,
    sent: result.sent,
    skipped: result.skipped,
    failed: result.failedSubscriberIds.length,
    uncertain: result.uncertainSubscriberIds.length,
  });
  return result;
}
