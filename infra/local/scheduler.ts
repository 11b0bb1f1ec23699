/**
 * EventBridge Scheduler, on one machine: runs each job at the top of its hours in a time zone.
 * Slots that began before the scheduler started are not run (no burst of catch-up on start).
 */
export function startScheduler(options: {
  timeZone: string;
  jobs: { name: string; hours: number[]; run: () => Promise<unknown> }[];
  onRun?: (name: string, outcome: { ok: boolean; result?: unknown; error?: Error }) => void;
  now?: () => Date;
  tickMs?: number;
}) {
  const now = options.now ?? (() => new Date());
  const slotOf = (date: Date) => {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: options.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
    const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
    return { key: `${get('year')}-${get('month')}-${get('day')}T${get('hour')}`, hour: Number(get('hour')) };
  };
  const done = new Set<string>(options.jobs.map((job) => `${job.name}@${slotOf(now()).key}`));
  const running = new Set<string>();

  const tick = () => {
    const slot = slotOf(now());
    for (const job of options.jobs) {
      const id = `${job.name}@${slot.key}`;
      if (!job.hours.includes(slot.hour) || done.has(id) || running.has(job.name)) continue;
      done.add(id);
      running.add(job.name);
      job
        .run()
        .then((result) => options.onRun?.(job.name, { ok: true, result }))
        .catch((error: Error) => options.onRun?.(job.name, { ok: false, error }))
        .finally(() => running.delete(job.name));
    }
  };
  const timer = setInterval(tick, options.tickMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
