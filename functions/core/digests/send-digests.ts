import { createHash } from 'node:crypto';
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
import { MailNotSentError, SendingRefusedError, type ReaderLinks } from '../ports';
import type { Subscriber } from '../subscribers/subscriber';
import type { MatchReason } from '../matching';
import type { Paper } from '../papers';
import { toPaperView, type DigestPaperView } from './paper-view';
import { CLAIM_TAG, claimTagValue } from './settle-claims';

/** A send message that fails this many receives goes to the send DLQ (the queue's redrive policy). */
export const SEND_MAX_RECEIVE_COUNT = 5;

/** Delivery records written per request (DynamoDB's BatchWriteItem takes 25). */
const RECORDS_PER_WRITE = 25;

/**
 * Refusals in a row for the whole account (SendingRefusedError: sending paused, account suspended…)
 * after which the sender stops and leaves the rest of the message for the retry.
 */
export const REFUSALS_BEFORE_STOP = 3;

/**
 * How often a write that keeps the books of mail already sent or refused is tried (the records, a
 * claim given back, the ledger) when the store fails beyond its SDK's retries.
 */
const BOOKKEEPING_ATTEMPTS = 3;
const BOOKKEEPING_BACKOFF_MS = 100;

export interface SendDeps {
  papers: PaperRepository;
  deliveries: DeliveryRepository;
  mailer: Mailer;
  renderer: EmailRenderer;
  ledger: RunLedger;
  clock: Clock;
  logger: Logger;
  /** The reader's links in the digest of `digestDate` (manage, unsubscribe, rating, view in browser). */
  linksFor: (subscriber: Subscriber, digestDate: string) => ReaderLinks;
  /** Views kept across messages (cachedPaperViews); without it each message makes its own. */
  paperViews?: (paper: Paper, why: MatchReason[]) => DigestPaperView;
}

export interface SendResult extends SendCounts {
  /** Not sent, claim given back or never taken: a retry of the message sends to them. */
  retrySubscriberIds: string[];
  /** The send failed in a way that may have delivered it: the claim stays, so they get no second copy. */
  uncertainSubscriberIds: string[];
  /**
   * Set when SES refused the account's mail REFUSALS_BEFORE_STOP times in a row and the rest of the
   * message was left for the retry: SES's reason (SendingPausedException, …).
   */
  refusal?: string;
}

export interface SendOptions {
  /** False when Lambda is about to time out: the readers not yet claimed are left for the retry. */
  hasTimeLeft?: () => boolean;
  /**
   * Whether this is the message's first delivery. A reader found already claimed on a redelivery was
   * claimed by an earlier attempt, so only the first delivery counts them as skipped; those an earlier
   * attempt claimed and never counted (it died midway) the redelivery counts as uncertain, from what
   * the run's ledger says the attempts before it counted (`RunLedger.countedOf`).
   */
  firstAttempt?: boolean;
  /** Whether a failure now is final (the message goes to the DLQ next): only then is it counted failed. */
  finalAttempt?: boolean;
}

/** The message id of a delivery record whose send SES may have accepted (a timeout, a 5xx). */
export const UNCERTAIN_MESSAGE_ID = 'unknown: SES did not answer';

/**
 * The key of a send message in its run's ledger: the same on every delivery of the message (and for
 * an identical copy a retried slice queued), different for any other message of the run.
 */
export function sendMessageKey(batch: DigestBatch): string {
  const readers = batch.recipients.map((recipient) => recipient.subscriberId);
  return createHash('sha256')
    .update(JSON.stringify([batch.digestDate, batch.runId, readers]))
    .digest('base64url')
    .slice(0, 22);
}

/** What became of one reader of the message in this attempt. */
type RecipientOutcome =
  /** SES accepted it; or may have (`uncertain`: the claim stays, it is recorded as probably sent). */
  | { kind: 'sent' | 'uncertain'; record: SentDigest }
  /** Nothing to send (no papers left), or the claim was refused: already claimed, or no longer active. */
  | { kind: 'skipped' }
  /** Not sent, and the claim given back (or never taken): the retry sends it. */
  | { kind: 'retry' }
  /** As `retry`, because SES refuses every email of the account for now. */
  | { kind: 'refused'; reason: string };

/** One attempt at one message, as each reader's send sees it. */
interface BatchContext {
  deps: SendDeps;
  batch: DigestBatch;
  views: (DigestPaperView | undefined)[];
  /** The digest of a cadence and papers, rendered once per message. */
  renderFor: (recipient: Recipient, papers: DigestPaperView[]) => Promise<RenderedEmail>;
}

/**
 * Sends one send-queue message: each reader's own digest, assembled from the renderer's pieces and
 * personalized. Each (reader, day) is claimed on the reader's item before the send, so a redelivered
 * message or a re-run never mails anyone twice; the sent emails are recorded in batches and the
 * attempt's outcome is added to the run's ledger once. The sender stops early, leaving the readers it
 * has not claimed to the retry, when Lambda's time runs out or when SES refuses the account's mail
 * REFUSALS_BEFORE_STOP times in a row.
 */
export async function sendDigestBatch(
  deps: SendDeps,
  batch: DigestBatch,
  options: SendOptions = {},
): Promise<SendResult> {
  const { firstAttempt = true, finalAttempt = false } = options;
  const messageKey = sendMessageKey(batch);
  // What the attempts before this one counted: the readers they left unaccounted (they died before
  // counting, a killed sender) are counted by this one. A first delivery has nobody before it.
  const countedBefore = !firstAttempt ? await deps.ledger.countedOf(batch, messageKey) : undefined;
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
  const context: BatchContext = {
    deps,
    batch,
    views,
    renderFor: (recipient, papers) => {
      // Readers of one message often share a digest: render it once per message.
      const key = `${recipient.cadence}:${recipient.picks.join(',')}`;
      let email = rendered.get(key);
      if (!email) {
        const papersInWindow = batch.papersInWindow?.[recipient.cadence];
        email = deps.renderer.renderDigest({
          date: batch.digestDate,
          cadence: recipient.cadence,
          papers,
          ...(papersInWindow !== undefined ? { papersInWindow } : {}),
        });
        rendered.set(key, email);
      }
      return email;
    },
  };
  const records: SentDigest[] = [];
  const writeRecords = async (all: boolean) => {
    while (records.length >= (all ? 1 : RECORDS_PER_WRITE)) {
      const chunk = records.splice(0, RECORDS_PER_WRITE);
      // The mails are out and their claims stand, so no retry sends them again; without their
      // records (export, the messageId) a claim looks stuck, so the write is tried again.
      await bookkeeping(
        () => deps.deliveries.recordSent(chunk),
        (error, attempt) =>
          deps.logger.error('sent digests not recorded', {
            count: chunk.length,
            attempt,
            error: errorLabel(error),
          }),
      ).catch(() => undefined);
    }
  };

  // Readers whose outcome this attempt knows, counted or not (a refused claim on a redelivery).
  let settled = 0;
  let refusalsInARow = 0;
  let refusal: string | undefined;
  try {
    for (const [index, recipient] of batch.recipients.entries()) {
      const outOfTime = options.hasTimeLeft !== undefined && !options.hasTimeLeft();
      const refused = refusalsInARow >= REFUSALS_BEFORE_STOP ? refusal : undefined;
      if (outOfTime || refused) {
        // Nobody from here on is claimed yet, so the retried message sends to them.
        const deferred = batch.recipients.slice(index).map((rest) => rest.subscriberId);
        result.retrySubscriberIds.push(...deferred);
        if (outOfTime)
          deps.logger.warn('time running out: rest of the batch left for the retry', {
            deferred: deferred.length,
          });
        else {
          result.refusal = refused;
          deps.logger.error('SES refuses to send for the account: rest of the batch left for the retry', {
            reason: refused,
            refusals: refusalsInARow,
            deferred: deferred.length,
          });
        }
        break;
      }
      const outcome = await sendToRecipient(context, recipient);
      switch (outcome.kind) {
        case 'sent':
        case 'uncertain':
          refusalsInARow = 0;
          settled++;
          result[outcome.kind]++;
          if (outcome.kind === 'uncertain') result.uncertainSubscriberIds.push(recipient.subscriberId);
          records.push(outcome.record);
          await writeRecords(false);
          break;
        case 'skipped':
          settled++;
          if (firstAttempt) result.skipped++;
          break;
        case 'refused':
        case 'retry':
          if (outcome.kind === 'refused') {
            refusalsInARow++;
            refusal = outcome.reason;
          }
          result.retrySubscriberIds.push(recipient.subscriberId);
          if (finalAttempt) {
            settled++;
            result.failed++;
          }
          break;
      }
    }
  } finally {
    await writeRecords(true);
  }
  if (countedBefore !== undefined) {
    // Readers this attempt found settled that no attempt counted: claimed by one that died.
    const counted = result.sent + result.skipped + result.failed + result.uncertain;
    const uncounted = Math.max(0, settled - countedBefore - counted);
    if (uncounted > 0) {
      result.uncertain += uncounted;
      deps.logger.warn('readers claimed by an earlier attempt that did not finish: counted uncertain', {
        count: uncounted,
      });
    }
  }
  const { sent, skipped, failed, uncertain } = result;
  if (sent + skipped + failed + uncertain > 0) {
    await bookkeeping(
      () => deps.ledger.addSent(batch, { sent, skipped, failed, uncertain }, { key: messageKey }),
      (error, attempt, last) => {
        if (!last) deps.logger.warn('run ledger not updated yet', { attempt, error: errorLabel(error) });
      },
    ).catch((error) => deps.logger.error('run ledger not updated', { error: errorLabel(error) }));
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
    ...(result.refusal ? { refusal: result.refusal } : {}),
  });
  return result;
}

/**
 * One reader of the message: claim their digest of the day, assemble and personalize it, send it.
 * Whatever fails, the claim stands only when the mail went out or may have: a reader whose mail
 * certainly did not go gets their claim back, so the retry sends it.
 */
async function sendToRecipient(context: BatchContext, recipient: Recipient): Promise<RecipientOutcome> {
  const { deps, batch } = context;
  const papers = recipient.picks.flatMap((pick) => context.views[pick] ?? []);
  if (papers.length === 0) return { kind: 'skipped' };
  const paperIds = papers.map((paper) => paper.id);
  let subscriber: Subscriber | undefined;
  try {
    subscriber = await deps.deliveries.claimDigest({
      subscriberId: recipient.subscriberId,
      digestDate: batch.digestDate,
      paperIds,
      forgetDays: recipient.forgetDays ?? [],
    });
  } catch (error) {
    // The claim may or may not be written: the retry sends it, or finds it claimed and counts it.
    deps.logger.error('digest not claimed', {
      subscriberId: recipient.subscriberId,
      error: errorLabel(error),
    });
    return { kind: 'retry' };
  }
  if (!subscriber) return { kind: 'skipped' };
  const giveBack = () => releaseClaim(deps, subscriber.id, batch.digestDate);

  let email: RenderedEmail;
  let links: ReaderLinks;
  try {
    links = deps.linksFor(subscriber, batch.digestDate);
    email = deps.renderer.personalize(await context.renderFor(recipient, papers), links);
  } catch (error) {
    // Nothing left for SES: give the claim back so the retried message sends it.
    await giveBack();
    deps.logger.error('digest not rendered', { subscriberId: subscriber.id, error: errorLabel(error) });
    return { kind: 'retry' };
  }
  const record = (messageId: string): SentDigest => ({
    subscriberId: subscriber.id,
    digestDate: batch.digestDate,
    paperIds,
    messageId,
  });
  try {
    const { messageId } = await deps.mailer.send({
      to: subscriber.email,
      ...email,
      headers: {
        'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      // The claim travels with the mail: SES's Send event settles it (settle-claims.ts).
      tags: { [CLAIM_TAG]: claimTagValue(subscriber.id, batch.digestDate) },
    });
    return { kind: 'sent', record: record(messageId) };
  } catch (error) {
    if (error instanceof MailNotSentError) {
      // Certainly not sent: give the claim back so the retried message sends it.
      await giveBack();
      deps.logger.error('digest send failed', { subscriberId: subscriber.id, error: errorLabel(error) });
      return error instanceof SendingRefusedError
        ? { kind: 'refused', reason: error.reason }
        : { kind: 'retry' };
    }
    // A timeout or 5xx may still have delivered it: keep the claim, at most once beats twice.
    deps.logger.error('digest send outcome unknown; not retried', {
      subscriberId: subscriber.id,
      error: errorLabel(error),
    });
    // Recorded as probably sent, so no operator releases the claim as stuck and sends it twice.
    return { kind: 'uncertain', record: record(UNCERTAIN_MESSAGE_ID) };
  }
}

/**
 * Gives a claim back after a send that certainly did not happen. When the store keeps failing the
 * claim stays: the reader is not sent by this run, and the claim, with no delivery record, is listed
 * as stuck once the run is over (settle-claims.ts), so a re-run of the day sends it.
 */
async function releaseClaim(deps: SendDeps, subscriberId: string, digestDate: string): Promise<void> {
  await bookkeeping(
    () => deps.deliveries.releaseDigest(subscriberId, digestDate),
    () => undefined,
  ).catch((error) =>
    deps.logger.error('digest claim not given back', { subscriberId, error: errorLabel(error) }),
  );
}

/**
 * A write that keeps the books of what was done (SES was called already), tried BOOKKEEPING_ATTEMPTS
 * times with backoff; `onFailure` hears of each failed try. Rejects with the last error.
 */
async function bookkeeping<T>(
  write: () => Promise<T>,
  onFailure: (error: unknown, attempt: number, last: boolean) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const last = attempt >= BOOKKEEPING_ATTEMPTS;
      onFailure(error, attempt, last);
      if (last) throw error;
      await new Promise((resolve) => setTimeout(resolve, BOOKKEEPING_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}
