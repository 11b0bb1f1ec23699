import { errorLabel, LinkNotSentError } from '../errors';
import type { MailJob } from './mail-jobs';
import { personalLinks, revokedLink, verifiedLink } from './link-access';
import { saveWithRetry } from './save-with-retry';
import { isActive } from './subscriber';
import type { SubscriptionDeps } from './subscription-deps';

/**
 * "Get a new link": revokes every link issued so far (manage, unsubscribe, pending confirmation), for
 * when an email was forwarded, and queues a fresh manage link to the subscriber's own address.
 * Unsubscribed readers may renew too (their link still manages and deletes their data). The bump is
 * saved before the mail is queued, so a failure never revives the old links: it throws
 * LinkNotSentError. A suppressed address is never mailed: its links are revoked and `mailed` is false.
 */
export async function renewLinks(deps: SubscriptionDeps, token: unknown): Promise<{ mailed: boolean }> {
  const { subscriber, claims } = await verifiedLink(deps, token, ['manage']);
  const renewed = await saveWithRetry(deps, subscriber, (current) => {
    // Checked on the copy being saved: a link revoked meanwhile (a parallel renewal) renews nothing.
    if (current.tokenVersion !== claims.version) throw revokedLink();
    return { ...current, tokenVersion: current.tokenVersion + 1 };
  });
  const mailed = !renewed.suppressed;
  if (mailed) {
    try {
      await deps.mailJobs.enqueue({
        job: 'new-link',
        subscriberId: renewed.id,
        tokenVersion: renewed.tokenVersion,
      });
    } catch (error) {
      deps.logger.error('new link not queued; old links stay revoked', {
        subscriberId: renewed.id,
        error: errorLabel(error),
      });
      const getOneNow =
        'subscribe again from the home page with the same address: the confirmation link opens your settings.';
      throw new LinkNotSentError(
        'Your old links no longer work, but we could not send you a new one. ' +
          (isActive(renewed)
            ? `Your next digest will carry working links; to get a link now, ${getOneNow}`
            : `To get a link, ${getOneNow}`),
        { cause: error },
      );
    }
  }
  deps.logger.info('links renewed', { subscriberId: renewed.id, mailed });
  return { mailed };
}

export type NewLinkOutcome = 'mailed' | 'superseded' | 'gone' | 'suppressed';

/**
 * Mails the links of a renewal (the mail worker). A renewal made since, or a deletion, makes the job
 * moot: the later renewal queued its own mail. Throws when the mail could not be sent, so the queue's
 * retry tries again.
 */
export async function mailNewLink(
  deps: SubscriptionDeps,
  job: Extract<MailJob, { job: 'new-link' }>,
): Promise<NewLinkOutcome> {
  const subscriber = await deps.subscribers.get(job.subscriberId);
  if (!subscriber) return 'gone';
  if (subscriber.tokenVersion !== job.tokenVersion) return 'superseded';
  if (subscriber.suppressed) return 'suppressed';
  const { manageUrl, unsubscribeUrl } = personalLinks(deps, subscriber);
  const email = await deps.renderer.renderNewLink({ manageUrl, unsubscribeUrl });
  await deps.mailer.send({ to: subscriber.email, ...email });
  deps.logger.info('new link mailed', { subscriberId: subscriber.id });
  return 'mailed';
}
