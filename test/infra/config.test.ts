import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeployConfigError,
  fromHeader,
  loadDeployConfig,
  parseDeployConfig,
  sendConcurrency,
  CONFIRMATION_RATE_SHARE,
} from '../../infra/aws/config';
import { aDeployConfigInput } from './support/test-app';

describe('deploy config', () => {
  it('accepts a complete config and fills in the defaults', () => {
    const config = parseDeployConfig(aDeployConfigInput());

    expect(config).toMatchObject({
      domain: 'example.com',
      digestMinute: 30,
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
      logRetentionDays: 30,
      sesSandboxRecipients: [],
      stackPrefix: 'Paperboy',
    });
    expect(fromHeader(config)).toBe('paperboy <digest@example.com>');
  });

  it.each(['domain', 'senderAddress', 'ingestHours', 'digestHour', 'sesMaxSendRate', 'alarmEmail'] as const)(
    'fails naming %s when it is missing',
    (key) => {
      const raw: Record<string, unknown> = { ...aDeployConfigInput() };
      delete raw[key];

      expect(() => parseDeployConfig(raw)).toThrow(new RegExp(`\\b${key}: `));
    },
  );

  it.each([
    ['domain', 'not a domain'],
    ['senderAddress', 'digest-at-example.com'],
    ['ingestHours', [6, 24]],
    ['ingestHours', []],
    ['ingestHours', [6, 6]],
    ['digestHour', 7.5],
    ['digestMinute', 60],
    ['scheduleTimeZone', 'Mars/Olympus_Mons'],
    ['sesMaxSendRate', 0],
    ['alarmEmail', 'ops'],
    ['papersSource', 'not a url'],
    ['logRetentionDays', 31],
    ['hostedZoneId', 'example.com'],
    ['stackPrefix', '1-bad'],
  ])('fails naming %s when it is %j', (key, value) => {
    expect(() => parseDeployConfig({ ...aDeployConfigInput(), [key]: value })).toThrow(
      new RegExp(`invalid paperboy deploy config: .*\\b${key}(\\.\\d+)?: `),
    );
  });

  it('names nested keys with their path', () => {
    const raw = {
      ...aDeployConfigInput(),
      apiDomain: { domainName: 'news.example.com', certificateArn: 'nope' },
    };

    expect(() => parseDeployConfig(raw)).toThrow(/apiDomain\.certificateArn: must be an ACM certificate ARN/);
  });

  it('rejects a sender address outside the verified domain', () => {
    const raw = aDeployConfigInput({ senderAddress: 'digest@other.org' });

    expect(() => parseDeployConfig(raw)).toThrow(/senderAddress: must be an address at example\.com/);
  });

  it('rejects unknown keys, so a typo does not silently fall back to a default', () => {
    const raw = { ...aDeployConfigInput(), digestHours: 7 };

    expect(() => parseDeployConfig(raw)).toThrow(/digestHours/);
  });

  it('throws a DeployConfigError listing every bad key at once', () => {
    const raw = aDeployConfigInput({ alarmEmail: 'x', digestHour: 99 });

    let caught: unknown;
    try {
      parseDeployConfig(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DeployConfigError);
    expect((caught as Error).message).toMatch(/alarmEmail: .*digestHour: |digestHour: .*alarmEmail: /);
  });
});

describe('loading the deploy config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-config-'));
  const file = join(dir, 'deploy.json');
  writeFileSync(file, JSON.stringify({ $comment: 'ignored', ...aDeployConfigInput() }));
  const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];

  it('reads the file named by the config context', () => {
    const config = loadDeployConfig({ getContext: contextOf({ config: file }) });

    expect(config.alarmEmail).toBe('ops@example.com');
  });

  it('lets the paperboy context object override single keys of the file', () => {
    const config = loadDeployConfig({ getContext: contextOf({ config: file, paperboy: { digestHour: 5 } }) });

    expect(config.digestHour).toBe(5);
    expect(config.domain).toBe('example.com');
  });

  it('accepts the paperboy context as a JSON string (-c paperboy=...)', () => {
    const config = loadDeployConfig({
      getContext: contextOf({ paperboy: JSON.stringify(aDeployConfigInput({ sesMaxSendRate: 50 })) }),
      cwd: dir,
    });

    expect(config.sesMaxSendRate).toBe(50);
  });

  it('validates what the context overrides', () => {
    expect(() =>
      loadDeployConfig({ getContext: contextOf({ config: file, paperboy: { alarmEmail: 'nobody' } }) }),
    ).toThrow(/alarmEmail: /);
  });

  it('fails naming the config key when the named file does not exist', () => {
    expect(() => loadDeployConfig({ getContext: contextOf({ config: join(dir, 'missing.json') }) })).toThrow(
      /config: file not found/,
    );
  });

  it('fails naming the required keys when there is no config at all', () => {
    expect(() => loadDeployConfig({ getContext: contextOf({}), cwd: dir })).toThrow(
      /domain: .*senderAddress: /,
    );
  });

  it('accepts the example config shipped in infra/aws', () => {
    const config = loadDeployConfig({
      getContext: contextOf({ config: join(__dirname, '../../infra/aws/paperboy.config.example.json') }),
    });

    expect(config.domain).toBe('example.com');
  });
});

describe('send concurrency', () => {
  it('uses the minimum of two instances for a sandbox-sized rate and splits the rate between them', () => {
    // 10 % of the rate stays free for confirmation mails: 14/s leaves 12.6/s for digests.
    expect(sendConcurrency(14)).toEqual({ maxConcurrency: 2, perInstanceRate: 6.3 });
    expect(sendConcurrency(1)).toEqual({ maxConcurrency: 2, perInstanceRate: 0.45 });
  });

  it('adds instances for a larger account rate', () => {
    expect(sendConcurrency(200)).toEqual({ maxConcurrency: 18, perInstanceRate: 10 });
  });

  it.each([1, 14, 37, 200, 999, 5000])('never lets all instances together exceed %d emails/s', (rate) => {
    const { maxConcurrency, perInstanceRate } = sendConcurrency(rate);

    expect(maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(maxConcurrency * perInstanceRate).toBeLessThanOrEqual(rate * (1 - CONFIRMATION_RATE_SHARE));
  });
});
