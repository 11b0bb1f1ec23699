import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';

/**
 * Connections the server's accept queue holds. A burst of sign-ups is hundreds of connections at the
 * same moment; with Node's default (511) the kernel drops the rest, and each of those clients waits a
 * second to try again (measured: half of 1,000 sign-ups answered after 1 s). The kernel caps it at its
 * somaxconn.
 */
export const LISTEN_BACKLOG = 4096;

/** A server that answered a request this recently is still busy: requests of a burst come in gaps. */
export const BUSY_AFTER_ANSWER_MS = 50;

/**
 * Serves `fetch` on `port` (0: any free one) and resolves once it listens. `busy()` says whether it is
 * answering a request or answered one in the last BUSY_AFTER_ANSWER_MS (the queue pollers on the same
 * machine give way to it).
 */
export async function listenWeb(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  host: string,
): Promise<{ server: ServerType; port: number; busy(): boolean; close(): Promise<void> }> {
  let inFlight = 0;
  let lastAnsweredAt = 0;
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      inFlight += 1;
      try {
        return await fetch(request);
      } finally {
        inFlight -= 1;
        lastAnsweredAt = performance.now();
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    busy: () => inFlight > 0 || performance.now() - lastAnsweredAt < BUSY_AFTER_ANSWER_MS,
    close: () =>
      new Promise<void>((resolve) => {
        (server as ServerType & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
