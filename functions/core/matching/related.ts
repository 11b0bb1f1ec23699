/**
 * The built-in prior, part two: related terms for query expansion, written by hand (vocabulary/related.json,
 * whose `about` says how and what for). Unlike the lexicon (lexicon.ts), whose forms are equivalent and
 * rewritten to one form, these are ways to say about the same thing in other words. A reader's phrase is
 * expanded where it holds one of a group's `terms` (query.ts); `inPhrase` lets a one-word term be expanded
 * inside a longer phrase. Mined groups (mine-vocabulary.ts) have the same shape.
 */
import relatedFile from './vocabulary/related.json';

export interface RelatedGroup {
  terms: string[];
  related: string[];
  inPhrase?: boolean;
}

/** A hand-written list as its data file holds it: groups in sections, each with an optional note. */
export interface RelatedGroupsFile {
  about: string;
  sections: { name: string; about?: string; groups: (RelatedGroup & { about?: string })[] }[];
}

/** The groups of a data file, in order, without their notes. */
export function groupsOf(file: RelatedGroupsFile): RelatedGroup[] {
  return file.sections.flatMap((section) =>
    section.groups.map(({ terms, related, inPhrase }) =>
      inPhrase ? { terms, related, inPhrase } : { terms, related },
    ),
  );
}

export const RELATED: RelatedGroup[] = groupsOf(relatedFile as RelatedGroupsFile);
