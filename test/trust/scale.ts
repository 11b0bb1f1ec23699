/**
 * The trust suites run in two sizes: small enough for `npm test` to stay within CI's time, and full
 * (`npm run test:trust`) at the sizes the promises are stated for. Each suite prints its figures.
 */
export const FULL_SIZE = process.env.PAPERBOY_TRUST_FULL === '1';

/** `ci` under `npm test`, `full` under `npm run test:trust`. */
export function trustSize(ci: number, full: number): number {
  return FULL_SIZE ? full : ci;
}

/** One line per suite, so `npm run test:trust` output carries the figures the notes quote. */
export function reportFigures(suite: string, figures: Record<string, number | string | boolean>): void {
  process.stdout.write(`trust figures ${suite}: ${JSON.stringify(figures)}\n`);
}
