import { z } from 'zod';
import { DAILY_PAPERS_API } from './adapters/hf-papers/papers-source';

/**
 * Every setting a function reads from its environment, parsed once at cold start.
 * A missing or malformed value fails fast with its name.
 */
export const ConfigSchema = z.object({
  PAPERS_TABLE_NAME: z.string().min(1).default('paperboy-papers'),
  SUBSCRIBERS_TABLE_NAME: z.string().min(1).default('paperboy-subscribers'),
  DELIVERIES_TABLE_NAME: z.string().min(1).default('paperboy-deliveries'),
  SEND_QUEUE_URL: z.string().url().optional(),
  /** The queue of a digest run's slices (one message per scan segment), consumed by plan-slice. */
  PLAN_QUEUE_URL: z.string().url().optional(),
  /** The queue of sign-ups and link renewals, consumed by the mail worker (send-mail). */
  MAIL_QUEUE_URL: z.string().url().optional(),
  /** Scan segments a digest run is sliced into, each planned by its own plan-slice invocation. */
  PLAN_SEGMENTS: z.coerce.number().int().min(1).max(1000).default(16),
  /** Verified SES sender, e.g. "paperboy <digest@example.com>". */
  SES_FROM_ADDRESS: z.string().min(3).default('paperboy <digest@paperboy.local>'),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Base URL for links in emails and pages. */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  /** Token-signing secret: a Secrets Manager ARN in AWS ... */
  TOKEN_SECRET_ARN: z.string().optional(),
  /** ... or the secret itself (local stack: generated once into DATA_DIR). */
  TOKEN_SECRET: z.string().min(32).optional(),
  /** Where papers come from: an http(s) base URL of the Daily Papers API, or a file or folder of its JSON. */
  PAPERS_SOURCE: z.string().min(1).default(DAILY_PAPERS_API),
  /**
   * The SES account's maximum send rate (emails per second). Every sender of the account draws on it
   * through one shared budget in DynamoDB, whatever the number of instances.
   */
  SES_MAX_SEND_RATE: z.coerce.number().positive().default(14),
  /**
   * Emails per second of that rate kept for sign-up and link mail (a whole number: the budget deals
   * whole slots); digests share the rest. Default: a tenth of the account's rate, at least 1.
   */
  TRANSACTIONAL_SEND_RATE: z.coerce.number().int().min(1).optional(),
  /**
   * The SES account's 24-hour sending quota (emails). A digest run compares what it plans with the
   * smaller of this and what SES says is left, or with this alone when SES cannot be asked. Unset: unknown.
   */
  SES_DAILY_QUOTA: z.coerce.number().int().positive().optional(),
  /** IANA time zone the schedules and "today" are computed in. */
  SCHEDULE_TIME_ZONE: z.string().default('UTC'),
  /** Local stand-in endpoints (unset in AWS). */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SES_ENDPOINT: z.string().url().optional(),
  SQS_ENDPOINT: z.string().url().optional(),
  /** Directory of the page templates (bundled beside the handler in Lambda); emails are compiled in. */
  TEMPLATES_DIR: z.string().optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
