import type { Links } from '../links';
import type {
  Clock,
  DeliveryRepository,
  EmailRenderer,
  Logger,
  Mailer,
  PaperRepository,
  SubscriberRepository,
} from '../ports';
import type { TokenSigner } from '../tokens';
import type { MailJobQueue } from './mail-jobs';

/** What the subscription use cases are given; each takes only the parts it uses. */
export interface SubscriptionDeps {
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  /** Where requests that end in an email wait, so that no answer waits on SES. */
  mailJobs: MailJobQueue;
  mailer: Mailer;
  renderer: EmailRenderer;
  tokens: TokenSigner;
  links: Links;
  clock: Clock;
  logger: Logger;
  /** To name the papers a reader rated or gave as examples. */
  papers: Pick<PaperRepository, 'getMany'>;
  /** Topic ids of the curated catalog, to reject unknown ones. */
  isKnownTopic: (id: string) => boolean;
}

export const nowSeconds = (clock: Clock): number => Math.floor(clock.now().getTime() / 1000);
