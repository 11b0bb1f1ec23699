import { DigestBatchSchema } from '@functions/adapters/sqs/digest-queue';
import { planSlice } from '@functions/core/digests/plan-slice';
import { REFUSALS_BEFORE_STOP, sendDigestBatch, type SendDeps } from '@functions/core/digests/send-digests';
import { findStuckClaims } from '@functions/core/digests/settle-claims';
import type { Paper } from '@functions/core/papers';
import {
  MailNotSentError,
  SendingRefusedError,
  type DigestBatch,
  type DigestRun,
  type OutgoingEmail,
  type SendCounts,
  type SentDigest,
} from '@functions/core/ports';
import type { Subscriber } from '@functions/core/subscribers/subscriber';
import { aDigestBatch, aPaper, aPlannedPaper, aSubscriber } from '@support/builders';
import {
  FAKE_LINK_PLACEHOLDERS,
  FakeEmailRenderer,
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemoryRunLedger,
  InMemorySubscriberRepository,
  RecordingDigestQueue,
  RecordingLogger,
  RecordingMailer,
  SettableClock,
} from '@support/in-memory-ports';
import { killSwitch } from '@support/kill-switch';

const DIGEST_DATE = '2025-11-14';
const RUN: DigestRun = { digestDate: DIGEST_DATE, runId: 'run-1' };

const linksFor = (subscriber: Subscriber) => ({
  manageUrl: `https://paperboy.example/preferences?token=manage-${subscriber.id}`,
  unsubscribeUrl: `https://paperboy.example/unsubscribe?token=unsubscribe-${subscriber.id}`,
});

/** A ledger (counting per send message, as the DynamoDB one) that also keeps each addSent call, to count them. */
class RecordingRunLedger extends InMemoryRunLedger {
  readonly sentCalls: { run: DigestRun; counts: SendCounts }[] = [];
  override async addSent(run: DigestRun, counts: SendCounts, message?: { key: string }): Promise<void> {
    this.sentCalls.push({ run: { digestDate: run.digestDate, runId: run.runId }, counts: { ...counts } });
    return super.addSent(run, counts, message);
  }
}

function setup(
  options: {
    papers?: Paper[];
    subscribers?: Subscriber[];
    mailer?: RecordingMailer;
    deliveries?: (
      subscribers: InMemorySubscriberRepository,
      clock: SettableClock,
    ) => InMemoryDeliveryRepository;
  } = {},
) {
  const clock = new SettableClock(`${DIGEST_DATE}T07:00:00.000Z`);
  const papers = new InMemoryPaperRepository(options.papers ?? []);
  const subscribers = new InMemorySubscriberRepository().seed(...(options.subscribers ?? []));
  const deliveries =
    options.deliveries?.(subscribers, clock) ?? new InMemoryDeliveryRepository(subscribers, clock);
  const mailer = options.mailer ?? new RecordingMailer();
  const renderer = new FakeEmailRenderer();
  const ledger = new RecordingRunLedger(clock);
  const logger = new RecordingLogger();
  const deps: SendDeps = { papers, deliveries, mailer, renderer, ledger, clock, logger, linksFor };
  return { deps, subscribers, deliveries, mailer, renderer, ledger, logger, clock };
}

/** setup() with the run's ledger opened, as startDigestRun leaves it. */
async function setupRun(options: Parameters<typeof setup>[0] = {}) {
  const context = setup(options);
  await context.ledger.start(RUN, 1);
  return context;
}

/** Two papers, two active readers and the message that plans both papers for both readers. */
function twoReadersTwoPapers() {
  const papers = [
    aPaper({ title: 'Speculative Decoding at Scale' }),
    aPaper({ title: 'Draft Models for Speculative Decoding' }),
  ];
  const ada = aSubscriber({ email: 'ada@example.com' });
  const alan = aSubscriber({ email: 'alan@example.com' });
  const batch = aDigestBatch({
    papers: papers.map((paper) => aPlannedPaper(paper.id)),
    recipients: [ada.id, alan.id],
  });
  return { papers, ada, alan, batch };
}

const only = (batch: DigestBatch, subscriberId: string): DigestBatch => ({
  ...batch,
  recipients: batch.recipients.filter((recipient) => recipient.subscriberId === subscriberId),
});

const outcome = (overrides: Partial<Awaited<ReturnType<typeof sendDigestBatch>>> = {}) => ({
  sent: 0,
  skipped: 0,
  failed: 0,
  uncertain: 0,
  retrySubscriberIds: [],
  uncertainSubscriberIds: [],
  ...overrides,
});

const placeholdersIn = (email: OutgoingEmail) =>
  Object.values(FAKE_LINK_PLACEHOLDERS).filter((placeholder) =>
    `${email.html}${email.text}`.includes(placeholder),
  );

const historyOf = async (subscribers: InMemorySubscriberRepository, id: string) =>
  (await subscribers.get(id))?.digestHistory;

describe('sendDigestBatch', () => {
  it("renders a digest its readers share once and fills in each reader's own links", async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer, renderer } = await setupRun({ papers, subscribers: [ada, alan] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual(outcome({ sent: 2 }));
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

  it('sends each reader of one message their own papers', async () => {
    const papers = [aPaper(), aPaper(), aPaper()];
    const ada = aSubscriber({ email: 'ada@example.com' });
    const alan = aSubscriber({ email: 'alan@example.com', preferences: { cadence: 'weekly', weekday: 5 } });
    const batch = aDigestBatch({
      papers: papers.map((paper) => aPlannedPaper(paper.id)),
      recipients: [
        { subscriberId: ada.id, picks: [2, 0] },
        { subscriberId: alan.id, cadence: 'weekly', picks: [1] },
      ],
    });
    const { deps, mailer, renderer, deliveries } = await setupRun({ papers, subscribers: [ada, alan] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual(outcome({ sent: 2 }));
    expect(
      renderer.digestRenders.map(({ cadence, papers: views }) => [cadence, views.map((view) => view.id)]),
    ).toEqual([
      ['daily', [papers[2].id, papers[0].id]],
      ['weekly', [papers[1].id]],
    ]);
    const [toAda] = mailer.sentTo('ada@example.com');
    const [toAlan] = mailer.sentTo('alan@example.com');
    expect(toAda.text).toContain(`paper:${papers[2].id}`);
    expect(toAda.text).toContain(`paper:${papers[0].id}`);
    expect(toAda.text).not.toContain(`paper:${papers[1].id}`);
    expect(toAlan.text).toContain(`paper:${papers[1].id}`);
    expect(toAlan.text).not.toContain(`paper:${papers[0].id}`);
    expect(toAlan.text).not.toContain(`paper:${papers[2].id}`);
    expect(deliveries.sentDigest(ada.id, DIGEST_DATE)?.paperIds).toEqual([papers[2].id, papers[0].id]);
    expect(deliveries.sentDigest(alan.id, DIGEST_DATE)?.paperIds).toEqual([papers[1].id]);
  });

  it('passes the papers to the renderer in pick order with why they matched', async () => {
    const first = aPaper({
      title: 'Speculative Decoding at Scale',
      authors: ['A One', 'B Two', 'C Three', 'D Four'],
    });
    const second = aPaper();
    const reader = aSubscriber();
    const batch = aDigestBatch({
      papers: [
        aPlannedPaper(first.id, 'Speculative decoding', ['speculative decoding', 'draft model']),
        aPlannedPaper(second.id, 'KV cache'),
      ],
      recipients: [{ subscriberId: reader.id, picks: [1, 0] }],
    });
    const { deps, renderer } = await setupRun({ papers: [first, second], subscribers: [reader] });

    await sendDigestBatch(deps, batch);

    const views = renderer.digestRenders[0].papers;
    expect(views.map((view) => view.id)).toEqual([second.id, first.id]);
    expect(views[1]).toMatchObject({
      title: 'Speculative Decoding at Scale',
      url: `https://huggingface.co/papers/${first.id}`,
      authorsLine: 'A One, B Two, C Three et al.',
      // The words that only repeat the topic's name come after the others.
      matchedTopics: [{ topic: 'Speculative decoding', matched: ['draft model', 'speculative decoding'] }],
    });
    expect(views[0].matchedTopics).toEqual([{ topic: 'KV cache', matched: ['KV cache'] }]);
  });

  it("tells the renderer how many papers each reader's window held, and nothing for a message without it", async () => {
    const papers = [aPaper({ id: '2511.00001' }), aPaper({ id: '2511.00002' })];
    const daily = aSubscriber({ email: 'daily@example.com' });
    const weekly = aSubscriber({ email: 'weekly@example.com' });
    const batch = aDigestBatch({
      papers: papers.map((paper) => aPlannedPaper(paper.id)),
      recipients: [daily.id, { subscriberId: weekly.id, cadence: 'weekly' }],
      papersInWindow: { daily: 41, weekly: 180 },
    });
    const withCounts = await setupRun({ papers, subscribers: [daily, weekly] });
    const { papersInWindow: _, ...older } = batch;
    const withoutCounts = await setupRun({ papers, subscribers: [daily, weekly] });

    await sendDigestBatch(withCounts.deps, batch);
    await sendDigestBatch(withoutCounts.deps, older);

    // The fake renderer records its whole input, the count included.
    const counted = (render: object) => (render as { papersInWindow?: number }).papersInWindow;
    expect(withCounts.renderer.digestRenders.map((render) => [render.cadence, counted(render)])).toEqual([
      ['daily', 41],
      ['weekly', 180],
    ]);
    for (const render of withoutCounts.renderer.digestRenders)
      expect(render).not.toHaveProperty('papersInWindow');
  });

  it("sets List-Unsubscribe to the subscriber's unsubscribe link, with one-click List-Unsubscribe-Post", async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const { deps, mailer } = await setupRun({ papers, subscribers: [ada] });

    await sendDigestBatch(deps, only(batch, ada.id));

    expect(mailer.sent[0].headers).toEqual({
      'List-Unsubscribe': `<${linksFor(ada).unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it("claims each digest in the reader's history and records what each reader was sent", async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, deliveries, subscribers } = await setupRun({ papers, subscribers: [ada, alan] });

    await sendDigestBatch(deps, batch);

    const ids = papers.map((paper) => paper.id);
    expect(await historyOf(subscribers, ada.id)).toEqual({ [DIGEST_DATE]: ids });
    expect(await historyOf(subscribers, alan.id)).toEqual({ [DIGEST_DATE]: ids });
    expect(deliveries.sentDigest(ada.id, DIGEST_DATE)).toEqual({
      subscriberId: ada.id,
      digestDate: DIGEST_DATE,
      paperIds: ids,
      messageId: 'message-1',
      sentAt: `${DIGEST_DATE}T07:00:00.000Z`,
    });
    expect(deliveries.sentDigest(alan.id, DIGEST_DATE)?.messageId).toBe('message-2');
    expect((await deliveries.listForSubscriber(ada.id)).map((record) => record.paperId)).toEqual(ids);
  });

  it("drops the recipient's forgetDays from their history in the claim's write", async () => {
    const paper = aPaper();
    const reader = aSubscriber({
      digestHistory: { '2025-11-04': ['old-1'], '2025-11-05': ['old-2'], '2025-11-13': ['recent'] },
    });
    const batch = aDigestBatch({
      papers: [aPlannedPaper(paper.id)],
      recipients: [{ subscriberId: reader.id, forgetDays: ['2025-11-04', '2025-11-05'] }],
    });
    const { deps, subscribers } = await setupRun({ papers: [paper], subscribers: [reader] });

    await sendDigestBatch(deps, batch);

    expect(await historyOf(subscribers, reader.id)).toEqual({
      '2025-11-13': ['recent'],
      [DIGEST_DATE]: [paper.id],
    });
  });

  it('sends nothing twice and counts no skip when the same message is delivered again', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer, ledger } = await setupRun({ papers, subscribers: [ada, alan] });
    await sendDigestBatch(deps, batch);

    const again = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(again).toEqual(outcome());
    expect(mailer.attempts).toHaveLength(2);
    expect(ledger.sentCalls).toHaveLength(1);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 2, skipped: 0 });
  });

  it("skips, on a message's first delivery, readers who already have the day's digest (an earlier run)", async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer } = await setupRun({ papers, subscribers: [ada, alan] });
    await sendDigestBatch(deps, batch);

    const rerun = await sendDigestBatch(deps, { ...batch, runId: 'run-2' });

    expect(rerun).toEqual(outcome({ skipped: 2 }));
    expect(mailer.attempts).toHaveLength(2);
  });

  it('gives the claim back after a send that certainly failed, and counts it failed only on the final attempt', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const mailer = new RecordingMailer({ failFor: ['alan@example.com'] });
    const { deps, deliveries, logger, subscribers, ledger } = await setupRun({
      papers,
      subscribers: [ada, alan],
      mailer,
    });

    const first = await sendDigestBatch(deps, batch);

    expect(first).toEqual(outcome({ sent: 1, retrySubscriberIds: [alan.id] }));
    expect(await historyOf(subscribers, alan.id)).toEqual({});
    expect(await deliveries.listForSubscriber(alan.id)).toEqual([]);
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'digest send failed',
      extra: { subscriberId: alan.id, error: 'mailer unavailable' },
    });

    const last = await sendDigestBatch(deps, batch, { firstAttempt: false, finalAttempt: true });

    expect(last).toEqual(outcome({ failed: 1, retrySubscriberIds: [alan.id] }));
    expect(await historyOf(subscribers, alan.id)).toEqual({});
    expect(mailer.attempts.map((email) => email.to)).toEqual([
      'ada@example.com',
      'alan@example.com',
      'alan@example.com',
    ]);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 1, skipped: 0, failed: 1, uncertain: 0 });
  });

  it('lets a retry of the message send only to the reader whose send failed', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const mailer = new RecordingMailer({ failFor: ['alan@example.com'] });
    const { deps, ledger } = await setupRun({ papers, subscribers: [ada, alan], mailer });
    await sendDigestBatch(deps, batch);
    mailer.recover('alan@example.com');

    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(retry).toEqual(outcome({ sent: 1 }));
    expect(mailer.sent.map((email) => email.to)).toEqual(['ada@example.com', 'alan@example.com']);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 2, skipped: 0, failed: 0 });
  });

  it('keeps the claim when the send may have gone out (timeout), counts it uncertain, and never sends a second copy', async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const single = only(batch, ada.id);
    const mailer = new RecordingMailer({
      failFor: ['ada@example.com'],
      error: () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const { deps, subscribers, logger, ledger } = await setupRun({ papers, subscribers: [ada], mailer });

    const first = await sendDigestBatch(deps, single, { finalAttempt: true });
    // Recorded as probably sent, so the claim is not taken for a stuck one (settle-claims.ts).
    expect((await deps.deliveries.listForSubscriber(ada.id)).map((row) => row.paperId)).toEqual(
      papers.map((paper) => paper.id),
    );
    expect(
      (
        await findStuckClaims(
          { ...deps, subscribers, ledger, clock: new SettableClock('2030-01-01T00:00:00.000Z') },
          DIGEST_DATE,
        )
      ).subscriberIds,
    ).toEqual([]);
    mailer.recover('ada@example.com');
    const retry = await sendDigestBatch(deps, single, { firstAttempt: false });

    expect(first).toEqual(outcome({ uncertain: 1, uncertainSubscriberIds: [ada.id] }));
    expect(retry).toEqual(outcome());
    expect(await historyOf(subscribers, ada.id)).toEqual({ [DIGEST_DATE]: papers.map((paper) => paper.id) });
    expect(mailer.sentTo('ada@example.com')).toHaveLength(0);
    expect(logger.messages('error')).toEqual(['digest send outcome unknown; not retried']);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 0, failed: 0, uncertain: 1 });
  });

  it('gives the claim back when the email cannot be rendered, so the retry sends it', async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const single = only(batch, ada.id);
    const { deps, subscribers, mailer, renderer, logger, ledger } = await setupRun({
      papers,
      subscribers: [ada],
    });
    const render = renderer.renderDigest.bind(renderer);
    renderer.renderDigest = async () => {
      throw new Error('template broken');
    };

    const first = await sendDigestBatch(deps, single);
    const finalFailure = await sendDigestBatch(deps, single, { firstAttempt: false, finalAttempt: true });
    renderer.renderDigest = render;
    const retry = await sendDigestBatch(deps, single, { firstAttempt: false });

    expect(first).toEqual(outcome({ retrySubscriberIds: [ada.id] }));
    expect(finalFailure).toEqual(outcome({ failed: 1, retrySubscriberIds: [ada.id] }));
    expect(retry).toEqual(outcome({ sent: 1 }));
    expect(mailer.attempts).toHaveLength(1);
    expect(await historyOf(subscribers, ada.id)).toEqual({ [DIGEST_DATE]: papers.map((paper) => paper.id) });
    expect(logger.messages('error')).toEqual(['digest not rendered', 'digest not rendered']);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 1, failed: 1, uncertain: 0 });
  });

  it('skips readers who stopped being active since planning, or were deleted, without sending or claiming', async () => {
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
      recipients: [active.id, ...gone.map((subscriber) => subscriber.id), deleted.id],
    });
    const { deps, mailer, subscribers } = await setupRun({ papers: [paper], subscribers: [active, ...gone] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual(outcome({ sent: 1, skipped: 4 }));
    expect(mailer.attempts.map((email) => email.to)).toEqual([active.email]);
    for (const subscriber of gone) expect(await historyOf(subscribers, subscriber.id)).toBeUndefined();
  });

  it('skips a reader who paused or was suppressed between planning and sending', async () => {
    const paper = aPaper({
      title: 'Faster Speculative Decoding with Draft Trees',
      abstract: 'We make speculative decoding faster with draft trees.',
    });
    const readers = Array.from({ length: 3 }, () =>
      aSubscriber({ preferences: { keywords: ['speculative decoding'] } }),
    );
    const [staying, pausing, bouncing] = readers;
    const { deps, subscribers, mailer } = await setupRun({ papers: [paper], subscribers: readers });
    const queue = new RecordingDigestQueue();
    await planSlice(
      { papers: deps.papers, subscribers, queue, logger: deps.logger },
      { ...RUN, segment: 0, totalSegments: 1 },
    );
    const storedPausing = (await subscribers.get(pausing.id)) as Subscriber;
    await subscribers.save(
      { ...storedPausing, preferences: { ...storedPausing.preferences, paused: true }, updatedAt: 'later' },
      storedPausing.updatedAt,
    );
    const storedBouncing = (await subscribers.get(bouncing.id)) as Subscriber;
    await subscribers.save(
      { ...storedBouncing, suppressed: { reason: 'hard-bounce', at: 'later' }, updatedAt: 'later' },
      storedBouncing.updatedAt,
    );

    const results = [];
    for (const batch of queue.batches) results.push(await sendDigestBatch(deps, batch));

    expect(
      queue.batches.flatMap((batch) => batch.recipients.map((recipient) => recipient.subscriberId)),
    ).toEqual(readers.map((reader) => reader.id));
    expect(results).toEqual([outcome({ sent: 1, skipped: 2 })]);
    expect(mailer.attempts.map((email) => email.to)).toEqual([staying.email]);
  });

  it('leaves out planned papers that no longer exist', async () => {
    const kept = aPaper();
    const reader = aSubscriber();
    const batch = aDigestBatch({
      papers: [aPlannedPaper('2511.99999'), aPlannedPaper(kept.id)],
      recipients: [reader.id],
    });
    const { deps, mailer, deliveries, subscribers } = await setupRun({
      papers: [kept],
      subscribers: [reader],
    });

    await sendDigestBatch(deps, batch);

    expect(mailer.sent[0].text).toContain(`paper:${kept.id}`);
    expect(mailer.sent[0].text).not.toContain('paper:2511.99999');
    expect(await deliveries.listForSubscriber(reader.id)).toEqual([
      { paperId: kept.id, digestDate: DIGEST_DATE, sentAt: `${DIGEST_DATE}T07:00:00.000Z` },
    ]);
    expect(await historyOf(subscribers, reader.id)).toEqual({ [DIGEST_DATE]: [kept.id] });
  });

  it('sends, renders and claims nothing when none of the papers exist', async () => {
    const reader = aSubscriber();
    const batch = aDigestBatch({ papers: [aPlannedPaper('2511.99999')], recipients: [reader.id] });
    const { deps, mailer, renderer, subscribers } = await setupRun({ subscribers: [reader] });

    const result = await sendDigestBatch(deps, batch);

    expect(result).toEqual(outcome({ skipped: 1 }));
    expect(renderer.digestRenders).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
    expect(await historyOf(subscribers, reader.id)).toBeUndefined();
  });

  it('writes the delivery records in chunks of 25', async () => {
    const paper = aPaper();
    const readers = Array.from({ length: 60 }, () => aSubscriber());
    const batch = aDigestBatch({
      papers: [aPlannedPaper(paper.id)],
      recipients: readers.map((reader) => reader.id),
    });
    const { deps, deliveries } = await setupRun({ papers: [paper], subscribers: readers });

    const result = await sendDigestBatch(deps, batch);

    expect(result.sent).toBe(60);
    expect(deliveries.recordCalls).toBe(Math.ceil(60 / 25));
    for (const reader of readers)
      expect(deliveries.sentDigest(reader.id, DIGEST_DATE)?.paperIds).toEqual([paper.id]);
  });

  it("adds each message's counts to its run's ledger in one call", async () => {
    const paper = aPaper();
    const [first, second, third, fourth] = Array.from({ length: 4 }, () => aSubscriber());
    const unsubscribed = aSubscriber({ status: 'unsubscribed' });
    const mailer = new RecordingMailer({
      failFor: [third.email, fourth.email],
      error: (email) =>
        email.to === third.email
          ? new MailNotSentError('throttled')
          : Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const { deps, ledger } = await setupRun({
      papers: [paper],
      subscribers: [first, second, third, fourth, unsubscribed],
      mailer,
    });
    const planned = [aPlannedPaper(paper.id)];

    await sendDigestBatch(deps, aDigestBatch({ papers: planned, recipients: [first.id, unsubscribed.id] }));
    await sendDigestBatch(
      deps,
      aDigestBatch({ papers: planned, recipients: [second.id, third.id, fourth.id] }),
      { finalAttempt: true },
    );

    expect(ledger.sentCalls).toEqual([
      { run: RUN, counts: { sent: 1, skipped: 1, failed: 0, uncertain: 0 } },
      { run: RUN, counts: { sent: 1, skipped: 0, failed: 1, uncertain: 1 } },
    ]);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 2, skipped: 1, failed: 1, uncertain: 1 });
  });

  it('sends even when the ledger cannot be updated', async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const { deps, mailer, logger } = setup({ papers, subscribers: [ada] }); // no run started: the ledger refuses

    const result = await sendDigestBatch(deps, only(batch, ada.id));

    expect(result).toEqual(outcome({ sent: 1 }));
    expect(mailer.sentTo('ada@example.com')).toHaveLength(1);
    expect(logger.messages('error')).toEqual(['run ledger not updated']);
  });

  it('still sends a message queued in the previous shape to every reader', async () => {
    const papers = [aPaper(), aPaper()];
    const readers = [aSubscriber(), aSubscriber(), aSubscriber()];
    const body = JSON.stringify({
      digestDate: DIGEST_DATE,
      cadence: 'weekly',
      papers: papers.map((paper) => ({ ...aPlannedPaper(paper.id), score: 0.5 })),
      subscriberIds: readers.map((reader) => reader.id),
    });
    const { deps, mailer, renderer, subscribers } = setup({ papers, subscribers: readers });

    const result = await sendDigestBatch(deps, DigestBatchSchema.parse(JSON.parse(body)));

    expect(result).toEqual(outcome({ sent: 3 }));
    expect(mailer.sent.map((email) => email.to)).toEqual(readers.map((reader) => reader.email));
    for (const email of mailer.sent)
      for (const paper of papers) expect(email.text).toContain(`paper:${paper.id}`);
    expect(renderer.digestRenders).toEqual([expect.objectContaining({ cadence: 'weekly' })]);
    expect(await historyOf(subscribers, readers[2].id)).toEqual({
      [DIGEST_DATE]: papers.map((paper) => paper.id),
    });
  });

  it('logs no email address when sends succeed and fail', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, logger } = await setupRun({
      papers,
      subscribers: [ada, alan],
      mailer: new RecordingMailer({ failFor: ['ada@example.com'] }),
    });

    await sendDigestBatch(deps, batch);

    expect(logger.messages()).toEqual(['digest send failed', 'digest batch processed']);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });

  // SES rejections name the recipient ("Email address is not verified. The following identities failed
  // the check in region EU-WEST-1: ada@example.com"): the address must not reach the logs.
  it("does not log the address when the mailer's error message contains it", async () => {
    const { papers, ada, batch } = twoReadersTwoPapers();
    const mailer = new RecordingMailer({
      failFor: ['ada@example.com'],
      error: (email) =>
        new MailNotSentError(
          `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${email.to}`,
        ),
    });
    const { deps, logger } = await setupRun({ papers, subscribers: [ada], mailer });

    await sendDigestBatch(deps, only(batch, ada.id));

    expect(logger.messages('error')).toEqual(['digest send failed']);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
  });

  it('never mails twice when recording a successful send fails and the message is delivered again', async () => {
    class FlakyDeliveries extends InMemoryDeliveryRepository {
      failuresLeft = 1;
      override async recordSent(sent: SentDigest[]) {
        if (this.failuresLeft-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return super.recordSent(sent);
      }
    }
    const { papers, ada, batch } = twoReadersTwoPapers();
    const single = only(batch, ada.id);
    const { deps, mailer, logger } = await setupRun({
      papers,
      subscribers: [ada],
      deliveries: (subscribers, clock) => new FlakyDeliveries(subscribers, clock),
    });

    const first = await sendDigestBatch(deps, single);
    const again = await sendDigestBatch(deps, single, { firstAttempt: false }); // what an SQS retry does

    expect(first).toEqual(outcome({ sent: 1 }));
    expect(again).toEqual(outcome());
    expect(mailer.sentTo('ada@example.com')).toHaveLength(1);
    expect(logger.messages('error')).toEqual(['sent digests not recorded']);
  });

  it('stops before the function runs out of time and leaves the rest, unclaimed, for the retry', async () => {
    const { papers, ada, alan, batch } = twoReadersTwoPapers();
    const { deps, mailer, subscribers, ledger } = await setupRun({ papers, subscribers: [ada, alan] });
    let calls = 0;

    const first = await sendDigestBatch(deps, batch, { hasTimeLeft: () => calls++ < 1 });

    expect(first).toEqual(outcome({ sent: 1, retrySubscriberIds: [alan.id] }));
    expect(await historyOf(subscribers, alan.id)).toBeUndefined();

    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(retry).toEqual(outcome({ sent: 1 }));
    expect(mailer.sent.map((email) => email.to).sort()).toEqual(
      ['ada@example.com', 'alan@example.com'].sort(),
    );
    expect(await ledger.read(RUN)).toMatchObject({ sent: 2, skipped: 0 });
  });
});

describe('planning after sending', () => {
  it("leaves out of the next day's plan what the send wrote into the reader's history", async () => {
    const yesterdays = aPaper({
      dailyDate: '2025-11-13',
      title: 'Faster Speculative Decoding with Draft Trees',
      abstract: 'We make speculative decoding faster with draft trees.',
    });
    const todays = aPaper({
      dailyDate: '2025-11-14',
      title: 'Speculative Decoding at Scale',
      abstract: 'We scale speculative decoding.',
    });
    const reader = aSubscriber({ preferences: { keywords: ['speculative decoding'] } });
    const { deps, subscribers } = setup({ papers: [yesterdays, todays], subscribers: [reader] });
    const plan = async (digestDate: string) => {
      const queue = new RecordingDigestQueue();
      const { counts } = await planSlice(
        { papers: deps.papers, subscribers, queue, logger: deps.logger },
        { digestDate, runId: 'run', segment: 0, totalSegments: 1 },
      );
      return { counts, batches: queue.batches };
    };
    const thirteenth = await plan('2025-11-13');
    for (const batch of thirteenth.batches) await sendDigestBatch(deps, batch);

    const fourteenth = await plan('2025-11-14');
    const again = await plan('2025-11-13');

    expect(thirteenth.batches.flatMap((batch) => batch.papers.map((paper) => paper.paperId))).toEqual([
      yesterdays.id,
    ]);
    expect(fourteenth.batches.flatMap((batch) => batch.papers.map((paper) => paper.paperId))).toEqual([
      todays.id,
    ]);
    expect(again.counts).toMatchObject({ due: 1, alreadySent: 1, messages: 0 });
  });
});

/** A mailer whose account SES pauses after `accepting` sends: every later send is refused as SES refuses it. */
class PausingMailer extends RecordingMailer {
  paused = false;
  constructor(private accepting = 0) {
    super();
  }

  resume(): void {
    this.paused = false;
    this.accepting = Infinity;
  }

  override async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    if (this.paused || this.sent.length >= this.accepting) {
      this.paused = true;
      this.attempts.push(email);
      throw new SendingRefusedError('SendingPausedException');
    }
    return super.send(email);
  }
}

/** `count` readers and the one message that plans one paper for all of them. */
function readersOfOneMessage(count: number) {
  const paper = aPaper();
  const readers = Array.from({ length: count }, (_, index) =>
    aSubscriber({ email: `r${index}@example.com` }),
  );
  const batch = aDigestBatch({
    papers: [aPlannedPaper(paper.id)],
    recipients: readers.map((reader) => reader.id),
  });
  return { paper, readers, batch, ids: readers.map((reader) => reader.id) };
}

describe('sendDigestBatch when SES refuses the account its sending', () => {
  it(`stops after ${REFUSALS_BEFORE_STOP} refusals in a row and leaves the rest, unclaimed, for the retry`, async () => {
    const { paper, readers, batch, ids } = readersOfOneMessage(8);
    const mailer = new PausingMailer(2);
    const { deps, subscribers, logger, ledger } = await setupRun({
      papers: [paper],
      subscribers: readers,
      mailer,
    });

    const first = await sendDigestBatch(deps, batch);

    expect(first).toEqual(
      outcome({ sent: 2, retrySubscriberIds: ids.slice(2), refusal: 'SendingPausedException' }),
    );
    expect(mailer.attempts).toHaveLength(2 + REFUSALS_BEFORE_STOP);
    // The refused readers' claims are given back and the rest were never claimed: nothing is stuck.
    for (const id of ids.slice(2)) expect((await historyOf(subscribers, id))?.[DIGEST_DATE]).toBeUndefined();
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'SES refuses to send for the account: rest of the batch left for the retry',
      extra: { reason: 'SendingPausedException', refusals: REFUSALS_BEFORE_STOP, deferred: 8 - 2 - 3 },
    });
    expect(await ledger.read(RUN)).toMatchObject({ sent: 2, skipped: 0, failed: 0, uncertain: 0 });

    mailer.resume();
    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(retry).toEqual(outcome({ sent: 6 }));
    for (const reader of readers) expect(mailer.sentTo(reader.email)).toHaveLength(1);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 8, skipped: 0, failed: 0, uncertain: 0 });
  });

  it('counts the refused readers failed on the final attempt, never the ones it left unclaimed', async () => {
    const { paper, readers, batch, ids } = readersOfOneMessage(5);
    const mailer = new PausingMailer(0);
    const { deps, subscribers, ledger } = await setupRun({ papers: [paper], subscribers: readers, mailer });

    const last = await sendDigestBatch(deps, batch, { firstAttempt: false, finalAttempt: true });

    expect(last).toEqual(
      outcome({ failed: REFUSALS_BEFORE_STOP, retrySubscriberIds: ids, refusal: 'SendingPausedException' }),
    );
    for (const id of ids) expect((await historyOf(subscribers, id))?.[DIGEST_DATE]).toBeUndefined();
    expect(await ledger.read(RUN)).toMatchObject({ sent: 0, failed: REFUSALS_BEFORE_STOP });
  });

  it('goes on when the refusals are not in a row, or refuse single emails (throttling, a rejected address)', async () => {
    const { paper, readers, batch } = readersOfOneMessage(9);
    const refusing = new Map<string, Error>([
      [readers[0].email, new SendingRefusedError('SendingPausedException')],
      [readers[1].email, new SendingRefusedError('SendingPausedException')],
      // readers[2] is sent: the run of refusals starts again.
      [readers[3].email, new SendingRefusedError('SendingPausedException')],
      [readers[4].email, new SendingRefusedError('SendingPausedException')],
      [readers[5].email, new MailNotSentError('throttled')],
      [readers[6].email, new MailNotSentError('throttled')],
      [readers[7].email, new MailNotSentError('address rejected')],
    ]);
    const mailer = new RecordingMailer({
      failFor: [...refusing.keys()],
      error: (email) => refusing.get(email.to) as Error,
    });
    const { deps, logger } = await setupRun({ papers: [paper], subscribers: readers, mailer });

    const result = await sendDigestBatch(deps, batch);

    expect(result.refusal).toBeUndefined();
    expect(result.sent).toBe(2);
    expect(mailer.attempts).toHaveLength(9);
    expect(logger.messages('error')).not.toContain(
      'SES refuses to send for the account: rest of the batch left for the retry',
    );
  });
});

describe('sendDigestBatch after a sender was killed midway', () => {
  it('counts, on the redelivery, the readers the killed attempt had claimed, and no reader twice', async () => {
    const { paper, readers, batch } = readersOfOneMessage(4);
    const { deps, ledger, mailer, subscribers } = await setupRun({ papers: [paper], subscribers: readers });
    // Killed as it hands the third reader's mail to SES (before SES has it): two sent, three claimed.
    const kill = killSwitch({ at: 3 });
    void sendDigestBatch({ ...deps, mailer: kill.wrap(deps.mailer) }, batch);
    await kill.killed;
    expect(await ledger.read(RUN)).toMatchObject({ sent: 0, skipped: 0, uncertain: 0 });

    const redelivered = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(redelivered).toEqual(outcome({ sent: 1, uncertain: 3 }));
    expect(await ledger.read(RUN)).toMatchObject({ sent: 1, skipped: 0, failed: 0, uncertain: 3 });
    expect(mailer.sent.map((email) => email.to)).toEqual(
      [readers[0], readers[1], readers[3]].map((r) => r.email),
    );
    expect((await historyOf(subscribers, readers[2].id))?.[DIGEST_DATE]).toEqual([paper.id]);

    // Delivered once more (SQS may): everyone is counted already.
    expect(await sendDigestBatch(deps, batch, { firstAttempt: false })).toEqual(outcome());
    expect(await ledger.read(RUN)).toMatchObject({ sent: 1, skipped: 0, failed: 0, uncertain: 3 });
  });

  it('counts nothing again when the attempt before finished and left readers for the retry', async () => {
    const { paper, readers, batch } = readersOfOneMessage(3);
    const mailer = new RecordingMailer({ failFor: [readers[1].email] });
    const { deps, ledger } = await setupRun({ papers: [paper], subscribers: readers, mailer });
    await sendDigestBatch(deps, batch);
    mailer.recover(readers[1].email);

    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(retry).toEqual(outcome({ sent: 1 }));
    expect(await ledger.read(RUN)).toMatchObject({ sent: 3, skipped: 0, failed: 0, uncertain: 0 });
  });

  it('counts a killed attempt of a redelivery the next one finishes, once', async () => {
    const { paper, readers, batch } = readersOfOneMessage(4);
    const mailer = new RecordingMailer({ failFor: [readers[2].email, readers[3].email] });
    const { deps, ledger } = await setupRun({ papers: [paper], subscribers: readers, mailer });
    await sendDigestBatch(deps, batch); // two sent, two left for the retry
    mailer.recover(readers[2].email).recover(readers[3].email);
    // The retry is killed once SES has accepted the third reader's mail: claimed, sent, never counted.
    const kill = killSwitch({ at: 1, landed: true });
    void sendDigestBatch({ ...deps, mailer: kill.wrap(deps.mailer) }, batch, { firstAttempt: false });
    await kill.killed;

    const last = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(last).toEqual(outcome({ sent: 1, uncertain: 1 }));
    expect(await ledger.read(RUN)).toMatchObject({ sent: 3, skipped: 0, failed: 0, uncertain: 1 });
    for (const reader of readers) expect(mailer.sentTo(reader.email)).toHaveLength(1);
  });
});

describe('sendDigestBatch when the store fails', () => {
  it('leaves a reader whose claim could not be written for the retry and goes on with the others', async () => {
    class FailingClaims extends InMemoryDeliveryRepository {
      failFor = new Set<string>();
      override async claimDigest(claim: Parameters<InMemoryDeliveryRepository['claimDigest']>[0]) {
        if (this.failFor.delete(claim.subscriberId))
          throw new Error('ProvisionedThroughputExceededException');
        return super.claimDigest(claim);
      }
    }
    const { paper, readers, batch, ids } = readersOfOneMessage(3);
    let deliveries: FailingClaims | undefined;
    const { deps, mailer, logger, ledger } = await setupRun({
      papers: [paper],
      subscribers: readers,
      deliveries: (subscribers, clock) => (deliveries = new FailingClaims(subscribers, clock)),
    });
    deliveries?.failFor.add(ids[1]);

    const first = await sendDigestBatch(deps, batch);
    const retry = await sendDigestBatch(deps, batch, { firstAttempt: false });

    expect(first).toEqual(outcome({ sent: 2, retrySubscriberIds: [ids[1]] }));
    expect(logger.messages('error')).toEqual(['digest not claimed']);
    expect(retry).toEqual(outcome({ sent: 1 }));
    for (const reader of readers) expect(mailer.sentTo(reader.email)).toHaveLength(1);
    expect(await ledger.read(RUN)).toMatchObject({ sent: 3, uncertain: 0 });
  });

  it('gives a claim back after a refused send even when the store fails once', async () => {
    class FlakyRelease extends InMemoryDeliveryRepository {
      failuresLeft = 1;
      override async releaseDigest(subscriberId: string, digestDate: string) {
        if (this.failuresLeft-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return super.releaseDigest(subscriberId, digestDate);
      }
    }
    const { paper, readers, batch } = readersOfOneMessage(1);
    const { deps, subscribers } = await setupRun({
      papers: [paper],
      subscribers: readers,
      mailer: new RecordingMailer({ failFor: [readers[0].email] }),
      deliveries: (store, clock) => new FlakyRelease(store, clock),
    });

    await sendDigestBatch(deps, batch);

    expect((await historyOf(subscribers, readers[0].id))?.[DIGEST_DATE]).toBeUndefined();
  });
});
