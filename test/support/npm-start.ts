import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** `npm start` as an operator runs it: a real process of its own, stopped with Ctrl-C (SIGINT). */
export interface RunningStart {
  child: ChildProcess;
  app: string;
  inbox: string;
  output: () => string;
}

/**
 * The `npm start` process on `dataDir`, each server on a free port of its own (so never on another
 * instance's); `env` adds or overrides settings (e.g. `SAMPLE_DATA`, `MAX_SEND_RATE`).
 */
export function spawnNpmStart(dataDir: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'infra/local/start.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        SES_PORT: '0',
        DYNAMODB_PORT: '0',
        SQS_PORT: '0',
        DATA_DIR: dataDir,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** `npm start`, once it says it runs: its URLs and what it printed. */
export async function startNpmStart(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningStart> {
  const child = spawnNpmStart(dataDir, env);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!/Stop: Ctrl-C/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = (label: string) => new RegExp(`${label}\\s+(http\\S+)`).exec(output)?.[1] as string;
  return { child, app: url('web app'), inbox: url('inbox \\(SES\\)'), output: () => output };
}

/** Ctrl-C, as an operator stops it; the exit code. */
export function stopNpmStart(running: RunningStart): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve(running.child.exitCode);
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGINT');
  });
}
