import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

/**
 * The templates folder when none is configured: the repo's `templates/` (running from source), or a
 * `templates/` bundled beside the handler (Lambda, where the config normally passes TEMPLATES_DIR).
 * It is found by its `pages/`, the only part read at run time (emails are precompiled).
 */
export function defaultTemplatesDir(): string {
  const candidates = [resolve(__dirname, '../../../templates'), resolve(__dirname, 'templates')];
  return candidates.find((dir) => existsSync(join(dir, 'pages'))) ?? candidates[0];
}

export class TemplateNotFoundError extends Error {
  constructor(path: string, options?: { cause?: unknown }) {
    super(`template not found: ${path}`, options);
    this.name = 'TemplateNotFoundError';
  }
}

export function readTemplate(dir: string, file: string): string {
  const path = join(dir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TemplateNotFoundError(path, { cause: error });
  }
}

/** Every file of a partials folder, keyed by its name without extension ("head.mjml" → "head"). */
export function readPartials(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => !file.startsWith('.'))
      .map((file) => [basename(file, extname(file)), readFileSync(join(dir, file), 'utf8')]),
  );
}
