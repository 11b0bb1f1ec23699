/**
 * A very small logic-less templater for the MJML emails, the plain-text parts and the HTML pages.
 *
 *   {{path.to.value}}            a value; in 'html' mode strings are HTML-escaped (text and attributes)
 *   {{#if path}}…{{else}}…{{/if}} a section shown when the value is truthy (an empty array is falsy)
 *   {{#each path}}…{{/each}}     repeats for each item; names resolve on the item first, then outward;
 *                                {{this}} is the item, {{@number}} its 1-based position
 *   {{> name}}                   a partial, resolved when compiling
 *   {{! comment }}
 *
 * Only values wrapped by `trustedHtml()` bypass escaping. A block tag alone on its line removes the
 * line, so text templates keep clean line breaks. A missing value is an error, not an empty string,
 * so a typo in a template fails loudly in tests instead of shipping a blank.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Markup that is already safe (built from escaped parts); inserted as-is. */
export class TrustedHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const trustedHtml = (value: string): TrustedHtml => new TrustedHtml(value);

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

export type EscapeMode = 'html' | 'none';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string }
  | { kind: 'if'; path: string; then: Node[]; otherwise: Node[] }
  | { kind: 'each'; path: string; body: Node[] };

type Token = { kind: 'text'; text: string } | { kind: 'tag'; tag: string; line: number };

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const STANDALONE_TAGS = /^[#/!>]|^else$/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const index = match.index ?? 0;
    tokens.push({ kind: 'text', text: source.slice(last, index) });
    tokens.push({ kind: 'tag', tag: match[1], line: source.slice(0, index).split('\n').length });
    last = index + match[0].length;
  }
  tokens.push({ kind: 'text', text: source.slice(last) });

  // A block tag that is alone on its line takes the line (indentation and newline) with it.
  // Decide on the original text first, then trim, so neighbouring standalone tags see their real lines.
  const standalone: number[] = [];
  for (let i = 1; i < tokens.length; i += 2) {
    const tag = tokens[i] as { tag: string };
    if (!STANDALONE_TAGS.test(tag.tag)) continue;
    const before = (tokens[i - 1] as { text: string }).text;
    const after = (tokens[i + 1] as { text: string }).text;
    const lineStart = before.lastIndexOf('\n');
    const atLineStart = lineStart >= 0 || i === 1;
    const endsLine = /^[ \t]*(\r?\n)/.test(after) || (i + 1 === tokens.length - 1 && /^[ \t]*$/.test(after));
    if (atLineStart && /^[ \t]*$/.test(before.slice(lineStart + 1)) && endsLine) standalone.push(i);
  }
  for (const i of standalone) {
    const before = tokens[i - 1] as { text: string };
    const after = tokens[i + 1] as { text: string };
    before.text = before.text.replace(/[ \t]*$/, '');
    after.text = after.text.replace(/^[ \t]*(\r?\n)?/, '');
  }
  return tokens;
}

function parse(source: string, partials: Record<string, string>, name: string, depth = 0): Node[] {
  if (depth > 10) throw new TemplateError(`${name}: partials nested too deep`);
  const root: Node[] = [];
  const stack: { node: Node; open: string; line: number; inElse: boolean }[] = [];
  const current = (): Node[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    if (top.node.kind === 'if') return top.inElse ? top.node.otherwise : top.node.then;
    return (top.node as { body: Node[] }).body;
  };

  for (const token of tokenize(source)) {
    if (token.kind === 'text') {
      if (token.text) current().push({ kind: 'text', text: token.text });
      continue;
    }
    const { tag, line } = token;
    const where = `${name}:${line}`;
    if (tag.startsWith('!')) continue;
    if (tag.startsWith('>')) {
      const partialName = tag.slice(1).trim();
      const partial = partials[partialName];
      if (partial === undefined) throw new TemplateError(`${where}: unknown partial "${partialName}"`);
      current().push(...parse(partial, partials, partialName, depth + 1));
      continue;
    }
    const block = /^#(if|each)\s+(\S+)$/.exec(tag);
    if (block) {
      const node: Node =
        block[1] === 'if'
          ? { kind: 'if', path: block[2], then: [], otherwise: [] }
          : { kind: 'each', path: block[2], body: [] };
      current().push(node);
      stack.push({ node, open: block[1], line, inElse: false });
      continue;
    }
    if (tag === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.open !== 'if' || top.inElse)
        throw new TemplateError(`${where}: {{else}} outside {{#if}}`);
      top.inElse = true;
      continue;
    }
    const close = /^\/(if|each)$/.exec(tag);
    if (close) {
      const top = stack.pop();
      if (!top || top.open !== close[1]) throw new TemplateError(`${where}: unexpected {{/${close[1]}}}`);
      continue;
    }
    if (!/^(@number|this|[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*)$/.test(tag)) {
      throw new TemplateError(`${where}: cannot read tag {{${tag}}}`);
    }
    current().push({ kind: 'value', path: tag });
  }
  const open = stack.pop();
  if (open) throw new TemplateError(`${name}:${open.line}: {{#${open.open}}} is never closed`);
  return root;
}

type Scope = { data: unknown; number?: number; parent?: Scope };

function lookup(scope: Scope, path: string): unknown {
  if (path === 'this') return scope.data;
  if (path === '@number') {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.number !== undefined) return s.number;
    return undefined;
  }
  const [head, ...rest] = path.split('.');
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const data = s.data;
    if (data !== null && typeof data === 'object' && head in data) {
      return rest.reduce<unknown>(
        (value, key) =>
          value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
        (data as Record<string, unknown>)[head],
      );
    }
  }
  return undefined;
}

function renderNodes(nodes: Node[], scope: Scope, escape: EscapeMode, name: string, out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        break;
      case 'value': {
        const value = lookup(scope, node.path);
        if (value === undefined) throw new TemplateError(`${name}: no value for {{${node.path}}}`);
        if (value === null) break;
        if (value instanceof TrustedHtml) out.push(value.value);
        else if (typeof value === 'string') out.push(escape === 'html' ? escapeHtml(value) : value);
        else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
        else throw new TemplateError(`${name}: {{${node.path}}} is not text`);
        break;
      }
      case 'if': {
        const value = lookup(scope, node.path);
        const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
        renderNodes(truthy ? node.then : node.otherwise, scope, escape, name, out);
        break;
      }
      case 'each': {
        const items = lookup(scope, node.path);
        if (items === undefined || items === null) break;
        if (!Array.isArray(items)) throw new TemplateError(`${name}: {{#each ${node.path}}} is not a list`);
        items.forEach((item, index) =>
          renderNodes(node.body, { data: item, number: index + 1, parent: scope }, escape, name, out),
        );
        break;
      }
    }
  }
}

export type Template = (data: object) => string;

/** Parses a template once; the returned function renders it many times. */
export function compileTemplate(
  source: string,
  options: { name?: string; escape?: EscapeMode; partials?: Record<string, string> } = {},
): Template {
  const name = options.name ?? 'template';
  const escape = options.escape ?? 'html';
  const nodes = parse(source, options.partials ?? {}, name);
  return (data) => {
    const out: string[] = [];
    renderNodes(nodes, { data }, escape, name, out);
    return out.join('');
  };
}
