import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer, tokenFromLink } from '@support/in-memory-ports';
import { rejection } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

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
