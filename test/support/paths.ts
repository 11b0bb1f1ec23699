import path from 'node:path';

/** The shared data folder beside the repository (tests and benchmarks only; the product ships its own sample). */
export const SHARED_DATA = path.resolve(__dirname, '../../../shared/data');
export const HF_DAYS_DIR = path.join(SHARED_DATA, 'hf-daily-papers');
export const SEED_FILE = path.join(SHARED_DATA, 'seed-daily-papers.json');
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');
