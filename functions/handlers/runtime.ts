import { parseConfig, type Config } from '../config';
import type { Overrides, Services } from '../service-graph';
import { logger as powertoolsLogger } from '../adapters/observability';
import type { Logger } from '../core/ports';

/** The core's Logger port over the Powertools logger (structured JSON, addresses redacted). */
const logger: Logger = {
  info: (message, extra) => (extra ? powertoolsLogger.info(message, extra) : powertoolsLogger.info(message)),
  warn: (message, extra) => (extra ? powertoolsLogger.warn(message, extra) : powertoolsLogger.warn(message)),
  error: (message, extra) =>
    extra ? powertoolsLogger.error(message, extra) : powertoolsLogger.error(message),
};

/**
 * A function's composition root, built on first use and kept for the life of the container. Each
 * handler names its own builder, so a function that sends no email is bundled without the email renderer.
 */
export function lambdaServices(
  build: (config: Config, overrides: Overrides) => Promise<Services>,
): () => Promise<Services> {
  let services: Promise<Services> | undefined;
  return () => {
    services ??= build(parseConfig(), { logger }).catch((error) => {
      services = undefined;
      throw error;
    });
    return services;
  };
}
