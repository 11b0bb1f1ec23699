import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keepInbox, readKeptInbox } from '../../../infra/local/kept-inbox';

// The SES stand-in's own store, as its request handlers use it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const store = require('aws-ses-v2-local/dist/store') as {
  saveEmail: (email: Record<string, unknown>) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: Record<string, unknown>[] };
};

const mail = (messageId: string, at: number) => ({
  messageId,
  from: 'paperboy <digest@paperboy.local>',
  destination: { to: ['ann@example.com'], cc: [], bcc: [] },
  subject: `mail ${messageId}`,
  body: { html: '<p>hi</p>', text: 'hi' },
  at,
});

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'paperboy-inbox-'));
  store.clearStore();
});
afterEach(async () => rm(folder, { recursive: true, force: true }));

it('loads the kept mails into the inbox, oldest first, and keeps each mail saved from then on', async () => {
  const file = path.join(folder, 'inbox.jsonl');
  await writeFile(file, `${JSON.stringify(mail('b', 20))}\n${JSON.stringify(mail('a', 10))}\n`);

  const stop = await keepInbox(file);
  const loaded = store.getStoreReadonly().emails.map((email) => email.messageId);
  store.saveEmail(mail('c', 30));
  stop();
  store.saveEmail(mail('d', 40));

  expect(loaded).toEqual(['a', 'b']);
  expect((await readKeptInbox(file)).map((email) => email.messageId)).toEqual(['b', 'a', 'c']);
  expect(await readKeptInbox(file)).toContainEqual(mail('c', 30));
});

it('empties the kept inbox when the inbox is cleared', async () => {
  const file = path.join(folder, 'inbox.jsonl');
  const stop = await keepInbox(file);
  store.saveEmail(mail('a', 10));
  store.clearStore();
  stop();

  expect(await readFile(file, 'utf8')).toBe('');
  expect(store.getStoreReadonly().emails).toEqual([]);
});

it('skips a line a kill cut short, and reads a missing file as an empty inbox', async () => {
  const file = path.join(folder, 'inbox.jsonl');
  await writeFile(file, `${JSON.stringify(mail('a', 10))}\n{"messageId":"b","fr`);

  expect((await readKeptInbox(file)).map((email) => email.messageId)).toEqual(['a']);
  expect(await readKeptInbox(path.join(folder, 'none.jsonl'))).toEqual([]);
});
