// A load generator in a process of its own, so that making requests takes none of the server's CPU:
// `node load-client.mjs URL BODIES.json` POSTs every JSON body at once (one connection each, as many
// separate people would) and prints one JSON line: each answer's status and milliseconds, in order.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, bodiesFile] = process.argv.slice(2);
const { hostname, port, pathname } = new URL(url);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8'));

const post = (body) =>
  new Promise((resolve) => {
    const sent = performance.now();
    const text = JSON.stringify(body);
    const request = http.request(
      {
        hostname,
        port,
        path: pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - sent }));
      },
    );
    request.on('error', () => resolve({ status: 0, ms: performance.now() - sent }));
    request.end(text);
  });

const answers = await Promise.all(bodies.map(post));
process.stdout.write(`${JSON.stringify(answers)}\n`);
