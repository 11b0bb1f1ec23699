import path from 'node:path';

export { DATA_DIR, HF_DAYS_DIR, SEED_FILE } from '../../data/paths';
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');
