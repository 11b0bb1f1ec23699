import {
  ConflictError,
  LinkNotSentError,
  NotFoundError,
  TokenError,
  ValidationError,
} from '../../../../functions/core/errors';
import { ConcurrentUpdateError, MailNotSentError } from '../../../../functions/core/ports';
import { MAX_CONFIRMATIONS_PER_DAY } from '../../../../functions/core/subscribers/manage-subscription';
import type { Subscriber } from '../../../../functions/core/subscribers/subscriber';
import { CONFIRM_TOKEN_TTL_SECONDS, type TokenPurpose } from '../../../../functions/core/tokens';
import { aSubscriber } from '../../../support/builders';
import { inMemorySubscriptionService } from '../../../support/subscription-service';
import {
  InMemorySubscriberRepository,
  RecordingMailer,
  tokenFromLink,
} from '../../../support/in-memory-ports';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

/**
 * A repository where someone else saves once between our read and our save: `theirs` is their change
 * to the stored copy (a bounce, the reader's other tab).
 */
function repositoryWithOneConcurrentWrite(theirs: (stored: Subscriber) => Partial<Subscriber>) {
  return new (class extends InMemorySubscriberRepository {
    conflicts = 0;
    override async save(subscriber: Subscriber, expectedUpdatedAt: string): Promise<void> {
      if (this.conflicts === 0) {
        this.conflicts++;
        const stored = (await this.get(subscriber.id)) as Subscriber;
        await super.save(
          { ...stored, ...theirs(stored), updatedAt: '2025-11-14T06:59:59.000Z' },
          stored.updatedAt,
        );
      }
      return super.save(subscriber, expectedUpdatedAt);
    }
  })();
}

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

/** The TokenError problem (or error class name) a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenError) return error.problem;
    return (error as Error).name;
  }
  throw new Error('expected a rejection, but the promise resolved');
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

    await expect(service.subscribe({ email: 'not-an-address' })).rejects.toBeInstanceOf(ValidationError);

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
      await service.subscribe({ email: 'new@example.com' }),
      await service.subscribe({ email: 'known@example.com' }),
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
      await service.subscribe({ email: 'reader@example.com' });
      clock.advance({ minutes: 10 });
    }
    expect(mailer.sent).toHaveLength(3);

    const answer = await service.subscribe({ email: 'reader@example.com' });

    expect(answer).toBeUndefined();
    expect(mailer.attempts).toHaveLength(3);
    expect(logger.messages('warn')).toContain('confirmation not sent: flood limit');
  });

  it('sends again once the day of earlier confirmations has passed', async () => {
    const { service, mailer, clock } = setup();
    for (let request = 0; request < 4; request++) {
      await service.subscribe({ email: 'reader@example.com' });
      clock.advance({ minutes: 10 });
    }
    expect(mailer.sent).toHaveLength(3);
    clock.advance({ hours: 24 });

    await service.subscribe({ email: 'reader@example.com' });

    expect(mailer.sent).toHaveLength(4);
  });

  it('sends nothing for a second request within a minute', async () => {
    const { service, mailer, clock } = setup();
    await service.subscribe({ email: 'reader@example.com' });
    clock.advance({ seconds: 30 });

    await service.subscribe({ email: 'reader@example.com' });

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

    await service.subscribe({ email: 'racer@example.com' });

    expect(subscribers.all().map((stored) => stored.id)).toEqual([competitor.id]);
    expect(mailer.sent).toHaveLength(1);
    const token = tokenFromLink(mailer.sent[0].text, '/confirm');
    expect(tokens.verify(token, 'confirm', clock.now().getTime() / 1000).subscriberId).toBe(competitor.id);
  });
});

describe('confirm', () => {
  it('confirms the subscriber and returns a manage token for them', async () => {
    const { service, subscribers, lastConfirmToken, tokens, clock } = setup();
    await service.subscribe({ email: 'reader@example.com' });
    clock.advance({ hours: 2 });

    const result = await service.confirm(lastConfirmToken());

    const stored = await subscribers.findByEmail('reader@example.com');
    expect(stored?.status).toBe('confirmed');
    expect(stored?.confirmedAt).toBe(clock.now().toISOString());
    expect(result.subscriberId).toBe(stored?.id);
    expect(tokens.verify(result.manageToken, 'manage', clock.now().getTime() / 1000).subscriberId).toBe(
      stored?.id,
    );
  });

  it('is idempotent: confirming twice keeps the first confirmation time', async () => {
    const { service, subscribers, lastConfirmToken, clock } = setup();
    await service.subscribe({ email: 'reader@example.com' });
    const token = lastConfirmToken();
    await service.confirm(token);
    const firstConfirmedAt = (await subscribers.findByEmail('reader@example.com'))?.confirmedAt;
    clock.advance({ hours: 1 });

    await service.confirm(token);

    expect((await subscribers.findByEmail('reader@example.com'))?.confirmedAt).toBe(firstConfirmedAt);
  });

  it('rejects a confirmation link 49 hours old as expired and leaves the subscriber unconfirmed', async () => {
    const { service, subscribers, lastConfirmToken, clock } = setup();
    await service.subscribe({ email: 'reader@example.com' });
    clock.advance({ hours: 49 });

    expect(await rejection(service.confirm(lastConfirmToken()))).toBe('token_expired');
    expect((await subscribers.findByEmail('reader@example.com'))?.status).toBe('unconfirmed');
  });

  it('rejects a link whose signature was tampered with', async () => {
    const { service, subscribers, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com' });
    const [payload, signature] = lastConfirmToken().split('.');
    const tampered = `${payload}.${signature[0] === 'x' ? 'y' : 'x'}${signature.slice(1)}`;

    expect(await rejection(service.confirm(tampered))).toBe('token_invalid');
    expect((await subscribers.findByEmail('reader@example.com'))?.status).toBe('unconfirmed');
  });

  it('rejects a manage token used to confirm', async () => {
    const pending = aSubscriber({ status: 'unconfirmed' });
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(pending));

    expect(await rejection(service.confirm(tokenFor(pending, 'manage')))).toBe('token_wrong_purpose');
    expect((await subscribers.get(pending.id))?.status).toBe('unconfirmed');
  });

  it('rejects a link issued before the token version was bumped', async () => {
    const pending = aSubscriber({ status: 'unconfirmed' });
    const repository = new InMemorySubscriberRepository().seed(pending);
    const { service, tokenFor, clock } = setup(repository);
    const oldLink = tokenFor(pending, 'confirm', clock.now().getTime() / 1000 + 3600);
    await repository.save(
      { ...pending, tokenVersion: 2, updatedAt: '2025-11-14T06:00:00.000Z' },
      pending.updatedAt,
    );

    expect(await rejection(service.confirm(oldLink))).toBe('token_revoked');
    expect((await repository.get(pending.id))?.status).toBe('unconfirmed');
  });

  it('refuses to confirm a suppressed address', async () => {
    const bounced = aSubscriber({ status: 'unconfirmed', suppressed: { reason: 'complaint', at: START } });
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(bounced));

    const attempt = service.confirm(tokenFor(bounced, 'confirm', clock.now().getTime() / 1000 + 3600));

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect((await subscribers.get(bounced.id))?.status).toBe('unconfirmed');
  });

  it('answers NotFoundError for a genuine link of a deleted subscriber', async () => {
    const gone = aSubscriber({ status: 'unconfirmed' });
    const { service, tokenFor, clock } = setup();

    await expect(
      service.confirm(tokenFor(gone, 'confirm', clock.now().getTime() / 1000 + 3600)),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('checkToken', () => {
  it('accepts a live token for its purpose and rejects it for another, changing nothing', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await expect(service.checkToken(tokenFor(reader, 'unsubscribe'), 'unsubscribe')).resolves.toBeUndefined();
    expect(await rejection(service.checkToken(tokenFor(reader, 'unsubscribe'), 'confirm'))).toBe(
      'token_wrong_purpose',
    );
    expect(await subscribers.get(reader.id)).toEqual(reader);
  });

  it('refuses a confirmation link sent before an unsubscribe as the confirmation does, changing nothing', async () => {
    const { service, subscribers, clock, lastConfirmToken } = setup();
    await service.subscribe({ email: 'stale@example.com', topics: ['ai-agents'] });
    const oldConfirm = lastConfirmToken();
    const { manageToken } = await service.confirm(oldConfirm);
    await expect(service.checkToken(oldConfirm, 'confirm')).resolves.toBeUndefined();
    clock.advance({ minutes: 5 });
    await service.unsubscribe(manageToken);
    const before = await subscribers.findByEmail('stale@example.com');

    const onGet = await service.checkToken(oldConfirm, 'confirm').catch((error: unknown) => error);
    const onPost = await service.confirm(oldConfirm).catch((error: unknown) => error);

    const refusal = {
      problem: 'token_revoked',
      message: 'You unsubscribed after this link was sent. Subscribe again from the home page.',
    };
    expect(onGet).toBeInstanceOf(TokenError);
    expect(onGet).toMatchObject(refusal);
    expect(onPost).toMatchObject(refusal);
    expect(await subscribers.findByEmail('stale@example.com')).toEqual(before);
  });

  it('refuses the confirmation link of a suppressed address as the confirmation does', async () => {
    const bounced = aSubscriber({ status: 'unconfirmed', suppressed: { reason: 'complaint', at: START } });
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(bounced));
    const token = tokenFor(bounced, 'confirm', clock.now().getTime() / 1000 + 3600);

    await expect(service.checkToken(token, 'confirm')).rejects.toThrow(
      new ValidationError('This address cannot receive mail from paperboy.'),
    );
    expect(await subscribers.get(bounced.id)).toEqual(bounced);
  });
});

describe('preferences', () => {
  it('shows the address, whether subscribed, and the preferences', async () => {
    const reader = aSubscriber({
      email: 'reader@example.com',
      preferences: { keywords: ['speculative decoding'] },
    });
    const { service, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    const view = await service.getPreferences(tokenFor(reader, 'manage'));

    expect(view).toEqual({ ...reader.preferences, email: 'reader@example.com', subscribed: true });
  });

  it('does not show preferences for an unsubscribe token', async () => {
    const reader = aSubscriber();
    const { service, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    expect(await rejection(service.getPreferences(tokenFor(reader, 'unsubscribe')))).toBe(
      'token_wrong_purpose',
    );
  });

  it('saves valid changes, normalizing and de-duplicating the entries, and keeps the rest', async () => {
    const reader = aSubscriber({ preferences: { topics: ['robotics'] } });
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(reader));

    const view = await service.updatePreferences(tokenFor(reader, 'manage'), {
      keywords: ['  speculative   decoding ', 'Speculative Decoding', 'KV cache'],
      cadence: 'weekly',
      weekday: 5,
      papersPerEmail: 5,
    });

    const stored = await subscribers.get(reader.id);
    expect(stored?.preferences).toEqual({
      ...reader.preferences,
      topics: ['robotics'],
      keywords: ['speculative decoding', 'KV cache'],
      cadence: 'weekly',
      weekday: 5,
      papersPerEmail: 5,
    });
    expect(stored?.updatedAt).toBe(clock.now().toISOString());
    expect(view).toMatchObject({
      keywords: ['speculative decoding', 'KV cache'],
      cadence: 'weekly',
      subscribed: true,
    });
  });

  it.each([0, 51, 2.5])(
    'rejects papersPerEmail %p with a ValidationError naming the field',
    async (papersPerEmail) => {
      const reader = aSubscriber();
      const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

      const attempt = service.updatePreferences(tokenFor(reader, 'manage'), { papersPerEmail });

      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toThrow(/^papersPerEmail: /);
      expect(await subscribers.get(reader.id)).toEqual(reader);
    },
  );

  it.each([
    [
      'an unknown topic id',
      { topics: ['quantum-astrology'] },
      /^topics: unknown topic id "quantum-astrology"/,
    ],
    ['a weekday of 8', { weekday: 8 }, /^weekday: /],
    ['a monthly cadence', { cadence: 'monthly' }, /^cadence: /],
    [
      'a 101-character keyword',
      { keywords: ['k'.repeat(101)] },
      /^Keyword 1 \(“k{30}…”\) must be at most 100 characters$/,
    ],
    [
      'a one-letter second keyword',
      { keywords: ['rlhf', 'x'] },
      /^Keyword 2 \(“x”\) must be at least 2 characters$/,
    ],
    ['a blank keyword', { keywords: ['   '] }, /^Keyword 1 must not be empty$/],
    [
      'a keyword of control characters only',
      { keywords: ['rlhf', '\u0001\u0002\u007f'] },
      /^Keyword 2 has no printable characters \(only control or formatting codes\)$/,
    ],
    [
      'a keyword of zero-width and bidi characters only',
      { keywords: ['\u200b\u202e\ufeff'] },
      /^Keyword 1 has no printable characters/,
    ],
    [
      'an organization of control characters only',
      { organizations: ['NVIDIA', '\u0000'] },
      /^Organization 2 has no printable characters/,
    ],
    [
      'a keyword of one letter and a control character',
      { keywords: ['x\u0007'] },
      /^Keyword 1 \(“x”\) must be at least 2 characters$/,
    ],
    ['a blank author', { authors: ['Jane Doe', ' '] }, /^Author 2 must not be empty$/],
    [
      '31 authors',
      { authors: Array.from({ length: 31 }, (_, i) => `Author ${i}`) },
      /^authors: at most 30 authors/,
    ],
    ['a non-boolean subscribed', { subscribed: 'yes' }, /^subscribed: must be true or false/],
  ])('rejects %s with a ValidationError', async (_label, changes, message) => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    const attempt = service.updatePreferences(tokenFor(reader, 'manage'), changes);

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await subscribers.get(reader.id)).toEqual(reader);
  });

  it('keeps a one-letter keyword saved before the 2-character rule, and refuses a new one', async () => {
    const reader = aSubscriber({ preferences: { keywords: ['R', 'video generation'] } });
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await service.updatePreferences(tokenFor(reader, 'manage'), { cadence: 'weekly' });
    await service.updatePreferences(tokenFor(reader, 'manage'), {
      keywords: ['r', 'video generation', 'RLHF'],
    });
    const added = service.updatePreferences(tokenFor(reader, 'manage'), { keywords: ['R', 'Q'] });

    await expect(added).rejects.toThrow(/^Keyword 2 \(“Q”\) must be at least 2 characters$/);
    expect((await subscribers.get(reader.id))?.preferences).toMatchObject({
      cadence: 'weekly',
      keywords: ['r', 'video generation', 'RLHF'],
    });
  });

  it('stores entries without their control and formatting characters', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    const view = await service.updatePreferences(tokenFor(reader, 'manage'), {
      keywords: ['diffusion\u0000models', 'spec\u200bulative decoding\u001b', '\u202eworld models'],
      authors: ['Yann\tLeCun\u0085'],
    });

    const expected = {
      keywords: ['diffusion models', 'speculative decoding', 'world models'],
      authors: ['Yann LeCun'],
    };
    expect((await subscribers.get(reader.id))?.preferences).toMatchObject(expected);
    expect(view).toMatchObject(expected);
  });

  it('names a keyword that is not text', async () => {
    const reader = aSubscriber();
    const { service, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await expect(
      service.updatePreferences(tokenFor(reader, 'manage'), { keywords: ['RLHF', 7] }),
    ).rejects.toThrow(/^Keyword 2 must be text$/);
  });

  it('ignores fields that are not preferences (the address cannot be changed here)', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await service.updatePreferences(tokenFor(reader, 'manage'), {
      email: 'attacker@example.com',
      paused: true,
    });

    const stored = await subscribers.get(reader.id);
    expect(stored?.email).toBe('reader@example.com');
    expect(stored?.preferences.paused).toBe(true);
  });

  it('unsubscribes with subscribed: false and resubscribes with subscribed: true', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(reader));
    const token = tokenFor(reader, 'manage');

    const off = await service.updatePreferences(token, { subscribed: false });
    const offStored = await subscribers.get(reader.id);
    clock.advance({ hours: 1 });
    const on = await service.updatePreferences(token, { subscribed: true });
    const onStored = await subscribers.get(reader.id);

    expect(off.subscribed).toBe(false);
    expect(offStored).toMatchObject({ status: 'unsubscribed', unsubscribedAt: START });
    expect(on.subscribed).toBe(true);
    expect(onStored?.status).toBe('confirmed');
    expect(onStored?.unsubscribedAt).toBeUndefined();
    expect(onStored?.confirmedAt).toBe(reader.confirmedAt);
  });

  it("retries on a concurrent save and keeps the other writer's change", async () => {
    const reader = aSubscriber();
    // Between our read and our save, a bounce suppresses the address.
    const repository = repositoryWithOneConcurrentWrite(() => ({
      suppressed: { reason: 'hard-bounce', at: START },
    })).seed(reader);
    const { service, tokenFor } = setup(repository);

    await service.updatePreferences(tokenFor(reader, 'manage'), { papersPerEmail: 3 });

    const stored = await repository.get(reader.id);
    expect(repository.conflicts).toBe(1);
    expect(stored?.preferences.papersPerEmail).toBe(3);
    expect(stored?.suppressed?.reason).toBe('hard-bounce');
  });

  it('gives up with a ConflictError (HTTP 409) when every save conflicts', async () => {
    const reader = aSubscriber();
    class AlwaysConflicting extends InMemorySubscriberRepository {
      saves = 0;
      override async save(): Promise<void> {
        this.saves++;
        throw new ConcurrentUpdateError();
      }
    }
    const repository = new AlwaysConflicting().seed(reader);
    const { service, tokenFor } = setup(repository);

    await expect(
      service.updatePreferences(tokenFor(reader, 'manage'), { paused: true }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(repository.saves).toBe(3);
  });
});

describe('unsubscribe', () => {
  it('unsubscribes with the one-click unsubscribe token', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await service.unsubscribe(tokenFor(reader, 'unsubscribe'));

    expect(await subscribers.get(reader.id)).toMatchObject({ status: 'unsubscribed', unsubscribedAt: START });
  });

  it('also accepts a manage token', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    await service.unsubscribe(tokenFor(reader, 'manage'));

    expect((await subscribers.get(reader.id))?.status).toBe('unsubscribed');
  });

  it('does not accept a confirm token', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(reader));

    const problem = await rejection(
      service.unsubscribe(tokenFor(reader, 'confirm', clock.now().getTime() / 1000 + 60)),
    );

    expect(problem).toBe('token_wrong_purpose');
    expect((await subscribers.get(reader.id))?.status).toBe('confirmed');
  });

  it('is idempotent: a second click keeps the first unsubscribe time', async () => {
    const reader = aSubscriber();
    const { service, subscribers, tokenFor, clock } = setup(new InMemorySubscriberRepository().seed(reader));
    const token = tokenFor(reader, 'unsubscribe');
    await service.unsubscribe(token);
    clock.advance({ days: 1 });

    await service.unsubscribe(token);

    expect((await subscribers.get(reader.id))?.unsubscribedAt).toBe(START);
  });

  it('rejects a revoked unsubscribe link after a token version bump', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);
    const { service, tokenFor } = setup(repository);
    const oldToken = tokenFor(reader, 'unsubscribe');
    await repository.save(
      { ...reader, tokenVersion: reader.tokenVersion + 1, updatedAt: START },
      reader.updatedAt,
    );

    expect(await rejection(service.unsubscribe(oldToken))).toBe('token_revoked');
    expect((await repository.get(reader.id))?.status).toBe('confirmed');
  });

  it('works from the links a digest carries (linksFor)', async () => {
    const reader = aSubscriber();
    const { service, subscribers } = setup(new InMemorySubscriberRepository().seed(reader));
    const { manageUrl, unsubscribeUrl } = service.linksFor(reader);

    expect(manageUrl).toMatch(/^https:\/\/paperboy\.example\/preferences\?token=/);
    expect((await service.getPreferences(tokenFromLink(manageUrl, '/preferences'))).email).toBe(reader.email);
    await service.unsubscribe(tokenFromLink(unsubscribeUrl, '/unsubscribe'));
    expect((await subscribers.get(reader.id))?.status).toBe('unsubscribed');
  });

  it('does not let a confirmation link sent before an unsubscribe undo it', async () => {
    const { service, subscribers, clock, lastConfirmToken } = setup();
    await service.subscribe({ email: 'undo@example.com', topics: ['ai-agents'] });
    const oldConfirm = lastConfirmToken();
    const { manageToken } = await service.confirm(oldConfirm);
    clock.advance({ minutes: 5 });
    await service.unsubscribe(manageToken);

    expect(await rejection(service.confirm(oldConfirm))).toBe('token_revoked');
    expect((await subscribers.findByEmail('undo@example.com'))?.status).toBe('unsubscribed');
  });
});

describe('renewLinks (Get a new link)', () => {
  const claimsOf = (setupResult: ReturnType<typeof setup>, token: string, purpose: TokenPurpose) =>
    setupResult.tokens.verify(token, purpose, setupResult.clock.now().getTime() / 1000);

  it('bumps the token version and mails a new manage link that opens the settings', async () => {
    const reader = aSubscriber({ email: 'reader@example.com', preferences: { keywords: ['world models'] } });
    const context = setup(new InMemorySubscriberRepository().seed(reader));
    const { service, subscribers, mailer, tokenFor } = context;

    const result = await service.renewLinks(tokenFor(reader, 'manage'));

    const stored = await subscribers.get(reader.id);
    const [email] = mailer.sentTo('reader@example.com');
    const newToken = tokenFromLink(email.text, '/preferences');
    expect(result).toEqual({ mailed: true });
    expect(stored).toEqual({ ...reader, tokenVersion: 2, updatedAt: START });
    expect(mailer.sent).toHaveLength(1);
    expect(email.subject).toBe('Your new paperboy link');
    expect(claimsOf(context, newToken, 'manage')).toMatchObject({ subscriberId: reader.id, version: 2 });
    expect(await service.getPreferences(newToken)).toMatchObject({
      email: 'reader@example.com',
      keywords: ['world models'],
    });
  });

  it("revokes the old manage, unsubscribe and pending confirmation links; the new email's links work", async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, mailer, tokenFor, clock } = setup(
      new InMemorySubscriberRepository().seed(reader),
    );
    const oldManage = tokenFor(reader, 'manage');
    const oldUnsubscribe = tokenFor(reader, 'unsubscribe');
    const oldConfirm = tokenFor(reader, 'confirm', clock.now().getTime() / 1000 + 3600);

    await service.renewLinks(oldManage);

    expect(await rejection(service.getPreferences(oldManage))).toBe('token_revoked');
    expect(await rejection(service.updatePreferences(oldManage, { paused: true }))).toBe('token_revoked');
    expect(await rejection(service.renewLinks(oldManage))).toBe('token_revoked');
    expect(await rejection(service.unsubscribe(oldUnsubscribe))).toBe('token_revoked');
    expect(await rejection(service.confirm(oldConfirm))).toBe('token_revoked');
    expect(await rejection(service.deleteData(oldManage))).toBe('token_revoked');
    expect(await subscribers.get(reader.id)).toMatchObject({ status: 'confirmed', tokenVersion: 2 });
    const [email] = mailer.sentTo('reader@example.com');
    await service.unsubscribe(tokenFromLink(email.text, '/unsubscribe'));
    expect((await subscribers.get(reader.id))?.status).toBe('unsubscribed');
  });

  it('logs one info line with the subscriber id, never the address or a token', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, mailer, logger, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));
    const oldToken = tokenFor(reader, 'manage');

    await service.renewLinks(oldToken);

    const newToken = tokenFromLink(mailer.sent[0].text, '/preferences');
    // The mail worker's line first: this test's queue does each job as it is queued.
    expect(logger.entries).toEqual([
      { level: 'info', message: 'new link mailed', extra: { subscriberId: reader.id } },
      { level: 'info', message: 'links renewed', extra: { subscriberId: reader.id, mailed: true } },
    ]);
    for (const secret of ['reader@example.com', oldToken, newToken]) {
      expect(logger.serialized()).not.toContain(secret);
    }
  });

  it('keeps a preferences change saved at the same moment: the bump is applied to the fresh copy', async () => {
    const reader = aSubscriber({ preferences: { papersPerEmail: 10 } });
    // Between our read and our save, the reader saves their settings in another tab.
    const repository = repositoryWithOneConcurrentWrite((stored) => ({
      preferences: { ...stored.preferences, papersPerEmail: 3 },
    })).seed(reader);
    const { service, mailer, tokenFor } = setup(repository);

    await service.renewLinks(tokenFor(reader, 'manage'));

    const stored = await repository.get(reader.id);
    expect(repository.conflicts).toBe(1);
    expect(stored?.preferences.papersPerEmail).toBe(3);
    expect(stored?.tokenVersion).toBe(2);
    expect(mailer.sent).toHaveLength(1);
  });

  it('lets one of two parallel renewals with the same link win and refuses the other as revoked', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, mailer, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));
    const token = tokenFor(reader, 'manage');

    const outcomes = await Promise.allSettled([service.renewLinks(token), service.renewLinks(token)]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(TokenError);
    expect((refused.reason as TokenError).problem).toBe('token_revoked');
    expect((await subscribers.get(reader.id))?.tokenVersion).toBe(2);
    expect(mailer.sentTo('reader@example.com')).toHaveLength(1);
    expect(await service.getPreferences(tokenFromLink(mailer.sent[0].text, '/preferences'))).toMatchObject({
      email: 'reader@example.com',
    });
  });

  it('keeps the old links revoked when the new link cannot be queued, logs it without the address, and throws LinkNotSentError', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, mailer, mailJobs, logger, tokenFor } = setup(
      new InMemorySubscriberRepository().seed(reader),
    );
    mailJobs.refuseWith = new Error('SQS unreachable for reader@example.com');
    const oldToken = tokenFor(reader, 'manage');

    const attempt = service.renewLinks(oldToken);

    await expect(attempt).rejects.toBeInstanceOf(LinkNotSentError);
    await expect(attempt).rejects.toThrow(
      /could not send you a new one\. Your next digest will carry working links; .*subscribe again from the home page/,
    );
    expect(mailer.attempts).toHaveLength(0);
    expect((await subscribers.get(reader.id))?.tokenVersion).toBe(2);
    expect(await rejection(service.getPreferences(oldToken))).toBe('token_revoked');
    expect(logger.messages('error')).toEqual(['new link not queued; old links stay revoked']);
    expect(logger.entries[0].extra).toMatchObject({ subscriberId: reader.id });
    expect(logger.serialized()).not.toContain('reader@example.com');
  });

  it('keeps the old links revoked when the mail worker cannot send, and fails the job so the queue retries it', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const mailer = new RecordingMailer({
      failFor: ['reader@example.com'],
      error: (email) => new MailNotSentError(`SES refused the email to ${email.to}`),
    });
    const subscribers = new InMemorySubscriberRepository().seed(reader);
    const { service, mailJobs, tokenFor } = inMemorySubscriptionService({
      subscribers,
      mailer,
      mailJobs: 'held',
    });
    const oldToken = tokenFor(reader, 'manage');

    expect(await service.renewLinks(oldToken)).toEqual({ mailed: true });
    await expect(mailJobs.drain()).rejects.toBeInstanceOf(MailNotSentError);

    expect(mailer.attempts).toHaveLength(1);
    expect((await subscribers.get(reader.id))?.tokenVersion).toBe(2);
    expect(await rejection(service.getPreferences(oldToken))).toBe('token_revoked');
  });

  it('does not promise a digest to a paused reader whose new link could not be queued', async () => {
    const reader = aSubscriber({ email: 'paused@example.com', preferences: { paused: true } });
    const { service, mailJobs, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));
    mailJobs.refuseWith = new Error('SQS unreachable');

    const attempt = service.renewLinks(tokenFor(reader, 'manage'));

    await expect(attempt).rejects.toThrow(/could not send you a new one\. To get a link, subscribe again/);
  });

  it.each<TokenPurpose>(['unsubscribe', 'confirm'])(
    'rejects a %s token as the wrong purpose and changes and mails nothing',
    async (purpose) => {
      const reader = aSubscriber();
      const { service, subscribers, mailer, tokenFor, clock } = setup(
        new InMemorySubscriberRepository().seed(reader),
      );

      const problem = await rejection(
        service.renewLinks(tokenFor(reader, purpose, clock.now().getTime() / 1000 + 3600)),
      );

      expect(problem).toBe('token_wrong_purpose');
      expect(await subscribers.get(reader.id)).toEqual(reader);
      expect(mailer.attempts).toHaveLength(0);
    },
  );

  it('rejects a revoked manage link and changes and mails nothing', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);
    const { service, mailer, tokenFor } = setup(repository);
    const oldToken = tokenFor(reader, 'manage');
    const bumped = { ...reader, tokenVersion: 2, updatedAt: '2025-11-10T00:00:00.000Z' };
    await repository.save(bumped, reader.updatedAt);

    expect(await rejection(service.renewLinks(oldToken))).toBe('token_revoked');
    expect(await repository.get(reader.id)).toEqual(bumped);
    expect(mailer.attempts).toHaveLength(0);
  });

  it('lets an unsubscribed reader renew: they stay unsubscribed and get a link to manage or delete their data', async () => {
    const former = aSubscriber({
      email: 'former@example.com',
      status: 'unsubscribed',
      unsubscribedAt: '2025-11-10T00:00:00.000Z',
    });
    const { service, subscribers, mailer, tokenFor } = setup(new InMemorySubscriberRepository().seed(former));

    const result = await service.renewLinks(tokenFor(former, 'manage'));

    const [email] = mailer.sentTo('former@example.com');
    expect(result).toEqual({ mailed: true });
    expect(await subscribers.get(former.id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: '2025-11-10T00:00:00.000Z',
      tokenVersion: 2,
    });
    await service.deleteData(tokenFromLink(email.text, '/preferences'));
    expect(await subscribers.get(former.id)).toBeUndefined();
  });

  it("revokes a suppressed address's links without mailing it", async () => {
    const bounced = aSubscriber({ suppressed: { reason: 'hard-bounce', at: '2025-11-10T00:00:00.000Z' } });
    const { service, subscribers, mailer, logger, tokenFor } = setup(
      new InMemorySubscriberRepository().seed(bounced),
    );
    const oldToken = tokenFor(bounced, 'manage');

    const result = await service.renewLinks(oldToken);

    expect(result).toEqual({ mailed: false });
    expect((await subscribers.get(bounced.id))?.tokenVersion).toBe(2);
    expect(mailer.attempts).toHaveLength(0);
    expect(await rejection(service.getPreferences(oldToken))).toBe('token_revoked');
    expect(logger.entries).toEqual([
      { level: 'info', message: 'links renewed', extra: { subscriberId: bounced.id, mailed: false } },
    ]);
  });
});

describe('exportData', () => {
  it('returns the stored subscriber and their delivery history', async () => {
    const reader = aSubscriber();
    const { service, deliveries, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));
    await deliveries.recordSent([
      {
        subscriberId: reader.id,
        digestDate: '2025-11-13',
        paperIds: ['2511.00001', '2511.00002'],
        messageId: 'message-1',
      },
    ]);

    const data = await service.exportData(tokenFor(reader, 'manage'));

    expect(data.subscriber).toEqual(reader);
    expect(data.deliveries.map((record) => record.paperId).sort()).toEqual(['2511.00001', '2511.00002']);
    expect(data.deliveries.every((record) => record.digestDate === '2025-11-13')).toBe(true);
  });

  it('needs a manage token', async () => {
    const reader = aSubscriber();
    const { service, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    expect(await rejection(service.exportData(tokenFor(reader, 'unsubscribe')))).toBe('token_wrong_purpose');
  });
});

describe('deleteData', () => {
  it('erases the subscriber and their deliveries; the old link then finds nothing', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, deliveries, tokenFor } = setup(
      new InMemorySubscriberRepository().seed(reader),
    );
    await deliveries.recordSent([
      { subscriberId: reader.id, digestDate: '2025-11-13', paperIds: ['2511.00001'], messageId: 'message-1' },
    ]);
    const token = tokenFor(reader, 'manage');

    await service.deleteData(token);

    expect(await subscribers.get(reader.id)).toBeUndefined();
    expect(await subscribers.findByEmail('reader@example.com')).toBeUndefined();
    expect(await deliveries.listForSubscriber(reader.id)).toEqual([]);
    await expect(service.getPreferences(token)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('frees the address for a fresh subscription', async () => {
    const reader = aSubscriber({ email: 'reader@example.com' });
    const { service, subscribers, mailer, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));
    await service.deleteData(tokenFor(reader, 'manage'));

    await service.subscribe({ email: 'reader@example.com' });

    const fresh = await subscribers.findByEmail('reader@example.com');
    expect(fresh?.id).not.toBe(reader.id);
    expect(fresh?.status).toBe('unconfirmed');
    expect(mailer.sentTo('reader@example.com')).toHaveLength(1);
  });
});

describe('logging', () => {
  it('never logs an email address across the whole lifecycle', async () => {
    const bounced = aSubscriber({
      email: 'bounced@example.com',
      suppressed: { reason: 'complaint', at: START },
    });
    const { service, subscribers, logger, clock, lastConfirmToken } = setup(
      new InMemorySubscriberRepository().seed(bounced),
    );

    await service.subscribe({ email: 'reader@example.com', keywords: ['speculative decoding'] });
    await service.subscribe({ email: 'reader@example.com' }); // flood limit
    await service.subscribe({ email: 'bounced@example.com' }); // suppressed
    clock.advance({ minutes: 5 });
    await service.subscribe({ email: 'reader@example.com' }); // re-sent
    const { manageToken } = await service.confirm(lastConfirmToken());
    await service.updatePreferences(manageToken, { cadence: 'weekly' });
    await service.unsubscribe(manageToken);
    await service.exportData(manageToken);
    await service.deleteData(manageToken);

    expect(subscribers.all()).toHaveLength(1);
    expect(logger.entries.length).toBeGreaterThanOrEqual(7);
    for (const entry of logger.entries) expect(JSON.stringify(entry.extra ?? {})).not.toContain('@');
    expect(logger.serialized()).not.toContain('example.com');
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

    await expect(service.subscribe({ email: 'not-an-address' })).rejects.toBeInstanceOf(ValidationError);
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

    await service.subscribe({ email: 'pending@example.com' });
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
