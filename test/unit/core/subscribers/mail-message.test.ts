import type { MailJob } from '@functions/core/subscribers/mail-jobs';
import { defaultPreferences } from '@functions/core/subscribers/subscriber';
import { inMemorySubscriptionService } from '@support/subscription-service';
import { RecordingMailer } from '@support/in-memory-ports';

const signUp = (email: string): MailJob => ({
  job: 'sign-up',
  email,
  preferences: { ...defaultPreferences(), topics: ['ai-agents'] },
});
const always = { hasTimeLeft: () => true };

function setup(mailer = new RecordingMailer()) {
  return inMemorySubscriptionService({ mailer, mailJobs: 'held' });
}

describe('the mail worker: the jobs of one queued message', () => {
  it('does every job in order and sends nothing back when all succeed', async () => {
    const { service, mailer, mailJobs } = setup();
    const jobs = ['a@example.com', 'b@example.com', 'c@example.com'].map(signUp);

    const result = await service.doMailMessage(jobs, always);

    expect(result).toEqual({ outcomes: ['mailed', 'mailed', 'mailed'], retryMessage: false });
    expect(mailer.sent.map((email) => email.to)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(mailJobs.requeued).toEqual([]);
  });

  it('requeues alone only the job that failed beside others that succeeded, so none is mailed twice', async () => {
    const mailer = new RecordingMailer({ failFor: ['b@example.com'] });
    const { service, subscribers, mailJobs } = setup(mailer);
    const jobs = ['a@example.com', 'b@example.com', 'c@example.com'].map(signUp);

    const result = await service.doMailMessage(jobs, always);

    expect(result).toEqual({ outcomes: ['mailed', 'failed', 'mailed'], retryMessage: false });
    expect(mailJobs.requeued).toEqual([jobs[1]]);
    // The failed sign-up left nothing behind: its retry starts afresh.
    expect(await subscribers.findByEmail('b@example.com')).toBeUndefined();

    mailer.recover('b@example.com');
    expect(await service.doMailMessage(mailJobs.requeued, always)).toEqual({
      outcomes: ['mailed'],
      retryMessage: false,
    });
    expect(mailer.sent.map((email) => email.to).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });

  it('sends the message back whole when none of it was done (the queue counts its attempts)', async () => {
    const mailer = new RecordingMailer({ failFor: ['a@example.com', 'b@example.com'] });
    const { service, mailJobs } = setup(mailer);

    const result = await service.doMailMessage(['a@example.com', 'b@example.com'].map(signUp), always);

    expect(result).toEqual({ outcomes: ['failed', 'failed'], retryMessage: true });
    expect(mailJobs.requeued).toEqual([]);
  });

  it('stops before the time runs out and requeues what it did not reach', async () => {
    const { service, mailer, mailJobs } = setup();
    const jobs = ['a@example.com', 'b@example.com', 'c@example.com'].map(signUp);
    let left = 2;

    const result = await service.doMailMessage(jobs, { hasTimeLeft: () => left-- > 0 });

    expect(result).toEqual({ outcomes: ['mailed', 'mailed', 'not reached'], retryMessage: false });
    expect(mailer.sent).toHaveLength(2);
    expect(mailJobs.requeued).toEqual([jobs[2]]);
  });

  it('requeues a message it had no time for at all, so a slow batch never counts against it', async () => {
    const { service, mailer, mailJobs } = setup();
    const jobs = ['a@example.com', 'b@example.com'].map(signUp);

    const result = await service.doMailMessage(jobs, { hasTimeLeft: () => false });

    expect(result).toEqual({ outcomes: ['not reached', 'not reached'], retryMessage: false });
    expect(mailer.attempts).toEqual([]);
    expect(mailJobs.requeued).toEqual(jobs);
  });

  it('sends the message back whole when the unfinished jobs cannot be requeued', async () => {
    const mailer = new RecordingMailer({ failFor: ['b@example.com'] });
    const { service, mailJobs, logger } = setup(mailer);
    mailJobs.refuseWith = new Error('SQS unreachable');

    const result = await service.doMailMessage(['a@example.com', 'b@example.com'].map(signUp), always);

    expect(result).toEqual({ outcomes: ['mailed', 'failed'], retryMessage: true });
    expect(JSON.stringify(logger.entries)).toMatch(/not requeued/);
    // The retry of the whole message mails no second confirmation to the reader already mailed.
    mailer.recover('b@example.com');
    mailJobs.refuseWith = undefined;
    expect(
      (await service.doMailMessage(['a@example.com', 'b@example.com'].map(signUp), always)).outcomes,
    ).toEqual(['flood-limited', 'mailed']);
    expect(mailer.sentTo('a@example.com')).toHaveLength(1);
  });
});
