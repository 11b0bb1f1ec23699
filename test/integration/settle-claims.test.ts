import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import { parseDailyPapers } from '../../functions/adapters/hf-papers/daily-papers-schema';
import { createServices, type Services } from '../../functions/composition';
import { parseConfig } from '../../functions/config';
import { runPlanSlice } from '../../functions/core/digests/plan-slice';
import { sendDigestBatch } from '../../functions/core/digests/send-digests';
import {
  claimTagValue,
  findStuckClaims,
  settleSentClaim,
  settleStuckClaims,
} from '../../functions/core/digests/settle-claims';
import type { Clock, DigestBatch, DigestRun, Logger } from '../../functions/core/ports';
import { type Subscriber } from '../../functions/core/subscribers/subscriber';
import { handler as sesEventsHandler } from '../../functions/handlers/ses-events';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { standInEnvironment } from '../support/stand-in-environment';
import { lambdaContext, sesSendEvent } from '../fixtures/events';
import { HF_DAYS_DIR } from '../support/paths';
import { clearInbox, readInbox } from '../support/ses-inbox';
import { killSwitch } from '../support/kill-switch';
import { storedReaders } from '../support/builders';

/**
 * A claim left with no send (a kill between the claim and SendEmail) on dynalite and aws-ses-v2-local:
 * listed, released, and sent once by a re-run; a claim SES's Send event settled is left alone.
 */
const DAY = '2025-11-13';
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Every SendEmail input, as the real client is handed it (the SES stand-in keeps no tags). */
const sendEmailInputs: SendEmailCommandInput[] = [];
function recordingClient(real: SESv2Client): SESv2Client {
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: SendEmailCommand) => {
        if (command instanceof SendEmailCommand) sendEmailInputs.push(command.input);
        return target.send(command);
      };
    },
  });
}

let standIns: StandIns;
let services: Services;
/** The functions' services at another time (a run that started hours ago). */
let servicesAt: (clock: Clock) => Promise<Services>;

const papersOf = (day: string) =>
  parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${day}.json`), 'utf8')), day).papers;

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'claims-' });
  const env = standInEnvironment(standIns, { tokenSecret: 'claims-test-secret-0123456789-abcdefghijklmnop' });
  // The ses-events handler builds its services from the environment, as in Lambda.
  Object.assign(process.env, env);
  const config = parseConfig({ ...env, SES_MAX_SEND_RATE: '1000' });
  servicesAt = (clock) => createServices(config, { sesClient: recordingClient, logger: silent, clock });
  services = await createServices(config, {
    sesClient: recordingClient,
    logger: silent,
  });
  await services.papers.upsert(papersOf(DAY));
});
afterAll(async () => standIns.stop());

async function reader(name: string): Promise<Subscriber> {
  const [stored] = await storedReaders(services.subscribers, 1, { email: `claims-${name}@example.com` });
  return stored;
}

/** A run of the day planned in one slice: its send messages. */
async function planRun(run: DigestRun, planner: Services = services): Promise<DigestBatch[]> {
  const batches: DigestBatch[] = [];
  await planner.ledger.start(run, 1);
  await runPlanSlice(
    {
      ...planner,
      logger: silent,
      queue: { enqueue: async (queued) => void batches.push(...queued) },
      sliceQueue: { enqueue: async () => undefined },
    },
    { ...run, segment: 0, totalSegments: 1 },
  );
  return batches;
}

/** What send-digests hands the core, over these services. */
const sendDeps = (sender: Services = services) => ({
  ...sender,
  mailer: sender.digestMailer,
  logger: silent,
  linksFor: sender.subscriptions.linksFor,
});

/** A run of the day in one slice, its messages sent through the real SES adapter (as send-digests does). */
async function runDay(runId: string, digestDate = DAY) {
  const run = { digestDate, runId };
  for (const batch of await planRun(run)) await sendDigestBatch(sendDeps(), batch);
  return services.ledger.read(run);
}

describe('stuck claims (a claim with no delivery record)', () => {
  it('are listed, released, and sent exactly once by a re-run; a claim settled by its Send event is not', async () => {
    const [paper] = await services.papers.listByDays([DAY]);
    const killed = await reader('killed');
    const settled = await reader('settled');
    // Both claimed through the real repository; neither sent (the kill), and only one Send event arrives.
    for (const { id } of [killed, settled])
      expect(
        await services.deliveries.claimDigest({
          subscriberId: id,
          digestDate: DAY,
          paperIds: [paper.id],
          forgetDays: [],
        }),
      ).toBeDefined();

    const sendEvent = sesSendEvent(settled.email, {
      claim: claimTagValue(settled.id, DAY),
      messageId: 'ses-message-of-settled',
    });
    expect(await sesEventsHandler(sendEvent, lambdaContext)).toEqual({
      suppressed: 0,
      recorded: 0,
      settled: 1,
      ignored: 0,
    });
    // Delivered twice by SNS: the record stands, nothing more is written.
    expect(await sesEventsHandler(sendEvent, lambdaContext)).toEqual({
      suppressed: 0,
      recorded: 0,
      settled: 0,
      ignored: 0,
    });
    // A Send event of mail that carries no claim (a confirmation email) is ignored.
    expect(await sesEventsHandler(sesSendEvent('someone@example.com'), lambdaContext)).toEqual({
      suppressed: 0,
      recorded: 0,
      settled: 0,
      ignored: 1,
    });
    expect(
      await services.deliveries.sentDigestsOf([
        { subscriberId: settled.id, digestDate: DAY },
        { subscriberId: killed.id, digestDate: DAY },
      ]),
    ).toEqual([
      {
        subscriberId: settled.id,
        digestDate: DAY,
        paperIds: [paper.id],
        messageId: 'ses-message-of-settled',
      },
    ]);

    const found = await findStuckClaims(services, DAY);
    expect(found).toEqual({ digestDate: DAY, subscriberIds: [killed.id], busyRuns: [] });

    const released = await settleStuckClaims(services, DAY);
    expect(released).toMatchObject({ settled: true, released: 1, subscriberIds: [killed.id] });
    expect((await services.subscribers.get(killed.id))?.digestHistory?.[DAY]).toBeUndefined();
    expect((await services.subscribers.get(settled.id))?.digestHistory?.[DAY]).toEqual([paper.id]);

    await clearInbox(standIns.endpoints.ses);
    sendEmailInputs.length = 0;
    const rerun = await runDay('rerun-1');
    const inbox = await readInbox(standIns.endpoints.ses);

    expect(rerun).toMatchObject({ withDigest: 1, alreadySent: 1, sent: 1 });
    expect(inbox.map((email) => email.destination.to)).toEqual([[killed.email]]);
    // The mailer hands SES the claim as a message tag (the stand-in does not keep tags: the input does).
    expect(sendEmailInputs.map((input) => input.EmailTags)).toEqual([
      [{ Name: 'claim', Value: `${killed.id}_${DAY}` }],
    ]);
    expect(
      (await services.deliveries.sentDigestsOf([{ subscriberId: killed.id, digestDate: DAY }]))[0],
    ).toMatchObject({ messageId: inbox[0].messageId });

    const second = await runDay('rerun-2');
    expect(second).toMatchObject({ withDigest: 0, alreadySent: 2, sent: 0 });
    expect(await readInbox(standIns.endpoints.ses)).toHaveLength(1);

    // Nothing is stuck now; the re-runs just started, so a release would be refused (not forced).
    const after = await settleStuckClaims(services, DAY);
    expect(after).toMatchObject({ settled: false, subscriberIds: [] });
    expect(after.busyRuns.map((run) => [run.runId, run.reason]).sort()).toEqual([
      ['rerun-1', 'started-within-lease'],
      ['rerun-2', 'started-within-lease'],
    ]);
  });
});

describe('a sender killed midway', () => {
  it("leaves claims a release without --force gives back once its message was redelivered and the run's lease passed", async () => {
    const day = '2025-11-12';
    await services.papers.upsert(papersOf(day));
    for (const name of ['k1', 'k2', 'k3']) await reader(name);
    await clearInbox(standIns.endpoints.ses);
    // The run started three hours ago, past the lease (CLAIM_LEASE_MS), and planned one message.
    const earlier = await servicesAt({ now: () => new Date(Date.now() - 3 * 3_600_000) });
    const run = { digestDate: day, runId: 'killed-run' };
    const [batch, ...none] = await planRun(run, earlier);
    expect(none).toEqual([]);
    const planned = batch.recipients.map((recipient) => recipient.subscriberId);
    expect(planned.length).toBeGreaterThanOrEqual(3);

    // Killed as it hands the second reader's mail to SES: the first one sent, the second claimed.
    const kill = killSwitch({ at: 2 });
    void sendDigestBatch({ ...sendDeps(), mailer: kill.wrap(services.digestMailer) }, batch);
    await kill.killed;
    // SES's Send event of the first mail settles its claim (its record died with the sender).
    const [first] = await readInbox(standIns.endpoints.ses);
    expect(
      await settleSentClaim(services, { tag: claimTagValue(planned[0], day), messageId: first.messageId }),
    ).toBe('recorded');
    // The message is not redelivered yet: the run may still be sending, and nothing is released.
    expect(await settleStuckClaims(services, day)).toMatchObject({
      settled: false,
      subscriberIds: [planned[1]],
      busyRuns: [{ runId: run.runId, reason: 'outcomes-missing', unaccounted: planned.length }],
    });

    const redelivered = await sendDigestBatch(sendDeps(), batch, { firstAttempt: false });
    expect(redelivered).toMatchObject({ sent: planned.length - 2, uncertain: 2, retrySubscriberIds: [] });
    // Every reader of the run is accounted for: the two the killed attempt claimed, by the redelivery.
    expect(await services.ledger.read(run)).toMatchObject({
      withDigest: planned.length,
      sent: planned.length - 2,
      skipped: 0,
      failed: 0,
      uncertain: 2,
    });

    const released = await settleStuckClaims(services, day);
    expect(released).toMatchObject({ settled: true, released: 1, subscriberIds: [planned[1]], busyRuns: [] });
    expect(await runDay('after-release', day)).toMatchObject({ withDigest: 1, sent: 1 });
    const inbox = await readInbox(standIns.endpoints.ses);
    expect(inbox).toHaveLength(planned.length);
    for (const id of planned) {
      const { email } = (await services.subscribers.get(id)) as Subscriber;
      expect(inbox.filter((mail) => mail.destination.to.includes(email))).toHaveLength(1);
    }
    expect((await findStuckClaims(services, day)).subscriberIds).toEqual([]);
  });
});
