import { readFileSync, rmSync } from 'node:fs';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'paperboy.lock';

/** Another running instance keeps its files in the data folder; dynalite's database takes one writer. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, holder?: number) {
    const who = holder ? `another paperboy instance (pid ${holder})` : 'another paperboy instance';
    const lock = path.join(dataDir, LOCK_FILE);
    super(
      `${who} is using the data folder ${dataDir}: stop it or set DATA_DIR to another folder ` +
        `(if no such instance runs, delete ${lock})`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Folders this process holds, so a second stack in the same process is refused too. */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readHolder = async (file: string): Promise<number | undefined> => {
  const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * Creates the lock file with our pid unless it exists. Linked from a file written beforehand, so the
 * lock is never seen empty: a reader could take a half-written one for a stale one.
 */
async function claim(file: string): Promise<boolean> {
  const written = `${file}.${process.pid}`;
  await writeFile(written, `${process.pid}\n`);
  try {
    await link(written, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await rm(written, { force: true });
  }
}

/**
 * Holds `dataDir` for this process with a lock file naming its pid, before dynalite opens its database
 * there: a second instance would otherwise start its servers and die on its first request with a raw
 * stack trace. A lock left by a process that no longer runs (killed, crashed) is taken over. Returns the
 * release, which is also run when the process exits without it.
 */
export async function holdDataDir(dataDir: string): Promise<() => Promise<void>> {
  const key = path.resolve(dataDir);
  const file = path.join(key, LOCK_FILE);
  if (heldHere.has(key)) throw new DataDirInUseError(dataDir, process.pid);
  heldHere.add(key);
  try {
    await mkdir(key, { recursive: true });
    for (let attempt = 1; !(await claim(file)); attempt++) {
      const holder = await readHolder(file);
      // Our own pid in a lock this process does not hold was left by an earlier process that had it.
      if (holder !== undefined && holder !== process.pid && isRunning(holder))
        throw new DataDirInUseError(dataDir, holder);
      if (attempt >= 3) throw new DataDirInUseError(dataDir);
      await rm(file, { force: true });
    }
  } catch (error) {
    heldHere.delete(key);
    throw error;
  }

  const ours = () => {
    try {
      return Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid;
    } catch {
      return false;
    }
  };
  const releaseNow = () => {
    process.removeListener('exit', releaseNow);
    if (!heldHere.delete(key)) return;
    if (ours()) rmSync(file, { force: true });
  };
  process.once('exit', releaseNow);
  return async () => releaseNow();
}
