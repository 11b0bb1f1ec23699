import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESM_REQUIRE_BANNER } from '../../infra/aws/constructs/paperboy-function';
import { functionLogicalId } from './support/iam';
import { removeSynthOutputs, synthApp, type SynthesizedApp } from './support/test-app';
import { FUNCTIONS } from './support/functions';

/**
 * Bundles all five handlers with the local esbuild, as `cdk synth` does (no docker, no network),
 * and loads each bundle in Node to prove the ESM output runs.
 */
describe('function bundles', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp({ bundle: true });
  }, 180_000);
  // Five bundles with source maps are ~40 MB in a temporary cloud assembly.
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

  it.each(FUNCTIONS)('%s carries the templates beside the handler', (fn) => {
    expect(existsSync(join(assetDir(fn), 'templates', 'emails', 'digest.mjml'))).toBe(true);
    expect(existsSync(join(assetDir(fn), 'templates', 'emails', 'confirm.mjml'))).toBe(true);
  });

  it.each(['ApiFunction', 'SendDigestsFunction'])(
    '%s bundles mjml itself (no node_modules in Lambda)',
    (fn) => {
      const dir = assetDir(fn);

      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toContain('mj-column');
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    },
  );

  it.each(['IngestFunction', 'PlanDigestsFunction', 'SesEventsFunction'])(
    '%s sends no email and carries no mjml (less than a third of the api bundle)',
    (fn) => {
      const code = readFileSync(join(assetDir(fn), 'index.mjs'), 'utf8');
      const apiSize = statSync(join(assetDir('ApiFunction'), 'index.mjs')).size;

      expect(code).not.toContain('mj-column');
      expect(code.length).toBeLessThan(apiSize / 3);
    },
  );

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
