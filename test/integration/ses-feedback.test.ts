import type { SNSEvent } from 'aws-lambda';
import { createServices, type Services } from '../../functions/composition';
import { parseConfig } from '../../functions/config';
import type { Logger } from '../../functions/core/ports';
import { SOFT_BOUNCE_WINDOW_DAYS } from '../../functions/core/subscribers/feedback';
import { isActive, type Subscriber } from '../../functions/core/subscribers/subscriber';
import { handler as sesEventsHandler } from '../../functions/handlers/ses-events';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { lambdaContext, sesBounceEvent, sesComplaintEvent, type SesBounceOptions } from '../fixtures/events';
import { aSubscriber } from '../support/builders';
import { standInEnvironment } from '../support/stand-in-environment';

/**
 * SES feedback through the real ses-events handler on dynalite: each notification is SNS-wrapped as
 * Lambda receives it, and the subscriber is read back from the table.
 */
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

let standIns: StandIns;
let services: Services;

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'feedback-' });
  const env = standInEnvironment(standIns, {
    tokenSecret: 'feedback-test-secret-0123456789-abcdefghijklmnop',
  });
  // The handler builds its services from the environment, as in Lambda.
  Object.assign(process.env, env);
  services = await createServices(parseConfig(env), { logger: silent });
});
afterAll(async () => standIns.stop());

async function reader(name: string, overrides: Partial<Subscriber> = {}): Promise<Subscriber> {
  const subscriber = aSubscriber({ email: `feedback-${name}@example.com`, ...overrides });
  await services.subscribers.create(subscriber);
  return subscriber;
}

const stored = async (subscriber: Subscriber) => services.subscribers.get(subscriber.id);
const handle = (event: SNSEvent) => sesEventsHandler(event, lambdaContext);
const softBounce = (email: string, at: string, options: SesBounceOptions = {}) =>
  sesBounceEvent(email, { bounceType: 'Transient', timestamp: at, ...options });

describe('ses-events handler: SES feedback on dynalite', () => {
  it('suppresses on a hard bounce', async () => {
    const hard = await reader('hard');

    const result = await handle(sesBounceEvent(hard.email));

    expect(result).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    expect((await stored(hard))?.suppressed).toMatchObject({
      reason: 'hard-bounce',
      detail: 'smtp; 550 5.1.1 user unknown',
    });
  });

  it('records one soft bounce, and the reader stays active', async () => {
    const once = await reader('soft-once');
    const at = daysAgo(0);

    const result = await handle(softBounce(once.email, at));

    expect(result).toEqual({ suppressed: 0, recorded: 1, settled: 0, ignored: 0 });
    const after = await stored(once);
    expect(after?.softBouncesAt).toEqual([at]);
    expect(after && isActive(after)).toBe(true);
  });

  it('suppresses on the third soft bounce within the window, and counts a redelivered one once', async () => {
    const full = await reader('soft-thrice');
    const times = [daysAgo(14), daysAgo(7), daysAgo(0)];

    const first = await handle(softBounce(full.email, times[0]));
    const redelivered = await handle(softBounce(full.email, times[0]));
    const second = await handle(softBounce(full.email, times[1]));
    const afterTwo = await stored(full);
    const third = await handle(softBounce(full.email, times[2]));

    expect([first, redelivered, second].map((result) => result.recorded)).toEqual([1, 0, 1]);
    expect(afterTwo?.suppressed).toBeUndefined();
    expect(third).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    const after = await stored(full);
    expect(after?.softBouncesAt).toEqual(times);
    expect(after?.suppressed).toMatchObject({ reason: 'soft-bounces' });
    expect(after?.suppressed?.detail).toMatch(/^3 soft bounces within 21 days; the last: .*4\.2\.2/);
  });

  it('does not count soft bounces older than the window', async () => {
    const old = [daysAgo(SOFT_BOUNCE_WINDOW_DAYS + 9), daysAgo(SOFT_BOUNCE_WINDOW_DAYS + 2)];
    const returning = await reader('soft-old', { softBouncesAt: old });
    const at = daysAgo(0);

    const result = await handle(softBounce(returning.email, at));

    expect(result).toEqual({ suppressed: 0, recorded: 1, settled: 0, ignored: 0 });
    const after = await stored(returning);
    expect(after?.suppressed).toBeUndefined();
    expect(after?.softBouncesAt).toEqual([at]);
  });

  it('suppresses on a complaint, and ignores a not-spam report', async () => {
    const angry = await reader('complaint');
    const content = await reader('not-spam');

    const complaint = await handle(sesComplaintEvent(angry.email));
    const notSpam = await handle(sesComplaintEvent(content.email, { feedbackType: 'not-spam' }));

    expect(complaint).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    expect((await stored(angry))?.suppressed).toMatchObject({ reason: 'complaint', detail: 'abuse' });
    expect(notSpam).toEqual({ suppressed: 0, recorded: 0, settled: 0, ignored: 1 });
    expect((await stored(content))?.suppressed).toBeUndefined();
  });

  it('suppresses on a Transient bounce whose code says the address is gone (5.1.1)', async () => {
    const gone = await reader('transient-gone');

    const result = await handle(
      softBounce(gone.email, daysAgo(0), {
        bounceSubType: 'General',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      }),
    );

    expect(result).toEqual({ suppressed: 1, recorded: 0, settled: 0, ignored: 0 });
    const after = await stored(gone);
    expect(after?.suppressed?.reason).toBe('hard-bounce');
    expect(after?.softBouncesAt).toBeUndefined();
  });

  it('keeps a soft bounce of an unknown address out of the table', async () => {
    const result = await handle(softBounce('feedback-nobody@example.com', daysAgo(0)));

    expect(result).toEqual({ suppressed: 0, recorded: 0, settled: 0, ignored: 0 });
    expect(await services.subscribers.findByEmail('feedback-nobody@example.com')).toBeUndefined();
  });
});
