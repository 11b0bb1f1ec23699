/**
 * Records every line the functions write while a test runs: what reaches process.stdout/stderr (the
 * Powertools Logger's own Console, EMF metric documents) and what goes through the global console
 * (the fallback logger). Nothing is echoed; `restore` puts the originals back.
 */
export interface LogCapture {
  /** Every non-empty line written since the capture started. */
  lines: () => string[];
  restore: () => void;
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const CONSOLE_METHODS: ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug', 'trace'];

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const streams = [process.stdout, process.stderr] as const;
  const originalWrites = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = record as typeof stream.write;
  const originalConsole = CONSOLE_METHODS.map((method) => console[method]);
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => {
      record(`${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}\n`);
    };
  }
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().length > 0),
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originalWrites[index];
      });
      CONSOLE_METHODS.forEach((method, index) => {
        console[method] = originalConsole[index];
      });
    },
  };
}
