/**
 * Rewrites token streams so that equivalent forms meet: every form and acronym of a lexicon concept
 * becomes the concept's first form, and an acronym a paper defines ("mixture of experts (MoE)")
 * becomes its long form wherever that paper uses it.
 */
import { tokenize, type Token } from './analysis';
import { LEXICON } from './lexicon';
import type { AcronymDefinition } from './acronyms';

interface TrieNode {
  children: Map<string, TrieNode>;
  replacement?: Token[];
}

const newNode = (): TrieNode => ({ children: new Map() });

export class Rewriter {
  private readonly root: TrieNode = newNode();

  /** `from` stems, wherever they occur, become `to`. */
  add(from: string[], to: Token[]): void {
    if (from.length === 0) return;
    let node = this.root;
    for (const stem of from) {
      let child = node.children.get(stem);
      if (!child) {
        child = newNode();
        node.children.set(stem, child);
      }
      node = child;
    }
    node.replacement ??= to;
  }

  get isEmpty(): boolean {
    return this.root.children.size === 0;
  }

  has(stem: string): boolean {
    return this.root.children.has(stem);
  }

  /** The stems a rule can start with. */
  firstStems(): string[] {
    return [...this.root.children.keys()];
  }

  /** Longest match of a rule at `start`: its length and replacement. */
  longestAt(tokens: Token[], start: number): { length: number; replacement: Token[] } | undefined {
    let node: TrieNode | undefined = this.root;
    let best: { length: number; replacement: Token[] } | undefined;
    for (let index = start; index < tokens.length && node; index += 1) {
      node = node.children.get(tokens[index].stem);
      if (node?.replacement) best = { length: index - start + 1, replacement: node.replacement };
    }
    return best;
  }
}

/** Applies rewriters left to right, longest match first; the earlier rewriter wins a tie. */
export function rewrite(tokens: Token[], rewriters: Rewriter[]): Token[] {
  const active = rewriters.filter((rewriter) => !rewriter.isEmpty);
  if (active.length === 0) return tokens;
  const out: Token[] = [];
  let index = 0;
  while (index < tokens.length) {
    let best: { length: number; replacement: Token[] } | undefined;
    for (const rewriter of active) {
      const found = rewriter.longestAt(tokens, index);
      if (found && (!best || found.length > best.length)) best = found;
    }
    if (!best) {
      out.push(tokens[index]);
      index += 1;
      continue;
    }
    const surface = tokens
      .slice(index, index + best.length)
      .map((token) => token.surface)
      .join(' ');
    const group =
      best.replacement.length > 1
        ? best.replacement.filter((token) => !token.stop).map((token) => token.stem)
        : undefined;
    for (const token of best.replacement) {
      out.push(
        group
          ? { stem: token.stem, stop: token.stop, surface, group }
          : { stem: token.stem, stop: token.stop, surface },
      );
    }
    index += best.length;
  }
  return out;
}

const stemsOf = (text: string): string[] => tokenize(text).map((token) => token.stem);

function buildLexiconRewriter(): {
  rewriter: Rewriter;
  acronyms: Map<string, Token[]>;
  ambiguous: Map<string, Token[][]>;
} {
  const rewriter = new Rewriter();
  const acronyms = new Map<string, Token[]>();
  const ambiguous = new Map<string, Token[][]>();
  for (const concept of LEXICON) {
    const canonical = tokenize(concept.forms[0]);
    // The first form maps to itself, so a longest match never splits it ("3D Gaussian splatting").
    for (const form of concept.forms) rewriter.add(stemsOf(form), canonical);
    for (const acronym of concept.acronyms ?? []) {
      rewriter.add(stemsOf(acronym), canonical);
      acronyms.set(stemsOf(acronym).join(' '), canonical);
    }
    for (const acronym of concept.ambiguous ?? []) {
      const key = stemsOf(acronym).join(' ');
      ambiguous.set(key, [...(ambiguous.get(key) ?? []), canonical]);
    }
  }
  return { rewriter, acronyms, ambiguous };
}

const lexicon = buildLexiconRewriter();

/** The built-in vocabulary's rewriter (shared, read-only). */
export const lexiconRewriter: Rewriter = lexicon.rewriter;

/** Tokens of a text after the lexicon's rewrites. */
export function analyze(text: string, extra: Rewriter[] = []): Token[] {
  return rewrite(tokenize(text), [...extra, lexiconRewriter]);
}

/**
 * Rewriters for one paper's own acronym definitions. `text` reads the paper: each acronym becomes its
 * long form (itself rewritten by the lexicon, so a paper's "MoE" and the lexicon's "mixture of experts"
 * agree), and the paper's own wording of a lexicon acronym ("Graphic User Interfaces (GUIs)") becomes
 * the lexicon's form. `query` reads a reader's words against this paper: only the acronyms, so that
 * "TTS" means what this paper says it means.
 */
export function paperRewriters(definitions: AcronymDefinition[]): { text: Rewriter; query: Rewriter } {
  const text = new Rewriter();
  const query = new Rewriter();
  for (const { acronym, longForm } of definitions) {
    const from = stemsOf(acronym);
    if (from.length === 0) continue;
    const known = lexicon.acronyms.get(from.join(' '));
    if (known && sameReading(stemsOf(longForm), known)) {
      // The paper spells the lexicon's reading its own way ("Graphic User Interfaces (GUIs)"): read it as
      // the lexicon's form.
      const own = stemsOf(longForm);
      if (own.length >= 2) text.add(own, known);
      continue;
    }
    // Otherwise the paper's acronym is its own, even where the lexicon knows the letters ("attack success
    // rate (ASR)" is no speech recognition): the paper's definition wins inside the paper.
    const to = analyze(longForm);
    if (to.length < 2) continue;
    text.add(from, to);
    query.add(from, to);
  }
  return { text, query };
}

/**
 * A paper's long form reads the same as the lexicon's when it shares more than half of the lexicon form's
 * words ("graphic user interfaces" for "graphical user interface"; not "representation learning" for
 * "reinforcement learning").
 */
function sameReading(own: string[], known: Token[]): boolean {
  const content = known.filter((token) => !token.stop).map((token) => token.stem);
  const shared = content.filter((stem) => own.includes(stem)).length;
  return shared * 2 > content.length;
}

/** True when `stem` is an acronym the lexicon reads only where a paper defines it. */
export const isAmbiguousAcronym = (stem: string): boolean => lexicon.ambiguous.has(stem);

/** Names of model families a writer puts around the words of a topic ("self-improving LLM agents"). */
export const MODEL_NAME_TEXTS = [
  'large language model',
  'multimodal large language model',
  'vision language model',
  'language model',
];
const MODEL_NAMES = new Set(
  MODEL_NAME_TEXTS.map((text) =>
    analyze(text)
      .map((token) => token.stem)
      .join(' '),
  ),
);
const MODEL_NAME_GROUPS = new WeakMap<string[], boolean>();

/**
 * True when a rewritten form (a token's `group`) is a model family's name (LLM, MLLM, VLM, LM).
 * Memoized per group array: the matcher asks this for every paper token it compares.
 */
export function isModelName(group: string[] | undefined): boolean {
  if (!group) return false;
  let known = MODEL_NAME_GROUPS.get(group);
  if (known === undefined) {
    known = MODEL_NAMES.has(group.join(' '));
    MODEL_NAME_GROUPS.set(group, known);
  }
  return known;
}
