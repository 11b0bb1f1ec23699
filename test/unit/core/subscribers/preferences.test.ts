import { ConflictError, ValidationError } from '@functions/core/errors';
import { ConcurrentUpdateError } from '@functions/core/ports';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer } from '@support/in-memory-ports';
import { rejection, repositoryWithOneConcurrentWrite } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

describe('preferences', () => {
  it('shows the address, whether subscribed, and the preferences', async () => {
    const reader = aSubscriber({
      email: 'reader@example.com',
      preferences: { keywords: ['speculative decoding'] },
    });
    const { service, tokenFor } = setup(new InMemorySubscriberRepository().seed(reader));

    const view = await service.getPreferences(tokenFor(reader, 'manage'));

    expect(view).toEqual({
      ...reader.preferences,
      email: 'reader@example.com',
      subscribed: true,
      ratings: [],
      examples: [],
      feedUrl: expect.stringMatching(/^https:\/\/paperboy\.example\/feed\?token=/),
    });
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
