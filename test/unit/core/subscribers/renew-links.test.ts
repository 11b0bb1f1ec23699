import { LinkNotSentError, TokenError } from '@functions/core/errors';
import { MailNotSentError } from '@functions/core/ports';
import { type TokenPurpose } from '@functions/core/tokens';
import { aSubscriber } from '@support/builders';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { InMemorySubscriberRepository, RecordingMailer, tokenFromLink } from '@support/in-memory-ports';
import { rejection, repositoryWithOneConcurrentWrite } from '@support/subscription-service';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const START = '2025-11-14T07:00:00.000Z';

function setup(subscribers = new InMemorySubscriberRepository(), mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ secret: SECRET, start: START, subscribers, mailer });
}

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
