import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataDirInUseError, holdDataDir, LOCK_FILE } from '../../infra/local/data-dir-lock';

/** The data folder's lock on the real file system: who holds it, when it is taken over, when released. */
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-lock-'));
});
afterEach(async () => rm(dataDir, { recursive: true, force: true }));

const lockFile = () => path.join(dataDir, LOCK_FILE);

/** The pid of a process that has exited. */
async function goneProcessPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

it('writes its pid, refuses a second hold of the same folder, and removes the lock on release', async () => {
  const release = await holdDataDir(dataDir);
  const written = await readFile(lockFile(), 'utf8');
  const second = await holdDataDir(dataDir).catch((error: unknown) => error);
  await release();

  expect(written.trim()).toBe(String(process.pid));
  expect(second).toBeInstanceOf(DataDirInUseError);
  expect(existsSync(lockFile())).toBe(false);
  const again = await holdDataDir(dataDir);
  await again();
});

it('refuses a folder whose lock names a running process, and leaves that lock alone', async () => {
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(lockFile(), `${sleeper.pid}\n`);

    const refused = await holdDataDir(dataDir).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toBe(
      `another paperboy instance (pid ${sleeper.pid}) is using the data folder ${dataDir}: stop it or set ` +
        `DATA_DIR to another folder (if no such instance runs, delete ${lockFile()})`,
    );
    expect(await readFile(lockFile(), 'utf8')).toBe(`${sleeper.pid}\n`);
  } finally {
    sleeper.kill();
  }
});

it('takes over a lock left by a process that no longer runs (killed, crashed)', async () => {
  const gone = await goneProcessPid();
  await writeFile(lockFile(), `${gone}\n`);

  const release = await holdDataDir(dataDir);
  const written = await readFile(lockFile(), 'utf8');
  await release();

  expect(written.trim()).toBe(String(process.pid));
});

it('does not remove a lock that another process has taken since', async () => {
  const release = await holdDataDir(dataDir);
  await writeFile(lockFile(), '1\n');

  await release();

  expect(await readFile(lockFile(), 'utf8')).toBe('1\n');
});
