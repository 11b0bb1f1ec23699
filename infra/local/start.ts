import './env-defaults';
import { startLocalStack } from './local-stack';
import { parseLocalSettings } from './settings';

async function main() {
  const settings = parseLocalSettings();
  const stack = await startLocalStack(settings, { log: (line) => console.log(`[paperboy] ${line}`) });
  const lines = [
    '',
    'paperboy is running offline.',
    `  web app      ${stack.urls.app}`,
    `  inbox (SES)  ${stack.urls.inbox}`,
    `  data         ${settings.DATA_DIR} (kept across restarts)`,
    `  schedules    ingest at ${settings.INGEST_HOURS.join(', ')}h, digests at ${settings.DIGEST_HOUR}h (${settings.SCHEDULE_TIME_ZONE})`,
  ];
  if (stack.sample) {
    lines.push(
      `  sample       ${stack.sample.loaded} real papers (Daily Papers ${stack.sample.from}) loaded as ${stack.sample.days[0]}..${stack.sample.days[stack.sample.days.length - 1]}`,
    );
  }
  lines.push('', 'Send a digest now: npm run cli -- digest      Stop: Ctrl-C', '');
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[paperboy] ${signal}: stopping...`);
    await stack.stop();
    console.log('[paperboy] stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(`paperboy could not start: ${(error as Error).message}`);
  process.exit(1);
});
