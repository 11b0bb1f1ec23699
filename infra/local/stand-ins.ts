import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { tableDefinitions } from '../../functions/adapters/dynamodb/keys';
import { keepInbox } from './kept-inbox';

// CommonJS packages without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createSqsServer } = require('local-aws-sqs') as {
  createSqsServer: (options: {
    port: number;
    hostname?: string;
    validateDlqDestination?: boolean;
    emulateQueueCreationLifecycle?: boolean;
  }) => Promise<Server>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const startSesServer = require('aws-ses-v2-local').default as (config: {
  host?: string;
  port: number;
}) => Promise<Server>;

export interface StandInOptions {
  /** Where dynalite keeps its data; omit for in-memory (tests). */
  dataDir?: string;
  /** A file that keeps the SES stand-in's inbox across restarts (kept-inbox.ts); omit to keep it in memory only. */
  inboxFile?: string;
  /** 0 picks a free port. */
  dynamodbPort: number;
  sesPort: number;
  sqsPort: number;
  tablePrefix?: string;
  /** A message received this many times without success moves to the DLQ. */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
}

export interface StandIns {
  endpoints: { dynamodb: string; ses: string; sqs: string };
  tables: { papers: string; subscribers: string; deliveries: string };
  queues: {
    sendQueueUrl: string;
    deadLetterQueueUrl: string;
    planQueueUrl: string;
    planDeadLetterQueueUrl: string;
    mailQueueUrl: string;
    mailDeadLetterQueueUrl: string;
  };
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** A server that listens on port 0 until asked: find a free port for servers that take a port number only. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The account aws-ses-v2-local describes to GetAccount, in the shape it checks: an account out of the
 * sandbox at SES's usual first production quota (nothing is counted as sent).
 */
export const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'TRANSACTIONAL',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'paperboy on one machine',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

export async function createTables(endpoint: string, tables: StandIns['tables']): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  const definitions = [
    [tables.papers, tableDefinitions.papers],
    [tables.subscribers, tableDefinitions.subscribers],
    [tables.deliveries, tableDefinitions.deliveries],
  ] as const;
  for (const [name, definition] of definitions) {
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
      continue;
    } catch (error) {
      if (
        !(error instanceof ResourceNotFoundException) &&
        (error as Error).name !== 'ResourceNotFoundException'
      )
        throw error;
    }
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: definition.attributes.map((AttributeName) => ({
          AttributeName,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: definition.globalSecondaryIndexes.length
          ? definition.globalSecondaryIndexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }))
          : undefined,
      }),
    );
  }
  client.destroy();
}

/** A queue with its DLQ: a message received `maxReceiveCount` times without success moves there. */
async function createQueueWithDlq(
  client: SQSClient,
  name: string,
  options: StandInOptions,
): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const { QueueUrl: deadLetterQueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq` }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: String(options.maxReceiveCount ?? 3),
        }),
      },
    }),
  );
  return { queueUrl: queueUrl as string, deadLetterQueueUrl: deadLetterQueueUrl as string };
}

/** The send, plan (slice) and mail queues, each with its DLQ, as the stateless stack has them. */
async function createQueues(
  endpoint: string,
  options: StandInOptions,
  prefix: string,
): Promise<StandIns['queues']> {
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  const send = await createQueueWithDlq(client, `${prefix}send`, options);
  const plan = await createQueueWithDlq(client, `${prefix}plan`, options);
  const mail = await createQueueWithDlq(client, `${prefix}mail`, options);
  client.destroy();
  return {
    sendQueueUrl: send.queueUrl,
    deadLetterQueueUrl: send.deadLetterQueueUrl,
    planQueueUrl: plan.queueUrl,
    planDeadLetterQueueUrl: plan.deadLetterQueueUrl,
    mailQueueUrl: mail.queueUrl,
    mailDeadLetterQueueUrl: mail.deadLetterQueueUrl,
  };
}

/**
 * Starts dynalite, aws-ses-v2-local and local-aws-sqs on loopback, creates the tables and the
 * send, plan and mail queues with their DLQs. Used by `npm start` and by the integration and end-to-end tests.
 */
export async function startStandIns(options: StandInOptions): Promise<StandIns> {
  const prefix = options.tablePrefix ?? 'paperboy-';
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // aws-ses-v2-local answers GetAccount from its process's environment, and refuses it when unset.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  const dynamo = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const started: Server[] = [];
  // Loaded before the SES stand-in answers, and kept until it is closed.
  const stopKeepingInbox = options.inboxFile ? await keepInbox(options.inboxFile) : () => undefined;
  try {
    const dynamodbPort = await listen(dynamo, options.dynamodbPort);
    started.push(dynamo);
    const ses = await startSesServer({ host: HOST, port: options.sesPort || (await freePort()) });
    started.push(ses);
    const sqs = await createSqsServer({
      port: options.sqsPort || (await freePort()),
      hostname: HOST,
      emulateQueueCreationLifecycle: false,
    });
    started.push(sqs);
    const endpoints = {
      dynamodb: `http://${HOST}:${dynamodbPort}`,
      ses: `http://${HOST}:${portOf(ses)}`,
      sqs: `http://${HOST}:${portOf(sqs)}`,
    };
    const tables = {
      papers: `${prefix}papers`,
      subscribers: `${prefix}subscribers`,
      deliveries: `${prefix}deliveries`,
    };
    await createTables(endpoints.dynamodb, tables);
    const queues = await createQueues(endpoints.sqs, options, prefix);
    return {
      endpoints,
      tables,
      queues,
      stop: async () => {
        await Promise.all(started.map(close));
        stopKeepingInbox();
      },
    };
  } catch (error) {
    await Promise.all(started.map(close));
    stopKeepingInbox();
    throw error;
  }
}
