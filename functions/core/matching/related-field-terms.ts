/**
 * Related terms for the whole field, written ahead of the evaluation rounds that measure them
 * (vocabulary/field-terms.json, whose `about` says by whom and how). Same shape and use as RELATED
 * (related.ts), with one difference (query.ts): a whole-phrase group here does not hide the one-word
 * substitutions inside the phrase.
 */
import fieldTermsFile from './vocabulary/field-terms.json';
import { groupsOf, type RelatedGroup, type RelatedGroupsFile } from './related';

/** Both writings (before rounds 28 and 29), in order. */
export const FIELD_RELATED: RelatedGroup[] = groupsOf(fieldTermsFile as RelatedGroupsFile);
