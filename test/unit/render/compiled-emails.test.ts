import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  compileEmails,
  COMPILED_EMAILS_PATH,
  formatCompiledEmails,
} from '../../../functions/adapters/render/mjml/compile-emails';
import { REPO_ROOT } from '../../support/paths';

describe('the committed compiled emails', () => {
  it('are what npm run build:emails makes of templates/emails today', async () => {
    const fresh = formatCompiledEmails(await compileEmails());
    const committed = readFileSync(COMPILED_EMAILS_PATH, 'utf8');

    if (committed !== fresh) {
      throw new Error(
        `${relative(REPO_ROOT, COMPILED_EMAILS_PATH)} is out of date with templates/emails: ` +
          'run npm run build:emails and commit the file',
      );
    }
  });

  describe('made from an edited copy of the templates', () => {
    let templatesDir: string;
    beforeEach(() => {
      templatesDir = mkdtempSync(join(tmpdir(), 'paperboy-templates-'));
      cpSync(join(REPO_ROOT, 'templates'), templatesDir, { recursive: true });
    });
    afterEach(() => rmSync(templatesDir, { recursive: true, force: true }));

    const edit = (file: string, from: string, to: string) => {
      const path = join(templatesDir, 'emails', file);
      const source = readFileSync(path, 'utf8');
      expect(source).toContain(from);
      writeFileSync(path, source.replace(from, to));
    };

    it('change with the card template, so that the check above catches an edit', async () => {
      edit('partials/paper-card.mjml', 'Project page', 'Project site');

      const compiled = await compileEmails({ templatesDir });

      expect(compiled.digest.htmlCard).toContain('>Project site</a>');
      expect(formatCompiledEmails(compiled)).not.toBe(readFileSync(COMPILED_EMAILS_PATH, 'utf8'));
    });

    it('refuse a card that reads a value of the digest, which a card rendered on its own cannot have', async () => {
      edit('partials/paper-card.mjml', '{{title}}</a>', '{{title}} ({{heading}})</a>');

      await expect(compileEmails({ templatesDir })).rejects.toThrow(
        /no value for {{heading}}.*only its paper's values/,
      );
    });
  });
});
