import { TokenError, ValidationError } from '@functions/core/errors';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer } from '@support/in-memory-ports';
import { rejection } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

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
