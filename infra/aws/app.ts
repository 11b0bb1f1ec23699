import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeployConfig, loadDeployConfig } from './config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface PaperboyApp {
  readonly app: App;
  readonly config: DeployConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export interface BuildAppOptions {
  /** An App to build into (tests pass one with their own context); default a new App(). */
  readonly app?: App;
  /** Use this config instead of reading context and the config file (tests). */
  readonly config?: DeployConfig;
  /**
   * Run cdk-nag's AwsSolutions pack at synth, so `cdk synth` fails on a new finding. Default: on,
   * unless the context says `-c nag=false` (a quicker synth while iterating).
   */
  readonly nag?: boolean;
}

/**
 * Context the app always sets. Strong cross-stack references keep CloudFormation from deleting a table
 * export (and so the stateful stack's outputs) while the stateless stack still imports it.
 */
export const APP_CONTEXT = { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } as const;

/** Builds the paperboy CDK app: a stateful stack (tables, secret, SES identity) and a stateless one. */
export function buildApp(options: BuildAppOptions = {}): PaperboyApp {
  const app = options.app ?? new App({ postCliContext: APP_CONTEXT });
  const config = options.config ?? loadDeployConfig({ getContext: (key) => app.node.tryGetContext(key) });
  // Account and region come from the CLI's credentials/profile; without them the stacks are environment-agnostic.
  const env: Environment = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };

  const stateful = new StatefulStack(app, `${config.stackPrefix}Stateful`, {
    env,
    config,
    description: 'paperboy: tables, token secret and SES identity (retained, termination-protected)',
  });
  const stateless = new StatelessStack(app, `${config.stackPrefix}Stateless`, {
    env,
    config,
    stateful,
    description: 'paperboy: functions, HTTP API, schedules, send queue, SES configuration set, alarms',
  });
  stateless.addStackDependency(stateful);

  const nagContext: unknown = app.node.tryGetContext('nag');
  if (options.nag ?? !(nagContext === false || nagContext === 'false')) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, config, stateful, stateless };
}

if (require.main === module) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // A config error is the operator's to fix: print it without a stack trace.
    if (error instanceof Error && error.name === 'DeployConfigError') {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
