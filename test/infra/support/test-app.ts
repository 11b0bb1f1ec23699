import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../../cdk.json';
import { APP_CONTEXT, buildApp, type PaperboyApp } from '../../../infra/aws/app';
import { type DeployConfig, type DeployConfigInput, parseDeployConfig } from '../../../infra/aws/config';

const CDK_JSON_CONTEXT: Record<string, unknown> = cdkJson.context;

/** A complete, valid deploy config; override single keys in a test. */
export const aDeployConfigInput = (overrides: Partial<DeployConfigInput> = {}): DeployConfigInput => ({
  domain: 'example.com',
  senderAddress: 'digest@example.com',
  senderName: 'paperboy',
  ingestHours: [6, 12, 18],
  digestHour: 7,
  scheduleTimeZone: 'Europe/Berlin',
  sesMaxSendRate: 14,
  alarmEmail: 'ops@example.com',
  ...overrides,
});

export const aDeployConfig = (overrides: Partial<DeployConfigInput> = {}): DeployConfig =>
  parseDeployConfig(aDeployConfigInput(overrides));

export interface SynthOptions {
  readonly config?: DeployConfig;
  /** Run the local esbuild bundling (slow); otherwise assets are staged without bundling. */
  readonly bundle?: boolean;
  readonly nag?: boolean;
}

export interface SynthesizedApp extends PaperboyApp {
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
}

/**
 * Builds the app offline: a fixed account/region (so ARNs are readable) and, unless `bundle` is set,
 * the CDK's own switch for skipping asset bundling (`aws:cdk:bundling-stacks`, as `cdk ls` does).
 */
export function synthApp({
  config = aDeployConfig(),
  bundle = false,
  nag = false,
}: SynthOptions = {}): SynthesizedApp {
  process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
  process.env.CDK_DEFAULT_REGION = 'eu-west-1';
  const outdir = mkdtempSync(join(tmpdir(), 'paperboy-cdk-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    // The feature flags of cdk.json, as `cdk synth` reads them: the templates tested are the ones deployed.
    context: { ...CDK_JSON_CONTEXT, ...APP_CONTEXT, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const built = buildApp({ app, config, nag });
  return {
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
  };
}

const outdirs: string[] = [];

/** Deletes the cloud assemblies synthApp wrote (call from afterAll). */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
