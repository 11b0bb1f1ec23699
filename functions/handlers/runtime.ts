import { parseConfig } from '../config';
import { createServices, type Services } from '../composition';

let services: Promise<Services> | undefined;

/** The function's composition root, built on first use and kept for the life of the container. */
export function getServices(): Promise<Services> {
  services ??= createServices(parseConfig()).catch((error) => {
    services = undefined;
    throw error;
  });
  return services;
}
