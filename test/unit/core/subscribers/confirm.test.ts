import { NotFoundError, ValidationError } from '@functions/core/errors';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer } from '@support/in-memory-ports';
import { rejection } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

describe('confirm', () => {
  it('confirms the subscriber and returns a manage token for them', async () => {
    const { service, subscribers, lastConfirmToken, tokens, clock } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
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
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    const token = lastConfirmToken();
    await service.confirm(token);
    const firstConfirmedAt = (await subscribers.findByEmail('reader@example.com'))?.confirmedAt;
    clock.advance({ hours: 1 });

    await service.confirm(token);

    expect((await subscribers.findByEmail('reader@example.com'))?.confirmedAt).toBe(firstConfirmedAt);
  });

  it('rejects a confirmation link 49 hours old as expired and leaves the subscriber unconfirmed', async () => {
    const { service, subscribers, lastConfirmToken, clock } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
    clock.advance({ hours: 49 });

    expect(await rejection(service.confirm(lastConfirmToken()))).toBe('token_expired');
    expect((await subscribers.findByEmail('reader@example.com'))?.status).toBe('unconfirmed');
  });

  it('rejects a link whose signature was tampered with', async () => {
    const { service, subscribers, lastConfirmToken } = setup();
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });
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
