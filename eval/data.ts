/**
 * Loads the evaluation pool: every paper of the repository's data/ folder, 70 days of the Daily
 * Papers API plus the 48 seed papers (data/README.md says where they come from).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HF_DAYS_DIR, SEED_FILE } from '../data/paths';
import { parseDailyPapers } from '../functions/adapters/hf-papers/daily-papers-schema';
import type { Paper } from '../functions/core/papers';
import type { Figures } from './metrics';

export class MissingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingDataError';
  }
}

/** Every paper once (a paper listed twice keeps its first, API-sourced record). */
export function loadPool(daysDir = HF_DAYS_DIR, seedFile = SEED_FILE): Paper[] {
  if (!existsSync(daysDir) || !existsSync(seedFile)) {
    throw new MissingDataError(`evaluation data not found: expected ${daysDir} and ${seedFile}`);
  }
  const papers = new Map<string, Paper>();
  const files = readdirSync(daysDir)
    .filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name))
    .sort();
  if (files.length === 0) throw new MissingDataError(`no YYYY-MM-DD.json files in ${daysDir}`);
  for (const name of files) {
    const raw = JSON.parse(readFileSync(path.join(daysDir, name), 'utf8'));
    for (const paper of parseDailyPapers(raw, name.slice(0, 10)).papers)
      if (!papers.has(paper.id)) papers.set(paper.id, paper);
  }
  const seed = JSON.parse(readFileSync(seedFile, 'utf8'));
  for (const paper of parseDailyPapers(seed).papers) if (!papers.has(paper.id)) papers.set(paper.id, paper);
  return [...papers.values()];
}

export interface EvalTopic {
  query: string;
  /** dev: used while building the matcher; heldout: never looked at while tuning. */
  split: 'dev' | 'heldout';
  /** What a paper must be about for grade 2 (the judging guide). */
  about: string;
  /** Extra title/keyword patterns scanned when pooling (regular expressions, case-insensitive). */
  scan: string[];
  /** History of the topic's split, when it changed. */
  note?: string;
}

export type Judgments = Record<string, Record<string, 0 | 1 | 2>>;

export const EVAL_DIR = __dirname;

export function loadTopics(): EvalTopic[] {
  return JSON.parse(readFileSync(path.join(EVAL_DIR, 'topics.json'), 'utf8')) as EvalTopic[];
}

/** Per summary row, the lowest figures the report accepts (floors.json). */
export interface Floors {
  cold: Record<string, Partial<Figures>>;
  afterRatings: Record<string, Partial<Figures>>;
}

export function loadFloors(): Floors {
  const floors = JSON.parse(readFileSync(path.join(EVAL_DIR, 'floors.json'), 'utf8')) as Partial<Floors>;
  return { cold: floors.cold ?? {}, afterRatings: floors.afterRatings ?? {} };
}

export function loadJudgments(): Judgments {
  const file = path.join(EVAL_DIR, 'judgments.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Judgments) : {};
}
