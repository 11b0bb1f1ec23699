import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer } from '@support/in-memory-ports';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

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
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] }); // flood limit
    await service.subscribe({ email: 'bounced@example.com', topics: ['ai-agents'] }); // suppressed
    clock.advance({ minutes: 5 });
    await service.subscribe({ email: 'reader@example.com', topics: ['ai-agents'] }); // re-sent
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
