import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESM_REQUIRE_BANNER } from '../../infra/aws/constructs/paperboy-function';
import { functionLogicalId } from './support/iam';
import { removeSynthOutputs, synthApp, type SynthesizedApp } from './support/test-app';
import { FUNCTIONS } from './support/functions';

/**
 * Bundles every handler with the local esbuild, as `cdk synth` does (no docker, no network),
 * and loads each bundle in Node to prove the ESM output runs.
 */
describe('function bundles', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp({ bundle: true });
  }, 180_000);
  // Eight bundles with source maps are ~40 MB in a temporary cloud assembly.
  afterAll(removeSynthOutputs);

  const assetDir = (fn: string): string => {
    const resource =
      built.statelessTemplate.toJSON().Resources[functionLogicalId(built.statelessTemplate, fn)];
    const hash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, '');
    return join(built.app.outdir, `asset.${hash}`);
  };

  it.each(FUNCTIONS)('%s is an ESM bundle with a source map and the require/__dirname banner', (fn) => {
    const dir = assetDir(fn);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');

    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    // Lambda's unzipped limit is 250 MB; keep cold starts sane by staying well below 10 MB.
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(10 * 1024 * 1024);
  });

  it.each(FUNCTIONS)('%s carries the page templates beside the handler, and no email templates', (fn) => {
    expect(existsSync(join(assetDir(fn), 'templates', 'pages', 'landing.html'))).toBe(true);
    expect(existsSync(join(assetDir(fn), 'templates', 'emails'))).toBe(false);
  });

  // mjml's own code names its components in quotes ("mj-column") and has this error message; the
  // precompiled HTML only has MJML's class names (mj-column-per-100).
  const MJML_CODE = [/["'`]mj-column["'`]/, /Malformed MJML/];
  const PRECOMPILED_CARD = '{{#each matchedTopics}}';

  it.each(['SendMailFunction', 'SendDigestsFunction'])(
    '%s renders email from the precompiled pieces in its bundle, without mjml (and no node_modules)',
    (fn) => {
      const dir = assetDir(fn);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');

      expect(code).toContain(PRECOMPILED_CARD);
      for (const mjml of MJML_CODE) expect(code).not.toMatch(mjml);
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    },
  );

  it.each([
    'ApiFunction',
    'IngestFunction',
    'PlanDigestsFunction',
    'SesEventsFunction',
    'SettleClaimsFunction',
  ])('%s sends no email: neither mjml nor the precompiled emails in its bundle', (fn) => {
    const code = readFileSync(join(assetDir(fn), 'index.mjs'), 'utf8');

    expect(code).not.toContain(PRECOMPILED_CARD);
    for (const mjml of MJML_CODE) expect(code).not.toMatch(mjml);
  });

  it.each(FUNCTIONS)('%s loads in Node and exports handler', (fn) => {
    const url = pathToFileURL(join(assetDir(fn), 'index.mjs')).href;

    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
      ],
      { cwd: assetDir(fn), env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' }, encoding: 'utf8' },
    );

    expect(output.trim()).toBe('function');
  });
});
