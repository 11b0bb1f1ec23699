import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { handler as apiHandler } from '../../functions/handlers/api';
import { handler as ingestHandler } from '../../functions/handlers/ingest';
import { handler as planHandler } from '../../functions/handlers/plan-digests';
import { handler as planSliceHandler } from '../../functions/handlers/plan-slice';
import { handler as sendHandler } from '../../functions/handlers/send-digests';
import { MAIL_TIME_RESERVE_MS, sendMailHandler } from '../../functions/handlers/send-mail';
import { parseMailMessage } from '../../functions/adapters/sqs/mail-queue';
import { defaultPreferences } from '../../functions/core/subscribers/subscriber';
import { handler as sesEventsHandler } from '../../functions/handlers/ses-events';
import { lambdaServices } from '../../functions/handlers/runtime';
import { createServices } from '../../functions/composition';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { parseLocalSettings } from '../../infra/local/settings';
import { standInEnvironment } from '../support/stand-in-environment';
import {
  httpEvent,
  lambdaContext,
  manualEvent,
  schedulerEvent,
  sesBounceEvent,
  sesComplaintEvent,
  sesDeliveryEvent,
  sqsRecord,
} from '../fixtures/events';
import { aSubscriber } from '../support/builders';
import { HF_DAYS_DIR } from '../support/paths';
import { header, linksTo, readInbox } from '../support/ses-inbox';
import { runMailWorker } from '../support/mail-worker';

type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

let standIns: StandIns;
/** The test's own services (tables, links), built the way the api function builds its own. */
const getServices = lambdaServices(createServices);
const READER = 'handler-reader@example.com';

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'handlers-' });
  Object.assign(
    process.env,
    standInEnvironment(standIns, {
      tokenSecret: 'handlers-test-secret-0123456789-abcdefghijklmnop',
      settings: { PAPERS_SOURCE: HF_DAYS_DIR },
    }),
  );
});
afterAll(async () => standIns.stop());

const callApi = async (input: Parameters<typeof httpEvent>[0]) =>
  (await apiHandler(httpEvent(input) as never, lambdaContext)) as HttpResult;

async function receiveAll(queueUrl = standIns.queues.sendQueueUrl): Promise<SQSEvent> {
  const sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    }),
  );
  return {
    Records: Messages.map((message) => sqsRecord(message.Body ?? '', { messageId: message.MessageId })),
  };
}

describe('ingest handler (EventBridge Scheduler event)', () => {
  it('ingests a day from the papers source and is idempotent', async () => {
    const first = await ingestHandler(manualEvent({ date: '2025-11-13' }), lambdaContext);
    const second = await ingestHandler(manualEvent({ date: '2025-11-13' }), lambdaContext);

    const itemsInFile = JSON.parse(readFileSync(path.join(HF_DAYS_DIR, '2025-11-13.json'), 'utf8')).length;
    expect(first.created).toBe(itemsInFile);
    expect(first.rejected).toBe(0);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.created });
  });

  it('rejects a malformed date in the event with the field named', async () => {
    await expect(ingestHandler(manualEvent({ date: '2025-13-01' }), lambdaContext)).rejects.toThrow(/date/);
  });
});

describe('api handler (API Gateway HTTP API v2 events)', () => {
  it('subscribes, mails one confirmation link, confirms on POST only, and lands on preferences', async () => {
    const subscribed = await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: READER, topics: ['ai-agents'], keywords: ['video generation'] },
    });
    const nothingYet = await readInbox(standIns.endpoints.ses, READER);
    const jobs = await runMailWorker(standIns);
    const [confirmation] = await readInbox(standIns.endpoints.ses, READER);
    const [confirmLink] = linksTo(confirmation.body.html ?? '', '/confirm');
    const token = confirmLink.searchParams.get('token') as string;
    const page = await callApi({
      method: 'GET',
      path: '/confirm',
      query: `token=${encodeURIComponent(token)}`,
    });
    const stillPending = (await (await getServices()).subscribers.findByEmail(READER))?.status;
    const confirmed = await callApi({
      method: 'POST',
      path: '/confirm',
      body: `token=${encodeURIComponent(token)}`,
      contentType: 'application/x-www-form-urlencoded',
    });

    expect(subscribed.statusCode).toBe(202);
    // Answered before any mail: the sign-up waited on the queue for the send-mail function.
    expect(nothingYet).toEqual([]);
    expect(jobs).toBe(1);
    expect(linksTo(confirmation.body.html ?? '', '/confirm')).toHaveLength(1);
    expect(page.statusCode).toBe(200);
    expect(stillPending).toBe('unconfirmed');
    expect(confirmed.statusCode).toBe(303);
    expect(String(confirmed.headers?.location)).toMatch(/^\/preferences\?token=/);
    expect((await (await getServices()).subscribers.findByEmail(READER))?.status).toBe('confirmed');
    expect(page.headers?.['cache-control']).toBe('no-store');
  });

  it('answers bad input with a 4xx JSON error and a tampered link with an error page', async () => {
    const badEmail = await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: 'not-an-address' },
    });
    const notJson = await callApi({ method: 'POST', path: '/api/subscribe', body: '{oops' });
    const tampered = await callApi({ method: 'GET', path: '/preferences', query: 'token=abc.def' });

    expect(badEmail.statusCode).toBe(400);
    expect(JSON.parse(badEmail.body as string)).toEqual({
      error: { code: 'invalid_request', message: expect.stringMatching(/email/) },
    });
    expect(notJson.statusCode).toBe(400);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('This link does not work');
  });
});

/** Starts a run as the schedule does and plans its slices as the plan queue's event source would. */
async function planDay(event: unknown) {
  const run = (await planHandler(event, lambdaContext)) as {
    digestDate: string;
    runId: string;
    totalSegments: number;
  };
  const slices = await receiveAll(standIns.queues.planQueueUrl);
  const planned = await planSliceHandler(slices, lambdaContext);
  return { run, slices, planned };
}

describe('send-mail handler (SQS events of the mail queue)', () => {
  const signUpJob = (email: string) => ({
    job: 'sign-up',
    email,
    preferences: { ...defaultPreferences(), topics: ['ai-agents'] },
  });

  it('does the jobs of a message it has time for and requeues the rest alone, failing nothing', async () => {
    const emails = ['packed-1@example.com', 'packed-2@example.com', 'packed-3@example.com'];
    let checks = 0;
    // Time for one job: Lambda's remaining time drops below the reserve after the first.
    const runningOut = {
      ...lambdaContext,
      getRemainingTimeInMillis: () => (checks++ === 0 ? 60_000 : MAIL_TIME_RESERVE_MS - 1),
    };
    const old = sqsRecord(JSON.stringify(signUpJob('bare-job@example.com')), { messageId: 'old' });
    const packed = sqsRecord(JSON.stringify({ jobs: emails.map(signUpJob) }), { messageId: 'packed' });
    const unreadable = sqsRecord('{"jobs":[{"job":"sign-up"}]}', { messageId: 'unreadable' });

    const sendMail = sendMailHandler(getServices);
    const first = await sendMail({ Records: [packed] }, runningOut);
    const second = await sendMail({ Records: [old, unreadable] }, lambdaContext);

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'unreadable' }]);
    expect((await readInbox(standIns.endpoints.ses, emails[0])).length).toBe(1);
    expect((await readInbox(standIns.endpoints.ses, 'bare-job@example.com')).length).toBe(1);
    // The two it had no time for wait on the mail queue, one to a message, and are done from there.
    const requeued = (await receiveAll(standIns.queues.mailQueueUrl)).Records;
    expect(requeued.map((record) => parseMailMessage(record.body))).toHaveLength(2);
    expect(requeued.map((record) => parseMailMessage(record.body))).toEqual(
      expect.arrayContaining([[signUpJob(emails[1])], [signUpJob(emails[2])]]),
    );
    expect((await sendMail({ Records: requeued }, lambdaContext)).batchItemFailures).toEqual([]);
    for (const email of emails) expect(await readInbox(standIns.endpoints.ses, email)).toHaveLength(1);
  });
});

describe('plan-digests, plan-slice and send-digests handlers (Scheduler and SQS events)', () => {
  it('plans one digest in slices, sends it with one-click unsubscribe headers, and never twice', async () => {
    const { run, slices, planned } = await planDay(schedulerEvent('2025-11-13T08:00:00Z'));
    const event = await receiveAll();
    const firstSend = await sendHandler(event, lambdaContext);
    const secondSend = await sendHandler(event, lambdaContext);
    const digests = (await readInbox(standIns.endpoints.ses, READER)).filter(
      (email) => !/confirm/i.test(email.subject),
    );
    const report = await (await getServices()).ledger.read(run);

    expect(run).toMatchObject({
      digestDate: '2025-11-13',
      totalSegments: parseLocalSettings({}).PLAN_SEGMENTS,
    });
    expect(slices.Records.map((record) => JSON.parse(record.body).segment).sort()).toEqual(
      Array.from({ length: run.totalSegments }, (_, segment) => segment),
    );
    expect(planned.batchItemFailures).toEqual([]);
    expect(report).toMatchObject({ segmentsDone: run.totalSegments, withDigest: 1, messages: 1, sent: 1 });
    expect(event.Records).toHaveLength(1);
    expect(firstSend.batchItemFailures).toEqual([]);
    expect(secondSend.batchItemFailures).toEqual([]);
    expect(digests).toHaveLength(1);
    expect(header(digests[0], 'List-Unsubscribe')).toMatch(
      /^<https:\/\/paperboy\.example\/unsubscribe\?token=.+>$/,
    );
    expect(header(digests[0], 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(linksTo(digests[0].body.html ?? '', '/preferences').length).toBeGreaterThan(0);
  });

  it('hands a message back untouched when the invocation is about to time out', async () => {
    await ingestHandler(manualEvent({ date: '2025-11-11' }), lambdaContext);
    await planDay(manualEvent({ date: '2025-11-11' }));
    const event = await receiveAll();
    const before = (await readInbox(standIns.endpoints.ses, READER)).length;
    const almostOut = { ...lambdaContext, getRemainingTimeInMillis: () => 5_000 };

    const response = await sendHandler(event, almostOut);

    expect(event.Records.length).toBeGreaterThan(0);
    expect(response.batchItemFailures).toHaveLength(event.Records.length);
    expect(await readInbox(standIns.endpoints.ses, READER)).toHaveLength(before);
  });

  it('reports a poison message as a batch item failure without failing the others', async () => {
    const response = await sendHandler(
      {
        Records: [
          sqsRecord('{not json', { messageId: 'poison-1' }),
          sqsRecord(JSON.stringify({ digestDate: 'x' }), { messageId: 'poison-2' }),
        ],
      },
      lambdaContext,
    );
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([
      'poison-1',
      'poison-2',
    ]);
  });
});

describe('event envelopes (Powertools parser schemas)', () => {
  it('rejects an event that is not the shape Lambda delivers, before touching anything', async () => {
    await expect(sendHandler({ Records: [{ body: '{}' }] } as never, lambdaContext)).rejects.toThrow();
    await expect(
      sesEventsHandler({ Records: [{ Sns: { Message: '{}' } }] } as never, lambdaContext),
    ).rejects.toThrow();
  });
});

describe('ses-events handler (SNS notifications of SES events)', () => {
  it('suppresses on a hard bounce or complaint, records a soft bounce and ignores deliveries', async () => {
    const services = await getServices();
    await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: 'bouncy@example.com', topics: ['ai-agents'] },
    });
    await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: 'angry@example.com', topics: ['ai-agents'] },
    });
    await runMailWorker(standIns);

    const soft = await sesEventsHandler(sesBounceEvent('bouncy@example.com', 'Transient'), lambdaContext);
    const delivered = await sesEventsHandler(sesDeliveryEvent('bouncy@example.com'), lambdaContext);
    const hard = await sesEventsHandler(sesBounceEvent('bouncy@example.com'), lambdaContext);
    const complaint = await sesEventsHandler(sesComplaintEvent('angry@example.com'), lambdaContext);
    const unknown = await sesEventsHandler(sesBounceEvent('nobody@example.com'), lambdaContext);

    // One soft bounce is recorded, not acted on (issue 17: it used to be ignored).
    expect(soft).toEqual({ suppressed: 0, recorded: 1, settled: 0, ignored: 0 });
    expect(delivered).toEqual({ suppressed: 0, recorded: 0, settled: 0, ignored: 1 });
    expect(hard).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    expect(complaint).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    expect(unknown).toEqual({ suppressed: 0, recorded: 0, settled: 0, ignored: 0 });
    expect((await services.subscribers.findByEmail('bouncy@example.com'))?.suppressed?.reason).toBe(
      'hard-bounce',
    );
    expect((await services.subscribers.findByEmail('angry@example.com'))?.suppressed?.reason).toBe(
      'complaint',
    );
  });
});

describe('api handler: a new link (POST /api/links/renew)', () => {
  const tokenOf = (url: URL) => url.searchParams.get('token') as string;

  it('answers 202, mails a new link that works, and answers 410 to the older links from then on', async () => {
    const [digest] = (await readInbox(standIns.endpoints.ses, READER)).filter(
      (email) => !/confirm/i.test(email.subject),
    );
    const oldToken = tokenOf(linksTo(digest.body.html ?? '', '/preferences')[0]);
    const oldUnsubscribe = new URL((header(digest, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, ''));

    const renewed = await callApi({ method: 'POST', path: '/api/links/renew', body: { token: oldToken } });
    await runMailWorker(standIns);
    const [newLinkEmail, ...more] = (await readInbox(standIns.endpoints.ses, READER)).filter(
      (email) => email.subject === 'Your new paperboy link',
    );
    const newToken = tokenOf(linksTo(newLinkEmail.body.html ?? '', '/preferences')[0]);
    const withNewLink = await callApi({
      method: 'GET',
      path: '/api/preferences',
      query: `token=${encodeURIComponent(newToken)}`,
    });
    const renewedAgain = await callApi({
      method: 'POST',
      path: '/api/links/renew',
      body: { token: oldToken },
    });
    const withOldLink = await callApi({
      method: 'GET',
      path: '/api/preferences',
      query: `token=${encodeURIComponent(oldToken)}`,
    });
    const oldOneClick = await callApi({
      method: 'POST',
      path: '/unsubscribe',
      query: `token=${encodeURIComponent(tokenOf(oldUnsubscribe))}`,
      body: 'List-Unsubscribe=One-Click',
      contentType: 'application/x-www-form-urlencoded',
    });

    expect(renewed.statusCode).toBe(202);
    expect(JSON.parse(renewed.body as string)).toEqual({
      mailed: true,
      message: expect.stringMatching(
        /^We emailed you a new link\. Links in your older emails no longer work/,
      ),
    });
    expect(renewed.headers?.['cache-control']).toBe('no-store');
    expect(more).toHaveLength(0);
    expect(newToken).not.toBe(oldToken);
    expect(withNewLink.statusCode).toBe(200);
    expect(JSON.parse(withNewLink.body as string)).toMatchObject({ email: READER, subscribed: true });
    expect(renewedAgain.statusCode).toBe(410);
    expect(JSON.parse(renewedAgain.body as string)).toEqual({
      error: { code: 'token_revoked', message: expect.stringMatching(/no longer valid/) },
    });
    expect(withOldLink.statusCode).toBe(410);
    expect(oldOneClick.statusCode).toBe(410);
    expect(oldOneClick.body).toContain('This link is no longer valid');
    expect((await (await getServices()).subscribers.findByEmail(READER))?.status).toBe('confirmed');
  });

  it('answers 400 to a missing, tampered or wrong-purpose token and mails nothing', async () => {
    const services = await getServices();
    const reader = (await services.subscribers.findByEmail(READER))!;
    const unsubscribeToken = tokenOf(new URL(services.subscriptions.linksFor(reader).unsubscribeUrl));
    const mailsBefore = (await readInbox(standIns.endpoints.ses, READER)).length;

    const missing = await callApi({ method: 'POST', path: '/api/links/renew', body: {} });
    const tampered = await callApi({ method: 'POST', path: '/api/links/renew', body: { token: 'abc.def' } });
    const wrongPurpose = await callApi({
      method: 'POST',
      path: '/api/links/renew',
      body: { token: unsubscribeToken },
    });

    expect([missing.statusCode, tampered.statusCode, wrongPurpose.statusCode]).toEqual([400, 400, 400]);
    expect(JSON.parse(wrongPurpose.body as string).error.code).toBe('token_wrong_purpose');
    expect((await services.subscribers.findByEmail(READER))?.tokenVersion).toBe(reader.tokenVersion);
    expect(await readInbox(standIns.endpoints.ses, READER)).toHaveLength(mailsBefore);
  });
});

describe('api handler: what a sign-up or a preferences change may store', () => {
  const rawItem = async (id: string) =>
    (
      await createDocumentClient({ endpoint: standIns.endpoints.dynamodb }).send(
        new GetCommand({ TableName: standIns.tables.subscribers, Key: keys.subscriber(id) }),
      )
    ).Item;

  it('refuses a part before the @ over 64 characters like any invalid address, storing and mailing nothing', async () => {
    const address = `${'a'.repeat(65)}@example.com`;

    const answer = await callApi({ method: 'POST', path: '/api/subscribe', body: { email: address } });
    await runMailWorker(standIns);

    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body as string)).toEqual({
      error: {
        code: 'invalid_request',
        message: 'email is not a valid address: the part before the @ is longer than 64 characters',
      },
    });
    expect(await (await getServices()).subscribers.findByEmail(address)).toBeUndefined();
    expect(await readInbox(standIns.endpoints.ses, address)).toHaveLength(0);
  });

  it('refuses a sign-up keyword with nothing printable, storing and mailing nothing', async () => {
    const address = 'control-keyword@example.com';

    const answer = await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: address, keywords: ['\u0000\u0001\u001b'] },
    });
    await runMailWorker(standIns);

    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body as string)).toEqual({
      error: {
        code: 'invalid_request',
        message: 'Keyword 1 has no printable characters (only control or formatting codes)',
      },
    });
    expect(await (await getServices()).subscribers.findByEmail(address)).toBeUndefined();
    expect(await readInbox(standIns.endpoints.ses, address)).toHaveLength(0);
  });

  it('refuses a new keyword with nothing printable, and drops one stored before on the next save', async () => {
    const services = await getServices();
    // Stored as the sign-up took it before entries were cleaned.
    const reader = aSubscriber({ preferences: { keywords: ['\u0007\u0008', 'video generation'] } });
    await services.subscribers.create(reader);
    const token = new URL(services.subscriptions.linksFor(reader).manageUrl).searchParams.get('token');

    const shown = await callApi({ method: 'GET', path: '/api/preferences', query: `token=${token}` });
    const refused = await callApi({
      method: 'PUT',
      path: '/api/preferences',
      body: { token, keywords: ['video generation', '\u0002'] },
    });
    const afterRefusal = await rawItem(reader.id);
    const saved = await callApi({
      method: 'PUT',
      path: '/api/preferences',
      body: { token, cadence: 'weekly' },
    });

    expect(JSON.parse(shown.body as string).keywords).toEqual(['video generation']);
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body as string).error.message).toBe(
      'Keyword 2 has no printable characters (only control or formatting codes)',
    );
    expect(afterRefusal?.preferences.keywords).toEqual(['\u0007\u0008', 'video generation']);
    expect(saved.statusCode).toBe(200);
    expect((await rawItem(reader.id))?.preferences).toMatchObject({
      keywords: ['video generation'],
      cadence: 'weekly',
    });
  });
});

describe('api handler: one-click unsubscribe (POST /unsubscribe), whatever the body', () => {
  // Lenient on purpose (docs/architecture.md, Links): the signed token authorizes it, not the body.
  it.each([
    ['the RFC 8058 body', 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'],
    [
      'the RFC 8058 body as multipart/form-data',
      '--b0undary\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b0undary--\r\n',
      'multipart/form-data; boundary=b0undary',
    ],
    ['an empty form (the unsubscribe page)', '', 'application/x-www-form-urlencoded'],
    ['no body at all', undefined, undefined],
    ['a body that is not the RFC 8058 one', 'unsubscribe me', 'text/plain'],
  ])('unsubscribes on %s: 200, no redirect', async (_label, body, contentType) => {
    const services = await getServices();
    const reader = aSubscriber();
    await services.subscribers.create(reader);
    const token = new URL(services.subscriptions.linksFor(reader).unsubscribeUrl).searchParams.get('token');

    const answer = await callApi({
      method: 'POST',
      path: '/unsubscribe',
      query: `token=${encodeURIComponent(token as string)}`,
      body,
      contentType,
    });

    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.location).toBeUndefined();
    expect(answer.body).toContain('unsubscribed');
    expect((await services.subscribers.get(reader.id))?.status).toBe('unsubscribed');
  });
});
