import type { TokenPurpose } from '../tokens';
import { confirmSubscription } from './confirm';
import { doMailJob, doMailMessage } from './do-mail-job';
import { readerFeed } from './feed';
import { checkLink, personalLinks } from './link-access';
import type { MailJob } from './mail-jobs';
import { deleteData, exportData } from './personal-data';
import { getPreferences, updatePreferences } from './preferences';
import { renewLinks } from './renew-links';
import { ratePaper, ratingLinkPaper, readerRatings } from './ratings';
import { requestSignUp, type SignUpInput } from './subscribe';
import type { Subscriber } from './subscriber';
import type { SubscriptionDeps } from './subscription-deps';
import { unsubscribe } from './unsubscribe';
import { viewDigest } from './view-digest';

export { MAX_CONFIRMATIONS_PER_DAY, MIN_SECONDS_BETWEEN_CONFIRMATIONS } from './subscribe';
export type { PreferencesView } from './preferences';
export type { ReaderFeed } from './feed';
export type { HostedDigest } from './view-digest';
export type { SubscriptionDeps } from './subscription-deps';

/**
 * Everything a person does to their own subscription, each use case in a file of its own (this folder),
 * bound to the same dependencies for the api and the mail worker.
 */
export function createSubscriptionService(deps: SubscriptionDeps) {
  return {
    /** The sign-up form: checked, then queued for the mail worker (`doMailJob`). */
    subscribe: (input: SignUpInput) => requestSignUp(deps, input),
    confirm: (token: unknown) => confirmSubscription(deps, token),
    checkToken: (token: unknown, purpose: TokenPurpose) => checkLink(deps, token, purpose),
    getPreferences: (token: unknown) => getPreferences(deps, token),
    updatePreferences: (token: unknown, changes: Record<string, unknown>) =>
      updatePreferences(deps, token, changes),
    unsubscribe: (token: unknown) => unsubscribe(deps, token),
    exportData: (token: unknown) => exportData(deps, token),
    deleteData: (token: unknown) => deleteData(deps, token),
    renewLinks: (token: unknown) => renewLinks(deps, token),
    /** The page of a rating link: its paper and the reader's verdict so far (records nothing). */
    ratingLinkPaper: (token: unknown) => ratingLinkPaper(deps, token),
    /** "More like this", "not for me" or the undo, from a rating link or the manage link. */
    ratePaper: (input: { token: unknown; verdict: unknown; paper?: unknown }) => ratePaper(deps, input),
    /** The ratings the reader's own preview ranks with (the manage link). */
    readerRatings: (token: unknown) => readerRatings(deps, token),
    /** The hosted copy of a digest behind its "View in browser" link (reads only). */
    viewDigest: (token: unknown) => viewDigest(deps, token),
    /** The reader's Atom feed of the papers their recent digests carried (the feed link). */
    readerFeed: (token: unknown) => readerFeed(deps, token),
    /** The mail worker: a queued sign-up or new link, done. */
    doMailJob: (job: MailJob) => doMailJob(deps, job),
    /** The mail worker: the jobs of one queued message, with what is unfinished queued again. */
    doMailMessage: (jobs: MailJob[], options: { hasTimeLeft: () => boolean }) =>
      doMailMessage(deps, jobs, options),
    /** Links for the emails a subscriber receives. */
    linksFor: (subscriber: Subscriber, digestDate?: string) => personalLinks(deps, subscriber, digestDate),
  };
}
export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
