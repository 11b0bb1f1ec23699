/** The fakes in test/support must keep the ports' contracts, or tests built on them prove nothing. */
import { ConcurrentUpdateError, EmailTakenError } from '../../../functions/core/ports';
import { aPaper, aSubscriber } from '../../support/builders';
import {
  InMemoryDeliveryRepository,
  InMemoryPaperRepository,
  InMemorySubscriberRepository,
  RecordingMailer,
  SettableClock,
} from '../../support/in-memory-ports';

describe('InMemorySubscriberRepository', () => {
  it('refuses a second subscriber for a taken address', async () => {
    const repository = new InMemorySubscriberRepository();
    await repository.create(aSubscriber({ email: 'reader@example.com' }));

    await expect(repository.create(aSubscriber({ email: 'reader@example.com' }))).rejects.toBeInstanceOf(
      EmailTakenError,
    );
  });

  it('saves only over the expected version', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);
    await repository.save({ ...reader, updatedAt: '2025-11-14T00:00:00.000Z' }, reader.updatedAt);

    await expect(
      repository.save({ ...reader, status: 'unsubscribed' }, reader.updatedAt),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await repository.get(reader.id))?.status).toBe('confirmed');
  });

  it('hands out copies, so a caller cannot change what is stored without saving', async () => {
    const reader = aSubscriber();
    const repository = new InMemorySubscriberRepository().seed(reader);

    const copy = (await repository.get(reader.id)) as typeof reader;
    copy.preferences.keywords.push('sneaky');

    expect((await repository.get(reader.id))?.preferences.keywords).toEqual([]);
  });

  it('scans every subscriber exactly once across segments and pages', async () => {
    const readers = Array.from({ length: 11 }, () => aSubscriber());
    const repository = new InMemorySubscriberRepository({ pageSize: 2 }).seed(...readers);
    const seen: string[] = [];

    for (let segment = 0; segment < 3; segment++) {
      for await (const page of repository.scanSegment(segment, 3))
        seen.push(...page.map((reader) => reader.id));
    }

    expect(seen.sort()).toEqual(readers.map((reader) => reader.id).sort());
  });
});

describe('InMemoryDeliveryRepository', () => {
  it('claims a digest once, gives back only an in-flight claim, and keeps a sent one', async () => {
    const deliveries = new InMemoryDeliveryRepository(new SettableClock());

    expect(await deliveries.claimDigest('s1', '2025-11-14')).toBe(true);
    expect(await deliveries.claimDigest('s1', '2025-11-14')).toBe(false);
    await deliveries.releaseDigest('s1', '2025-11-14');
    expect(await deliveries.claimDigest('s1', '2025-11-14')).toBe(true);
    await deliveries.recordSent('s1', '2025-11-14', ['p1'], 'm1');
    await deliveries.releaseDigest('s1', '2025-11-14');
    expect(await deliveries.claimDigest('s1', '2025-11-14')).toBe(false);
    expect(await deliveries.sentPaperIds('s1', ['p1', 'p2'])).toEqual(new Set(['p1']));
  });
});

describe('InMemoryPaperRepository', () => {
  it('keeps the day a paper was first listed on', async () => {
    const paper = aPaper({ dailyDate: '2025-11-12' });
    const papers = new InMemoryPaperRepository([paper]);

    const counts = await papers.upsert([{ ...paper, dailyDate: '2025-11-13' }]);

    expect(counts).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await papers.listByDays(['2025-11-13'])).toEqual([]);
  });
});

describe('RecordingMailer', () => {
  it('fails for chosen addresses and records only accepted mail as sent', async () => {
    const mailer = new RecordingMailer({ failFor: ['down@example.com'] });
    const email = { subject: 's', html: 'h', text: 't' };

    await expect(mailer.send({ ...email, to: 'down@example.com' })).rejects.toThrow('mailer unavailable');
    await expect(mailer.send({ ...email, to: 'up@example.com' })).resolves.toEqual({
      messageId: 'message-1',
    });
    expect(mailer.sent.map((sent) => sent.to)).toEqual(['up@example.com']);
    expect(mailer.attempts).toHaveLength(2);
  });
});
