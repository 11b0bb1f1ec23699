/**
 * The SES stand-in's inbox read in this process: aws-ses-v2-local runs inside the test's process
 * (startStandIns), and at thousands of digests its `GET /store` answer (every body, as JSON) costs more
 * than the count it is read for.
 */
interface StoredMail {
  destination: { to: string[] };
  body?: { html?: string; text?: string };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getStoreReadonly } = require('aws-ses-v2-local/dist/store') as {
  getStoreReadonly: () => { emails: StoredMail[] };
};

/** How many mails the inbox holds for each address. */
export function inboxByRecipient(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of getStoreReadonly().emails)
    for (const to of mail.destination.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

/** Mails in the inbox. */
export const inboxSize = (): number => getStoreReadonly().emails.length;

/** Drops the bodies of the mails stored so far (who each went to stays), to bound memory at size. */
export function dropStoredBodies(): void {
  for (const mail of getStoreReadonly().emails) mail.body = {};
}
