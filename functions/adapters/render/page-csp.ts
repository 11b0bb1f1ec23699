import { createHash } from 'node:crypto';

/**
 * Content-Security-Policy for the server-rendered pages. Their scripts and styles are inline, so the
 * policy allows exactly those blocks by SHA-256 hash: no 'unsafe-inline', no nonce, nothing from
 * another origin. The blocks are constant text (per-request data travels in data- attributes), so
 * the hashes are computed once, when the page renderer is built.
 */

export interface InlineBlocks {
  scripts: string[];
  styles: string[];
}

/** `<script>` / `<style>` elements without a src, and their raw text, as an HTML parser splits them. */
const INLINE_BLOCK = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1[\s/>]/gi;

/** The text of every inline `<script>` and `<style>` element of a page, in document order. */
export function inlineBlocks(html: string): InlineBlocks {
  const blocks: InlineBlocks = { scripts: [], styles: [] };
  for (const [, tag, attributes, text] of html.matchAll(INLINE_BLOCK)) {
    if (tag.toLowerCase() === 'script') {
      if (!/\ssrc\s*=/i.test(attributes)) blocks.scripts.push(text);
    } else blocks.styles.push(text);
  }
  return blocks;
}

/**
 * The CSP source expression for an inline block: SHA-256 of its UTF-8 text as the browser sees it
 * (the HTML parser turns CR LF and lone CR into LF before the browser hashes the text).
 */
export const cspHash = (text: string): string =>
  `'sha256-${createHash('sha256').update(text.replace(/\r\n?/g, '\n'), 'utf8').digest('base64')}'`;

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Throws when an inline script or style of a template source holds a template value or section:
 * its text, and so its hash, would change with the data. Only comments and partials that are
 * themselves constant may appear there.
 */
export function assertConstantInlineBlocks(
  sources: Record<string, string>,
  partials: Record<string, string>,
) {
  const constant = (text: string, where: string, depth = 0): void => {
    if (depth > 10) throw new Error(`${where}: partials nested too deep`);
    for (const [, tag] of text.matchAll(TAG)) {
      if (tag.startsWith('!')) continue;
      if (tag.startsWith('>')) {
        const name = tag.slice(1).trim();
        if (partials[name] !== undefined) constant(partials[name], `${where} > ${name}`, depth + 1);
        continue;
      }
      throw new Error(
        `${where}: {{${tag}}} inside an inline <script> or <style> would change its CSP hash; ` +
          'pass the value in a data- attribute instead',
      );
    }
  };
  for (const [name, source] of Object.entries(sources)) {
    const { scripts, styles } = inlineBlocks(source);
    for (const block of [...scripts, ...styles]) constant(block, name);
  }
}

export interface PageCspSources {
  scripts: Iterable<string>;
  styles: Iterable<string>;
}

/** The page policy: default deny, hashed inline scripts and styles, same-origin fetches and forms. */
export function buildPageContentSecurityPolicy({ scripts, styles }: PageCspSources): string {
  const hashes = (blocks: Iterable<string>) => [...new Set([...blocks].map(cspHash))].sort();
  const list = (sources: string[]) => (sources.length ? sources.join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${list(hashes(scripts))}`,
    `style-src ${list(hashes(styles))}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}
