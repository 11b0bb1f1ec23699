import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel,
  NodejsFunction,
  OutputFormat,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: the esbuild project root and where `functions/` and `templates/` live. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** Where the bundled `templates/` directory (its `pages/` only) sits inside the Lambda package. */
export const LAMBDA_TEMPLATES_DIR = '/var/task/templates';

/**
 * ESM bundles have no `require`, `__filename` or `__dirname`; bundled CommonJS code (dependencies,
 * the templates-dir fallback) uses them. Aliased imports avoid name clashes.
 */
export const ESM_REQUIRE_BANNER = [
  "import { createRequire as paperboyCreateRequire } from 'node:module';",
  "import { fileURLToPath as paperboyFileURLToPath } from 'node:url';",
  "import { dirname as paperboyDirname } from 'node:path';",
  'const require = paperboyCreateRequire(import.meta.url);',
  'const __filename = paperboyFileURLToPath(import.meta.url);',
  'const __dirname = paperboyDirname(__filename);',
].join('');

/**
 * The esbuild settings of every function bundle, shared with `npm run bench` (which measures the
 * bundles): ESM for node22, module fields first, the require/__dirname banner, minified.
 * typescript stays external so that no dependency that loads *.ts config files (as mjml's cosmiconfig
 * did, before emails were precompiled) can ever add its 9 MB to a cold start.
 */
export const BUNDLE_SETTINGS = {
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  external: ['typescript'],
} as const;

export type HandlerName =
  | 'api'
  | 'send-mail'
  | 'ingest'
  | 'plan-digests'
  | 'plan-slice'
  | 'send-digests'
  | 'ses-events'
  | 'settle-claims';

export interface PaperboyFunctionProps extends Pick<
  NodejsFunctionProps,
  'description' | 'memorySize' | 'timeout' | 'environment' | 'deadLetterQueue'
> {
  /** File name under functions/handlers/, without `.ts`; it must export `handler`. */
  readonly handlerName: HandlerName;
  readonly logRetention: RetentionDays;
  /** Why any other statement of this function's role names no resource (checked by cdk-nag). */
  readonly wildcardReason?: string;
}

/**
 * One paperboy Lambda: nodejs22.x on arm64, an ESM bundle built by the local esbuild (never docker)
 * with source maps, the repository's `templates/pages/` copied beside the handler (TEMPLATES_DIR),
 * Powertools settings in the environment, and its own log group and role, so the role starts with
 * nothing but permission to write its own logs. The page templates go into every bundle (a few
 * kilobytes, read by the api on first render); the email templates do not: they are compiled at build
 * time (npm run build:emails) into pieces that are bundled with the code.
 */
export class PaperboyFunction extends NodejsFunction {
  readonly handlerName: HandlerName;

  constructor(scope: Construct, id: string, props: PaperboyFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose logs:* statement covers every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `paperboy ${props.handlerName} function`,
    });

    super(scope, id, {
      entry: join(REPO_ROOT, 'functions', 'handlers', `${props.handlerName}.ts`),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      description: props.description,
      role,
      logGroup,
      deadLetterQueue: props.deadLetterQueue,
      // Each invocation as an X-Ray trace: where a slow run or a cold start spends its time.
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'paperboy',
        POWERTOOLS_METRICS_NAMESPACE: 'paperboy',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        TEMPLATES_DIR: LAMBDA_TEMPLATES_DIR,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: BUNDLE_SETTINGS.target,
        mainFields: [...BUNDLE_SETTINGS.mainFields],
        banner: BUNDLE_SETTINGS.banner,
        minify: BUNDLE_SETTINGS.minify,
        logLevel: LogLevel.WARNING,
        sourceMap: true,
        sourcesContent: false,
        // Pin the SDK we test against instead of the runtime's copy.
        bundleAwsSDK: true,
        externalModules: [...BUNDLE_SETTINGS.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/templates"`,
            `cp -R "${inputDir}/templates/pages" "${outputDir}/templates/pages"`,
          ],
        },
      },
    });
    logGroup.grantWrite(role);
    this.handlerName = props.handlerName;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: [
        'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing, added by the CDK) accept no',
        'resource but "*"; they only write trace data.',
        props.wildcardReason ?? '',
      ]
        .join(' ')
        .trim(),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose (the project issue): it is a supported LTS runtime, and the code is ' +
        'built and tested for Node 20/22. Moving to nodejs24.x is a deliberate, tested upgrade, not a drift.',
    });
  }

  /**
   * Schedules and other grantees invoke the unqualified function; paperboy publishes no versions or
   * aliases, so `grantInvoke` need not cover `<arn>:*`.
   */
  override get resourceArnsForGrantInvoke(): string[] {
    return [this.functionArn];
  }
}
