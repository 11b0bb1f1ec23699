import path from 'node:path';

/**
 * Where the repository's own copy of the real Daily Papers data lives (see data/README.md for its
 * provenance). The tests, the evaluation, the benchmark and the local stack's sample read it here,
 * never from a folder outside the repository.
 */
export const DATA_DIR = __dirname;
/** One Daily Papers API response per day, named YYYY-MM-DD.json. */
export const HF_DAYS_DIR = path.join(DATA_DIR, 'hf-daily-papers');
/** The 48 papers of the founding page, in the API's item shape. */
export const SEED_FILE = path.join(DATA_DIR, 'seed-daily-papers.json');
