import path from 'node:path';
import { parseConfig } from '../../functions/config';
import { createServices, type Overrides, type Services } from '../../functions/composition';
import { createWebApp } from '../../functions/http/app';
import { listenWeb } from './web-server';
import { handler as ingestHandler } from '../../functions/handlers/ingest';
import { handler as planHandler } from '../../functions/handlers/plan-digests';
import { handler as planSliceHandler } from '../../functions/handlers/plan-slice';
import { handler as sendHandler } from '../../functions/handlers/send-digests';
import { handler as sendMailHandler } from '../../functions/handlers/send-mail';
import { holdDataDir } from './data-dir-lock';
import { INBOX_FILE } from './kept-inbox';
import { localLambdaContext } from './lambda-context';
import { startQueuePoller } from './queue-poller';
import { HF_DAYS_DIR } from '../../data/paths';
import { loadSampleIfEmpty } from './sample-data';
import { startScheduler } from './scheduler';
import {
  functionEnvironment,
  HOST,
  loadOrCreateTokenSecret,
  TABLE_PREFIX,
  type LocalSettings,
} from './settings';
import { startStandIns, type StandIns } from './stand-ins';

export interface LocalStack {
  urls: { app: string; inbox: string; dynamodb: string; sqs: string };
  services: Services;
  queues: StandIns['queues'];
  sample?: { loaded: number; days: string[]; from?: string };
  stop(): Promise<void>;
}

/**
 * paperboy on one machine: the stand-ins, the tables, the sample papers, the web app, the
 * send-queue consumer and the schedules, all invoking the same Lambda handlers as AWS does.
 */
export async function startLocalStack(
  settings: LocalSettings,
  options: {
    overrides?: Overrides;
    schedules?: boolean;
    log?: (line: string) => void;
    persist?: boolean;
  } = {},
): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const persist = options.persist !== false;
  // Held before anything listens, so a second instance on the same folder stops with one clear line.
  const releaseDataDir = persist ? await holdDataDir(settings.DATA_DIR) : async () => undefined;
  const stopping: (() => Promise<void> | void)[] = [releaseDataDir];
  const stop = async () => {
    for (const step of stopping.reverse()) await step();
  };
  try {
    const standIns = await startStandIns({
      dataDir: persist ? path.join(settings.DATA_DIR, 'dynamodb') : undefined,
      inboxFile: persist ? path.join(settings.DATA_DIR, INBOX_FILE) : undefined,
      dynamodbPort: settings.DYNAMODB_PORT,
      sesPort: settings.SES_PORT,
      sqsPort: settings.SQS_PORT,
      tablePrefix: TABLE_PREFIX,
      visibilityTimeoutSeconds: 10,
    });
    stopping.push(() => standIns.stop());
    const tokenSecret = await loadOrCreateTokenSecret(settings.DATA_DIR);
    // The app's own URL (PUBLIC_URL) is known only once the server listens (port 0 in tests).
    let fetchApp: (request: Request) => Response | Promise<Response> = () =>
      new Response('starting', { status: 503 });
    const web = await listenWeb((request) => fetchApp(request), settings.PORT, HOST);
    stopping.push(() => web.close());
    const publicUrl = settings.PUBLIC_URL ?? `http://localhost:${web.port}`;
    Object.assign(
      process.env,
      functionEnvironment({
        settings,
        endpoints: standIns.endpoints,
        tables: standIns.tables,
        queues: standIns.queues,
        tokenSecret,
        publicUrl,
      }),
    );
    const services = await createServices(parseConfig(), options.overrides);
    fetchApp = createWebApp(services).fetch;

    const sample = await loadSampleIfEmpty({
      papers: services.papers,
      sampleDir: HF_DAYS_DIR,
      mode: settings.SAMPLE_DATA,
      today: services.clock.now(),
      timeZone: settings.SCHEDULE_TIME_ZONE,
    });

    // As Lambda's event source mappings do: the plan queue feeds plan-slice, the send queue
    // send-digests, the mail queue send-mail. On AWS each function has CPU of its own; here they share
    // the web app's, so a batch waits while the web app is busy answering: answers first, mail after.
    const giveWayTo = web.busy;
    const pollers = [
      startQueuePoller({
        sqs: services.sqs,
        queueUrl: standIns.queues.planQueueUrl,
        handler: (event) => planSliceHandler(event, localLambdaContext('paperboy-plan-slice', 300_000)),
        onError: (error) => log(`plan-slice: ${error.message}`),
        giveWayTo,
      }),
      startQueuePoller({
        sqs: services.sqs,
        queueUrl: standIns.queues.sendQueueUrl,
        handler: (event) => sendHandler(event, localLambdaContext('paperboy-send-digests')),
        onError: (error) => log(`send-digests: ${error.message}`),
        giveWayTo,
      }),
      startQueuePoller({
        sqs: services.sqs,
        queueUrl: standIns.queues.mailQueueUrl,
        handler: (event) => sendMailHandler(event, localLambdaContext('paperboy-send-mail')),
        onError: (error) => log(`send-mail: ${error.message}`),
        idleDelayMs: 100,
        giveWayTo,
      }),
    ];
    stopping.push(async () => void (await Promise.all(pollers.map((poller) => poller.stop()))));

    if (options.schedules !== false) {
      const scheduler = startScheduler({
        timeZone: settings.SCHEDULE_TIME_ZONE,
        jobs: [
          {
            name: 'ingest',
            hours: settings.INGEST_HOURS,
            run: () =>
              ingestHandler(
                { scheduledTime: new Date().toISOString() },
                localLambdaContext('paperboy-ingest'),
              ),
          },
          {
            name: 'plan-digests',
            hours: [settings.DIGEST_HOUR],
            run: () =>
              planHandler(
                { scheduledTime: new Date().toISOString() },
                localLambdaContext('paperboy-plan-digests'),
              ),
          },
        ],
        onRun: (name, outcome) =>
          log(
            outcome.ok
              ? `${name}: ${JSON.stringify(outcome.result)}`
              : `${name} failed: ${outcome.error?.message}`,
          ),
      });
      stopping.push(() => scheduler.stop());
    }

    return {
      urls: {
        app: publicUrl,
        inbox: standIns.endpoints.ses,
        dynamodb: standIns.endpoints.dynamodb,
        sqs: standIns.endpoints.sqs,
      },
      services,
      queues: standIns.queues,
      sample,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
