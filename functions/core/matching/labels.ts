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
