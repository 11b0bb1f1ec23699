import { createServicesWithoutEmail, type Services } from '../../functions/service-graph';
import { parseConfig } from '../../functions/config';
import { handler as settleClaimsHandler } from '../../functions/handlers/settle-claims';
import { hasDigestOf } from '../../functions/core/subscribers/subscriber';
import { startStandIns, type StandIns } from '../../infra/local/stand-ins';
import { lambdaContext } from '../fixtures/events';
import { aSubscriber } from '../support/builders';
import { silentLogger } from '../support/local-stack';
import { standInEnvironment } from '../support/stand-in-environment';

/** The settle-claims function as the operator invokes it in AWS (`aws lambda invoke --payload …`). */
let standIns: StandIns;
let services: Services;
const DAY = '2025-11-13';

beforeAll(async () => {
  standIns = await startStandIns({ dynamodbPort: 0, sesPort: 0, sqsPort: 0, tablePrefix: 'settle-fn-' });
  Object.assign(
    process.env,
    standInEnvironment(standIns, { tokenSecret: 'settle-claims-handler-secret-0123456789-abcdef' }),
  );
  services = await createServicesWithoutEmail(parseConfig(), { logger: silentLogger });
});
afterAll(async () => standIns.stop());

const invoke = (event: unknown) => settleClaimsHandler(event, lambdaContext);

it('lists a day’s claims with no delivery record by reader id, then releases them on request', async () => {
  const stuck = aSubscriber({ email: 'stuck@example.com' });
  const delivered = aSubscriber({ email: 'delivered@example.com' });
  for (const reader of [stuck, delivered]) {
    await services.subscribers.create(reader);
    await services.deliveries.claimDigest({
      subscriberId: reader.id,
      digestDate: DAY,
      paperIds: ['2511.00001'],
      forgetDays: [],
    });
  }
  await services.deliveries.recordSentOnce({
    subscriberId: delivered.id,
    digestDate: DAY,
    paperIds: ['2511.00001'],
    messageId: 'ses-message-1',
  });

  const listed = await invoke({ date: DAY });
  const released = await invoke({ date: DAY, release: true });
  const afterwards = await invoke({ date: DAY });

  expect(listed).toMatchObject({ digestDate: DAY, stuck: 1, subscriberIds: [stuck.id], busyRuns: [] });
  expect(JSON.stringify(listed)).not.toContain('@example.com');
  expect(released).toMatchObject({ settled: true, released: 1 });
  expect(hasDigestOf((await services.subscribers.get(stuck.id))!, DAY)).toBe(false);
  expect(hasDigestOf((await services.subscribers.get(delivered.id))!, DAY)).toBe(true);
  expect(afterwards).toMatchObject({ stuck: 0, subscriberIds: [] });
});

it.each([
  [{}, /date/],
  [{ date: '13.11.2025' }, /date/],
  [{ date: DAY, force: true }, /force only goes with release/],
  [{ date: DAY, release: 'yes' }, /release/],
  [{ date: DAY, dryRun: true }, /dryRun|unrecognized/i],
])('refuses the invocation %j with the reason', async (event, reason) => {
  await expect(invoke(event)).rejects.toThrow(reason);
});
