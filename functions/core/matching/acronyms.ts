/**
 * Finds acronym definitions in a text, "long form (ACRONYM)" and "ACRONYM (long form)", with the
 * Schwartz & Hearst (2003) algorithm: every letter of the acronym must appear, in order, in the long
 * form, and its first letter must start a word.
 */

export interface AcronymDefinition {
  /** As written, without a plural "s" ("MoE" for "MoEs"). */
  acronym: string;
  longForm: string;
}

const ACRONYM = /^(?=[\p{L}\d-]*\p{Lu}[\p{L}\d-]*\p{Lu}|[\p{Lu}][\p{Ll}]?\d)[\p{L}\d][\p{L}\d-]{0,11}$/u;

/** True for words written like acronyms: at least two capitals ("MoE", "RLHF", "3DGS", "ViT"). */
export function looksLikeAcronym(word: string): boolean {
  return ACRONYM.test(word) && word.length >= 2 && word.length <= 12;
}

function singular(acronym: string): string {
  return /[\p{Lu}\d]s$/u.test(acronym) ? acronym.slice(0, -1) : acronym;
}

/** The shortest tail of `candidate` that spells `acronym`, or undefined. */
export function bestLongForm(acronym: string, candidate: string): string | undefined {
  const short = acronym.toLowerCase();
  const long = candidate.toLowerCase();
  let s = short.length - 1;
  let l = long.length - 1;
  const isAlnum = (char: string | undefined): boolean => !!char && /[\p{L}\p{N}]/u.test(char);
  while (s >= 0) {
    const char = short[s];
    if (!isAlnum(char)) {
      s -= 1;
      continue;
    }
    while (l >= 0 && (long[l] !== char || (s === 0 && l > 0 && isAlnum(long[l - 1])))) l -= 1;
    if (l < 0) return undefined;
    l -= 1;
    s -= 1;
  }
  const start = long.lastIndexOf(' ', l) + 1;
  const result = candidate.slice(start).trim();
  return result.split(/\s+/).length >= 2 || result.includes('-') ? result : undefined;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** Every acronym definition in a text; the first definition of an acronym wins. */
export function findAcronymDefinitions(text: string): AcronymDefinition[] {
  const found = new Map<string, AcronymDefinition>();
  const add = (acronym: string, longForm: string | undefined): void => {
    if (!longForm) return;
    const key = acronym.toLowerCase();
    const cleaned = longForm.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (!found.has(key) && cleaned.toLowerCase() !== key) found.set(key, { acronym, longForm: cleaned });
  };
  for (const match of text.matchAll(/\(([^()]{1,80})\)/g)) {
    const inside = match[1].trim();
    const before = text.slice(Math.max(0, (match.index ?? 0) - 160), match.index ?? 0);
    // Only the text of the same clause can hold the long form.
    const clause = before.split(/[.;:!?()[\]]/).pop() ?? '';
    const firstInside = inside.split(/[,;]/)[0].trim();
    if (looksLikeAcronym(firstInside) && !firstInside.includes(' ')) {
      const acronym = singular(firstInside);
      const clauseWords = words(clause);
      const maxWords = Math.min(acronym.length + 5, acronym.length * 2);
      add(acronym, bestLongForm(acronym, clauseWords.slice(-maxWords).join(' ')));
      continue;
    }
    // "ACRONYM (long form)"
    const previous = words(clause).pop();
    if (previous && looksLikeAcronym(previous) && words(inside).length >= 2) {
      const acronym = singular(previous.replace(/[^\p{L}\p{N}-]/gu, ''));
      const long = bestLongForm(acronym, firstInside);
      if (long && long.length >= firstInside.length * 0.6) add(acronym, long);
    }
  }
  return [...found.values()];
}
