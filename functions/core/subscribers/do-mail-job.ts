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
