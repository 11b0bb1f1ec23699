import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
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
  // What the start script runs, without npm in between: node with tsx's loader, one process (tsx's
  // own CLI would put a process between that SIGKILLs the stack when it is slow to say it got the signal).
  return spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
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
  });
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

/** A port nothing listens on now (the kernel's pick), for a server that must be on a known port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on the loopback port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every process below `pid` now (Linux: read from /proc), children first. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Gone while listed.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents)
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * `npm start` itself (npm from PATH, its script through the shell), as a process manager runs it:
 * the process it signals is npm's. Every server on a port of `ports`; resolves once it says it runs.
 */
export async function startThroughNpm(
  dataDir: string,
  ports: { app: number; ses: number; dynamodb: number; sqs: number },
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(ports.app),
      SES_PORT: String(ports.ses),
      DYNAMODB_PORT: String(ports.dynamodb),
      SQS_PORT: String(ports.sqs),
      DATA_DIR: dataDir,
      SAMPLE_DATA: 'off',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!/Stop: Ctrl-C/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}
