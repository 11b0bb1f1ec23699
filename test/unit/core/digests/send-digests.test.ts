import { sendDigestBatch, type SendDeps } from '../../../../functions/core/digests/send-digests';
import type { Paper } from '../../../../functions/core/papers';
import { MailNotSentError, type OutgoingEmail } from '../../../../functions/core/ports';
import type { Subscriber } from '../../../../functions/core/subscribers/subscriber';
import { aDigestBatch, aPaper, aPlannedPaper, aSubscriber } from '../../../support/builders';
import {
  FAKE_LINK_PLACEHOLDERS,
  FakeEmailRenderer,
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingLogger,
  RecordingMailer,
  SettableClock,
} from '../../../support/in-memory-ports';

const DIGEST_DATE = '2025-11-14';

const linksFor = (subscriber: Subscriber) => ({
  manageUrl: `https://paperboy.example/preferences?token=manage-${subscriber.id}`,
  unsubscribeUrl: `https://paperboy.example/unsubscribe?token=unsubscribe-${subscriber.id}`,
});

function setup(
  options: {
    papers?: Paper[];
    subscribers?: Subscriber[];
    mailer?: RecordingMailer;
    deliveries?: InMemoryDeliveryRepository;
  } = {},
) {
  const clock = new SettableClock(`${DIGEST_DATE}T07:00:00.000Z`);
  const papers = new InMemoryPaperRepository(options.papers ?? []);
  const subscribers = new InMemorySubscriberRepository().seed(...(options.subscribers ?? []));
  const deliveries = options.deliveries ?? new InMemoryDeliveryRepository(clock);
  const mailer = options.mailer ?? new RecordingMailer();
  const renderer = new FakeEmailRenderer();
  const logger = new RecordingLogger();
  const deps: SendDeps = { papers, subscribers, deliveries, mailer, renderer, clock, logger, linksFor };
  return { deps, subscribers, deliveries, mailer, renderer, logger };
}

/** Two papers, two active readers and the batch that plans both papers for both readers. */
function twoReadersTwoPapers() {
  const papers = [
    aPaper({ title: 'Speculative Decoding at Scale' }),
    aPaper({ title: 'Draft Models for Speculative Decoding' }),
  ];
  const ada = aSubscriber({ email: 'ada@example.com' });
  const alan = aSubscriber({ email: 'alan@example.com' });
  const batch = aDigestBatch({
    papers: papers.map((paper) => aPlannedPaper(paper.id)),
    subscriberIds: [ada.id, alan.id],
  });
  return { papers, ada, alan, batch };
}

const placeholdersIn = (email: OutgoingEmail) =>
  Object.values(FAKE_LINK_PLACEHOLDERS).filter((placeholder) =>
    `${email.html}${email.text}`.includes(placeholder),
  );

describe('sendDigestBatch', () => {
  it("renders once per batch and fills in each subscriber's own links", async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer, renderer } = setup({ papers, subscribers: [ada, alan] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual({ sent: 2, skipped: 0, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(renderer.digestRenders).toHaveLength(1);
    expect(renderer.digestRenders[0]).toMatchObject({ date: DIGEST_DATE, cadence: 'daily' });
    expect(renderer.digestRenders[0].papers.map((view) => view.id)).toEqual(papers.map((paper) => paper.id));
    expect(mailer.sent.map((email) => email.to)).toEqual(['ada@example.com', 'alan@example.com']);
    const [toAda, toAlan] = mailer.sent;
    expect(toAda.text).toContain(linksFor(ada).manageUrl);
    expect(toAda.text).toContain(linksFor(ada).unsubscribeUrl);
    expect(toAda.text).not.toContain(alan.id);
    expect(toAlan.html).toContain(linksFor(alan).unsubscribeUrl);
    expect(toAlan.html).not.toContain(ada.id);
    expect(mailer.sent.flatMap(placeholdersIn)).toEqual([]);
    for (const paper of papers) expect(toAda.text).toContain(`paper:${paper.id}`);
  });

  it('passes the papers to the renderer in batch order with why they matched', async () => {
    const first = aPaper({
      title: 'Speculative Decoding at Scale',
      authors: ['A One', 'B Two', 'C Three', 'D Four'],
    });
    const second = aPaper();
    const reader = aSubscriber();
    const batch = aDigestBatch({
      papers: [
        aPlannedPaper(second.id, 'KV cache'),
        aPlannedPaper(first.id, 'Speculative decoding', ['speculative decoding', 'draft model']),
      ],
      subscriberIds: [reader.id],
    });
    const { deps, renderer } = setup({ papers: [first, second], subscribers: [reader] });

    await sendDigestBatch(deps, batch);

    const views = renderer.digestRenders[0].papers;
    expect(views.map((view) => view.id)).toEqual([second.id, first.id]);
    expect(views[1]).toMatchObject({
      title: 'Speculative Decoding at Scale',
      url: `https://huggingface.co/papers/${first.id}`,
      authorsLine: 'A One, B Two, C Three et al.',
      // The words that only repeat the topic's name are not shown twice.
      matchedTopics: [{ topic: 'Speculative decoding', matched: ['draft model'] }],
    });
    expect(views[0].matchedTopics).toEqual([{ topic: 'KV cache', matched: [] }]);
  });

  it("sets List-Unsubscribe to the subscriber's unsubscribe link, with one-click List-Unsubscribe-Post", async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const { deps, mailer } = setup({ papers, subscribers: [ada] });

    await sendDigestBatch(deps, { ...batch, subscriberIds: [ada.id] });

    expect(mailer.sent[0].headers).toEqual({
      'List-Unsubscribe': `<${linksFor(ada).unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('records what each subscriber was sent', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, deliveries } = setup({ papers, subscribers: [ada, alan] });

    await sendDigestBatch(deps, batch);

    const ids = papers.map((paper) => paper.id);
    expect(await deliveries.sentPaperIds(ada.id, ids)).toEqual(new Set(ids));
    expect(await deliveries.sentPaperIds(alan.id, ids)).toEqual(new Set(ids));
    expect(deliveries.claimState(ada.id, DIGEST_DATE)).toBe('sent');
  });

  it('never mails anyone twice when the same batch is delivered again', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer } = setup({ papers, subscribers: [ada, alan] });
    await sendDigestBatch(deps, batch);

    const again = await sendDigestBatch(deps, batch);

    expect(again).toEqual({ sent: 0, skipped: 2, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(mailer.sent).toHaveLength(2);
  });

  it('reports a failed send, gives its claim back, and lets a retry send only to that subscriber', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const mailer = new RecordingMailer({ failFor: ['alan@example.com'] });
    const { deps, deliveries, logger } = setup({ papers, subscribers: [ada, alan], mailer });

    const first = await sendDigestBatch(deps, batch);

    expect(first).toEqual({
      sent: 1,
      skipped: 0,
      failedSubscriberIds: [alan.id],
      uncertainSubscriberIds: [],
    });
    expect(deliveries.claimState(alan.id, DIGEST_DATE)).toBeUndefined();
    expect(await deliveries.listForSubscriber(alan.id)).toEqual([]);
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'digest send failed',
      extra: { subscriberId: alan.id, error: 'mailer unavailable' },
    });

    mailer.recover('alan@example.com');
    const retry = await sendDigestBatch(deps, batch);

    expect(retry).toEqual({ sent: 1, skipped: 1, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(mailer.sent.map((email) => email.to)).toEqual(['ada@example.com', 'alan@example.com']);
  });

  it('skips subscribers who stopped being active since planning, or were deleted', async () => {
    const paper = aPaper();
    const active = aSubscriber();
    const gone = [
      aSubscriber({ status: 'unsubscribed' }),
      aSubscriber({ preferences: { paused: true } }),
      aSubscriber({ suppressed: { reason: 'complaint', at: '2025-11-14T06:00:00.000Z' } }),
    ];
    const deleted = aSubscriber();
    const batch = aDigestBatch({
      papers: [aPlannedPaper(paper.id)],
      subscriberIds: [active.id, ...gone.map((subscriber) => subscriber.id), deleted.id],
    });
    const { deps, mailer, deliveries } = setup({ papers: [paper], subscribers: [active, ...gone] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual({ sent: 1, skipped: 4, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(mailer.attempts.map((email) => email.to)).toEqual([active.email]);
    for (const subscriber of gone) expect(deliveries.claimState(subscriber.id, DIGEST_DATE)).toBeUndefined();
  });

  it('leaves out planned papers that no longer exist', async () => {
    const kept = aPaper();
    const reader = aSubscriber();
    const batch = aDigestBatch({
      papers: [aPlannedPaper('2511.99999'), aPlannedPaper(kept.id)],
      subscriberIds: [reader.id],
    });
    const { deps, mailer, deliveries } = setup({ papers: [kept], subscribers: [reader] });

    await sendDigestBatch(deps, batch);

    expect(mailer.sent[0].text).toContain(`paper:${kept.id}`);
    expect(mailer.sent[0].text).not.toContain('paper:2511.99999');
    expect(await deliveries.listForSubscriber(reader.id)).toEqual([
      { paperId: kept.id, digestDate: DIGEST_DATE, sentAt: `${DIGEST_DATE}T07:00:00.000Z` },
    ]);
  });

  it('sends nothing and renders nothing when none of the papers exist', async () => {
    const reader = aSubscriber();
    const batch = aDigestBatch({ papers: [aPlannedPaper('2511.99999')], subscriberIds: [reader.id] });
    const { deps, mailer, renderer } = setup({ subscribers: [reader] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual({ sent: 0, skipped: 1, failedSubscriberIds: [], uncertainSubscriberIds: [] });
    expect(renderer.digestRenders).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('logs no email address when sends succeed and fail', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, logger } = setup({
      papers,
      subscribers: [ada, alan],
      mailer: new RecordingMailer({ failFor: ['ada@example.com'] }),
    });

    await sendDigestBatch(deps, batch);

    expect(logger.messages()).toEqual(['digest send failed', 'digest batch processed']);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });

  // BUG: send-digests.ts logs the mailer's raw error message. SES rejections name the recipient
  // ("Email address is not verified. The following identities failed the check in region
  // EU-WEST-1: ada@example.com"), so the address reaches the logs.
  it("does not log the address when the mailer's error message contains it", async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const mailer = new RecordingMailer({
      failFor: ['ada@example.com'],
      error: (email) =>
        new MailNotSentError(
          `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${email.to}`,
        ),
    });
    const { deps, logger } = setup({ papers, subscribers: [ada], mailer });

    await sendDigestBatch(deps, { ...batch, subscriberIds: [ada.id] });

    expect(logger.messages('error')).toEqual(['digest send failed']);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });

  // BUG: send-digests.ts wraps recordSent in the same try as mailer.send, so when the mail went out
  // but recording it fails, the claim is released and the subscriber reported as failed; the queue
  // retries the batch and the subscriber is mailed a second time.
  it('never mails twice when recording a successful send fails and the batch is retried', async () => {
    class FlakyDeliveries extends InMemoryDeliveryRepository {
      failuresLeft = 1;
      override async recordSent(
        subscriberId: string,
        digestDate: string,
        paperIds: string[],
        messageId: string,
      ) {
        if (this.failuresLeft-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return super.recordSent(subscriberId, digestDate, paperIds, messageId);
      }
    }
    const { papers, ada, batch } = twoReadersTwoPapers();
    const single = { ...batch, subscriberIds: [ada.id] };
    const { deps, mailer } = setup({ papers, subscribers: [ada], deliveries: new FlakyDeliveries() });

    const first = await sendDigestBatch(deps, single);
    if (first.failedSubscriberIds.length > 0) await sendDigestBatch(deps, single); // what the SQS retry does

    expect(mailer.sentTo('ada@example.com')).toHaveLength(1);
  });

  it('keeps the claim when the send may have gone out (timeout), so a retry never sends a second copy', async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const single = { ...batch, subscriberIds: [ada.id] };
    const mailer = new RecordingMailer({
      failFor: ['ada@example.com'],
      error: () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const { deps } = setup({ papers, subscribers: [ada], mailer });

    const first = await sendDigestBatch(deps, single);
    mailer.recover('ada@example.com');
    const retry = await sendDigestBatch(deps, single);

    expect(first).toMatchObject({ sent: 0, failedSubscriberIds: [], uncertainSubscriberIds: [ada.id] });
    expect(retry).toMatchObject({ sent: 0, skipped: 1 });
    expect(mailer.sentTo('ada@example.com')).toHaveLength(0);
  });

  it('stops before the function runs out of time and leaves the rest, unclaimed, for the retry', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer } = setup({ papers, subscribers: [ada, alan] });
    let calls = 0;

    const first = await sendDigestBatch(deps, batch, { hasTimeLeft: () => calls++ < 1 });
    const retry = await sendDigestBatch(deps, batch);

    expect(first.sent).toBe(1);
    expect(first.failedSubscriberIds).toHaveLength(1);
    expect(retry.sent).toBe(1);
    expect(mailer.sent.map((email) => email.to).sort()).toEqual(
      ['ada@example.com', 'alan@example.com'].sort(),
    );
  });
});
