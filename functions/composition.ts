import type { Config } from './config';
import { createRenderer } from './adapters/render/precompiled-renderer';
import { assembleServices, type Overrides, type Services } from './service-graph';

export { consoleLogger, systemClock, type Overrides, type Services } from './service-graph';

/**
 * The composition root with email rendering: what the api and send-digests functions, the local
 * stack, the CLI and the tests build. Emails are assembled from pieces MJML compiled at build time
 * (npm run build:emails), so no function bundle carries mjml. Functions that never send email use
 * createServicesWithoutEmail (service-graph.ts).
 */
export function createServices(config: Config, overrides: Overrides = {}): Promise<Services> {
  return assembleServices(config, overrides, createRenderer());
}
