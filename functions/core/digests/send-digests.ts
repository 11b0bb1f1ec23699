import type {
  Clock,
  DeliveryRepository,
  DigestBatch,
  EmailRenderer,
  Logger,
  Mailer,
  PaperRepository,
  Recipient,
  RenderedEmail,
  RunLedger,
  SendCounts,
  SentDigest,
} from '../ports';
import { errorLabel } from '../errors';
import { MailNotSentError } from '../ports';
import type { Subscriber } from '../subscribers/subscriber';
import type { MatchReason } from '../matching';
import type { Paper } from '../papers';
import { toPaperView, type DigestPaperView } from './paper-view';
import { CLAIM_TAG, claimTagValue } from './settle-claims';

/** A send message that fails this many receives goes to the send DLQ (the queue's redrive policy). */
export const SEND_MAX_RECEIVE_COUNT = 5;

/** Delivery records written per request (DynamoDB's BatchWriteItem takes 25). */
const RECORDS_PER_WRITE = 25;

export interface SendDeps {
  papers: PaperRepository;
  deliveries: DeliveryRepository;
  mailer: Mailer;
  renderer: EmailRenderer;
  ledger: RunLedger;
  clock: Clock;
  logger: Logger;
  linksFor: (subscriber: Subscriber) => { manageUrl: string; unsubscribeUrl: string };
  /** Views kept across messages (cachedPaperViews); without it each message makes its own. */
  paperViews?: (paper: Paper, why: MatchReason[]) => DigestPaperView;
}

export interface SendResult extends SendCounts {
  /** Not sent, claim given back or never taken: a retry of the message sends to them. */
  retrySubscriberIds: string[];
  /** The send failed in a way that may have delivered it: the claim stays, so they get no second copy. */
  uncertainSubscriberIds: string[];
}

export interface SendOptions {
  /** False when Lambda is about to time out: the readers not yet claimed are left for the retry. */
  hasTimeLeft?: () => boolean;
  /**
   * Whether this is the message's first delivery. A reader found already claimed on a redelivery was
   * claimed by the earlier attempt and counted then, so only the first delivery counts them as skipped.
   */
  firstAttempt?: boolean;
  /** Whether a failure now is final (the message goes to the DLQ next): only then is it counted failed. */
  finalAttempt?: boolean;
}

/**
 * Sends one send-queue message: each reader's own digest, assembled from the renderer's pieces and
 * personalized. Each (reader, day) is claimed on the reader's item before the send, so a redelivered
 * message or a re-run never mails anyone twice; the sent emails are recorded in batches and the
 * outcome is added to the run's ledger once.
 */
/** The message id of a delivery record whose send SES may have accepted (a timeout, a 5xx). */
export const UNCERTAIN_MESSAGE_ID = 'unknown: SES did not answer';

export async function sendDigestBatch(
  deps: SendDeps,
  batch: DigestBatch,
  options: SendOptions = {},
): Promise<SendResult> {
  const { firstAttempt = true, finalAttempt = false } = options;
  const stored = new Map(
    (await deps.papers.getMany([...new Set(batch.papers.map((paper) => paper.paperId))])).map((paper) => [
      paper.id,
      paper,
    ]),
  );
  const views: (DigestPaperView | undefined)[] = batch.papers.map(({ paperId, why }) => {
    const paper = stored.get(paperId);
    return paper && (deps.paperViews ?? toPaperView)(paper, why);
  });
  const result: SendResult = {
    sent: 0,
    skipped: 0,
    failed: 0,
    uncertain: 0,
    retrySubscriberIds: [],
    uncertainSubscriberIds: [],
  };
  const rendered = new Map<string, Promise<RenderedEmail>>();
  const renderFor = (recipient: Recipient, papers: DigestPaperView[]): Promise<RenderedEmail> => {
    // Readers of one message often share a digest: render it once per message.
    const key = `${recipient.cadence}:${recipient.picks.join(',')}`;
    let email = rendered.get(key);
    if (!email) {
      email = deps.renderer.renderDigest({ date: batch.digestDate, cadence: recipient.cadence, papers });
      rendered.set(key, email);
    }
    return email;
  };
  const records: SentDigest[] = [];
  const writeRecords = async (all: boolean) => {
    while (records.length >= (all ? 1 : RECORDS_PER_WRITE)) {
      const chunk = records.splice(0, RECORDS_PER_WRITE);
      try {
        await deps.deliveries.recordSent(chunk);
      } catch (error) {
        // The mails are out and their claims stand, so no retry sends them again; only the records
        // (export, the messageId) are missing.
        deps.logger.error('sent digests not recorded', { count: chunk.length, error: errorLabel(error) });
      }
    }
  };

  for (const [index, recipient] of batch.recipients.entries()) {
    if (options.hasTimeLeft && !options.hasTimeLeft()) {
      // Nobody from here on is claimed yet, so the retried message sends to them.
      const deferred = batch.recipients.slice(index).map((rest) => rest.subscriberId);
      result.retrySubscriberIds.push(...deferred);
      deps.logger.warn('time running out: rest of the batch left for the retry', {
        deferred: deferred.length,
      });
      break;
    }
    const papers = recipient.picks.flatMap((pick) => views[pick] ?? []);
    if (papers.length === 0) {
      if (firstAttempt) result.skipped++;
      continue;
    }
    const subscriber = await deps.deliveries.claimDigest({
      subscriberId: recipient.subscriberId,
      digestDate: batch.digestDate,
      paperIds: papers.map((paper) => paper.id),
      forgetDays: recipient.forgetDays ?? [],
    });
    if (!subscriber) {
      if (firstAttempt) result.skipped++;
      continue;
    }
    let email: RenderedEmail;
    let links: { manageUrl: string; unsubscribeUrl: string };
    try {
      links = deps.linksFor(subscriber);
      email = deps.renderer.personalize(await renderFor(recipient, papers), links);
    } catch (error) {
      // Nothing left for SES: give the claim back so the retried message sends it.
      await deps.deliveries.releaseDigest(subscriber.id, batch.digestDate);
      deps.logger.error('digest not rendered', { subscriberId: subscriber.id, error: errorLabel(error) });
      result.retrySubscriberIds.push(subscriber.id);
      if (finalAttempt) result.failed++;
      continue;
    }
    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send({
        to: subscriber.email,
        ...email,
        headers: {
          'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
        // The claim travels with the mail: SES's Send event settles it (settle-claims.ts).
        tags: { [CLAIM_TAG]: claimTagValue(subscriber.id, batch.digestDate) },
      }));
    } catch (error) {
      if (error instanceof MailNotSentError) {
        // Certainly not sent: give the claim back so the retried message sends it.
        await deps.deliveries.releaseDigest(subscriber.id, batch.digestDate);
        deps.logger.error('digest send failed', { subscriberId: subscriber.id, error: errorLabel(error) });
        result.retrySubscriberIds.push(subscriber.id);
        if (finalAttempt) result.failed++;
      } else {
        // A timeout or 5xx may still have delivered it: keep the claim, at most once beats twice.
        deps.logger.error('digest send outcome unknown; not retried', {
          subscriberId: subscriber.id,
          error: errorLabel(error),
        });
        result.uncertainSubscriberIds.push(subscriber.id);
        result.uncertain++;
        // Recorded as probably sent, so no operator releases the claim as stuck and sends it twice.
        records.push({
          subscriberId: subscriber.id,
          digestDate: batch.digestDate,
          paperIds: papers.map((paper) => paper.id),
          messageId: UNCERTAIN_MESSAGE_ID,
        });
        await writeRecords(false);
      }
      continue;
    }
    result.sent++;
    records.push({
      subscriberId: subscriber.id,
      digestDate: batch.digestDate,
      paperIds: papers.map((paper) => paper.id),
      messageId,
    });
    await writeRecords(false);
  }
  await writeRecords(true);

  const { sent, skipped, failed, uncertain } = result;
  if (sent + skipped + failed + uncertain > 0) {
    await deps.ledger
      .addSent(batch, { sent, skipped, failed, uncertain })
      .catch((error) => deps.logger.error('run ledger not updated', { error: errorLabel(error) }));
  }
  deps.logger.info('digest batch processed', {
    digestDate: batch.digestDate,
    runId: batch.runId,
    readers: batch.recipients.length,
    papers: batch.papers.length,
    sent,
    skipped,
    retry: result.retrySubscriberIds.length,
    uncertain,
  });
  return result;
}
