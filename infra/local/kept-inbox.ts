import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * aws-ses-v2-local keeps its inbox (`GET /store`) in a module-level object of the process it runs in, so
 * a restart would empty it. This keeps it in a file: every mail the stand-in saves is appended to it as
 * one JSON line, `POST /clear-store` empties it, and the next start loads it back before the stand-in
 * answers. Only mails are kept (paperboy sends no SES templates).
 */

/** The mail as aws-ses-v2-local stores it; kept as it is. */
type StoredMail = Record<string, unknown>;

interface SesStoreModule {
  saveEmail: (email: StoredMail) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: StoredMail[] };
}

/** The file name of the kept inbox in DATA_DIR. */
export const INBOX_FILE = 'ses-inbox.jsonl';

// The stand-in's own store module: its handlers call `store_1.saveEmail(...)` through this object, so a
// function put in its place here sees every saved mail.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const store = require('aws-ses-v2-local/dist/store') as SesStoreModule;

/** Files kept for the stacks of this process (tests run several one after the other). */
const files = new Set<string>();
const WRAPPED = Symbol.for('paperboy.kept-inbox');

function wrapStoreOnce(): void {
  const marked = store as SesStoreModule & { [WRAPPED]?: true };
  if (marked[WRAPPED]) return;
  marked[WRAPPED] = true;
  const save = store.saveEmail;
  const clear = store.clearStore;
  store.saveEmail = (email) => {
    save(email);
    // Synchronous, so the mail is in the file once SES has answered the send.
    const line = `${JSON.stringify(email)}\n`;
    for (const file of files) appendFileSync(file, line);
  };
  store.clearStore = () => {
    clear();
    for (const file of files) writeFileSync(file, '');
  };
}

/** The mails a kept inbox file holds, oldest first; a line cut short by a crash is skipped. */
export async function readKeptInbox(file: string): Promise<StoredMail[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const mails: StoredMail[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      mails.push(JSON.parse(line) as StoredMail);
    } catch {
      // A write interrupted by a kill: the mails before it are whole.
    }
  }
  return mails;
}

/**
 * Loads the mails kept in `file` into the stand-in's inbox and keeps every mail saved from now on in it,
 * until the returned stop is called. Call before the stand-in takes requests.
 */
export async function keepInbox(file: string): Promise<() => void> {
  wrapStoreOnce();
  await mkdir(path.dirname(file), { recursive: true });
  const kept = await readKeptInbox(file);
  const inbox = store.getStoreReadonly().emails;
  const known = new Set(inbox.map((mail) => mail.messageId));
  inbox.push(...kept.filter((mail) => !known.has(mail.messageId)));
  inbox.sort((a, b) => Number(a.at ?? 0) - Number(b.at ?? 0));
  files.add(file);
  return () => void files.delete(file);
}
