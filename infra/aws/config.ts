import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** Retention periods CloudWatch Logs accepts (the common ones). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
];

const HourSchema = z.number().int().min(0).max(23);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * The operator's deployment settings, validated at synth. A missing or bad value fails
 * `cdk synth` with the key's name (see {@link parseDeployConfig}).
 */
export const DeployConfigSchema = z
  .object({
    /** The SES sending domain, verified with Easy DKIM (e.g. "example.com"). */
    domain: z.string().toLowerCase().regex(HOSTNAME, 'must be a DNS domain name such as example.com'),
    /** The From address of every email; must be at `domain` (the identity the functions may send as). */
    senderAddress: z.email(),
    /** Display name shown beside the sender address. */
    senderName: z.string().min(1).max(64).default('paperboy'),
    /** Hours of the day (in `scheduleTimeZone`) at which ingest runs. */
    ingestHours: z
      .array(HourSchema)
      .min(1)
      .max(12)
      .refine((hours) => new Set(hours).size === hours.length, 'hours must be unique'),
    /** Hour of the day (in `scheduleTimeZone`) at which plan-digests runs (weekly digests go out in the same run). */
    digestHour: HourSchema,
    /** Minute past `digestHour`; the default leaves 30 minutes after an ingest at the same hour. */
    digestMinute: z.number().int().min(0).max(59).default(30),
    /** IANA time zone of the schedules and of "today", e.g. "Europe/Berlin". */
    scheduleTimeZone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    /** The SES account's maximum send rate (emails per second), from the SES console or `aws sesv2 get-account`. */
    sesMaxSendRate: z.number().positive().max(10_000),
    /** Operator address subscribed to the alarm topic (the subscription must be confirmed by email). */
    alarmEmail: z.email(),
    /** Where ingest reads papers from. */
    papersSource: z.url().default('https://huggingface.co/api/daily_papers'),
    /** Optional custom domain for the HTTP API; without it the execute-api URL is the public URL. */
    apiDomain: z
      .object({
        domainName: z.string().toLowerCase().regex(HOSTNAME, 'must be a DNS name such as news.example.com'),
        /** ACM certificate for `domainName`, in the stack's region. */
        certificateArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/,
            'must be an ACM certificate ARN',
          ),
      })
      .optional(),
    /** Route 53 public hosted zone of `domain`: when set, the DKIM records are created for you. */
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC')
      .optional(),
    /**
     * The MAIL FROM (Return-Path) subdomain of `domain`, e.g. "mail" for mail.example.com: bounces go
     * there and SPF is checked against it, so SPF aligns with the From domain for DMARC.
     */
    mailFromSubdomain: z
      .string()
      .toLowerCase()
      .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)$/, 'must be one DNS label such as mail')
      .default('mail'),
    /**
     * The domain is already a verified SES identity in this account and region (another copy of
     * paperboy, or verified by hand): use it instead of creating it, which would fail the deploy.
     */
    existingSesIdentity: z.boolean().default(false),
    /**
     * The account's SES 24-hour sending quota (`aws sesv2 get-account`, SendQuota.Max24HourSend). Each
     * run compares what it plans with what is left of it (read from SES at run time, this as the
     * fallback) and alarms before mail is refused. Omit to rely on SES's answer alone.
     */
    sesDailyQuota: z.number().int().positive().optional(),
    /**
     * Settle each digest's claim from SES's Send event (the mail's `claim` tag), so a sender killed after
     * SES accepted a digest but before recording it never causes a second copy. It costs, per email, one
     * SNS publish, one ses-events invocation and two DynamoDB requests (doubling a run's requests per
     * reader). Off: such a claim is released by `claims --release` and sent again (docs/architecture.md).
     */
    settleClaimsFromSesEvents: z.boolean().default(false),
    /**
     * While the account is in the SES sandbox, the verified recipient addresses you test with: SES also
     * checks the sender's permission on each recipient identity. Remove them after leaving the sandbox.
     */
    sesSandboxRecipients: z.array(z.email()).max(50).default([]),
    /**
     * Slices of each digest run: parallel scan segments, each planned by its own plan-slice invocation.
     * A slice that runs short of time continues in a new invocation, so this sets parallelism, not a
     * size limit: about one per 50,000 readers keeps a run within minutes.
     */
    planSegments: z.number().int().min(1).max(1000).default(16),
    /** Steady-state and burst request limits of the HTTP API's default stage. */
    apiThrottle: z
      .object({
        rateLimit: z.number().int().positive().max(10_000).default(20),
        burstLimit: z.number().int().positive().max(5_000).default(40),
      })
      .default({ rateLimit: 20, burstLimit: 40 }),
    /** Days to keep function and access logs. */
    logRetentionDays: z
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
    /** Prefix of the stack names, so several copies can share an account. */
    stackPrefix: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,30}$/, 'must start with a letter and use letters, digits and hyphens')
      .default('Paperboy'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const senderDomain = config.senderAddress.split('@')[1]?.toLowerCase() ?? '';
    if (senderDomain !== config.domain) {
      ctx.addIssue({
        code: 'custom',
        path: ['senderAddress'],
        message: `must be an address at ${config.domain} (the verified SES domain)`,
      });
    }
  });

export type DeployConfig = z.infer<typeof DeployConfigSchema>;
/** The config file's shape before defaults are applied (what an operator writes). */
export type DeployConfigInput = z.input<typeof DeployConfigSchema>;

export class DeployConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployConfigError';
  }
}

/** Validates raw settings; the error lists every bad key by its path, e.g. `alarmEmail: Invalid email address`. */
export function parseDeployConfig(raw: unknown): DeployConfig {
  const result = DeployConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      // zod reports unknown keys on the parent; name them so a typo is easy to find.
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
      return `${key}: ${issue.message}${keys}`;
    });
    throw new DeployConfigError(`invalid paperboy deploy config: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Context key of the config object (in cdk.json, cdk.context.json or `-c paperboy='{"…"}'`). */
export const CONFIG_CONTEXT_KEY = 'paperboy';
/** Context key naming a JSON config file (`-c config=path/to/file.json`). */
export const CONFIG_FILE_CONTEXT_KEY = 'config';
/** Read when no `config` context is given. */
export const DEFAULT_CONFIG_FILE = 'paperboy.config.json';

export interface LoadDeployConfigOptions {
  /** Reads a CDK context value (e.g. `(key) => app.node.tryGetContext(key)`). */
  readonly getContext: (key: string) => unknown;
  /** Directory relative config paths resolve against. */
  readonly cwd?: string;
}

/**
 * Loads the deploy config: the JSON file named by the `config` context value (default
 * `paperboy.config.json`, if present), overlaid key by key with the `paperboy` context object,
 * then validated with {@link DeployConfigSchema}.
 */
export function loadDeployConfig({ getContext, cwd = process.cwd() }: LoadDeployConfigOptions): DeployConfig {
  const fileContext = getContext(CONFIG_FILE_CONTEXT_KEY);
  if (fileContext !== undefined && typeof fileContext !== 'string') {
    throw new DeployConfigError(
      `invalid paperboy deploy config: ${CONFIG_FILE_CONTEXT_KEY}: must be a file path`,
    );
  }
  const filePath = resolve(cwd, fileContext ?? DEFAULT_CONFIG_FILE);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(filePath)) {
    try {
      fromFile = JSON.parse(readFileSync(filePath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new DeployConfigError(`invalid paperboy deploy config: ${filePath} is not valid JSON`, {
        cause: error,
      });
    }
  } else if (fileContext !== undefined) {
    throw new DeployConfigError(
      `invalid paperboy deploy config: ${CONFIG_FILE_CONTEXT_KEY}: file not found: ${filePath}`,
    );
  }

  let fromContext = getContext(CONFIG_CONTEXT_KEY) ?? {};
  if (typeof fromContext === 'string') {
    try {
      fromContext = JSON.parse(fromContext);
    } catch (error) {
      throw new DeployConfigError(
        `invalid paperboy deploy config: ${CONFIG_CONTEXT_KEY}: context value is not JSON`,
        { cause: error },
      );
    }
  }
  if (typeof fromContext !== 'object' || fromContext === null || Array.isArray(fromContext)) {
    throw new DeployConfigError(
      `invalid paperboy deploy config: ${CONFIG_CONTEXT_KEY}: context value must be an object`,
    );
  }
  return parseDeployConfig({ ...stripComment(fromFile), ...(fromContext as Record<string, unknown>) });
}

/** A "$comment" key lets the example file explain itself without failing `.strict()`. */
function stripComment(raw: Record<string, unknown>): Record<string, unknown> {
  const { $comment: _ignored, ...rest } = raw;
  return rest;
}

/** The sender as SES expects it in the From header, e.g. `paperboy <digest@example.com>`. */
export function fromHeader(config: Pick<DeployConfig, 'senderName' | 'senderAddress'>): string {
  return `${config.senderName.replace(/[<>"]/g, '')} <${config.senderAddress}>`;
}

/** Share of the SES send rate kept free for the API's confirmation mails while digests go out. */
export const CONFIRMATION_RATE_SHARE = 0.1;

/**
 * How many send-digests instances run at once, and how fast each may send, so the sum stays
 * within the SES account's rate with room for confirmation mails. SQS event sources need a
 * maximum concurrency of at least 2; one instance comfortably sends about 10 emails per second.
 */
export function sendConcurrency(sesMaxSendRate: number): { maxConcurrency: number; perInstanceRate: number } {
  const digestRate = sesMaxSendRate * (1 - CONFIRMATION_RATE_SHARE);
  const maxConcurrency = Math.min(50, Math.max(2, Math.floor(digestRate / 10)));
  const perInstanceRate = Math.floor((digestRate / maxConcurrency) * 100) / 100;
  return { maxConcurrency, perInstanceRate };
}
