import { parseConfig } from '../../functions/config';
import { createServices } from '../../functions/composition';
import { createServicesWithoutEmail } from '../../functions/service-graph';
import { functionLogicalId } from './support/iam';
import { removeSynthOutputs, synthApp } from './support/test-app';
import { FUNCTIONS } from './support/functions';

/**
 * Each function's composition root, built from exactly the environment the stack gives it, so a
 * variable a function needs but the stack forgot fails here and not at the first cold start in AWS.
 */
const SIGNS_LINKS = new Set(['ApiFunction', 'SendMailFunction', 'SendDigestsFunction']);
/** The functions that email readers, built with the email renderer (the others are bundled without it). */
const SENDS_EMAIL = new Set(['SendMailFunction', 'SendDigestsFunction']);

/** CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join ...) stand for strings known at deploy time. */
function resolve(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (name.endsWith('_URL')) return `https://resolved.example/${name.toLowerCase()}`;
  if (name.endsWith('_ARN')) return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
  return `resolved-${name.toLowerCase()}`;
}

afterAll(removeSynthOutputs);

describe('function environments from the synthesized template', () => {
  const template = synthApp().statelessTemplate;
  const environmentOf = (fn: string): Record<string, string> => {
    const variables =
      template.toJSON().Resources[functionLogicalId(template, fn)].Properties.Environment.Variables;
    return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolve(value, name)]));
  };

  it.each(FUNCTIONS)('%s builds its services from its own environment, offline', async (fn) => {
    const env = environmentOf(fn);
    const config = parseConfig(env);
    // A secret ARN would be read from Secrets Manager at cold start; hand its value in instead.
    const build = SENDS_EMAIL.has(fn) ? createServices : createServicesWithoutEmail;
    const services = await build(config, {
      tokenSecret: env.TOKEN_SECRET_ARN ? 'x'.repeat(40) : undefined,
    });

    expect(Boolean(env.TOKEN_SECRET_ARN)).toBe(SIGNS_LINKS.has(fn));
    expect(services.papers).toBeDefined();
    if (SIGNS_LINKS.has(fn)) {
      expect(() => services.tokens.issue({ purpose: 'manage', subscriberId: 's', version: 1 })).not.toThrow();
    } else {
      expect(() => services.tokens.issue({ purpose: 'manage', subscriberId: 's', version: 1 })).toThrow(
        /no token secret/,
      );
    }
  });

  it('builds the graph without email rendering so that it refuses to render, and the full graph renders', async () => {
    // Which function builds which graph is checked on the bundles (bundling.test.ts: compiled emails only in
    // send-mail and send-digests); here, that each graph works from a function's environment.
    const { TEMPLATES_DIR: _inLambda, ...env } = environmentOf('SendMailFunction');
    const overrides = { tokenSecret: 'x'.repeat(40) };
    const confirmation = { confirmUrl: 'https://example.com/confirm' };
    const full = await createServices(parseConfig(env), overrides);
    const withoutEmail = await createServicesWithoutEmail(parseConfig(env), overrides);

    await expect(full.renderer.renderConfirmation(confirmation)).resolves.toMatchObject({
      subject: expect.any(String),
    });
    await expect(withoutEmail.renderer.renderConfirmation(confirmation)).rejects.toThrow(/renders no email/);
  });

  it('gives plan-digests the plan queue, plan-slice both queues and the mailing functions the account send rate', () => {
    expect(parseConfig(environmentOf('PlanDigestsFunction')).PLAN_QUEUE_URL).toMatch(/^https:/);
    expect(parseConfig(environmentOf('PlanDigestsFunction')).PLAN_SEGMENTS).toBe(16);
    expect(parseConfig(environmentOf('PlanSliceFunction')).PLAN_QUEUE_URL).toMatch(/^https:/);
    expect(parseConfig(environmentOf('PlanSliceFunction')).SEND_QUEUE_URL).toMatch(/^https:/);
    expect(parseConfig(environmentOf('SendDigestsFunction')).SES_MAX_SEND_RATE).toBe(14);
    expect(parseConfig(environmentOf('ApiFunction')).SES_MAX_SEND_RATE).toBe(14);
    expect(parseConfig(environmentOf('SendMailFunction')).MAIL_QUEUE_URL).toMatch(/^https:/);
  });
});
