import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE } from '../../infra/local/data-dir-lock';
import { INBOX_FILE } from '../../infra/local/kept-inbox';
import {
  descendantsOf,
  freePort,
  isAlive,
  isListening,
  spawnNpmStart,
  startNpmStart,
  startThroughNpm,
  stopNpmStart,
} from '../support/npm-start';
import { linksTo, readInbox, waitForEmail } from '../support/ses-inbox';

/** `npm start` as an operator runs it: a real process, stopped with Ctrl-C (SIGINT), started again. */
const start = (dataDir: string) => startNpmStart(dataDir);
const stop = stopNpmStart;

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-restart-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

it('stops cleanly on Ctrl-C and keeps subscribers, papers, the inbox and working links across a restart', async () => {
  const first = await start(dataDir);
  await fetch(`${first.app}/api/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lin@example.com', topics: ['ai-agents'] }),
  });
  const confirmation = await waitForEmail(first.inbox, (email) =>
    email.destination.to.includes('lin@example.com'),
  );
  const token = linksTo(confirmation.body.html ?? '', '/confirm')[0].searchParams.get('token') as string;
  const confirmed = await fetch(`${first.app}/api/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const { manageToken } = (await confirmed.json()) as { manageToken: string };
  const sampleLine = /sample\s+(\d+) real papers/.exec(first.output())?.[1];
  const firstExit = await stop(first);
  const appAfterStop = await fetch(first.app).then(
    () => 'still answering',
    () => 'closed',
  );

  const second = await start(dataDir);
  try {
    const preferences = await fetch(`${second.app}/api/preferences?token=${encodeURIComponent(manageToken)}`);
    const preview = await fetch(`${second.app}/api/preview?q=agents`);
    const inboxAfterRestart = await readInbox(second.inbox);
    // The inbox UI's "clear" empties the kept inbox too.
    await fetch(`${second.inbox}/clear-store`, { method: 'POST' });
    const keptAfterClear = await readFile(path.join(dataDir, INBOX_FILE), 'utf8');

    expect(inboxAfterRestart.map((email) => email.messageId)).toContain(confirmation.messageId);
    expect(inboxAfterRestart.find((email) => email.messageId === confirmation.messageId)).toEqual(
      confirmation,
    );
    expect(keptAfterClear).toBe('');

    expect(firstExit).toBe(0);
    expect(appAfterStop).toBe('closed');
    expect(Number(sampleLine)).toBeGreaterThan(50);
    // The sample loads only into an empty table: the second start finds the papers already there.
    expect(second.output()).not.toMatch(/sample\s+\d+ real papers/);
    expect(preferences.status).toBe(200);
    expect(await preferences.json()).toMatchObject({
      email: 'lin@example.com',
      subscribed: true,
      topics: ['ai-agents'],
    });
    expect(((await preview.json()) as { papers: unknown[] }).papers.length).toBeGreaterThan(0);
  } finally {
    expect(await stop(second)).toBe(0);
  }
}, 150_000);

it('refuses a second instance on the same data folder with one line and exit code 1, and leaves the first running', async () => {
  const first = await start(dataDir);
  const lockWhileRunning = existsSync(path.join(dataDir, LOCK_FILE));
  let firstExit: number | null = null;
  try {
    const second = spawnNpmStart(dataDir);
    let stdout = '';
    let stderr = '';
    second.stdout?.on('data', (chunk) => (stdout += chunk));
    second.stderr?.on('data', (chunk) => (stderr += chunk));
    // A second instance that came up would never exit on its own: stopped, it fails the test below.
    const giveUp = setTimeout(() => second.kill('SIGINT'), 60_000);
    const secondExit = await new Promise<number | null>((resolve) => second.once('close', resolve));
    clearTimeout(giveUp);
    const firstHealth = await fetch(`${first.app}/health`);

    expect(secondExit).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^paperboy could not start: another paperboy instance \(pid \d+\) is using the data folder .+: stop it or set DATA_DIR to another folder/,
      ),
    ]);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).not.toContain('paperboy is running offline');
    expect(firstHealth.status).toBe(200);
  } finally {
    firstExit = await stop(first);
  }
  expect(lockWhileRunning).toBe(true);
  expect(firstExit).toBe(0);
  // Released on exit: the next start on this folder is not refused.
  expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
}, 150_000);

describe.each(['SIGINT', 'SIGTERM'] as const)(
  '%s sent to the `npm start` process (as a process manager does)',
  (signal) => {
    it('stops every server and leaves no process behind', async () => {
      const ports = {
        app: await freePort(),
        ses: await freePort(),
        dynamodb: await freePort(),
        sqs: await freePort(),
      };
      const folder = await mkdtemp(path.join(os.tmpdir(), 'paperboy-signal-'));
      const npm = await startThroughNpm(folder, ports);
      // Read before the signal: once npm is gone, what it leaves behind is no longer below it.
      const below = descendantsOf(npm.child.pid as number);
      try {
        const listeningBefore = await Promise.all(Object.values(ports).map(isListening));
        const exit = new Promise<number | null>((resolve) => npm.child.once('exit', resolve));
        npm.child.kill(signal);
        const giveUp = setTimeout(() => npm.child.kill('SIGKILL'), 30_000);
        const code = await exit;
        clearTimeout(giveUp);
        const listeningAfter = await Promise.all(Object.values(ports).map(isListening));

        expect(below.length).toBeGreaterThan(0);
        expect(listeningBefore).toEqual([true, true, true, true]);
        expect(code).toBe(0);
        expect(npm.output()).toContain(`[paperboy] ${signal}: stopping...`);
        expect(npm.output()).toContain('[paperboy] stopped.');
        expect(listeningAfter).toEqual([false, false, false, false]);
        expect(below.filter(isAlive)).toEqual([]);
        expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);
      } finally {
        for (const pid of below.filter(isAlive)) process.kill(pid, 'SIGKILL');
        if (npm.child.exitCode === null) npm.child.kill('SIGKILL');
        await rm(folder, { recursive: true, force: true });
      }
    }, 120_000);
  },
);
