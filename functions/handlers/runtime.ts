import { parseConfig } from '../config';
import { createServices, type Services } from '../composition';
import { logger as powertoolsLogger } from '../adapters/observability';
import type { Logger } from '../core/ports';

/** The core's Logger port over the Powertools logger (structured JSON, addresses redacted). */
const logger: Logger = {
  info: (message, extra) => (extra ? powertoolsLogger.info(message, extra) : powertoolsLogger.info(message)),
  warn: (message, extra) => (extra ? powertoolsLogger.warn(message, extra) : powertoolsLogger.warn(message)),
  error: (message, extra) =>
    extra ? powertoolsLogger.error(message, extra) : powertoolsLogger.error(message),
};

let services: Promise<Services> | undefined;

/** The function's composition root, built on first use and kept for the life of the container. */
export function getServices(): Promise<Services> {
  services ??= createServices(parseConfig(), { logger }).catch((error) => {
    services = undefined;
    throw error;
  });
  return services;
}
