import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HF_DAYS_DIR } from '../../data/paths';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const hours = z
  .string()
  .regex(/^\d{1,2}(,\d{1,2})*$/, 'comma-separated hours such as 1,7,13,19')
  .transform((value) => value.split(',').map(Number))
  .refine((list) => list.every((hour) => hour >= 0 && hour <= 23), 'hours are 0-23');

/** Settings of the local stack and CLI, from the environment with defaults. */
export const LocalSettingsSchema = z.object({
  PORT: port(3000),
  SES_PORT: port(8005),
  DYNAMODB_PORT: port(8000),
  SQS_PORT: port(9324),
  DATA_DIR: z.string().min(1).default('.data'),
  PUBLIC_URL: z.string().url().optional(),
  /** Where scheduled ingests read from: the HF API URL, or a file or folder of daily_papers JSON. */
  PAPERS_SOURCE: z.string().min(1).default(HF_DAYS_DIR),
  INGEST_HOURS: hours.default([1, 7, 13, 19]),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  SCHEDULE_TIME_ZONE: z.string().default('UTC'),
  /** On first start, load the bundled sample days: re-dated to the last days (default), as they are, or not at all. */
  SAMPLE_DATA: z.enum(['recent', 'original', 'off']).default('recent'),
  SES_FROM_ADDRESS: z.string().default('paperboy <digest@paperboy.local>'),
  MAX_SEND_RATE: z.coerce.number().positive().default(14),
  /** Slices of a digest run (scan segments), planned in parallel by the plan-queue consumer. */
  PLAN_SEGMENTS: z.coerce.number().int().min(1).max(64).default(4),
});
export type LocalSettings = z.infer<typeof LocalSettingsSchema>;

export function parseLocalSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const result = LocalSettingsSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid setting ${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}

export const HOST = '127.0.0.1';
export const TABLE_PREFIX = 'paperboy-';
export const endpointsOf = (settings: LocalSettings) => ({
  dynamodb: `http://${HOST}:${settings.DYNAMODB_PORT}`,
  ses: `http://${HOST}:${settings.SES_PORT}`,
  sqs: `http://${HOST}:${settings.SQS_PORT}`,
});

/** The signing secret is generated once per DATA_DIR, so links in sent mail keep working across restarts. */
export async function loadOrCreateTokenSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** The environment the Lambda handlers see when they run on the local stack. */
export function functionEnvironment(input: {
  settings: LocalSettings;
  endpoints: { dynamodb: string; ses: string; sqs: string };
  tables: { papers: string; subscribers: string; deliveries: string };
  queues: { sendQueueUrl: string; planQueueUrl: string; mailQueueUrl: string };
  tokenSecret: string;
  publicUrl: string;
}): Record<string, string> {
  return {
    PAPERS_TABLE_NAME: input.tables.papers,
    SUBSCRIBERS_TABLE_NAME: input.tables.subscribers,
    DELIVERIES_TABLE_NAME: input.tables.deliveries,
    SEND_QUEUE_URL: input.queues.sendQueueUrl,
    PLAN_QUEUE_URL: input.queues.planQueueUrl,
    MAIL_QUEUE_URL: input.queues.mailQueueUrl,
    PLAN_SEGMENTS: String(input.settings.PLAN_SEGMENTS),
    DYNAMODB_ENDPOINT: input.endpoints.dynamodb,
    SES_ENDPOINT: input.endpoints.ses,
    SQS_ENDPOINT: input.endpoints.sqs,
    TOKEN_SECRET: input.tokenSecret,
    PUBLIC_URL: input.publicUrl,
    PAPERS_SOURCE: input.settings.PAPERS_SOURCE,
    SES_FROM_ADDRESS: input.settings.SES_FROM_ADDRESS,
    SES_MAX_SEND_RATE: String(input.settings.MAX_SEND_RATE),
    SCHEDULE_TIME_ZONE: input.settings.SCHEDULE_TIME_ZONE,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
}
