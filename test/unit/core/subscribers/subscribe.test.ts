import { ValidationError } from '@functions/core/errors';
import { MailNotSentError } from '@functions/core/ports';
import { MAX_CONFIRMATIONS_PER_DAY } from '@functions/core/subscribers/manage-subscription';
import type { Subscriber } from '@functions/core/subscribers/subscriber';
import { CONFIRM_TOKEN_TTL_SECONDS } from '@functions/core/tokens';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer, tokenFromLink } from '@support/in-memory-ports';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

describe('subscribe', () => {
  it('stores a new address as unconfirmed with the requested topics and mails one confirmation link', async () => {
    const { service, subscribers, mailer, tokens, clock } = setup();

    await service.subscribe({
      email: '  Reader@Example.COM ',
      topics: ['efficient-inference'],
      keywords: ['speculative decoding'],
    });

    const stored = await subscribers.findByEmail('reader@example.com');
    expect(stored).toMatchObject({
      status: 'unconfirmed',
      tokenVersion: 1,
      preferences: { topics: ['efficient-inference'], keywords: ['speculative decoding'], cadence: 'daily' },
      confirmationsSentAt: [START],
    });
    expect(mailer.sent.map((email) => email.to)).toEqual(['reader@example.com']);
    const token = tokenFromLink(mailer.sent[0].text, '/confirm');
    const claims = tokens.verify(token, 'confirm', clock.now().getTime() / 1000);
    expect(claims.subscriberId).toBe(stored?.id);
    expect(claims.expiresAt).toBe(Date.parse(START) / 1000 + CONFIRM_TOKEN_TTL_SECONDS);
  });

  it('rejects an invalid address with a ValidationError and stores and mails nothing', async () => {
    const { service, subscribers, mailer } = setup();

    await expect(
      service.subscribe({ email: 'not-an-address', topics: ['ai-agents'] }),
    ).rejects.toBeInstanceOf(ValidationError);

    expect(subscribers.all()).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('rejects a part before the @ of 65 characters (RFC 5321 allows 64) and stores and mails nothing', async () => {
    const { service, subscribers, mailer } = setup();

    const attempt = service.subscribe({ email: `${'a'.repeat(65)}@example.com` });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/part before the @ is longer than 64 characters/);
    expect(subscribers.all()).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('rejects a keyword of control characters only, naming it, and stores and mails nothing', async () => {
    const { service, subscribers, mailer } = setup();

    const attempt = service.subscribe({
      email: 'reader@example.com',
      keywords: ['speculative decoding', '\u0000\u0007\u001b'],
    });

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(
      /^Keyword 2 has no printable characters \(only control or formatting codes\)$/,
    );
    expect(subscribers.all()).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('rejects an unknown topic id with a ValidationError naming it', async () => {
    const { service, subscribers, mailer } = setup();

    const attempt = service.subscribe({ email: 'reader@example.com', topics: ['quantum-astrology'] });

    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/topics: unknown topic id "quantum-astrology"/);
    expect(subscribers.all()).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('refuses a sign-up with no topic, keyword or example paper, saying what to do, and queues nothing', async () => {
    const { service, subscribers, mailer, mailJobs } = inMemorySubscriptionService({
      secret: SECRET,
      start: START,
      mailJobs: 'held',
    });

    for (const input of [
      { email: 'reader@example.com' },
      { email: 'reader@example.com', topics: [], keywords: [], examplePapers: [] },
    ]) {
      const attempt = service.subscribe(input);
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toThrow(/^Pick at least one topic, or type a keyword or paste a paper/);
    }

    expect(mailJobs.queued).toEqual([]);
    expect(subscribers.all()).toHaveLength(0);
    expect(mailer.attempts).toHaveLength(0);
  });

  it.each([
    ['a topic', { topics: ['ai-agents'] }],
    ['a keyword', { keywords: ['speculative decoding'] }],
    ['an example paper', { examplePapers: ['2511.07416'] }],
  ])('accepts a sign-up with only %s', async (_what, interests) => {
    const { service, subscribers } = setup();

    await service.subscribe({ email: 'reader@example.com', ...interests });

    expect((await subscribers.findByEmail('reader@example.com'))?.preferences).toMatchObject(interests);
  });

  it('does not change the topics or status of an already-confirmed address and answers the same', async () => {
    const reader = aSubscriber({
      email: 'reader@example.com',
      preferences: { keywords: ['speculative decoding'] },
    });
    const { service, subscribers } = setup(new InMemorySubscriberRepository().seed(reader));

    const answer = await service.subscribe({ email: 'reader@example.com', keywords: ['cooking recipes'] });

    expect(answer).toBeUndefined();
    const stored = await subscribers.get(reader.id);
    expect(stored?.status).toBe('confirmed');
    expect(stored?.preferences.keywords).toEqual(['speculative decoding']);
  });

  it('answers a new and a known address identically', async () => {
    const known = aSubscriber({ email: 'known@example.com' });
    const { service } = setup(new InMemorySubscriberRepository().seed(known));

    const answers = [
      await service.subscribe({ email: 'new@example.com', topics: ['ai-agents'] }),
      await service.subscribe({ email: 'known@example.com', topics: ['ai-agents'] }),
    ];

    expect(answers).toEqual([undefined, undefined]);
  });

  it('restarts a pending subscription with the newly requested topics', async () => {
    const { service, subscribers, mailer, clock } = setup();
    await service.subscribe({ email: 'reader@example.com', keywords: ['diffusion'] });
    clock.advance({ minutes: 5 });

    await service.subscribe({ email: 'reader@example.com', keywords: ['speculative decoding'] });

    const stored = await subscribers.findByEmail('reader@example.com');
    expect(stored?.status).toBe('unconfirmed');
    expect(stored?.preferences.keywords).toEqual(['speculative decoding']);
    expect(mailer.sentTo('reader@example.com')).toHaveLength(2);
  });

  it('keeps a former subscriber as they were until the new confirmation is used, then applies the new topics', async () => {
    const former = aSubscriber({
      email: 'former@example.com',
      status: 'unsubscribed',
      unsubscribedAt: '2025-11-02T00:00:00.000Z',
      preferences: { topics: ['ai-agents'] },
    });
    const { service, subscribers, mailer, lastConfirmToken } = setup(
      new InMemorySubscriberRepository().seed(former),
    );

    await service.subscribe({ email: 'former@example.com', topics: ['robotics'] });
    const pending = await subscribers.get(former.id);
    await service.confirm(lastConfirmToken());
    const confirmed = await subscribers.get(former.id);

    expect(pending?.status).toBe('unsubscribed');
    expect(pending?.preferences.topics).toEqual(['ai-agents']);
    expect(pending?.pendingPreferences?.topics).toEqual(['robotics']);
    expect(mailer.sentTo('former@example.com')).toHaveLength(1);
    expect(confirmed?.status).toBe('confirmed');
    expect(confirmed?.preferences.topics).toEqual(['robotics']);
    expect(confirmed?.pendingPreferences).toBeUndefined();
  });

  it('sends one confirmation when several requests for an address arrive at once', async () => {
    const known = aSubscriber({ email: 'known@example.com', status: 'unconfirmed', confirmationsSentAt: [] });
    const { service, mailer } = setup(new InMemorySubscriberRepository().seed(known));

    await Promise.all(
      [1, 2, 3].map(() => service.subscribe({ email: 'known@example.com', topics: ['ai-agents'] })),
    );

    expect(mailer.sentTo('known@example.com')).toHaveLength(1);
  });

  it('forgets a new address when its confirmation could not be mailed, so a retry works at once', async () => {
    const { service, subscribers, mailer } = setup();
    mailer.failFor('new@example.com');

    await expect(service.subscribe({ email: 'new@example.com', topics: ['ai-agents'] })).rejects.toThrow();
    mailer.recover('new@example.com');
    await service.subscribe({ email: 'new@example.com', topics: ['ai-agents'] });

    expect(await subscribers.findByEmail('new@example.com')).toBeDefined();
    expect(mailer.sentTo('new@example.com')).toHaveLength(1);
  });

  it(`sends at most ${MAX_CONFIRMATIONS_PER_DAY} confirmations a day: the 4th request sends nothing`, async () => {
    const { service, mailer, clock, logger } = setup();
    for (let request = 0; request < 3; request++) {
      await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
      clock.advance({ minutes: 10 });
    }
    expect(mailer.sent).toHaveLength(3);

    const answer = await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });

    expect(answer).toBeUndefined();
    expect(mailer.attempts).toHaveLength(3);
    expect(logger.messages('warn')).toContain('confirmation not sent: flood limit');
  });

  it('sends again once the day of earlier confirmations has passed', async () => {
    const { service, mailer, clock } = setup();
    for (let request = 0; request < 4; request++) {
      await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
      clock.advance({ minutes: 10 });
    }
    expect(mailer.sent).toHaveLength(3);
    clock.advance({ hours: 24 });

    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });

    expect(mailer.sent).toHaveLength(4);
  });

  it('sends nothing for a second request within a minute', async () => {
    const { service, mailer, clock } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    clock.advance({ seconds: 30 });

    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });

    expect(mailer.sent).toHaveLength(1);
  });

  it('mails nothing to a suppressed address and keeps its data as it was', async () => {
    const bounced = aSubscriber({
      email: 'bounced@example.com',
      status: 'unconfirmed',
      preferences: { keywords: ['robots'] },
      suppressed: { reason: 'hard-bounce', at: '2025-11-10T00:00:00.000Z' },
    });
    const { service, subscribers, mailer } = setup(new InMemorySubscriberRepository().seed(bounced));

    await service.subscribe({ email: 'bounced@example.com', keywords: ['anything'] });

    expect(mailer.attempts).toHaveLength(0);
    expect(await subscribers.get(bounced.id)).toEqual(bounced);
  });

  it('treats losing a race to create the address like a known address', async () => {
    // Another request claims the address between our lookup and our create.
    const competitor = aSubscriber({
      email: 'racer@example.com',
      status: 'unconfirmed',
      confirmationsSentAt: ['2025-11-14T05:00:00.000Z'],
    });
    class RacingRepository extends InMemorySubscriberRepository {
      override async create(subscriber: Subscriber): Promise<void> {
        if (!this.all().some((stored) => stored.id === competitor.id)) this.seed(competitor);
        return super.create(subscriber);
      }
    }
    const { service, subscribers, mailer, tokens, clock } = setup(new RacingRepository());

    await service.subscribe({ email: 'racer@example.com', topics: ['ai-agents'] });

    expect(subscribers.all().map((stored) => stored.id)).toEqual([competitor.id]);
    expect(mailer.sent).toHaveLength(1);
    const token = tokenFromLink(mailer.sent[0].text, '/confirm');
    expect(tokens.verify(token, 'confirm', clock.now().getTime() / 1000).subscriberId).toBe(competitor.id);
  });
});

describe('the mail queue: no answer waits on SES', () => {
  const held = (subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) =>
    inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer, mailJobs: 'held' });

  it('answers a sign-up once it is queued: nothing stored or mailed until the worker runs', async () => {
    const { service, subscribers, mailer, mailJobs } = held();

    await service.subscribe({ email: ' New@Example.com ', topics: ['efficient-inference'] });

    expect(subscribers.all()).toEqual([]);
    expect(mailer.attempts).toEqual([]);
    expect(mailJobs.queued).toEqual([
      {
        job: 'sign-up',
        email: 'new@example.com',
        preferences: expect.objectContaining({ topics: ['efficient-inference'] }),
      },
    ]);
    expect(await mailJobs.drain()).toEqual(['mailed']);
    expect(subscribers.all()).toMatchObject([{ email: 'new@example.com', status: 'unconfirmed' }]);
    expect(mailer.sentTo('new@example.com')).toHaveLength(1);
  });

  it('does the same work for every address state: one job queued, nothing read or written', async () => {
    const known = [
      aSubscriber({ email: 'pending@example.com', status: 'unconfirmed' }),
      aSubscriber({ email: 'confirmed@example.com' }),
      aSubscriber({ email: 'former@example.com', status: 'unsubscribed' }),
      aSubscriber({ email: 'mailed@example.com', status: 'unconfirmed', confirmationsSentAt: [START] }),
      aSubscriber({
        email: 'bounced@example.com',
        suppressed: { reason: 'hard-bounce', at: START },
      }),
    ];
    const subscribers = new InMemorySubscriberRepository().seed(...known);
    const calls: string[] = [];
    for (const method of ['get', 'findByEmail', 'create', 'save', 'delete'] as const) {
      const real = subscribers[method].bind(subscribers) as (...args: unknown[]) => unknown;
      (subscribers as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        calls.push(method);
        return real(...args);
      };
    }
    const { service, mailJobs } = held(subscribers);

    for (const email of ['new@example.com', ...known.map((reader) => reader.email)])
      await service.subscribe({ email, topics: ['efficient-inference'] });

    expect(calls).toEqual([]);
    expect(mailJobs.queued.map((job) => job.job)).toEqual(Array(6).fill('sign-up'));
    expect(subscribers.all()).toEqual(known);
  });

  it('refuses a bad sign-up at once and queues nothing', async () => {
    const { service, mailJobs } = held();

    await expect(
      service.subscribe({ email: 'not-an-address', topics: ['ai-agents'] }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      service.subscribe({ email: 'a@example.com', topics: ['no-such-topic'] }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(mailJobs.queued).toEqual([]);
  });

  it('takes a failed confirmation off the flood count, so the queue retry mails it', async () => {
    const reader = aSubscriber({
      email: 'pending@example.com',
      status: 'unconfirmed',
      confirmationsSentAt: ['2025-11-14T06:00:00.000Z'],
    });
    const mailer = new RecordingMailer({ failFor: ['pending@example.com'] });
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const { service, mailJobs } = held(subscribers, mailer);

    await service.subscribe({ email: 'pending@example.com', topics: ['ai-agents'] });
    const [job] = mailJobs.queued;
    await expect(mailJobs.drain()).rejects.toBeInstanceOf(MailNotSentError);
    expect((await subscribers.get(reader.id))?.confirmationsSentAt).toEqual(reader.confirmationsSentAt);

    mailer.recover('pending@example.com');
    expect(await service.doMailJob(job)).toBe('mailed');
    expect(mailer.sentTo('pending@example.com')).toHaveLength(1);
    expect((await subscribers.get(reader.id))?.confirmationsSentAt).toHaveLength(2);
  });

  it('mails only the latest of two renewals: the earlier job is superseded', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const { service, mailer, mailJobs, tokenFor } = held(subscribers);

    await service.renewLinks(tokenFor(reader, 'manage'));
    await service.renewLinks(tokenFor({ ...reader, tokenVersion: 2 }, 'manage'));

    expect(mailJobs.queued).toEqual([
      { job: 'new-link', subscriberId: reader.id, tokenVersion: 2 },
      { job: 'new-link', subscriberId: reader.id, tokenVersion: 3 },
    ]);
    expect(await mailJobs.drain()).toEqual(['superseded', 'mailed']);
    expect(mailer.sentTo('reader@example.com')).toHaveLength(1);
    const preferences = await service.getPreferences(tokenFromLink(mailer.sent[0].text, '/preferences'));
    expect(preferences.email).toBe('reader@example.com');
  });

  it('mails nothing for a renewal of a reader who deleted their data since', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, mailer, mailJobs, tokenFor } = held(new InMemorySubscriberRepository().seed(reader));

    await service.renewLinks(tokenFor(reader, 'manage'));
    await service.deleteData(tokenFor({ ...reader, tokenVersion: 2 }, 'manage'));

    expect(await mailJobs.drain()).toEqual(['gone']);
    expect(mailer.attempts).toEqual([]);
  });
});
