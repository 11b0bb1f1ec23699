/** Reads aws-ses-v2-local's store (`GET /store`), as a person reads the local inbox. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export async function readInbox(sesEndpoint: string, to?: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return to ? emails.filter((email) => email.destination.to.includes(to)) : emails;
}

export async function clearInbox(sesEndpoint: string): Promise<void> {
  await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
}

/** Every link in an email's HTML whose path is `path`. */
export function linksTo(html: string, path: string): URL[] {
  return [...html.matchAll(/href="([^"]+)"/g)]
    .map((match) => match[1].replace(/&amp;/g, '&'))
    .filter((href) => /^https?:/.test(href))
    .map((href) => new URL(href))
    .filter((url) => url.pathname === path);
}

export function header(email: StoredEmail, name: string): string | undefined {
  return email.headers?.find((entry) => entry.name.toLowerCase() === name.toLowerCase())?.value;
}

export async function waitForEmail(
  sesEndpoint: string,
  predicate: (email: StoredEmail) => boolean,
  timeoutMs = 10_000,
): Promise<StoredEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readInbox(sesEndpoint)).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('expected email did not arrive');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
