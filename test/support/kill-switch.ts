/**
 * A sender killed midway, as a Lambda timeout or a crash kills one: the ports it was given are
 * wrapped, and from the `at`-th call through them on, no call ever settles (the process is gone, so
 * nothing after that point runs: no record written, no count added, no claim given back). The call
 * at the kill point is still carried out when `landed` (it was on the wire: SES accepted the mail,
 * the claim was written) and `killed` resolves once it has, so the test can redeliver the message.
 */
export interface KillSwitch {
  /** The port, its methods counted and cut off at the kill point (one switch may wrap several ports). */
  wrap<T extends object>(port: T): T;
  /** Resolves once the sender is dead (and the landed call, if any, done). */
  readonly killed: Promise<void>;
  readonly dead: boolean;
  /** Calls made through the wrapped ports so far, the fatal one included. */
  readonly calls: number;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export function killSwitch(options: { at: number; landed?: boolean }): KillSwitch {
  let calls = 0;
  let dead = false;
  let onKilled: () => void = () => undefined;
  const killed = new Promise<void>((resolve) => (onKilled = resolve));
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (dead) return never();
          calls++;
          if (calls < options.at) return (value as (...a: unknown[]) => unknown).apply(target, args);
          dead = true;
          if (options.landed)
            void Promise.resolve()
              .then(() => (value as (...a: unknown[]) => unknown).apply(target, args))
              .catch(() => undefined)
              .finally(onKilled);
          else onKilled();
          return never();
        };
      },
    });
  return {
    wrap,
    killed,
    get dead() {
      return dead;
    },
    get calls() {
      return calls;
    },
  };
}
