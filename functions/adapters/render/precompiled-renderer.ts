import compiledEmails from './compiled-emails.json';
import { createAssembledRenderer, type AssembledRenderer, type CompiledEmails } from './assembled-renderer';

const committed: CompiledEmails = compiledEmails;

/**
 * The email renderer the functions use: emails assembled from the pieces committed in
 * compiled-emails.json (npm run build:emails), with no MJML and no template files at run time.
 */
export function createRenderer(options: { cardCacheSize?: number } = {}): AssembledRenderer {
  return createAssembledRenderer(committed, options);
}
