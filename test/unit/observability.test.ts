import type { Context } from 'aws-lambda';
import {
  countEmails,
  createLogger,
  createMetrics,
  EmailMetric,
  instrumented,
  REDACTED,
  REDACTED_EMAIL,
  redactEmails,
  redactingReplacer,
  subscriberLogKeys,
} from '../../functions/adapters/observability';

// The test setup silences Powertools for the rest of the suite; here its output is the subject.
const silencing = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED'] as const;
const saved: Record<string, string | undefined> = {};
beforeEach(() => {
  for (const name of silencing) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});
afterEach(() => {
  for (const name of silencing) if (saved[name] !== undefined) process.env[name] = saved[name];
});

/** Captures what Powertools writes (log lines on stdout/stderr, EMF metric documents on stdout). */
function captureStdout(): { lines: () => Record<string, any>[]; restore: () => void } {
  const chunks: string[] = [];
  const record = (chunk: any) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line)),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

const aContext = (overrides: Partial<Context> = {}): Context =>
  ({
    functionName: 'paperboy-send-digests',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:paperboy-send-digests',
    memoryLimitInMB: '1024',
    awsRequestId: 'req-1',
    ...overrides,
  }) as Context;

describe('log redaction', () => {
  it('masks every email address in a string', () => {
    expect(redactEmails('Address blacklisted: ada.l+ml@example.co.uk, cc bob@test.dev')).toBe(
      `Address blacklisted: ${REDACTED_EMAIL}, cc ${REDACTED_EMAIL}`,
    );
  });

  it('leaves strings without addresses alone', () => {
    expect(redactEmails('paper 2411.01234 @ 7:00, user@ host')).toBe('paper 2411.01234 @ 7:00, user@ host');
  });

  it('blanks values under address-like keys whatever their shape', () => {
    expect(redactingReplacer('email', 'a@b.io')).toBe(REDACTED);
    expect(redactingReplacer('Destination', ['a@b.io'])).toBe(REDACTED);
    expect(redactingReplacer('subscriberId', 'sub_123')).toBe('sub_123');
  });

  it('identifies a subscriber by id only', () => {
    expect(subscriberLogKeys({ id: 'sub_123', email: 'ada@example.com' } as { id: string })).toEqual({
      subscriberId: 'sub_123',
    });
  });
});

describe('Powertools logger', () => {
  it('writes structured JSON with the subscriber id and without any address', () => {
    const stdout = captureStdout();
    try {
      const logger = createLogger();

      logger.warn('address suppressed', {
        ...subscriberLogKeys({ id: 'sub_123' }),
        email: 'ada@example.com',
        error: 'MessageRejected: Email address is not verified: ada@example.com',
        event: { mail: { destination: ['ada@example.com'] } },
      });
    } finally {
      stdout.restore();
    }

    const [line] = stdout.lines();
    expect(line).toMatchObject({
      level: 'WARN',
      message: 'address suppressed',
      service: 'paperboy',
      subscriberId: 'sub_123',
    });
    expect(JSON.stringify(line)).not.toContain('ada@example.com');
    expect(line.error).toBe(`MessageRejected: Email address is not verified: ${REDACTED_EMAIL}`);
  });
});

describe('Powertools metrics', () => {
  it('emits the email counters in the paperboy namespace when an instrumented handler returns', async () => {
    const stdout = captureStdout();
    const metrics = createMetrics();
    try {
      const handler = instrumented(
        async (event: { sent: number; failed: number; skipped: number }) => {
          countEmails(EmailMetric.Sent, event.sent, metrics);
          countEmails(EmailMetric.Failed, event.failed, metrics);
          countEmails(EmailMetric.Skipped, event.skipped, metrics);
          return 'ok';
        },
        { logger: createLogger(), metrics },
      );

      await expect(handler({ sent: 3, failed: 1, skipped: 0 }, aContext())).resolves.toBe('ok');
    } finally {
      stdout.restore();
    }

    const emf = stdout
      .lines()
      .find((line) => line._aws?.CloudWatchMetrics?.[0]?.Metrics?.some((m: any) => m.Name === 'EmailsSent'));
    expect(emf).toBeDefined();
    expect(emf!._aws.CloudWatchMetrics[0].Namespace).toBe('paperboy');
    expect(emf).toMatchObject({ service: 'paperboy', EmailsSent: 3, EmailsFailed: 1 });
    // A zero count is not recorded, so "skipped" shows only when something was skipped.
    expect(emf!.EmailsSkipped).toBeUndefined();
  });

  it('flushes the counters even when the handler throws', async () => {
    const stdout = captureStdout();
    const metrics = createMetrics();
    try {
      const handler = instrumented(
        async () => {
          countEmails(EmailMetric.Bounced, 2, metrics);
          throw new Error('boom');
        },
        { logger: createLogger(), metrics },
      );

      await expect(handler({}, aContext())).rejects.toThrow('boom');
    } finally {
      stdout.restore();
    }

    expect(stdout.lines().some((line) => line.EmailsBounced === 2)).toBe(true);
  });

  it('names the seven email metrics as the alarms and docs expect', () => {
    expect(Object.values(EmailMetric).sort()).toEqual([
      'EmailsBounced',
      'EmailsComplained',
      'EmailsFailed',
      'EmailsSent',
      'EmailsSkipped',
      'EmailsSoftBounced',
      'EmailsUncertain',
    ]);
  });
});
