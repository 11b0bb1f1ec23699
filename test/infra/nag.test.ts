import { App, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/aws/app';
import { aDeployConfig, removeSynthOutputs, synthApp } from './support/test-app';

/** Every finding acknowledged in code, and where. A new acknowledgement must be added here on purpose. */
const ACKNOWLEDGED = {
  'AwsSolutions-SMG4': ['PaperboyStateful/TokenSecret'],
  'AwsSolutions-APIG4': ['PaperboyStateless/HttpApi'],
  'AwsSolutions-SQS3': [
    'PaperboyStateless/IngestScheduleFailedEvents',
    'PaperboyStateless/PlanDigestsScheduleFailedEvents',
  ],
  'AwsSolutions-IAM5[Resource::*]': [
    'PaperboyStateless/ApiFunctionRole',
    'PaperboyStateless/IngestFunctionRole',
    'PaperboyStateless/PlanDigestsFunctionRole',
    'PaperboyStateless/PlanSliceFunctionRole',
    'PaperboyStateless/SendDigestsFunctionRole',
    'PaperboyStateless/SendMailFunctionRole',
    'PaperboyStateless/SesEventsFunctionRole',
    'PaperboyStateless/SettleClaimsFunctionRole',
  ],
  'AwsSolutions-L1': [
    'PaperboyStateless/ApiFunction',
    'PaperboyStateless/IngestFunction',
    'PaperboyStateless/PlanDigestsFunction',
    'PaperboyStateless/PlanSliceFunction',
    'PaperboyStateless/SendDigestsFunction',
    'PaperboyStateless/SendMailFunction',
    'PaperboyStateless/SesEventsFunction',
    'PaperboyStateless/SettleClaimsFunction',
  ],
};

function acknowledgementsIn(root: IConstruct): { id: string; path: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          path: construct.node.path,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  afterAll(removeSynthOutputs);

  it('finds nothing that is neither fixed nor acknowledged', () => {
    const { app } = synthApp();

    const report = new AwsSolutionsChecks().validateScope(app);

    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the reviewed findings, each with a reason a reviewer can check', () => {
    const { app } = synthApp();

    const acknowledged = acknowledgementsIn(app);

    const byId: Record<string, string[]> = {};
    for (const { id, path } of acknowledged) (byId[id] ??= []).push(path);
    for (const paths of Object.values(byId)) paths.sort();
    expect(byId).toEqual(ACKNOWLEDGED);
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(80);
  });

  it('has no stale acknowledgement: without them, exactly the acknowledged findings appear', () => {
    const acknowledge = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      const { app } = synthApp();

      const report = new AwsSolutionsChecks().validateScope(app);

      const found: Record<string, string[]> = {};
      for (const violation of report.violations) {
        found[violation.ruleName] = violation.violatingResources
          .map((r) =>
            r
              .constructPath!.replace(/\/(Resource|[A-Z]+--[^/]*\/Resource)$/, '')
              .replace(/\/ANY--.*$/, '')
              // A role's policy is acknowledged on the role.
              .replace(/\/DefaultPolicy$/, ''),
          )
          .filter((path, index, all) => all.indexOf(path) === index)
          .sort();
      }
      expect(found).toEqual(ACKNOWLEDGED);
    } finally {
      acknowledge.mockRestore();
    }
  });

  it('catches a new problem (the check is live)', () => {
    const { app, stateless } = synthApp();
    new Queue(stateless, 'CarelessQueue');

    const report = new AwsSolutionsChecks().validateScope(app);

    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });

  it('runs as a validation plugin of the app, so `cdk synth` fails on a finding', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { stateless } = buildApp({ app, config: aDeployConfig(), nag: true });
    new Queue(stateless, 'CarelessQueue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
