/**
 * What a topic's label names. A module of its own so that the email's paper view can read labels without
 * loading the matcher.
 */

/** How a follow's label starts ("Org: NVIDIA", "Author: Jane Doe"). */
export const FOLLOW_LABELS = { organization: 'Org: ', author: 'Author: ' } as const;

/**
 * The names a topic label gives its subject: the label less a follow's prefix and less its bracketed
 * parts, then each bracketed part ("Mixture of experts (MoE)": "Mixture of experts", "MoE").
 */
export function topicNames(label: string): string[] {
  const prefix = Object.values(FOLLOW_LABELS).find((start) => label.startsWith(start));
  const name = prefix ? label.slice(prefix.length) : label;
  const inner = [...name.matchAll(/\(([^()]+)\)/g)].map((match) => match[1].trim());
  return [
    name
      .replace(/\([^()]*\)/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    ...inner,
  ];
}

/** Titles longer than this are cut at a word in a "like" reason. */
const LIKE_TITLE_CHARS = 90;

function shortTitle(title: string): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  if (clean.length <= LIKE_TITLE_CHARS) return clean;
  const space = clean.lastIndexOf(' ', LIKE_TITLE_CHARS - 1);
  return `${clean.slice(0, space > 0 ? space : LIKE_TITLE_CHARS - 1)}…`;
}

/** Whether a reason's label is a "like “…”" reason (likeLabel), not a topic the reader follows. */
export const isLikeLabel = (label: string): boolean => label.startsWith('like “');

/**
 * The reason of a paper that came in by similarity to one the reader liked ("like “…” you rated") or gave
 * as an example ("like “…”"): the one place these words are written.
 */
export function likeLabel(title: string, example: boolean): string {
  return example ? `like “${shortTitle(title)}”` : `like “${shortTitle(title)}” you rated`;
}
