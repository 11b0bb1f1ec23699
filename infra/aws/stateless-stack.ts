import {
  Annotations,
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CONFIRMATION_RATE_SHARE, type DeployConfig, fromHeader, sendConcurrency } from './config';
import { bindTable } from './constructs/bind-table';
import { SUBSCRIBERS_PER_MESSAGE } from '../../functions/core/digests/plan-slice';
import { SEND_MAX_RECEIVE_COUNT } from '../../functions/core/digests/send-digests';
import { PaperboyFunction } from './constructs/paperboy-function';
import {
  EmailMetric,
  METRICS_NAMESPACE,
  RunMetric,
  SERVICE_NAME,
} from '../../functions/adapters/observability/metric-names';
import type { StatefulStack } from './stateful-stack';

/** The asynchronous invocations that can fail every retry, each with a queue of its own. */
export const FAILED_EVENT_SOURCES = {
  ingestSchedule: 'the ingest schedule could not invoke the ingest function',
  ingest: 'an ingest run failed every retry (no day could be ingested)',
  planDigestsSchedule: 'the digest schedule could not invoke plan-digests',
  planDigests: "plan-digests failed every retry: the day's digest run did not start",
  sesEvents: 'a bounce or complaint event failed every retry: the address may not be suppressed',
} as const;
export type FailedEventSource = keyof typeof FAILED_EVENT_SOURCES;

export interface StatelessStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly stateful: Pick<StatefulStack, 'papers' | 'subscribers' | 'deliveries' | 'tokenSecret'>;
}

/** SES puts an account under review at a 5 % bounce rate or a 0.1 % complaint rate; warn before that. */
export const BOUNCE_RATE_ALARM = 0.04;
export const COMPLAINT_RATE_ALARM = 0.0008;

export { SEND_MAX_RECEIVE_COUNT };
/** A slice that fails this many receives goes to the plan DLQ. */
export const PLAN_MAX_RECEIVE_COUNT = 3;
/** Each plan-slice invocation's limits: it plans until SLICE_TIME_RESERVE_MS is left, then continues anew. */
export const PLAN_SLICE_TIMEOUT = Duration.minutes(5);
export const PLAN_SLICE_MEMORY_MB = 1024;
/** Slices planned at once: bounds the scan's read rate and the send queue's fill rate. */
export const PLAN_SLICE_MAX_CONCURRENCY = 8;
/**
 * Routes throttled below the stage's limits (requests per second, burst): each sign-up and new-link
 * request sends mail, and a preview runs the matcher.
 */
export const ROUTE_THROTTLES: Record<string, { rateLimit: number; burstLimit: number }> = {
  'POST /api/subscribe': { rateLimit: 5, burstLimit: 10 },
  'POST /api/links/renew': { rateLimit: 2, burstLimit: 5 },
  'GET /api/preview': { rateLimit: 10, burstLimit: 20 },
};
/** A send batch older than this means sending is stuck (a day's run at the SES rate is well under it). */
export const SEND_QUEUE_AGE_ALARM_HOURS = 6;
/** A sign-up or new link waiting longer than this means the mail worker is stuck or far behind. */
export const MAIL_QUEUE_AGE_ALARM_MINUTES = 15;
/** Receives of a mail job before it is left in the mail DLQ (a sign-up whose mail SES keeps refusing). */
export const MAIL_MAX_RECEIVE_COUNT = 5;
/** Mail jobs per invocation: each waits for its permit of the transactional budget. */
const MAIL_BATCH_SIZE = 10;

/**
 * Everything that can be replaced by a redeploy: the eight functions, the HTTP API, the schedules,
 * the plan, send and mail queues and their DLQs, the SES configuration set and its bounce/complaint feed, and the alarms.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<
    | 'api'
    | 'sendMail'
    | 'ingest'
    | 'planDigests'
    | 'planSlice'
    | 'sendDigests'
    | 'sesEvents'
    | 'settleClaims',
    PaperboyFunction
  >;
  readonly sendQueue: Queue;
  readonly sendDeadLetterQueue: Queue;
  readonly planQueue: Queue;
  readonly planDeadLetterQueue: Queue;
  readonly mailQueue: Queue;
  readonly mailDeadLetterQueue: Queue;
  /** Where each asynchronous source parks an event that failed every retry: one queue per source. */
  readonly failedEvents: Record<FailedEventSource, Queue>;
  readonly httpApi: HttpApi;
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const logRetention = config.logRetentionDays;
    const timeZone = config.scheduleTimeZone;

    // ---- queues -------------------------------------------------------------------------------
    const { maxConcurrency, perInstanceRate } = sendConcurrency(config.sesMaxSendRate);
    // One message (up to SUBSCRIBERS_PER_MESSAGE emails at the per-instance rate) per invocation,
    // with room for DynamoDB round trips; the handler also stops early when time runs short.
    const sendTimeout = Duration.seconds(
      Math.max(60, Math.ceil((1.5 * SUBSCRIBERS_PER_MESSAGE) / perInstanceRate) + 30),
    );
    // A Lambda event source's queue and its DLQ. AWS's advice: a visibility timeout of at least six times
    // the consumer's timeout.
    const consumedQueue = (
      name: string,
      consumerTimeout: Duration,
      retention: Duration,
      maxReceiveCount: number,
    ) => {
      const deadLetters = new Queue(this, `${name}DeadLetterQueue`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new Queue(this, `${name}Queue`, {
        visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
        retentionPeriod: retention,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetters, maxReceiveCount },
      });
      return { queue, deadLetters };
    };
    const send = consumedQueue('Send', sendTimeout, Duration.days(4), SEND_MAX_RECEIVE_COUNT);
    this.sendQueue = send.queue;
    this.sendDeadLetterQueue = send.deadLetters;
    // A digest run's slices: one message per scan segment (or a continuation), consumed by plan-slice.
    const plan = consumedQueue('Plan', PLAN_SLICE_TIMEOUT, Duration.days(1), PLAN_MAX_RECEIVE_COUNT);
    this.planQueue = plan.queue;
    this.planDeadLetterQueue = plan.deadLetters;
    // Sign-ups and link renewals, queued by the api and mailed by send-mail: no answer waits on SES.
    const mailTimeout = Duration.seconds(60);
    const mail = consumedQueue('Mail', mailTimeout, Duration.days(4), MAIL_MAX_RECEIVE_COUNT);
    this.mailQueue = mail.queue;
    this.mailDeadLetterQueue = mail.deadLetters;
    const failedEventQueue = (source: FailedEventSource) =>
      new Queue(this, `${source.charAt(0).toUpperCase()}${source.slice(1)}FailedEvents`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
    this.failedEvents = {
      ingestSchedule: failedEventQueue('ingestSchedule'),
      ingest: failedEventQueue('ingest'),
      planDigestsSchedule: failedEventQueue('planDigestsSchedule'),
      planDigests: failedEventQueue('planDigests'),
      sesEvents: failedEventQueue('sesEvents'),
    };
    for (const scheduleQueue of [this.failedEvents.ingestSchedule, this.failedEvents.planDigestsSchedule])
      Validations.of(scheduleQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          "This queue is a dead-letter queue itself: the EventBridge Scheduler target's, which cdk-nag does " +
          'not recognise as it does a Lambda DLQ. Nothing consumes it, so it needs no DLQ of its own.',
      });

    // ---- SES configuration set and its bounce/complaint feed -------------------------------------
    // Bounce and complaint notifications carry recipient addresses, so the topics are encrypted
    // with a key whose policy lets SES and CloudWatch publish.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'paperboy: encrypts the SES event and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicKey.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'], // in a key policy "*" means this key
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    const sesEventsTopic = new Topic(this, 'SesEventsTopic', {
      displayName: 'paperboy SES bounces and complaints',
      masterKey: topicKey,
      enforceSSL: true,
    });
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(sesEventsTopic),
      // SEND, when chosen, settles each digest's claim (its `claim` tag) as sent:
      // functions/core/digests/settle-claims.ts.
      events: [
        ...(config.settleClaimsFromSesEvents ? [EmailSendingEvent.SEND] : []),
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
      ],
    });

    // ---- HTTP API (created first: its URL is the public URL in links) -----------------------------
    if (!config.apiDomain) {
      Annotations.of(this).addWarningV2(
        'paperboy:no-api-domain',
        'No apiDomain is configured: every link in mail, one-click unsubscribe included, points at the ' +
          "execute-api host, which changes if the API is ever replaced (and then old mail's links break). " +
          'Set apiDomain before sending to real readers (docs/deploy.md).',
      );
    } else {
      const certificateRegion = config.apiDomain.certificateArn.split(':')[3];
      if (!Token.isUnresolved(this.region) && certificateRegion !== this.region) {
        Annotations.of(this).addError(
          `apiDomain.certificateArn is in ${certificateRegion}, but a regional API custom domain needs a ` +
            `certificate in the stack's region (${this.region}): request or import it there.`,
        );
      }
    }
    const apiDomain = config.apiDomain
      ? new DomainName(this, 'ApiDomain', {
          domainName: config.apiDomain.domainName,
          certificate: Certificate.fromCertificateArn(
            this,
            'ApiCertificate',
            config.apiDomain.certificateArn,
          ),
        })
      : undefined;
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'paperboy: landing page, subscribe, confirm, preferences, unsubscribe',
      createDefaultStage: false,
      // With a custom domain, links and one-click unsubscribe go only through it.
      disableExecuteApiEndpoint: apiDomain !== undefined,
    });
    const publicUrl = config.apiDomain ? `https://${config.apiDomain.domainName}` : this.httpApi.apiEndpoint;

    // ---- functions --------------------------------------------------------------------------------
    const common = { PUBLIC_URL: publicUrl, SCHEDULE_TIME_ZONE: timeZone };
    const mailing = {
      SES_MAX_SEND_RATE: String(config.sesMaxSendRate),
      TRANSACTIONAL_SEND_RATE: String(
        Math.max(1, Math.round(config.sesMaxSendRate * CONFIRMATION_RATE_SHARE)),
      ),
      SES_FROM_ADDRESS: fromHeader(config),
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      TOKEN_SECRET_ARN: stateful.tokenSecret.secretArn,
    };

    const api = new PaperboyFunction(this, 'ApiFunction', {
      handlerName: 'api',
      description: 'paperboy HTTP API (Hono): pages, subscribe, confirm, preferences, unsubscribe',
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention,
      environment: {
        ...common,
        TOKEN_SECRET_ARN: stateful.tokenSecret.secretArn,
        MAIL_QUEUE_URL: this.mailQueue.queueUrl,
      },
    });
    const sendMail = new PaperboyFunction(this, 'SendMailFunction', {
      handlerName: 'send-mail',
      description: 'paperboy: confirmation and new-link emails from the mail queue',
      memorySize: 512,
      timeout: mailTimeout,
      logRetention,
      // Its own queue: what it could not finish of a message holding several jobs goes back one per message.
      environment: { ...common, ...mailing, MAIL_QUEUE_URL: this.mailQueue.queueUrl },
    });
    const ingest = new PaperboyFunction(this, 'IngestFunction', {
      handlerName: 'ingest',
      description: 'paperboy: fetch Hugging Face Daily Papers into the Papers table',
      memorySize: 256,
      timeout: Duration.seconds(120),
      logRetention,
      environment: { PAPERS_SOURCE: config.papersSource, SCHEDULE_TIME_ZONE: timeZone },
      // The Scheduler invokes asynchronously: a run that fails Lambda's retries lands here.
      deadLetterQueue: this.failedEvents.ingest,
    });
    const planDigests = new PaperboyFunction(this, 'PlanDigestsFunction', {
      handlerName: 'plan-digests',
      description: "paperboy: start the day's digest run (one plan-queue message per slice)",
      memorySize: 256,
      timeout: Duration.seconds(60),
      logRetention,
      environment: {
        SCHEDULE_TIME_ZONE: timeZone,
        PLAN_QUEUE_URL: this.planQueue.queueUrl,
        PLAN_SEGMENTS: String(config.planSegments),
        ...(config.sesDailyQuota ? { SES_DAILY_QUOTA: String(config.sesDailyQuota) } : {}),
      },
      deadLetterQueue: this.failedEvents.planDigests,
      wildcardReason:
        'ses:GetAccount reads the account-wide sending quota and supports no resource-level permission; it reads, never sends.',
    });
    const planSlice = new PaperboyFunction(this, 'PlanSliceFunction', {
      handlerName: 'plan-slice',
      description: 'paperboy: plan one slice of a digest run and enqueue its send messages',
      memorySize: PLAN_SLICE_MEMORY_MB,
      timeout: PLAN_SLICE_TIMEOUT,
      logRetention,
      environment: {
        ...common,
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
        PLAN_QUEUE_URL: this.planQueue.queueUrl,
      },
    });
    const sendDigests = new PaperboyFunction(this, 'SendDigestsFunction', {
      handlerName: 'send-digests',
      description: 'paperboy: render and send digests from the send queue',
      // Assembling emails is CPU work (Lambda CPU scales with memory) and each container keeps cards.
      memorySize: 1024,
      timeout: sendTimeout,
      logRetention,
      environment: { ...common, ...mailing },
    });
    const sesEvents = new PaperboyFunction(this, 'SesEventsFunction', {
      handlerName: 'ses-events',
      description: 'paperboy: suppress subscribers on hard bounces and complaints',
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention,
      deadLetterQueue: this.failedEvents.sesEvents,
    });
    // The operator's tool for stuck claims (docs/deploy.md): invoked by hand, never by a schedule or an
    // event. A whole-table pass over the readers, so it has the time and memory of a slice.
    const settleClaims = new PaperboyFunction(this, 'SettleClaimsFunction', {
      handlerName: 'settle-claims',
      description:
        "paperboy (by hand): list or release a day's digest claims that no delivery record settles",
      memorySize: PLAN_SLICE_MEMORY_MB,
      timeout: Duration.minutes(15),
      logRetention,
    });
    this.functions = {
      api,
      sendMail,
      ingest,
      planDigests,
      planSlice,
      sendDigests,
      sesEvents,
      settleClaims,
    };

    // ---- what each function touches -------------------------------------------------------------
    // The api sends no email: what would end in one goes on the mail queue.
    bindTable(api, stateful.subscribers, 'readWrite');
    bindTable(api, stateful.deliveries, 'readDelete');
    bindTable(api, stateful.papers, 'read');
    const mayQueueMail = (fn: PaperboyFunction) =>
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.mailQueue.queueArn] }),
      );
    mayQueueMail(api);

    // The mail worker creates, updates and forgets subscribers (a sign-up whose mail failed).
    bindTable(sendMail, stateful.subscribers, 'readWrite');
    // What it could not finish of a message holding several jobs goes back one job per message.
    mayQueueMail(sendMail);
    // Its mail draws on the account's transactional send budget: one item, and nothing else it could
    // write in the deliveries table (the condition names the item's partition key).
    sendMail.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [stateful.deliveries.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['RATE#transactional'] } },
      }),
    );

    bindTable(ingest, stateful.papers, 'ingest');

    // Starting a run: its ledger item and one message per slice.
    bindTable(planDigests, stateful.deliveries, 'ledger');
    planDigests.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.planQueue.queueArn] }),
    );
    // What is left of the SES 24-hour quota, read before each run (GetAccount has no resource to name).
    planDigests.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));

    // Planning a slice: the papers of the window, its segment of readers (with their history), its
    // send messages and continuation, its counts in the ledger.
    bindTable(planSlice, stateful.papers, 'read');
    bindTable(planSlice, stateful.subscribers, 'scan');
    bindTable(planSlice, stateful.deliveries, 'ledger');
    planSlice.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.sendQueue.queueArn, this.planQueue.queueArn],
      }),
    );

    // Sending: claims on the reader's item (UpdateItem), one record per email, the ledger's counts.
    bindTable(sendDigests, stateful.papers, 'read');
    bindTable(sendDigests, stateful.subscribers, 'claim');
    bindTable(sendDigests, stateful.deliveries, 'readWrite');

    // Settling claims: the readers' items (their claims), the day's records and runs' ledgers.
    bindTable(settleClaims, stateful.subscribers, 'settleClaims');
    bindTable(settleClaims, stateful.deliveries, 'read');

    bindTable(sesEvents, stateful.subscribers, 'suppress');
    if (config.settleClaimsFromSesEvents) bindTable(sesEvents, stateful.deliveries, 'recordSent');

    const sesSendResources = [
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.domain }),
      this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
      // In the SES sandbox every recipient is an identity the sender must be allowed to use.
      ...config.sesSandboxRecipients.map((address) =>
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: address }),
      ),
    ];
    for (const fn of [sendMail, sendDigests]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: sesSendResources,
          conditions: { StringEquals: { 'ses:FromAddress': config.senderAddress } },
        }),
      );
    }
    for (const fn of [api, sendMail, sendDigests]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [stateful.tokenSecret.secretArn],
        }),
      );
    }

    // ---- event sources ----------------------------------------------------------------------------
    planSlice.addEventSource(
      new SqsEventSource(this.planQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: PLAN_SLICE_MAX_CONCURRENCY,
      }),
    );
    sendDigests.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
    sendMail.addEventSource(
      new SqsEventSource(this.mailQueue, {
        batchSize: MAIL_BATCH_SIZE,
        reportBatchItemFailures: true,
        // The transactional budget paces the sends; more instances would only wait for permits.
        maxConcurrency: 2,
      }),
    );
    sesEvents.addEventSource(new SnsEventSource(sesEventsTopic));

    // ---- HTTP API stage ---------------------------------------------------------------------------
    this.httpApi.addRoutes({ path: '/', integration: new HttpLambdaIntegration('ApiRoot', api) });
    this.httpApi.addRoutes({ path: '/{proxy+}', integration: new HttpLambdaIntegration('ApiProxy', api) });
    // Routes with limits of their own (below): the ones that send mail or match on demand.
    const limitedRoutes = new HttpLambdaIntegration('ApiLimited', api);
    for (const routeKey of Object.keys(ROUTE_THROTTLES)) {
      const [method, path] = routeKey.split(' ');
      this.httpApi.addRoutes({ path, methods: [method as HttpMethod], integration: limitedRoutes });
    }
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const apiStage = new HttpStage(this, 'HttpApiStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      domainMapping: apiDomain ? { domainName: apiDomain } : undefined,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // $context.path has no query string, so link tokens never reach the access log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    // Per-route limits under the stage's: a flood of sign-ups or previews cannot take the whole budget.
    // RouteSettings is a free-form map in the L1, written as CloudFormation spells it.
    (apiStage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      Object.entries(ROUTE_THROTTLES).map(([routeKey, limits]) => [
        routeKey,
        { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit },
      ]),
    );
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'A public newsletter site: the landing page and subscribe form are anonymous by design, and every ' +
        'state change is authorised by an HMAC-signed, purpose-bound token checked in the function.',
    });

    // ---- schedules ----------------------------------------------------------------------------------
    const scheduleInput = ScheduleTargetInput.fromObject({
      scheduledTime: ContextAttribute.scheduledTime,
      executionId: ContextAttribute.executionId,
    });
    const scheduleTarget = (deadLetterQueue: Queue) => ({
      input: scheduleInput,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      deadLetterQueue,
    });
    new Schedule(this, 'IngestSchedule', {
      description: `paperboy ingest at ${config.ingestHours.join(', ')} h ${timeZone}`,
      schedule: ScheduleExpression.cron({
        minute: '0',
        hour: [...config.ingestHours].sort((a, b) => a - b).join(','),
        timeZone: TimeZone.of(timeZone),
      }),
      target: new LambdaInvoke(ingest, scheduleTarget(this.failedEvents.ingestSchedule)),
    });
    new Schedule(this, 'PlanDigestsSchedule', {
      description: `paperboy daily digests at ${config.digestHour}:${String(config.digestMinute).padStart(2, '0')} ${timeZone}`,
      schedule: ScheduleExpression.cron({
        minute: String(config.digestMinute),
        hour: String(config.digestHour),
        timeZone: TimeZone.of(timeZone),
      }),
      target: new LambdaInvoke(planDigests, scheduleTarget(this.failedEvents.planDigestsSchedule)),
    });

    // ---- alarms ----------------------------------------------------------------------------------------
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'paperboy alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without this
    // statement no alarm could publish ("not authorized to perform SNS:Publish").
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    const alarmAction = new SnsAction(this.alarmTopic);
    const alarms: Alarm[] = [];
    const alarm = (
      id: string,
      description: string,
      metric: IMetric,
      threshold: number,
      options: {
        comparison?: ComparisonOperator;
        treatMissingData?: TreatMissingData;
        evaluationPeriods?: number;
      } = {},
    ): Alarm => {
      const created = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(alarmAction);
      alarms.push(created);
      return created;
    };
    const fiveMinuteMaximum = { period: Duration.minutes(5), statistic: 'Maximum' } as const;
    const paperboyMetric = (metricName: string, period: Duration) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        // Powertools adds the service as the metric's one dimension.
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period,
      });

    alarm(
      'SendDeadLetterQueueAlarm',
      'Digest batches failed 5 times and are in the send DLQ: read the send-digests logs, fix, then redrive.',
      this.sendDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
      1,
    );
    alarm(
      'PlanDeadLetterQueueAlarm',
      `A digest slice failed ${PLAN_MAX_RECEIVE_COUNT} times and is in the plan DLQ: its readers got no digest. Read the plan-slice logs, fix, then redrive.`,
      this.planDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
      1,
    );
    alarm(
      'MailDeadLetterQueueAlarm',
      `A sign-up or new-link email failed ${MAIL_MAX_RECEIVE_COUNT} times and is in the mail DLQ: that person got no email. Read the send-mail logs, fix, then redrive.`,
      this.mailDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
      1,
    );
    alarm(
      'MailQueueAgeAlarm',
      `A sign-up or new link has waited over ${MAIL_QUEUE_AGE_ALARM_MINUTES} minutes in the mail queue: send-mail is failing or far behind its share of the SES rate.`,
      this.mailQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
      MAIL_QUEUE_AGE_ALARM_MINUTES * 60,
    );
    alarm(
      'PlanQueueAgeAlarm',
      'A digest slice has waited over 30 minutes in the plan queue: the run is stuck or far behind.',
      this.planQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
      30 * 60,
    );
    alarm(
      'SendQueueAgeAlarm',
      `A digest batch has waited over ${SEND_QUEUE_AGE_ALARM_HOURS} hours in the send queue: sending is stuck or far behind the SES rate.`,
      this.sendQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
      SEND_QUEUE_AGE_ALARM_HOURS * 3600,
    );
    for (const [source, what] of Object.entries(FAILED_EVENT_SOURCES) as [FailedEventSource, string][]) {
      const title = source.charAt(0).toUpperCase() + source.slice(1);
      alarm(
        `${title}FailedEventsAlarm`,
        `In the ${title}FailedEvents queue: ${what}. The message holds the original event; read the logs, fix, then re-run (docs/deploy.md).`,
        this.failedEvents[source].metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
        1,
      );
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      const title = name.charAt(0).toUpperCase() + name.slice(1);
      alarm(
        `${title}ErrorsAlarm`,
        `The ${fn.handlerName} function threw errors in the last 5 minutes.`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
      );
    }
    // The api answers every unexpected error with a 500 itself, so its function never errors: the
    // stage's own 5xx count is what sees them (and Lambda throttles and integration failures too).
    alarm(
      'Api5xxAlarm',
      'The HTTP API answered 5xx in the last 5 minutes: read the api function logs ("unexpected error").',
      apiStage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
    );

    // A silent day: every one of these is recorded each run, zero included, and a day without the
    // datapoint (the run never happened) breaches too.
    alarm(
      'NoPapersIngestedAlarm',
      'No paper passed validation in any ingest run for two days: the Daily Papers API may have changed shape (see PapersRejected and the ingest logs) or ingest is not running.',
      paperboyMetric(RunMetric.PapersAccepted, Duration.days(1)),
      1,
      {
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
        // Daily Papers can be empty for a day (a weekend); two empty days in a row are not normal.
        evaluationPeriods: 2,
      },
    );
    alarm(
      'NoDigestRunAlarm',
      'No digest run started in the last day: the schedule or plan-digests failed (see PlanDigestsFailedEvents).',
      paperboyMetric(RunMetric.DigestRunsStarted, Duration.days(1)),
      1,
      { comparison: ComparisonOperator.LESS_THAN_THRESHOLD, treatMissingData: TreatMissingData.BREACHING },
    );
    alarm(
      'NoDigestsPlannedAlarm',
      'No reader got a digest planned in the last day: no papers matched anyone, or planning failed (see the plan-slice logs). Expected only while paperboy has no confirmed readers.',
      paperboyMetric(RunMetric.DigestsPlanned, Duration.days(1)),
      1,
      { comparison: ComparisonOperator.LESS_THAN_THRESHOLD, treatMissingData: TreatMissingData.BREACHING },
    );
    alarm(
      'FailedSendsAlarm',
      'Digests failed for good (every retry refused) or may not have been delivered (SES timed out after it may have accepted them): read the send-digests logs.',
      new MathExpression({
        expression: 'FILL(failed, 0) + FILL(uncertain, 0)',
        usingMetrics: {
          failed: paperboyMetric(EmailMetric.Failed, Duration.minutes(5)),
          uncertain: paperboyMetric(EmailMetric.Uncertain, Duration.minutes(5)),
        },
        label: 'digests failed or uncertain',
        period: Duration.minutes(5),
      }),
      1,
    );
    alarm(
      'SesQuotaShortfallAlarm',
      'A digest run plans more emails than are left of the SES 24-hour quota: the rest will be refused until the quota frees up. Ask AWS for a higher quota (docs/deploy.md, sizing).',
      paperboyMetric(RunMetric.QuotaShortfall, Duration.minutes(5)),
      1,
    );
    alarm(
      'SendingRefusedAlarm',
      "SES refuses the account's mail (sending paused, account suspended, MAIL FROM domain unverified, configuration set missing or the 24-hour quota spent): digest batches wait in the send queue. The send-digests logs name the reason; the SES console says why the account is paused.",
      paperboyMetric(RunMetric.SendingRefused, Duration.minutes(5)),
      1,
    );
    const sesReputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm(
      'BounceRateAlarm',
      `SES bounce rate is at or above ${BOUNCE_RATE_ALARM * 100} % (SES reviews the account at 5 %).`,
      sesReputation('Reputation.BounceRate'),
      BOUNCE_RATE_ALARM,
    );
    alarm(
      'ComplaintRateAlarm',
      `SES complaint rate is at or above ${COMPLAINT_RATE_ALARM * 100} % (SES reviews the account at 0.1 %).`,
      sesReputation('Reputation.ComplaintRate'),
      COMPLAINT_RATE_ALARM,
    );

    // ---- dashboard: the daily run on one page ----------------------------------------------------------
    const hourly = (name: string) => paperboyMetric(name, Duration.hours(1));
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    this.dashboard = new Dashboard(this, 'DailyRunDashboard', {
      dashboardName: `${this.stackName}-daily-run`,
      defaultInterval: Duration.days(3),
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 })],
        [
          graph('Ingest: papers accepted and rejected', [
            hourly(RunMetric.PapersAccepted),
            hourly(RunMetric.PapersRejected),
          ]),
          graph(
            'Digest runs: started and digests planned',
            [hourly(RunMetric.DigestsPlanned)],
            [hourly(RunMetric.DigestRunsStarted), hourly(RunMetric.QuotaShortfall)],
          ),
        ],
        [
          graph('Emails by outcome', [
            hourly(EmailMetric.Sent),
            hourly(EmailMetric.Skipped),
            hourly(EmailMetric.Failed),
            hourly(EmailMetric.Uncertain),
            hourly(EmailMetric.Bounced),
            hourly(EmailMetric.Complained),
          ]),
          graph(
            'Queues: oldest message (s) and dead letters',
            [
              this.planQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
              this.sendQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
              this.mailQueue.metricApproximateAgeOfOldestMessage(fiveMinuteMaximum),
            ],
            [
              this.planDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
              this.sendDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
              this.mailDeadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinuteMaximum),
            ],
          ),
        ],
        [
          graph(
            'HTTP API: errors and latency',
            [
              apiStage.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
              apiStage.metricClientError({ period: Duration.minutes(5), statistic: 'Sum' }),
            ],
            [apiStage.metricLatency({ period: Duration.minutes(5), statistic: 'p99' })],
          ),
          graph(
            'Function errors and slowest run (ms)',
            Object.values(this.functions).map((fn) =>
              fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: fn.handlerName }),
            ),
            [planSlice, sendDigests].map((fn) =>
              fn.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum', label: fn.handlerName }),
            ),
          ),
        ],
      ],
    });

    // ---- outputs ---------------------------------------------------------------------------------------
    new CfnOutput(this, 'PublicUrl', {
      value: publicUrl,
      description: 'Base URL of the site and of links in email',
    });
    if (apiDomain) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: apiDomain.regionalDomainName,
        description: `Point a CNAME (or Route 53 alias) for ${config.apiDomain?.domainName} here`,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
    new CfnOutput(this, 'SendDeadLetterQueueUrl', { value: this.sendDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'PlanDeadLetterQueueUrl', { value: this.planDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'MailDeadLetterQueueUrl', { value: this.mailDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'ConfigurationSetName', { value: configurationSet.configurationSetName });
  }
}
