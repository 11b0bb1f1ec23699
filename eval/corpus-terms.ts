/**
 * Rebuilds functions/core/matching/corpus-terms.json: the document frequencies of the paper vectors'
 * terms (paper-vectors.ts) over every paper in data/ (eval/data.ts `loadPool`), the corpus statistics the
 * reader model ships with. Run after changing the analysis or the data: `npx tsx eval/corpus-terms.ts`.
 * test/unit/matching/paper-vectors.test.ts fails while the shipped file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPool } from './data';
import { indexPaper } from '../functions/core/matching/score';
import { termStatsFile } from '../functions/core/matching/paper-vectors';

export const CORPUS_TERMS_FILE = path.join(__dirname, '../functions/core/matching/corpus-terms.json');

/** What the file says about itself. */
export const CORPUS_TERMS_ABOUT =
  'Document frequencies of the paper-vector terms (functions/core/matching/paper-vectors.ts) over the papers of data/ (data/README.md: 70 days of the Hugging Face Daily Papers API and the 48 founding papers). Built by `npx tsx eval/corpus-terms.ts`; terms of a single paper left out.';

if (require.main === module) {
  const papers = loadPool().map(indexPaper);
  const file = termStatsFile(papers, CORPUS_TERMS_ABOUT);
  writeFileSync(CORPUS_TERMS_FILE, `${JSON.stringify(file, null, 2)}\n`);
  console.log(
    `${papers.length} papers, ${file.df.split('\n').length - 1} terms -> ${path.relative(process.cwd(), CORPUS_TERMS_FILE)}`,
  );
}
