import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';

/**
 * Connections the server's accept queue holds. A burst of sign-ups is hundreds of connections at the
 * same moment; with Node's default (511) the kernel drops the rest, and each of those clients waits a
 * second to try again (measured: half of 1,000 sign-ups answered after 1 s). The kernel caps it at its
 * somaxconn.
 */
export const LISTEN_BACKLOG = 4096;

/** Serves `fetch` on `port` (0: any free one) and resolves once it listens. */
export async function listenWeb(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  host: string,
): Promise<{ server: ServerType; port: number; close(): Promise<void> }> {
  const server = createAdaptorServer({ fetch });
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
    close: () =>
      new Promise<void>((resolve) => {
        (server as ServerType & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
