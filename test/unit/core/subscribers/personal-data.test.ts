import { NotFoundError } from '@functions/core/errors';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer } from '@support/in-memory-ports';
import { rejection } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

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

    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] });

    const fresh = await subscribers.findByEmail('reader@example.com');
    expect(fresh?.id).not.toBe(reader.id);
    expect(fresh?.status).toBe('unconfirmed');
    expect(mailer.sentTo('reader@example.com')).toHaveLength(1);
  });
});
