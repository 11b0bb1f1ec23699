import { rateLimited } from '../../functions/adapters/ses/rate-limited-mailer';
import { RecordingMailer } from '../support/in-memory-ports';

const anEmail = (to: string) => ({ to, subject: 's', html: '<p>h</p>', text: 't' });

describe('rateLimited mailer', () => {
  it('spaces sends evenly at the given rate, without sleeping on the first', async () => {
    const sleeps: number[] = [];
    const real = new RecordingMailer();
    const mailer = rateLimited(real, 10, async (ms) => {
      sleeps.push(ms);
    });

    await Promise.all(['a', 'b', 'c', 'd'].map((name) => mailer.send(anEmail(`${name}@example.com`))));

    expect(real.sent).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    // The n-th queued send waits about n × 100 ms (10 per second).
    sleeps.forEach((ms, index) => {
      expect(ms).toBeGreaterThan((index + 1) * 100 - 20);
      expect(ms).toBeLessThanOrEqual((index + 1) * 100);
    });
  });
});
