/** The subscription service on in-memory ports, as the use-case tests build it. */
import { TokenError } from '../../functions/core/errors';
import { createLinks } from '../../functions/core/links';
import { findCatalogTopic } from '../../functions/core/topics/catalog';
import type { MailJob, MailJobQueue } from '../../functions/core/subscribers/mail-jobs';
import { createSubscriptionService } from '../../functions/core/subscribers/manage-subscription';
import type { Subscriber } from '../../functions/core/subscribers/subscriber';
import { createTokenSigner, type TokenPurpose } from '../../functions/core/tokens';
import {
  FakeEmailRenderer,
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingLogger,
  RecordingMailer,
  SettableClock,
  tokenFromLink,
} from './in-memory-ports';

/**
 * A mail queue that does each job as it is queued (`inline`), as if the worker were instant, or keeps
 * them for the test to run with `drain` (`held`), to see what the answer did before any mail.
 */
export class InMemoryMailJobs implements MailJobQueue {
  readonly queued: MailJob[] = [];
  worker: (job: MailJob) => Promise<unknown> = async () => undefined;
  /** Set to have the queue refuse every job, as SQS unreachable would. */
  refuseWith?: Error;

  constructor(private readonly mode: 'inline' | 'held') {}

  async enqueue(job: MailJob): Promise<void> {
    if (this.refuseWith) throw this.refuseWith;
    // As SQS would: the worker gets its own copy, never the caller's objects.
    const copy = structuredClone(job);
    if (this.mode === 'held') this.queued.push(copy);
    else await this.worker(copy);
  }

  /** Jobs the worker gave back to be retried one per message. */
  readonly requeued: MailJob[] = [];

  async requeueAlone(jobs: MailJob[]): Promise<void> {
    if (this.refuseWith) throw this.refuseWith;
    this.requeued.push(...structuredClone(jobs));
  }

  /** Runs every held job through the worker, in order; returns their outcomes. */
  async drain(): Promise<unknown[]> {
    const outcomes = [];
    for (const job of this.queued.splice(0)) outcomes.push(await this.worker(job));
    return outcomes;
  }
}

export function inMemorySubscriptionService(
  options: {
    secret?: string;
    start?: string;
    subscribers?: InMemorySubscriberRepository;
    mailer?: RecordingMailer;
    mailJobs?: 'inline' | 'held';
    /** The papers the service can name (rated and example papers). */
    papers?: InMemoryPaperRepository;
  } = {},
) {
  const subscribers = options.subscribers ?? new InMemorySubscriberRepository();
  const mailer = options.mailer ?? new RecordingMailer();
  const clock = new SettableClock(options.start ?? '2025-11-14T07:00:00.000Z');
  const deliveries = new InMemoryDeliveryRepository(subscribers, clock);
  const renderer = new FakeEmailRenderer();
  const logger = new RecordingLogger();
  const tokens = createTokenSigner(options.secret ?? 'unit-test-secret-that-is-long-enough-0123456789');
  const mailJobs = new InMemoryMailJobs(options.mailJobs ?? 'inline');
  const papers = options.papers ?? new InMemoryPaperRepository();
  const service = createSubscriptionService({
    subscribers,
    deliveries,
    mailJobs,
    mailer,
    renderer,
    tokens,
    links: createLinks('https://paperboy.example/'),
    clock,
    logger,
    papers,
    isKnownTopic: (id) => Boolean(findCatalogTopic(id)),
  });
  mailJobs.worker = service.doMailJob;
  const tokenFor = (subscriber: Subscriber, purpose: TokenPurpose, expiresAt?: number) =>
    tokens.issue({ purpose, subscriberId: subscriber.id, version: subscriber.tokenVersion, expiresAt });
  const lastConfirmToken = () => tokenFromLink(mailer.sent[mailer.sent.length - 1].text, '/confirm');
  return {
    service,
    subscribers,
    deliveries,
    mailer,
    mailJobs,
    renderer,
    logger,
    clock,
    tokens,
    papers,
    tokenFor,
    lastConfirmToken,
  };
}

/**
 * A repository where someone else saves once between our read and our save: `theirs` is their change
 * to the stored copy (a bounce, the reader's other tab).
 */
export function repositoryWithOneConcurrentWrite(theirs: (stored: Subscriber) => Partial<Subscriber>) {
  return new (class extends InMemorySubscriberRepository {
    conflicts = 0;
    override async save(subscriber: Subscriber, expectedUpdatedAt: string): Promise<void> {
      if (this.conflicts === 0) {
        this.conflicts++;
        const stored = (await this.get(subscriber.id)) as Subscriber;
        await super.save(
          { ...stored, ...theirs(stored), updatedAt: '2025-11-14T06:59:59.000Z' },
          stored.updatedAt,
        );
      }
      return super.save(subscriber, expectedUpdatedAt);
    }
  })();
}

/** The TokenError problem (or error class name) a promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    return (error as Error).name;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
