import {
  CLAIM_LEASE_MS,
  CLAIM_TAG,
  claimTagValue,
  findStuckClaims,
  parseClaimTag,
  settleSentClaim,
  settleStuckClaims,
} from '@functions/core/digests/settle-claims';
import { sendDigestBatch } from '@functions/core/digests/send-digests';
import type { DigestRun } from '@functions/core/ports';
import type { Subscriber } from '@functions/core/subscribers/subscriber';
import type { Paper } from '@functions/core/papers';
import { aDigestBatch, aPaper, aPlannedPaper, aSubscriber } from '@support/builders';
import {
  FakeEmailRenderer,
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemoryRunLedger,
  InMemorySubscriberRepository,
  RecordingLogger,
  RecordingMailer,
  SettableClock,
} from '@support/in-memory-ports';
import { killSwitch } from '@support/kill-switch';

const DAY = '2025-11-14';
const RUN: DigestRun = { digestDate: DAY, runId: 'run-1' };
const TAG_VALUE = /^[A-Za-z0-9_.@-]+$/;

function setup(readers: Subscriber[], options: { pageSize?: number } = {}) {
  const clock = new SettableClock(`${DAY}T07:00:00.000Z`);
  const subscribers = new InMemorySubscriberRepository({ pageSize: options.pageSize ?? 2 }).seed(...readers);
  const ledger = new InMemoryRunLedger(clock);
  const deliveries = new InMemoryDeliveryRepository(subscribers, clock, ledger);
  const logger = new RecordingLogger();
  /** What sendDigestBatch needs to send `papers` through the same stores. */
  const sendDeps = (papers: Paper[], mailer: RecordingMailer) => ({
    papers: new InMemoryPaperRepository(papers),
    deliveries,
    mailer,
    renderer: new FakeEmailRenderer(),
    ledger,
    clock,
    logger,
    linksFor: () => ({ manageUrl: 'https://x.example/m', unsubscribeUrl: 'https://x.example/u' }),
  });
  return {
    clock,
    subscribers,
    ledger,
    deliveries,
    logger,
    deps: { subscribers, deliveries, ledger, clock, logger },
    sendDeps,
  };
}

/** A claim taken and never sent: what a kill between the claim and SendEmail leaves. */
const claimOnly = (deliveries: InMemoryDeliveryRepository, subscriberId: string, paperIds = ['2511.00001']) =>
  deliveries.claimDigest({ subscriberId, digestDate: DAY, paperIds, forgetDays: [] });

describe('the claim tag', () => {
  it('names (reader, day) in what SES allows, and reads back', () => {
    const value = claimTagValue('3f2b9c1e-7a4d-4e0b-9c51-0d6f1e2a3b4c', DAY);
    expect(value).toBe(`3f2b9c1e-7a4d-4e0b-9c51-0d6f1e2a3b4c_${DAY}`);
    expect(parseClaimTag(value)).toEqual({
      subscriberId: '3f2b9c1e-7a4d-4e0b-9c51-0d6f1e2a3b4c',
      digestDate: DAY,
    });
  });

  it.each(['odd_id', 'dots.in.id', 'ümlaut id/with spaces', '.starts-with-dot', 'x'.repeat(120)])(
    'encodes an id SES would refuse or that would read ambiguously (%s)',
    (id) => {
      const value = claimTagValue(id, DAY);
      expect(value).toMatch(TAG_VALUE);
      expect(value.length).toBeLessThanOrEqual(256);
      expect(parseClaimTag(value)).toEqual({ subscriberId: id, digestDate: DAY });
    },
  );

  it.each(['', 'no-day', `_${DAY}`, 'abc_2025-13', `a b_${DAY}`, `.%%_${DAY}`, `a.b_${DAY}`])(
    'reads %j as no claim',
    (value) => {
      expect(parseClaimTag(value)).toBeUndefined();
    },
  );

  it('is sent with every digest, naming its reader and day', async () => {
    const reader = aSubscriber();
    const { sendDeps } = setup([reader]);
    const paper = aPaper();
    const mailer = new RecordingMailer();
    await sendDigestBatch(
      sendDeps([paper], mailer),
      aDigestBatch({ digestDate: DAY, papers: [aPlannedPaper(paper.id)], recipients: [reader.id] }),
    );
    expect(mailer.sent.map((email) => email.tags)).toEqual([{ [CLAIM_TAG]: `${reader.id}_${DAY}` }]);
  });
});

describe("SES's Send event settles a claim", () => {
  it("writes the reader's record of the day with the claimed papers and the event's message id", async () => {
    const reader = aSubscriber();
    const { deliveries, deps } = setup([reader]);
    await claimOnly(deliveries, reader.id, ['2511.00007', '2511.00008']);

    const outcome = await settleSentClaim(deps, { tag: claimTagValue(reader.id, DAY), messageId: 'ses-1' });

    expect(outcome).toBe('recorded');
    expect(deliveries.sentDigest(reader.id, DAY)).toMatchObject({
      paperIds: ['2511.00007', '2511.00008'],
      messageId: 'ses-1',
    });
  });

  it("keeps the sender's record when there is one", async () => {
    const reader = aSubscriber();
    const { deliveries, deps } = setup([reader]);
    await claimOnly(deliveries, reader.id);
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: DAY, paperIds: ['p'], messageId: 'sender' },
    ]);

    expect(await settleSentClaim(deps, { tag: claimTagValue(reader.id, DAY), messageId: 'event' })).toBe(
      'already-recorded',
    );
    expect(deliveries.sentDigest(reader.id, DAY)?.messageId).toBe('sender');
  });

  it('writes nothing for a reader who is gone, holds no claim of that day, or a tag that is no claim', async () => {
    const reader = aSubscriber();
    const { deliveries, deps } = setup([reader]);

    expect(await settleSentClaim(deps, { tag: claimTagValue('erased-reader', DAY), messageId: 'm' })).toBe(
      'no-claim',
    );
    expect(await settleSentClaim(deps, { tag: claimTagValue(reader.id, DAY), messageId: 'm' })).toBe(
      'no-claim',
    );
    expect(await settleSentClaim(deps, { tag: 'paperboy', messageId: 'm' })).toBe('not-a-claim');
    expect(await deliveries.sentDigestsOf([{ subscriberId: reader.id, digestDate: DAY }])).toEqual([]);
    expect(await deliveries.sentDigestsOf([{ subscriberId: 'erased-reader', digestDate: DAY }])).toEqual([]);
  });
});

describe('stuck claims of a day', () => {
  it('lists exactly the claims with no record, reading records a page at a time', async () => {
    const readers = Array.from({ length: 5 }, () => aSubscriber());
    const [stuck, sent, settledByEvent, otherDay] = readers;
    const { deliveries, deps } = setup(readers, { pageSize: 2 });
    for (const reader of [stuck, sent, settledByEvent]) await claimOnly(deliveries, reader.id);
    await deliveries.claimDigest({
      subscriberId: otherDay.id,
      digestDate: '2025-11-13',
      paperIds: ['p'],
      forgetDays: [],
    });
    await deliveries.recordSent([
      { subscriberId: sent.id, digestDate: DAY, paperIds: ['p'], messageId: 'm1' },
    ]);
    await settleSentClaim(deps, { tag: claimTagValue(settledByEvent.id, DAY), messageId: 'm2' });

    const found = await findStuckClaims(deps, DAY);

    expect(found.subscriberIds).toEqual([stuck.id]);
    expect(found.busyRuns).toEqual([]);
    // 5 readers in pages of 2: a BatchGet for each page that holds a claim of the day (pages 1 and 2).
    expect(deliveries.batchGetCalls).toBe(2);
  });

  it('releases them, so sending the day again sends those readers once and nobody else', async () => {
    const [stuck, sent] = [aSubscriber(), aSubscriber()];
    const { deliveries, deps, subscribers } = setup([stuck, sent]);
    await claimOnly(deliveries, stuck.id);
    await claimOnly(deliveries, sent.id);
    await deliveries.recordSent([
      { subscriberId: sent.id, digestDate: DAY, paperIds: ['p'], messageId: 'm1' },
    ]);

    const result = await settleStuckClaims(deps, DAY);

    expect(result).toMatchObject({ settled: true, released: 1, subscriberIds: [stuck.id] });
    expect((await subscribers.get(stuck.id))?.digestHistory).toEqual({});
    expect((await subscribers.get(sent.id))?.digestHistory?.[DAY]).toEqual(['2511.00001']);
    expect(await claimOnly(deliveries, stuck.id)).toBeDefined();
    expect(await claimOnly(deliveries, sent.id)).toBeUndefined();
    expect((await findStuckClaims(deps, DAY)).subscriberIds).toEqual([stuck.id]);
  });

  describe('while a run of the day may still be sending', () => {
    async function withRun(
      report: { segmentsDone: number; withDigest: number; sent: number; uncertain?: number },
      age: { hours: number },
    ) {
      const reader = aSubscriber();
      const context = setup([reader]);
      await context.ledger.start(RUN, 2);
      await context.ledger.addPlanned(
        RUN,
        {
          subscribers: 1,
          due: 1,
          withDigest: report.withDigest,
          skippedEmpty: 0,
          alreadySent: 0,
          messages: 1,
        },
        false,
      );
      for (let done = 0; done < report.segmentsDone; done++)
        await context.ledger.addPlanned(
          RUN,
          { subscribers: 0, due: 0, withDigest: 0, skippedEmpty: 0, alreadySent: 0, messages: 0 },
          true,
        );
      await context.ledger.addSent(RUN, {
        sent: report.sent,
        skipped: 0,
        failed: 0,
        uncertain: report.uncertain ?? 0,
      });
      await claimOnly(context.deliveries, reader.id);
      context.clock.advance(age);
      return { ...context, reader };
    }

    it.each([
      [
        'its slices are not all planned',
        { segmentsDone: 1, withDigest: 1, sent: 0, uncertain: 1 },
        5,
        'planning-not-finished',
      ],
      [
        'a reader has no send outcome yet',
        { segmentsDone: 2, withDigest: 2, sent: 1 },
        5,
        'outcomes-missing',
      ],
      [
        'it started less than the lease ago',
        { segmentsDone: 2, withDigest: 1, sent: 0, uncertain: 1 },
        1,
        'started-within-lease',
      ],
    ] as const)('refuses to release when %s, unless forced', async (_, report, hours, reason) => {
      const { deps, subscribers, reader } = await withRun(report, { hours });

      const refused = await settleStuckClaims(deps, DAY);

      expect(refused).toMatchObject({ settled: false, subscriberIds: [reader.id] });
      expect(refused.busyRuns).toEqual([expect.objectContaining({ runId: RUN.runId, reason })]);
      expect((await subscribers.get(reader.id))?.digestHistory?.[DAY]).toBeDefined();

      expect(await settleStuckClaims(deps, DAY, { force: true })).toMatchObject({
        settled: true,
        released: 1,
      });
      expect((await subscribers.get(reader.id))?.digestHistory?.[DAY]).toBeUndefined();
    });

    it('releases once the run is accounted for and the lease has passed', async () => {
      expect(CLAIM_LEASE_MS).toBe(2 * 3_600_000);
      const { deps } = await withRun({ segmentsDone: 2, withDigest: 1, sent: 0, uncertain: 1 }, { hours: 2 });

      expect(await settleStuckClaims(deps, DAY)).toMatchObject({ settled: true, released: 1, busyRuns: [] });
    });
  });
});

describe('after a sender was killed midway', () => {
  it("releases its claims without force once the message was redelivered and the run's lease passed", async () => {
    const readers = [aSubscriber(), aSubscriber(), aSubscriber()];
    const { clock, ledger, deps: settleDeps, sendDeps: depsToSend } = setup(readers, { pageSize: 100 });
    const mailer = new RecordingMailer();
    const paper = aPaper();
    const sendDeps = depsToSend([paper], mailer);
    const batch = aDigestBatch({
      ...RUN,
      papers: [aPlannedPaper(paper.id)],
      recipients: readers.map((reader) => reader.id),
    });
    await ledger.start(RUN, 1);
    await ledger.addPlanned(
      RUN,
      { subscribers: 3, due: 3, withDigest: 3, skippedEmpty: 0, alreadySent: 0, messages: 1 },
      true,
    );
    // Killed as it hands the first reader's mail to SES: that reader claimed, never sent.
    const kill = killSwitch({ at: 1 });
    void sendDigestBatch({ ...sendDeps, mailer: kill.wrap(mailer) }, batch);
    await kill.killed;
    clock.advance({ hours: 3 });

    // Its message is still to be redelivered: the run may still be sending.
    expect(await settleStuckClaims(settleDeps, DAY)).toMatchObject({
      settled: false,
      busyRuns: [expect.objectContaining({ reason: 'outcomes-missing', unaccounted: 3 })],
    });

    await sendDigestBatch(sendDeps, batch, { firstAttempt: false });
    const released = await settleStuckClaims(settleDeps, DAY);

    expect(await ledger.read(RUN)).toMatchObject({ withDigest: 3, sent: 2, uncertain: 1 });
    expect(released).toMatchObject({
      settled: true,
      released: 1,
      subscriberIds: [readers[0].id],
      busyRuns: [],
    });
    expect(mailer.sent.map((email) => email.to)).toEqual([readers[1].email, readers[2].email]);
  });
});
