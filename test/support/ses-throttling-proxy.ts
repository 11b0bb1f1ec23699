import { Worker } from 'node:worker_threads';

/** Shared counters between the test and the proxy's thread: accepted, throttled, rate (0: no limit). */
const ACCEPTED = 0;
const THROTTLED = 1;
const RATE = 2;

export interface SesThrottlingProxy {
  /** Point the SES client here. */
  endpoint: string;
  /** SendEmail calls passed on to SES and accepted by it. */
  readonly accepted: number;
  /** SendEmail calls answered with TooManyRequestsException. */
  readonly throttled: number;
  /** SendEmail calls let through per any one second. */
  readonly rate: number;
  /** Changes the rate from the next call on; Infinity lets every call through. */
  setRate(perSecond: number): void;
  resetCounts(): void;
  stop(): Promise<void>;
}

/**
 * The proxy's own thread (plain JavaScript, run from a string). Arrivals are timed on an event
 * loop that does nothing else, as SES times them on its own machines: a stall of the test's
 * thread (GC, the stand-ins' work) must not make calls already on the wire look like a burst.
 */
const PROXY_THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const counters = new Int32Array(workerData.counters);
const upstream = new URL(workerData.upstream);
const SEND_EMAIL = /^\\/v2\\/email\\/outbound-emails\\/?(\\?.*)?$/;
const WINDOW_MS = 1000;
const recent = [];

function admit() {
  const now = performance.now();
  while (recent.length > 0 && recent[0] <= now - WINDOW_MS) recent.shift();
  const rate = Atomics.load(counters, ${RATE});
  if (rate > 0 && recent.length >= rate) return false;
  recent.push(now);
  return true;
}

function throttle(response) {
  const count = Atomics.add(counters, ${THROTTLED}, 1) + 1;
  const body = JSON.stringify({ message: 'Maximum sending rate exceeded.' });
  response.writeHead(429, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.coral.availability/',
    'x-amzn-requestid': 'throttled-' + count,
  });
  response.end(body);
}

function pass(incoming, response, isSend) {
  const outgoing = http.request(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: upstream.host },
    },
    (answer) => {
      if (isSend && answer.statusCode < 300) Atomics.add(counters, ${ACCEPTED}, 1);
      response.writeHead(answer.statusCode || 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(String(error));
  });
  incoming.pipe(outgoing);
}

const server = http.createServer((incoming, response) => {
  const isSend = incoming.method === 'POST' && SEND_EMAIL.test(incoming.url || '');
  if (isSend && !admit()) {
    incoming.resume();
    throttle(response);
    return;
  }
  pass(incoming, response, isSend);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
`;

/**
 * An HTTP proxy on loopback, in its own thread, in front of aws-ses-v2-local that enforces an
 * account send rate: once `perSecond` SendEmail calls were let through within the last second (a
 * sliding window, so no burst at a second's edge slips by), the next is refused with SES v2's
 * throttling error, a 429 whose x-amzn-ErrorType the AWS SDK reads as TooManyRequestsException.
 * Refused calls do not count against the rate; every other request passes through untouched.
 */
export async function startSesThrottlingProxy(options: {
  upstream: string;
  perSecond: number;
}): Promise<SesThrottlingProxy> {
  const shared = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const counters = new Int32Array(shared);
  let rate = options.perSecond;
  const setRate = (perSecond: number) => {
    rate = perSecond;
    Atomics.store(counters, RATE, Number.isFinite(perSecond) ? Math.max(1, Math.floor(perSecond)) : 0);
  };
  setRate(options.perSecond);
  const worker = new Worker(PROXY_THREAD, {
    eval: true,
    workerData: { upstream: options.upstream, counters: shared },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get accepted() {
      return Atomics.load(counters, ACCEPTED);
    },
    get throttled() {
      return Atomics.load(counters, THROTTLED);
    },
    get rate() {
      return rate;
    },
    setRate,
    resetCounts() {
      Atomics.store(counters, ACCEPTED, 0);
      Atomics.store(counters, THROTTLED, 0);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
