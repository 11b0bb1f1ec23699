/**
 * The vocabulary mined from the papers of data/ at build time (vocabulary/mined.json, rebuilt by
 * `npx tsx eval/mined-vocabulary.ts`; a unit test fails while it is stale): what the digest planner reads
 * until the ingest has stored one of its own, and what the live preview may fall back to.
 */
import minedFile from './vocabulary/mined.json';
import { VOCABULARY_VERSION, type MinedVocabulary } from './mine-vocabulary';

/** The shipped file: what it says about itself, and the vocabulary. */
export interface ShippedVocabularyFile {
  about: string;
  vocabulary: MinedVocabulary;
}

let shipped: MinedVocabulary | undefined;

/** The vocabulary shipped with the code (one object: the matcher caches its rules per object). */
export function shippedVocabulary(): MinedVocabulary {
  if (!shipped) {
    const { vocabulary } = minedFile as unknown as ShippedVocabularyFile;
    if (vocabulary?.version !== VOCABULARY_VERSION || !Array.isArray(vocabulary.groups))
      throw new Error(`vocabulary/mined.json: expected a vocabulary of version ${VOCABULARY_VERSION}`);
    shipped = vocabulary;
  }
  return shipped;
}
