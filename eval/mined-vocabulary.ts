/**
 * Rebuilds functions/core/matching/vocabulary/mined.json: the vocabulary mined (mine-vocabulary.ts) from
 * every paper in data/ (eval/data.ts `loadPool`), which the digest planner reads until the ingest has
 * stored one of its own. Run after changing the miner, the analysis or the data:
 * `npx tsx eval/mined-vocabulary.ts`. test/unit/matching/mine-vocabulary.test.ts fails while it is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPool } from './data';
import { mineVocabulary } from '../functions/core/matching/mine-vocabulary';
import type { ShippedVocabularyFile } from '../functions/core/matching/shipped-vocabulary';

export const MINED_VOCABULARY_FILE = path.join(__dirname, '../functions/core/matching/vocabulary/mined.json');

export const MINED_VOCABULARY_ABOUT =
  'Related terms and acronyms mined (functions/core/matching/mine-vocabulary.ts) from the papers of data/ (data/README.md: 70 days of the Hugging Face Daily Papers API and the 48 founding papers): what the digest planner reads until the ingest has stored a vocabulary of its own. Built by `npx tsx eval/mined-vocabulary.ts`; do not edit by hand.';

/** The file's content for these papers (what the stale test compares with). */
export function minedVocabularyFile(): ShippedVocabularyFile {
  return { about: MINED_VOCABULARY_ABOUT, vocabulary: mineVocabulary(loadPool()) };
}

if (require.main === module) {
  const file = minedVocabularyFile();
  writeFileSync(MINED_VOCABULARY_FILE, `${JSON.stringify(file, null, 2)}\n`);
  console.log(
    `${file.vocabulary.papers} papers, ${file.vocabulary.groups.length} groups -> ${path.relative(process.cwd(), MINED_VOCABULARY_FILE)}`,
  );
}
