import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResultV2, Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
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
import { captureLogs, type LogCapture } from '../support/log-capture';
import { HF_DAYS_DIR } from '../support/paths';
import { header, readInbox, type StoredEmail } from '../support/ses-inbox';
import { runMailWorker } from '../support/mail-worker';

/**
 * Privacy: the whole story through the real handlers on the stand-ins, with every line the functions
 * write captured, then searched for the readers' addresses, the tokens of their links and the signing
 * secret. None may appear, in any case or percent-encoded.
 */
type HttpResult = Exclude<APIGatewayProxyResultV2, string>;
type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const TOKEN_SECRET = 'privacy-test-secret-0123456789-abcdefghijklmnop';
/** Mixed case and a `+tag`: the service stores it lowercased, the logs must hold neither form. */
const ADA = 'Ada.Lovelace+Papers@Example.com';
const GRACE = 'grace.hopper@example.org';
const READERS = [ADA, GRACE];
/** Fewer captured lines than this means the capture, not the service, is broken. */
const MIN_LINES = 20;

let standIns: StandIns;
let capture: LogCapture | undefined;
const savedEnv = { ...process.env };
let handlers: {
  api: Handler<unknown, HttpResult>;
  ingest: Handler<unknown, unknown>;
  plan: Handler<unknown, unknown>;
  planSlice: Handler<SQSEvent, { batchItemFailures: unknown[] }>;
  send: Handler<SQSEvent, { batchItemFailures: unknown[] }>;
  sendMail: Handler<SQSEvent, SQSBatchResponse>;
  sesEvents: Handler<SNSEvent, unknown>;
};

/** Every token the story saw: from links in mail, headers and redirects. */
const tokens = new Set<string>();
const noteTokensIn = (text: string) => {
  for (const match of text.replace(/&amp;/g, '&').matchAll(/[?&]token=([^&"'<>\s]+)/g)) {
    tokens.add(decodeURIComponent(match[1]));
  }
};

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'privacy-' });
  Object.assign(
    process.env,
    standInEnvironment(standIns, { tokenSecret: TOKEN_SECRET, settings: { PAPERS_SOURCE: HF_DAYS_DIR } }),
    // The test setup silences Powertools; here every line is wanted, EMF documents included.
    { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' },
  );
  delete process.env.POWERTOOLS_DEV;
  // Loaded only now: the Powertools logger and metrics read their settings when the module loads.
  const [api, ingest, plan, planSlice, send, sendMail, sesEvents] = await Promise.all([
    import('../../functions/handlers/api'),
    import('../../functions/handlers/ingest'),
    import('../../functions/handlers/plan-digests'),
    import('../../functions/handlers/plan-slice'),
    import('../../functions/handlers/send-digests'),
    import('../../functions/handlers/send-mail'),
    import('../../functions/handlers/ses-events'),
  ]);
  handlers = {
    api: api.handler as never,
    ingest: ingest.handler as never,
    plan: plan.handler as never,
    planSlice: planSlice.handler as never,
    send: send.handler as never,
    sendMail: sendMail.handler as never,
    sesEvents: sesEvents.handler as never,
  };
  capture = captureLogs();
}, 60_000);

afterAll(async () => {
  capture?.restore();
  capture = undefined;
  process.env = savedEnv;
  await standIns?.stop();
});

const callApi = async (input: Parameters<typeof httpEvent>[0]) => {
  const result = await handlers.api(httpEvent(input), lambdaContext);
  noteTokensIn(String(result.headers?.location ?? ''));
  return result;
};
const jsonOf = (result: HttpResult) => JSON.parse(result.body as string);

/** Mail to one reader (the store keeps the address as sent, lowercased), each mail's tokens noted. */
async function mailTo(address: string): Promise<StoredEmail[]> {
  const mails = (await readInbox(standIns.endpoints.ses)).filter((email) =>
    email.destination.to.some((to) => to.toLowerCase() === address.toLowerCase()),
  );
  for (const mail of mails) {
    noteTokensIn(mail.body.html ?? '');
    noteTokensIn(mail.body.text ?? '');
    for (const entry of mail.headers ?? []) noteTokensIn(entry.value);
  }
  return mails;
}
const tokenOfLink = (mail: StoredEmail, path: string): string => {
  const link = [...(mail.body.html ?? '').replace(/&amp;/g, '&').matchAll(/href="([^"]+)"/g)]
    .map((match) => new URL(match[1], 'https://paperboy.example'))
    .find((url) => url.pathname === path);
  if (!link) throw new Error(`no ${path} link in "${mail.subject}"`);
  return link.searchParams.get('token') as string;
};

async function receiveAll(queueUrl: string): Promise<SQSEvent> {
  const sqs = new SQSClient({
    endpoint: standIns.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return {
    Records: Messages.map((message) => sqsRecord(message.Body ?? '', { messageId: message.MessageId })),
  };
}

describe('no email address or token in any log line', () => {
  const manageTokens = new Map<string, string>();

  it('signs up two readers (one twice) and confirms each through the link in the mail', async () => {
    for (const reader of READERS) {
      const answer = await callApi({
        method: 'POST',
        path: '/api/subscribe',
        body: { email: reader, topics: ['ai-agents'], keywords: ['video generation'] },
      });
      expect(answer.statusCode).toBe(202);
    }
    const again = await callApi({
      method: 'POST',
      path: '/api/subscribe',
      body: { email: ADA, topics: ['ai-agents'] },
    });
    expect(again.statusCode).toBe(202);
    expect(await runMailWorker(standIns, handlers.sendMail)).toBe(READERS.length + 1);

    for (const reader of READERS) {
      const [confirmation] = await mailTo(reader);
      const token = tokenOfLink(confirmation, '/confirm');
      const page = await callApi({
        method: 'GET',
        path: '/confirm',
        query: `token=${encodeURIComponent(token)}`,
      });
      const confirmed = await callApi({
        method: 'POST',
        path: '/confirm',
        body: `token=${encodeURIComponent(token)}`,
        contentType: 'application/x-www-form-urlencoded',
      });
      const location = new URL(String(confirmed.headers?.location), 'https://paperboy.example');

      expect(page.statusCode).toBe(200);
      expect(confirmed.statusCode).toBe(303);
      manageTokens.set(reader, location.searchParams.get('token') as string);
    }
  });

  it('opens the preferences with the manage link, changes topics, and asks for a new link', async () => {
    const { topics } = jsonOf(await callApi({ method: 'GET', path: '/api/topics' })) as {
      topics: { id: string }[];
    };
    for (const reader of READERS) {
      const token = encodeURIComponent(manageTokens.get(reader) as string);
      const page = await callApi({ method: 'GET', path: '/preferences', query: `token=${token}` });
      const shown = await callApi({ method: 'GET', path: '/api/preferences', query: `token=${token}` });
      const saved = await callApi({
        method: 'PUT',
        path: '/api/preferences',
        body: { token: manageTokens.get(reader), topics: ['ai-agents', topics[1].id], papersPerEmail: 5 },
      });

      expect(page.statusCode).toBe(200);
      expect(jsonOf(shown).email).toBe(reader.toLowerCase());
      expect(saved.statusCode).toBe(200);
    }

    const renewed = await callApi({
      method: 'POST',
      path: '/api/links/renew',
      body: { token: manageTokens.get(ADA) },
    });
    await runMailWorker(standIns, handlers.sendMail);
    const newLinkMail = (await mailTo(ADA)).find((email) => email.subject === 'Your new paperboy link');
    const newToken = tokenOfLink(newLinkMail as StoredEmail, '/preferences');
    const withNewLink = await callApi({
      method: 'GET',
      path: '/api/preferences',
      query: `token=${encodeURIComponent(newToken)}`,
    });

    expect(renewed.statusCode).toBe(202);
    expect(withNewLink.statusCode).toBe(200);
    manageTokens.set(ADA, newToken);
  });

  it('runs a digest day: ingest from the sample data, plan, send', async () => {
    const ingested = (await handlers.ingest(manualEvent({ date: '2025-11-13' }), lambdaContext)) as {
      created: number;
    };
    await handlers.plan(schedulerEvent('2025-11-13T08:00:00Z'), lambdaContext);
    const planned = await handlers.planSlice(await receiveAll(standIns.queues.planQueueUrl), lambdaContext);
    const sendEvent = await receiveAll(standIns.queues.sendQueueUrl);
    const sent = await handlers.send(sendEvent, lambdaContext);

    expect(ingested.created).toBeGreaterThan(0);
    expect(planned.batchItemFailures).toEqual([]);
    expect(sendEvent.Records.length).toBeGreaterThan(0);
    expect(sent.batchItemFailures).toEqual([]);
    for (const reader of READERS) {
      const digests = (await mailTo(reader)).filter((email) => header(email, 'List-Unsubscribe'));
      expect(digests).toHaveLength(1);
    }
  });

  it('unsubscribes one reader via the link and via the one-click POST', async () => {
    const [digest] = (await mailTo(ADA)).filter((email) => header(email, 'List-Unsubscribe'));
    const token = tokenOfLink(digest, '/unsubscribe');
    const oneClickUrl = new URL((header(digest, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, ''));

    const page = await callApi({
      method: 'GET',
      path: '/unsubscribe',
      query: `token=${encodeURIComponent(token)}`,
    });
    const viaPage = await callApi({
      method: 'POST',
      path: '/unsubscribe',
      query: `token=${encodeURIComponent(token)}`,
      body: '',
      contentType: 'application/x-www-form-urlencoded',
    });
    const oneClick = await callApi({
      method: 'POST',
      path: '/unsubscribe',
      query: oneClickUrl.search.slice(1),
      body: 'List-Unsubscribe=One-Click',
      contentType: 'application/x-www-form-urlencoded',
    });

    expect(page.statusCode).toBe(200);
    expect(viaPage.statusCode).toBe(200);
    expect([200, 410]).toContain(oneClick.statusCode);
  });

  it('feeds ses-events a delivery, a bounce and a complaint for the other reader', async () => {
    const grace = GRACE.toLowerCase();
    await handlers.sesEvents(sesDeliveryEvent(grace), lambdaContext);
    await handlers.sesEvents(sesBounceEvent(grace, 'Transient'), lambdaContext);
    const bounced = await handlers.sesEvents(sesBounceEvent(grace), lambdaContext);
    const complained = await handlers.sesEvents(sesComplaintEvent(grace), lambdaContext);

    expect(bounced).toMatchObject({ suppressed: 1 });
    expect(complained).toBeDefined();
  });

  it('answers bad requests (bad tokens, malformed JSON, bad addresses, poison messages) without a 5xx', async () => {
    const real = manageTokens.get(GRACE) as string;
    const answers = [
      await callApi({ method: 'GET', path: '/preferences', query: 'token=abc.def' }),
      await callApi({
        method: 'GET',
        path: '/api/preferences',
        query: `token=${encodeURIComponent(`${real}x`)}`,
      }),
      await callApi({ method: 'POST', path: '/api/links/renew', body: { token: `x${real}` } }),
      await callApi({ method: 'PUT', path: '/api/preferences', body: { token: real, papersPerEmail: 500 } }),
      await callApi({ method: 'POST', path: '/api/subscribe', body: '{oops' }),
      await callApi({ method: 'POST', path: '/api/subscribe', body: `{"email": "${GRACE}", "topics": [` }),
      await callApi({ method: 'POST', path: '/api/subscribe', body: { email: GRACE.replace('@', '@@') } }),
      await callApi({
        method: 'POST',
        path: '/confirm',
        body: `token=${encodeURIComponent(real)}`,
        contentType: 'application/x-www-form-urlencoded',
      }),
    ];
    const poison = await handlers.send(
      { Records: [sqsRecord(`{"email":"${GRACE}","token":"${real}"`, { messageId: 'poison-1' })] },
      lambdaContext,
    );

    for (const answer of answers) {
      expect(answer.statusCode).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode).toBeLessThan(500);
    }
    expect(poison.batchItemFailures).toHaveLength(1);
  });

  it('wrote no address, local part, token or secret in any line', async () => {
    capture?.restore();
    const lines = capture?.lines() ?? [];
    capture = undefined;
    const needles = new Map<string, string>();
    for (const reader of READERS) {
      const local = reader.slice(0, reader.indexOf('@'));
      for (const [label, text] of [
        ['address', reader],
        ['local part', local],
      ]) {
        needles.set(text.toLowerCase(), `${label} of ${reader}`);
        needles.set(encodeURIComponent(text).toLowerCase(), `${label} of ${reader}, percent-encoded`);
      }
    }
    for (const token of tokens) {
      needles.set(token.toLowerCase(), 'a link token');
      needles.set(encodeURIComponent(token).toLowerCase(), 'a link token, percent-encoded');
    }
    needles.set(TOKEN_SECRET.toLowerCase(), 'the HMAC secret');

    const leaks = lines.flatMap((line) =>
      [...needles]
        .filter(([needle]) => line.toLowerCase().includes(needle))
        .map(([, what]) => `${what}: ${line.slice(0, 300)}`),
    );
    const messages = new Set(
      lines.flatMap((line) => {
        try {
          return [(JSON.parse(line) as { message?: string }).message];
        } catch {
          return [];
        }
      }),
    );

    // The capture works: the story's own log lines are all there.
    expect(lines.length).toBeGreaterThanOrEqual(MIN_LINES);
    for (const message of [
      'subscription requested',
      'subscription confirmed',
      'preferences updated',
      'links renewed',
      'ingest finished',
      'digest batch processed',
      'unsubscribed',
      'address suppressed',
    ]) {
      expect(messages).toContain(message);
    }
    // Every link mailed (confirm, preferences, unsubscribe, new link) gave tokens to look for.
    expect(tokens.size).toBeGreaterThanOrEqual(6);
    expect(leaks).toEqual([]);
  });
});
