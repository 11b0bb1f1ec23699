import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../functions/core/ports';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack';
import { waitUntilQueueEmpty } from '../../infra/local/queue-drain';
import { parseLocalSettings } from '../../infra/local/settings';
import { runCli, type CliResult } from './cli';

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestStack extends LocalStack {
  dataDir: string;
  env: Record<string, string>;
  /** Runs `npm run cli -- ...` against this stack in a child process, as an operator would. */
  cli(args: string[]): Promise<CliResult>;
  /** Resolves once every queued sign-up and new link has been mailed (or refused for good). */
  mailDone(timeoutMs?: number): Promise<void>;
}

/**
 * The whole local stack on free ports with a throw-away DATA_DIR; no sample data, no schedules.
 * `settings` overrides local settings (e.g. MAX_SEND_RATE for a suite that mails a thousand readers).
 */
export async function startTestStack(settingsOverrides: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-test-'));
  const settings = parseLocalSettings({
    PORT: '0',
    SES_PORT: '0',
    DYNAMODB_PORT: '0',
    SQS_PORT: '0',
    DATA_DIR: dataDir,
    SAMPLE_DATA: 'off',
    ...settingsOverrides,
  });
  const stack = await startLocalStack(settings, { schedules: false, overrides: { logger: silentLogger } });
  const port = (url: string) => new URL(url).port;
  const env = {
    PORT: port(stack.urls.app),
    SES_PORT: port(stack.urls.inbox),
    DYNAMODB_PORT: port(stack.urls.dynamodb),
    SQS_PORT: port(stack.urls.sqs),
    DATA_DIR: dataDir,
    PUBLIC_URL: stack.urls.app,
  };
  return {
    ...stack,
    dataDir,
    env,
    cli: (args) => runCli(args, env),
    mailDone: (timeoutMs = 30_000) =>
      waitUntilQueueEmpty(stack.services.sqs, stack.queues.mailQueueUrl, {
        timeoutMs,
        quietMs: 150,
        hint: 'the send-mail poller did not finish the queued sign-ups and new links',
      }),
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
