import type { Config } from './config';
import { createRenderer, personalize } from './adapters/render/email-renderer';
import type { EmailRenderer } from './core/ports';
import { assembleServices, type Overrides, type Services } from './service-graph';

export { consoleLogger, systemClock, type Overrides, type Services } from './service-graph';

/** The MJML renderer; templates are read and compiled on first use, not at cold start. */
function mjmlEmailRenderer(templatesDir: string | undefined): EmailRenderer {
  let templates: ReturnType<typeof createRenderer> | undefined;
  const loadTemplates = () => (templates ??= createRenderer({ templatesDir }));
  return {
    renderConfirmation: (input) => loadTemplates().renderConfirmation(input),
    renderNewLink: (input) => loadTemplates().renderNewLink(input),
    renderDigest: (input) => loadTemplates().renderDigest(input),
    personalize,
  };
}

/**
 * The composition root with email rendering: what the api and send-digests functions, the local
 * stack, the CLI and the tests build. Functions that never send email use createServicesWithoutEmail
 * (service-graph.ts), which keeps mjml out of their bundles.
 */
export function createServices(config: Config, overrides: Overrides = {}): Promise<Services> {
  return assembleServices(config, overrides, mjmlEmailRenderer(config.TEMPLATES_DIR));
}
