/**
 * Compiles the MJML email templates into the pieces the functions assemble emails from, and writes
 * them to functions/adapters/render/compiled-emails.json (committed). Run it after changing anything
 * under templates/emails/; `npm test` fails while the file is out of date.
 *
 *   npm run build:emails
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  compileEmails,
  COMPILED_EMAILS_PATH,
  formatCompiledEmails,
} from '../functions/adapters/render/mjml/compile-emails';

async function main() {
  const content = formatCompiledEmails(await compileEmails());
  const where = relative(process.cwd(), COMPILED_EMAILS_PATH);
  let before = '';
  try {
    before = readFileSync(COMPILED_EMAILS_PATH, 'utf8');
  } catch {
    // first build
  }
  if (before === content) {
    console.log(`${where} is up to date`);
    return;
  }
  writeFileSync(COMPILED_EMAILS_PATH, content);
  console.log(`wrote ${where} (${Buffer.byteLength(content)} bytes)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
