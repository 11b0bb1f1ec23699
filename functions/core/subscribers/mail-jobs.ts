import type { Preferences } from './subscriber';

/**
 * Work that ends in an email, queued by the api and done by the mail worker at its share of the SES
 * rate. A sign-up is queued whole (not only its email), so its answer is the same work whatever the
 * address's state: nothing in the answer or its timing tells whether the address is known.
 * A new-link job carries no address and no token: the worker reads both from the subscriber.
 */
export type MailJob =
  | { job: 'sign-up'; email: string; preferences: Preferences }
  | { job: 'new-link'; subscriberId: string; tokenVersion: number };

export interface MailJobQueue {
  /** Queues a job; jobs queued at the same moment may travel in one message. */
  enqueue(job: MailJob): Promise<void>;
  /**
   * Queues each job in a message of its own: what the worker could not finish of a message that held
   * several, so the queue counts each one's failures alone (and moves only it to the DLQ).
   */
  requeueAlone(jobs: MailJob[]): Promise<void>;
}
