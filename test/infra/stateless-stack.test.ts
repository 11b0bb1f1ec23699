import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { sendConcurrency } from '../../infra/aws/config';
import { TABLE_ACTIONS } from '../../infra/aws/constructs/bind-table';
import {
  PLAN_MAX_RECEIVE_COUNT,
  PLAN_SLICE_MAX_CONCURRENCY,
  PLAN_SLICE_MEMORY_MB,
  PLAN_SLICE_TIMEOUT,
  ROUTE_THROTTLES,
  SEND_MAX_RECEIVE_COUNT,
  SEND_QUEUE_AGE_ALARM_HOURS,
  MAIL_MAX_RECEIVE_COUNT,
  MAIL_QUEUE_AGE_ALARM_MINUTES,
} from '../../infra/aws/stateless-stack';
import {
  describeResource,
  functionLogicalId,
  grants,
  grantsOfFunction,
  grantsOfRole,
  policyResourceStrings,
} from './support/iam';
import { aDeployConfig, removeSynthOutputs, synthApp, type SynthesizedApp } from './support/test-app';
import { FUNCTIONS } from './support/functions';

const { read, readWrite, readDelete, ingest, scan, settleClaims, claim, ledger, suppress, recordSent } =
  TABLE_ACTIONS;
const PAPERS = ['Papers', 'Papers/index/byDay'];
const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** Active tracing: X-Ray takes no resource but "*". */
const XRAY = grants(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], ['*']);
const SES_SEND = grants(['ses:SendEmail'], ['ses:identity/example.com', 'ses:configuration-set/']);
const SECRET = grants(['secretsmanager:GetSecretValue'], ['TokenSecret']);
const sqsConsume = (queue: string) =>
  grants(
    [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ],
    [queue],
  );

/** Exactly what each function's role may do (issue: "each granted exactly what it touches"). */
const EXPECTED_GRANTS: Record<string, string[]> = {
  ApiFunction: [
    ...grants(LOGS, ['ApiFunctionLogs']),
    ...XRAY,
    ...grants(readWrite, ['Subscribers']),
    ...grants(readDelete, ['Deliveries']),
    ...grants(read, PAPERS),
    ...grants(['sqs:SendMessage'], ['MailQueue']),
    ...SECRET,
  ],
  SendMailFunction: [
    ...grants(LOGS, ['SendMailFunctionLogs']),
    ...XRAY,
    ...grants(readWrite, ['Subscribers']),
    ...grants(['dynamodb:UpdateItem'], ['Deliveries']),
    ...SES_SEND,
    ...SECRET,
    ...sqsConsume('MailQueue'),
    // What it could not finish of a message holding several jobs goes back one job per message.
    ...grants(['sqs:SendMessage'], ['MailQueue']),
  ],
  IngestFunction: [
    ...grants(LOGS, ['IngestFunctionLogs']),
    ...XRAY,
    ...grants(ingest, PAPERS),
    ...grants(['sqs:SendMessage'], ['IngestFailedEvents']),
  ],
  PlanDigestsFunction: [
    ...grants(LOGS, ['PlanDigestsFunctionLogs']),
    ...XRAY,
    ...grants(ledger, ['Deliveries']),
    ...grants(['sqs:SendMessage'], ['PlanQueue']),
    ...grants(['ses:GetAccount'], ['*']),
    ...grants(['sqs:SendMessage'], ['PlanDigestsFailedEvents']),
  ],
  PlanSliceFunction: [
    ...grants(LOGS, ['PlanSliceFunctionLogs']),
    ...XRAY,
    ...grants(read, PAPERS),
    ...grants(scan, ['Subscribers']),
    ...grants(ledger, ['Deliveries']),
    ...grants(['sqs:SendMessage'], ['SendQueue', 'PlanQueue']),
    ...sqsConsume('PlanQueue'),
  ],
  SendDigestsFunction: [
    ...grants(LOGS, ['SendDigestsFunctionLogs']),
    ...XRAY,
    ...grants(read, PAPERS),
    ...grants(claim, ['Subscribers']),
    ...grants(readWrite, ['Deliveries']),
    ...SES_SEND,
    ...SECRET,
    ...sqsConsume('SendQueue'),
  ],
  SesEventsFunction: [
    ...grants(LOGS, ['SesEventsFunctionLogs']),
    ...XRAY,
    ...grants(suppress, ['Subscribers']),
    ...grants(['sqs:SendMessage'], ['SesEventsFailedEvents']),
  ],
  SettleClaimsFunction: [
    ...grants(LOGS, ['SettleClaimsFunctionLogs']),
    ...XRAY,
    ...grants(settleClaims, ['Subscribers']),
    ...grants(read, ['Deliveries']),
  ],
};

describe('stateless stack', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp();
  });
  afterAll(removeSynthOutputs);
  const template = () => built.statelessTemplate;
  const resourcesOf = (type: string) => Object.entries(template().findResources(type) as Record<string, any>);

  describe('functions', () => {
    it('traces every function with X-Ray', () => {
      for (const fn of FUNCTIONS)
        expect(
          template().toJSON().Resources[functionLogicalId(template(), fn)].Properties.TracingConfig,
        ).toEqual({
          Mode: 'Active',
        });
    });

    it('runs every handler on nodejs22.x, arm64, from an ESM bundle, with Powertools settings', () => {
      template().resourceCountIs('AWS::Lambda::Function', 8);
      template().allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('Logs') } },
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: 'paperboy',
            POWERTOOLS_METRICS_NAMESPACE: 'paperboy',
            NODE_OPTIONS: '--enable-source-maps',
            TEMPLATES_DIR: '/var/task/templates',
          }),
        },
      });
    });

    it('keeps each function log group for the configured retention', () => {
      template().resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 9);
    });

    it.each(Object.keys(EXPECTED_GRANTS))(
      'grants %s exactly the tables, queues and actions it uses',
      (fn) => {
        expect(grantsOfFunction(template(), fn)).toEqual([...new Set(EXPECTED_GRANTS[fn])].sort());
      },
    );

    it("lets the mail worker write in the deliveries table only its send budget's item", () => {
      const writes = resourcesOf('AWS::IAM::Policy').flatMap(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.filter(
          (statement: any) =>
            [statement.Action].flat().includes('dynamodb:UpdateItem') &&
            JSON.stringify(statement.Resource).includes('Deliveries') &&
            policy.Properties.Roles.some((role: any) => JSON.stringify(role).includes('SendMailFunction')),
        ),
      );

      expect(writes).toHaveLength(1);
      expect(writes[0].Condition).toEqual({
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['RATE#transactional'] },
      });
    });

    it('lets functions send mail only as the configured sender, through the configuration set', () => {
      const sesStatements = resourcesOf('AWS::IAM::Policy').flatMap(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.filter(
          (statement: any) => statement.Action === 'ses:SendEmail',
        ),
      );

      expect(sesStatements).toHaveLength(2);
      for (const statement of sesStatements) {
        expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'digest@example.com' } });
      }
    });

    it('uses no wildcard resource in any IAM policy but those X-Ray and ses:GetAccount need', () => {
      const strings = policyResourceStrings(template());

      expect(strings.length).toBeGreaterThan(20);
      expect(new Set(strings.filter((value) => value.includes('*')))).toEqual(new Set(['*']));
      const wildcardActions = resourcesOf('AWS::IAM::Policy').flatMap(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.filter((statement: any) => statement.Resource === '*').map(
          (statement: any) => statement.Action,
        ),
      );
      expect([...new Set(wildcardActions.flat())].sort()).toEqual([
        'ses:GetAccount',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('lets only the digest planner and the hand-invoked settle-claims scan a table (never a function fed from outside)', () => {
      const scanners = FUNCTIONS.filter((fn) =>
        grantsOfFunction(template(), fn).some((line) => line.startsWith('dynamodb:Scan ')),
      );

      expect(scanners).toEqual(['PlanSliceFunction', 'SettleClaimsFunction']);
      for (const fn of scanners)
        expect(grantsOfFunction(template(), fn).filter((l) => l.startsWith('dynamodb:Scan'))).toEqual([
          'dynamodb:Scan Subscribers',
        ]);
      // Nothing invokes settle-claims but the operator: no event source, schedule or permission.
      const settleClaimsId = functionLogicalId(template(), 'SettleClaimsFunction');
      const invokers = [
        ...resourcesOf('AWS::Lambda::EventSourceMapping'),
        ...resourcesOf('AWS::Lambda::Permission'),
        ...resourcesOf('AWS::Scheduler::Schedule'),
      ].filter(([, resource]) => JSON.stringify(resource).includes(settleClaimsId));
      expect(invokers).toEqual([]);
    });

    it('uses no AWS managed policy (whose log permissions cover every log group)', () => {
      for (const [, role] of resourcesOf('AWS::IAM::Role'))
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('passes each function the environment its config schema reads', () => {
      const env = (fn: string) =>
        template().toJSON().Resources[functionLogicalId(template(), fn)].Properties.Environment.Variables;

      expect(Object.keys(env('ApiFunction'))).toEqual(
        expect.arrayContaining([
          'PUBLIC_URL',
          'TOKEN_SECRET_ARN',
          'MAIL_QUEUE_URL',
          'PAPERS_TABLE_NAME',
          'SUBSCRIBERS_TABLE_NAME',
          'DELIVERIES_TABLE_NAME',
        ]),
      );
      // The api sends no email.
      expect(Object.keys(env('ApiFunction'))).not.toContain('SES_FROM_ADDRESS');
      expect(env('ApiFunction').MAIL_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^MailQueue/) });
      expect(env('SendMailFunction')).toMatchObject({
        SES_FROM_ADDRESS: 'paperboy <digest@example.com>',
        SES_CONFIGURATION_SET: expect.anything(),
        TOKEN_SECRET_ARN: expect.anything(),
        TRANSACTIONAL_SEND_RATE: '1',
        PUBLIC_URL: expect.anything(),
        MAIL_QUEUE_URL: { Ref: expect.stringMatching(/^MailQueue/) },
      });
      expect(env('IngestFunction')).toMatchObject({
        PAPERS_SOURCE: 'https://huggingface.co/api/daily_papers',
        SCHEDULE_TIME_ZONE: 'Europe/Berlin',
      });
      expect(env('PlanDigestsFunction')).toMatchObject({
        PLAN_QUEUE_URL: { Ref: expect.stringMatching(/^PlanQueue/) },
        PLAN_SEGMENTS: '16',
      });
      expect(env('PlanSliceFunction')).toMatchObject({
        PLAN_QUEUE_URL: { Ref: expect.stringMatching(/^PlanQueue/) },
        SEND_QUEUE_URL: { Ref: expect.stringMatching(/^SendQueue/) },
      });
      expect(env('SendDigestsFunction')).toMatchObject({
        SES_FROM_ADDRESS: 'paperboy <digest@example.com>',
        SES_MAX_SEND_RATE: '14',
        TRANSACTIONAL_SEND_RATE: '1',
      });
      expect(env('ApiFunction').PUBLIC_URL).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^HttpApi/), 'ApiEndpoint'],
      });
    });
  });

  describe('digest run fan-out (plan queue)', () => {
    it('retries a failed slice alone and sends one that failed three receives to the plan DLQ', () => {
      const [, queue] = resourcesOf('AWS::SQS::Queue').find(([id]) => id.startsWith('PlanQueue'))!;

      expect(queue.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^PlanDeadLetterQueue/), 'Arn'] },
        maxReceiveCount: PLAN_MAX_RECEIVE_COUNT,
      });
      expect(queue.Properties.VisibilityTimeout).toBe(6 * PLAN_SLICE_TIMEOUT.toSeconds());
    });

    it('is consumed by plan-slice one slice per invocation, with partial batch responses and a concurrency cap', () => {
      template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlanQueue'), 'Arn'] },
        FunctionName: { Ref: functionLogicalId(template(), 'PlanSliceFunction') },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: PLAN_SLICE_MAX_CONCURRENCY },
      });
    });

    it("bounds each slice's time and memory (a slice short of time continues in a new invocation)", () => {
      const slice = template().toJSON().Resources[functionLogicalId(template(), 'PlanSliceFunction')];

      expect(slice.Properties.Timeout).toBe(PLAN_SLICE_TIMEOUT.toSeconds());
      expect(slice.Properties.MemorySize).toBe(PLAN_SLICE_MEMORY_MB);
    });

    it('alarms on a slice in the plan DLQ and on a slice waiting too long', () => {
      const planAlarms = resourcesOf('AWS::CloudWatch::Alarm')
        .map(([, alarm]) => alarm.Properties)
        .filter((alarm) => JSON.stringify(alarm.Dimensions ?? []).match(/PlanQueue|PlanDeadLetterQueue/));

      expect(planAlarms.map((alarm) => alarm.MetricName).sort()).toEqual([
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
      ]);
    });
  });

  describe('mail queue (sign-ups and new links: no answer waits on SES)', () => {
    it('retries a failed mail job alone and leaves one that failed five receives in the mail DLQ', () => {
      const [, queue] = resourcesOf('AWS::SQS::Queue').find(([id]) => id.startsWith('MailQueue'))!;

      expect(queue.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^MailDeadLetterQueue/), 'Arn'] },
        maxReceiveCount: MAIL_MAX_RECEIVE_COUNT,
      });
      expect(queue.Properties.VisibilityTimeout).toBe(6 * 60);
    });

    it('is consumed by send-mail only, ten jobs an invocation, with partial batch responses', () => {
      const mappings = resourcesOf('AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
        JSON.stringify(mapping.Properties.EventSourceArn).includes('MailQueue'),
      );

      expect(mappings).toHaveLength(1);
      expect(mappings[0][1].Properties).toMatchObject({
        FunctionName: { Ref: functionLogicalId(template(), 'SendMailFunction') },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });
  });

  describe('send queue', () => {
    it('sends a message that failed five receives to the dead-letter queue', () => {
      const [, queue] = resourcesOf('AWS::SQS::Queue').find(([id]) => id.startsWith('SendQueue'))!;

      expect(queue.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^SendDeadLetterQueue/), 'Arn'] },
        maxReceiveCount: SEND_MAX_RECEIVE_COUNT,
      });
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 60);
    });

    it('is consumed by send-digests with partial batch responses and a concurrency cap sized to the SES rate', () => {
      template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SendQueue'), 'Arn'] },
        FunctionName: { Ref: functionLogicalId(template(), 'SendDigestsFunction') },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: sendConcurrency(14).maxConcurrency },
      });
    });

    it('gives send-digests one message per invocation and time to send it at the sandbox rate', () => {
      const sandbox = synthApp({ config: aDeployConfig({ sesMaxSendRate: 1 }) }).statelessTemplate;
      const sendFunction = sandbox.toJSON().Resources[functionLogicalId(sandbox, 'SendDigestsFunction')];
      const [, queue] = Object.entries(sandbox.findResources('AWS::SQS::Queue')).find(([id]) =>
        id.startsWith('SendQueue'),
      ) as [string, any];
      const { perInstanceRate } = sendConcurrency(1);

      sandbox.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1 });
      // 50 emails (one full message) at the per-instance rate must fit, with room to spare.
      expect(sendFunction.Properties.Timeout).toBeGreaterThanOrEqual(50 / perInstanceRate);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * sendFunction.Properties.Timeout);
    });

    it('raises the concurrency cap with the account send rate', () => {
      const fast = synthApp({ config: aDeployConfig({ sesMaxSendRate: 300 }) });

      fast.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: sendConcurrency(300).maxConcurrency },
      });
    });

    it('encrypts every queue and refuses plain-HTTP access', () => {
      template().allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template().resourceCountIs('AWS::SQS::QueuePolicy', 11);
      template().allResourcesProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('schedules', () => {
    const schedule = (prefix: string) =>
      resourcesOf('AWS::Scheduler::Schedule').find(([id]) => id.startsWith(prefix))![1];

    it('runs ingest at the configured hours in the configured time zone', () => {
      expect(schedule('IngestSchedule').Properties).toMatchObject({
        ScheduleExpression: 'cron(0 6,12,18 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: { Arn: { 'Fn::GetAtt': [functionLogicalId(template(), 'IngestFunction'), 'Arn'] } },
      });
    });

    it('runs plan-digests daily at the digest hour', () => {
      expect(schedule('PlanDigestsSchedule').Properties).toMatchObject({
        ScheduleExpression: 'cron(30 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: { Arn: { 'Fn::GetAtt': [functionLogicalId(template(), 'PlanDigestsFunction'), 'Arn'] } },
      });
    });

    it('lets each schedule invoke only its own function and park failures in a queue of its own', () => {
      const roleOf = (prefix: string) => schedule(prefix).Properties.Target.RoleArn['Fn::GetAtt'][0];

      expect(grantsOfRole(template(), roleOf('IngestSchedule'))).toEqual([
        'lambda:InvokeFunction IngestFunction',
        'sqs:SendMessage IngestScheduleFailedEvents',
      ]);
      expect(grantsOfRole(template(), roleOf('PlanDigestsSchedule'))).toEqual([
        'lambda:InvokeFunction PlanDigestsFunction',
        'sqs:SendMessage PlanDigestsScheduleFailedEvents',
      ]);
      for (const prefix of ['IngestSchedule', 'PlanDigestsSchedule'])
        expect(describeResource(schedule(prefix).Properties.Target.DeadLetterConfig.Arn)).toBe(
          `${prefix}FailedEvents`,
        );
    });
  });

  describe('HTTP API', () => {
    it('sends every path to the api function', () => {
      template().resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template().resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /' }, 1);
      template().resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /{proxy+}' }, 1);
      template().resourceCountIs('AWS::ApiGatewayV2::Route', 2 + Object.keys(ROUTE_THROTTLES).length);
      template().allResourcesProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(template(), 'ApiFunction'), 'Arn'] },
      });
    });

    it('gives the routes that send mail or match on demand limits of their own, below the stage', () => {
      const [, stage] = resourcesOf('AWS::ApiGatewayV2::Stage')[0];

      expect(Object.keys(ROUTE_THROTTLES).sort()).toEqual([
        'GET /api/preview',
        'POST /api/links/renew',
        'POST /api/subscribe',
      ]);
      for (const [routeKey, { rateLimit, burstLimit }] of Object.entries(ROUTE_THROTTLES)) {
        template().resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: routeKey }, 1);
        expect(stage.Properties.RouteSettings[routeKey]).toEqual({
          ThrottlingRateLimit: rateLimit,
          ThrottlingBurstLimit: burstLimit,
        });
        expect(rateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
      }
    });

    it('warns at synth when links would point at the execute-api host (no apiDomain)', () => {
      const warnings = Annotations.fromStack(built.stateless).findWarning(
        '*',
        Match.stringLikeRegexp('No apiDomain'),
      );

      expect(warnings).toHaveLength(1);
    });

    it("refuses a custom domain whose certificate is not in the stack's region (the synth fails)", () => {
      const withCertificateIn = (region: string) => () =>
        synthApp({
          config: aDeployConfig({
            apiDomain: {
              domainName: 'news.example.com',
              certificateArn: `arn:aws:acm:${region}:123456789012:certificate/0c8b6f1e-1234-4d2b-9a0e-000000000000`,
            },
          }),
        });

      expect(withCertificateIn('us-east-1')).toThrow(/certificateArn is in us-east-1.*eu-west-1/);
      const inRegion = withCertificateIn('eu-west-1')();
      expect(
        Annotations.fromStack(inRegion.stateless).findWarning('*', Match.stringLikeRegexp('No apiDomain')),
      ).toEqual([]);
    });

    it('throttles the stage and logs access', () => {
      template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('\\$context.requestId'),
        },
      });
    });

    it('keeps link tokens (query strings) out of the access log', () => {
      const [, stage] = resourcesOf('AWS::ApiGatewayV2::Stage')[0];

      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(
        /querystring|requestOverride|\$context\.path\}?\?/i,
      );
    });

    it('has no custom domain unless configured', () => {
      template().resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    });

    it('serves the optional custom domain, uses it as the public URL and closes the execute-api endpoint', () => {
      const withDomain = synthApp({
        config: aDeployConfig({
          apiDomain: {
            domainName: 'news.example.com',
            certificateArn:
              'arn:aws:acm:eu-west-1:123456789012:certificate/0c8b6f1e-1234-4d2b-9a0e-000000000000',
          },
        }),
      });
      const t = withDomain.statelessTemplate;

      t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'news.example.com' });
      t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
      t.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
      const publicUrls = Object.values(t.findResources('AWS::Lambda::Function'))
        .map((fn: any) => fn.Properties.Environment.Variables.PUBLIC_URL)
        .filter(Boolean);
      expect(publicUrls).toEqual([
        'https://news.example.com',
        'https://news.example.com',
        'https://news.example.com',
        'https://news.example.com',
      ]);
    });
  });

  describe('SES', () => {
    it('creates a configuration set that requires TLS and uses the suppression list for bounces and complaints', () => {
      template().hasResourceProperties('AWS::SES::ConfigurationSet', {
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SuppressionOptions: { SuppressedReasons: Match.arrayEquals(['BOUNCE', 'COMPLAINT']) },
        ReputationOptions: { ReputationMetricsEnabled: true },
      });
    });

    it('settles claims from SES Send events only when chosen: the Send events and a PutItem of records', () => {
      const settling = synthApp({ config: aDeployConfig({ settleClaimsFromSesEvents: true }) });
      const eventTypes = (t: typeof settling.statelessTemplate) =>
        Object.values(
          t.findResources('AWS::SES::ConfigurationSetEventDestination') as Record<string, any>,
        )[0].Properties.EventDestination.MatchingEventTypes.sort();

      expect(eventTypes(settling.statelessTemplate)).toEqual(['bounce', 'complaint', 'send']);
      expect(grantsOfFunction(settling.statelessTemplate, 'SesEventsFunction')).toEqual(
        [...new Set(EXPECTED_GRANTS.SesEventsFunction.concat(grants(recordSent, ['Deliveries'])))].sort(),
      );
      expect(eventTypes(template())).toEqual(['bounce', 'complaint']);
    });

    it('publishes bounces and complaints to the SNS topic the ses-events function is subscribed to', () => {
      const [, destination] = resourcesOf('AWS::SES::ConfigurationSetEventDestination')[0];
      const { MatchingEventTypes, SnsDestination, Enabled } = destination.Properties.EventDestination;
      const topicId = SnsDestination.TopicARN.Ref;

      expect(Enabled).toBe(true);
      expect([...MatchingEventTypes].sort()).toEqual(['bounce', 'complaint']);
      template().hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: topicId },
        Endpoint: { 'Fn::GetAtt': [functionLogicalId(template(), 'SesEventsFunction'), 'Arn'] },
      });
    });

    it('encrypts the SNS topics with a rotating key that SES and CloudWatch may use', () => {
      template().allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      const [[, key]] = resourcesOf('AWS::KMS::Key');
      // (IAM policy minimization may merge both services into one statement.)
      const servicesAllowed = key.Properties.KeyPolicy.Statement.filter(
        (statement: any) => statement.Effect === 'Allow' && statement.Principal.Service,
      ).flatMap((statement: any) => [statement.Principal.Service].flat());

      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(servicesAllowed.sort()).toEqual(['cloudwatch.amazonaws.com', 'ses.amazonaws.com']);
    });
  });

  describe('alarms', () => {
    const alarmTopicId = () => resourcesOf('AWS::SNS::Topic').find(([id]) => id.startsWith('AlarmTopic'))![0];
    const alarms = () => resourcesOf('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

    it('sends every alarm to the operator topic, which emails the alarm address', () => {
      template().hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: alarmTopicId() },
      });
      expect(alarms().length).toBe(28);
      for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopicId() }]);
    });

    it('alarms on any message in the send, plan and mail DLQs and in each failed-events queue', () => {
      const queueAlarms = alarms().filter(
        (alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible',
      );
      const queues = queueAlarms.map((alarm) => alarm.Dimensions[0].Value['Fn::GetAtt'][0]).sort();

      expect(queues).toEqual([
        expect.stringMatching(/^IngestFailedEvents/),
        expect.stringMatching(/^IngestScheduleFailedEvents/),
        expect.stringMatching(/^MailDeadLetterQueue/),
        expect.stringMatching(/^PlanDeadLetterQueue/),
        expect.stringMatching(/^PlanDigestsFailedEvents/),
        expect.stringMatching(/^PlanDigestsScheduleFailedEvents/),
        expect.stringMatching(/^SendDeadLetterQueue/),
        expect.stringMatching(/^SesEventsFailedEvents/),
      ]);
      for (const alarm of queueAlarms)
        expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    it('alarms on errors of every function', () => {
      const errorAlarms = alarms().filter(
        (alarm) => alarm.MetricName === 'Errors' && alarm.Namespace === 'AWS/Lambda',
      );
      const functions = errorAlarms.map((alarm) => alarm.Dimensions[0].Value.Ref).sort();

      expect(functions).toEqual(FUNCTIONS.map((fn) => functionLogicalId(template(), fn)).sort());
    });

    it("lets CloudWatch publish to the alarm topic (enforceSSL's topic policy replaces SNS's default one)", () => {
      const policies = resourcesOf('AWS::SNS::TopicPolicy').filter(([, policy]) =>
        policy.Properties.Topics.some((topic: any) => topic.Ref === alarmTopicId()),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0][1].Properties.PolicyDocument.Statement;

      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: alarmTopicId() },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
            },
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    });

    it("alarms on the HTTP API stage's own 5xx count (the api answers its errors itself)", () => {
      const api5xx = alarms().find((alarm) => alarm.MetricName === '5xx');

      expect(api5xx).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(api5xx.Dimensions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Name: 'ApiId' }),
          { Name: 'Stage', Value: '$default' },
        ]),
      );
    });

    it('alarms on a silent day: no papers accepted, no run started, nothing planned (missing data breaches)', () => {
      const silent = (metricName: string) => alarms().find((alarm) => alarm.MetricName === metricName);

      for (const metricName of ['PapersAccepted', 'DigestRunsStarted', 'DigestsPlanned'])
        expect(silent(metricName)).toMatchObject({
          Namespace: 'paperboy',
          Dimensions: [{ Name: 'service', Value: 'paperboy' }],
          Statistic: 'Sum',
          Period: 86400,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        });
      // Daily Papers may be empty for a day; two such days in a row alarm.
      expect(silent('PapersAccepted').EvaluationPeriods).toBe(2);
      expect(silent('DigestRunsStarted').EvaluationPeriods).toBe(1);
    });

    it('alarms on digests that failed for good or may not have been delivered', () => {
      const failed = alarms().find((alarm) =>
        alarm.Metrics?.some((query: any) => query.Expression === 'FILL(failed, 0) + FILL(uncertain, 0)'),
      );
      const names = failed.Metrics.filter((query: any) => query.MetricStat).map(
        (query: any) => query.MetricStat.Metric.MetricName,
      );

      expect(names.sort()).toEqual(['EmailsFailed', 'EmailsUncertain']);
      expect(failed).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    });

    it('alarms on the age of the oldest message in the send, plan and mail queues', () => {
      const ages = alarms().filter((alarm) => alarm.MetricName === 'ApproximateAgeOfOldestMessage');
      const byQueue = Object.fromEntries(
        ages.map((alarm) => [
          alarm.Dimensions[0].Value['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, ''),
          alarm.Threshold,
        ]),
      );

      expect(byQueue).toEqual({
        SendQueue: SEND_QUEUE_AGE_ALARM_HOURS * 3600,
        PlanQueue: 30 * 60,
        MailQueue: MAIL_QUEUE_AGE_ALARM_MINUTES * 60,
      });
    });

    it('alarms when SES refuses the account’s mail and the sender stops', () => {
      const refused = alarms().find((alarm) => alarm.MetricName === 'SendingRefused');

      expect(refused).toMatchObject({
        Namespace: 'paperboy',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms when a run plans more than is left of the SES 24-hour quota', () => {
      expect(alarms().find((alarm) => alarm.MetricName === 'QuotaShortfall')).toMatchObject({
        Namespace: 'paperboy',
        Threshold: 1,
      });
    });

    it('shows the daily run and every alarm on one dashboard', () => {
      const dashboards = resourcesOf('AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0][1].Properties.DashboardBody);

      for (const metricName of ['PapersAccepted', 'DigestsPlanned', 'EmailsSent', 'EmailsUncertain', '5xx'])
        expect(body).toContain(metricName);
      expect(body).toContain('"alarms\\":[');
    });

    it('alarms on the SES bounce and complaint rates before SES reviews the account', () => {
      const rate = (metricName: string) => alarms().find((alarm) => alarm.MetricName === metricName);

      expect(rate('Reputation.BounceRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.04 });
      expect(rate('Reputation.ComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.0008 });
    });
  });
});
