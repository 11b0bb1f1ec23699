import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, HF_DAYS_DIR, REPO_ROOT, SEED_FILE } from '../support/paths';

/** A clone from a public host has nothing beside it: what the project reads must be inside it. */
describe('the repository stands alone', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);

  it('keeps the real data its tests, evaluation and benchmark read, tracked by git', () => {
    for (const location of [DATA_DIR, HF_DAYS_DIR, SEED_FILE])
      expect(path.relative(REPO_ROOT, location).startsWith('..')).toBe(false);
    const days = tracked.filter((file) => /^data\/hf-daily-papers\/\d{4}-\d{2}-\d{2}\.json$/.test(file));
    expect(days.length).toBeGreaterThanOrEqual(70);
    expect(tracked).toContain(path.relative(REPO_ROOT, SEED_FILE));
    expect(tracked).toContain('data/README.md');
  });

  it('names no folder beside the repository in any tracked file', () => {
    // The sibling folder of the workspace this project was started in, or its data folder.
    const outside = new RegExp(String.raw`\.\.[\\/]shared|shared[\\/]data`);
    const self = path.relative(REPO_ROOT, __filename);
    const offenders = tracked
      .filter((file) => file !== self && !file.startsWith('data/') && existsSync(path.join(REPO_ROOT, file)))
      .filter((file) => outside.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
