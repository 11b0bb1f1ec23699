import type { Mailer } from '../../core/ports';

/**
 * Keeps one sender under `perSecond` sends (the SES account's max send rate divided by the
 * number of concurrent senders) by spacing calls evenly.
 */
export function rateLimited(
  mailer: Mailer,
  perSecond: number,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Mailer {
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  return {
    async send(email) {
      const now = Date.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await sleep(slot - now);
      return mailer.send(email);
    },
  };
}
