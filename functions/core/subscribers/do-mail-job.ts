import { errorLabel } from '../errors';
import type { MailJob } from './mail-jobs';
import { mailNewLink, type NewLinkOutcome } from './renew-links';
import { signUp, type SignUpOutcome } from './subscribe';
import type { SubscriptionDeps } from './subscription-deps';

/** The mail worker's use case: one queued job, done. Throws to have the queue retry it. */
export function doMailJob(deps: SubscriptionDeps, job: MailJob): Promise<SignUpOutcome | NewLinkOutcome> {
  switch (job.job) {
    case 'sign-up':
      return signUp(deps, job);
    case 'new-link':
      return mailNewLink(deps, job);
  }
}

export type MailJobOutcome = SignUpOutcome | NewLinkOutcome | 'failed' | 'not reached';

/**
 * The jobs of one queued message, in order, while there is time. What failed or was not reached is
 * tried again without doing twice what was done: when every job was tried and failed, the whole
 * message goes back (`retryMessage`; the queue counts its receives and moves it to the DLQ in the
 * end); otherwise each unfinished job is queued again in a message of its own (a fresh count: one
 * not reached was never tried, and one that failed beside others that did keeps failing alone, into
 * the DLQ). Should that queueing fail, the whole message goes back and its done jobs run again (a
 * sign-up within its flood limit sends no second confirmation; a new link may be mailed twice).
 */
export async function doMailMessage(
  deps: SubscriptionDeps,
  jobs: MailJob[],
  options: { hasTimeLeft: () => boolean },
): Promise<{ outcomes: MailJobOutcome[]; retryMessage: boolean }> {
  const outcomes: MailJobOutcome[] = [];
  const unfinished: MailJob[] = [];
  for (const job of jobs) {
    if (!options.hasTimeLeft()) {
      outcomes.push('not reached');
      unfinished.push(job);
      continue;
    }
    try {
      outcomes.push(await doMailJob(deps, job));
    } catch (error) {
      deps.logger.error('mail job failed', { job: job.job, error: errorLabel(error) });
      outcomes.push('failed');
      unfinished.push(job);
    }
  }
  if (unfinished.length === 0) return { outcomes, retryMessage: false };
  if (outcomes.every((outcome) => outcome === 'failed')) return { outcomes, retryMessage: true };
  try {
    await deps.mailJobs.requeueAlone(unfinished);
    return { outcomes, retryMessage: false };
  } catch (error) {
    deps.logger.error('unfinished mail jobs not requeued: the message goes back whole', {
      jobs: unfinished.length,
      error: errorLabel(error),
    });
    return { outcomes, retryMessage: true };
  }
}
