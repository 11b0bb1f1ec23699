import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDailyPapers } from '../../../functions/adapters/hf-papers/daily-papers-schema';
import { matchReaders, type ReaderQuery } from '../../../functions/core/matching/match-readers';
import { interestsOf, RATINGS } from '../../../functions/core/matching/reader-model';
import type { Paper } from '../../../functions/core/papers';
import { HF_DAYS_DIR } from '../../support/paths';

/**
 * Real papers of the Daily Papers data (data/hf-daily-papers/): a reader who gave a paper on game agents
 * as an example and liked two papers on diffusion language models, then receives the papers of
 * 2025-11-12 and 2025-11-13.
 */
const day = (date: string): Paper[] =>
  parseDailyPapers(JSON.parse(readFileSync(path.join(HF_DAYS_DIR, `${date}.json`), 'utf8')), date).papers;
const window = [...day('2025-11-12'), ...day('2025-11-13')];
const known = readdirSync(HF_DAYS_DIR)
  .filter((name) => name.endsWith('.json') && name < '2025-11-12')
  .flatMap((name) => day(name.slice(0, 10)));

const GAME_AGENTS = '2510.23691'; // Game-TARS: Pretrained Foundation Models for ... Game Agents
const FAST_DLLM = '2509.26328'; // Fast-dLLM v2: Efficient Block-Diffusion LLM
const DPARALLEL = '2509.26488'; // dParallel: Learnable Parallel Decoding for dLLMs
const LUMINE = '2511.08892'; // Lumine: An Open Recipe for Building Generalist Agents in 3D Open Worlds
const TIDAR = '2511.08923'; // TiDAR: Think in Diffusion, Talk in Autoregression

/** A reader with no words ("papers like these" and ratings only): the papers the model brings in, and why. */
const broughtIn = (reader: Omit<ReaderQuery, 'name' | 'keywords'>): Map<string, string> =>
  new Map(
    matchReaders(window, [{ name: 'reader', keywords: [], ...reader }], known)['reader'].map((match) => [
      match.id,
      match.why,
    ]),
  );

const LIKE_GAME_AGENTS = /^like “Game-TARS: .*”$/;
const LIKE_FAST_DLLM = /^like “Fast-dLLM v2: Efficient Block-Diffusion LLM” you rated$/;

describe('a reader with several interests', () => {
  it('gets a new paper like each area, as it does with either area alone', () => {
    expect(broughtIn({ examples: [GAME_AGENTS] }).get(LUMINE)).toMatch(LIKE_GAME_AGENTS);
    expect(broughtIn({ like: [FAST_DLLM, DPARALLEL] }).get(TIDAR)).toMatch(LIKE_FAST_DLLM);

    // Both areas at once: the centroid of the three papers is too far from Lumine; the game-agents
    // interest keeps it. Each reason names the closest liked or example paper.
    const both = broughtIn({ examples: [GAME_AGENTS], like: [FAST_DLLM, DPARALLEL] });
    expect(both.get(LUMINE)).toMatch(LIKE_GAME_AGENTS);
    expect(both.get(TIDAR)).toMatch(LIKE_FAST_DLLM);
  });

  it('loses the paper like the example with the centroid alone (the model before interests)', () => {
    const share = RATINGS.interestShare;
    RATINGS.interestShare = 0;
    try {
      const both = broughtIn({ examples: [GAME_AGENTS], like: [FAST_DLLM, DPARALLEL] });
      expect(both.has(LUMINE)).toBe(false);
      expect(both.get(TIDAR)).toMatch(LIKE_FAST_DLLM);
    } finally {
      RATINGS.interestShare = share;
    }
  });
});

describe('interestsOf', () => {
  const paper = (id: string, terms: Record<string, number>) => {
    const norm = Math.sqrt(Object.values(terms).reduce((sum, weight) => sum + weight * weight, 0));
    return {
      id,
      title: id,
      vector: new Map(Object.entries(terms).map(([term, weight]) => [term, weight / norm])),
    };
  };

  it('groups papers that share terms and keeps papers of another area apart', () => {
    const interests = interestsOf([
      paper('robot-1', { robot: 1, 'world model': 1 }),
      paper('agent-1', { agent: 1, memory: 1 }),
      paper('robot-2', { robot: 1, manipulation: 1 }),
      paper('agent-2', { agent: 1, game: 1 }),
    ]);
    expect(interests.map((interest) => interest.members)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // Each centroid's length: two unit vectors with a cosine of 1/2.
    expect(interests[0].norm).toBeCloseTo(Math.sqrt(3), 6);
  });

  it('opens at most RATINGS.maxInterests interests, then joins the closest one', () => {
    const papers = Array.from({ length: RATINGS.maxInterests + 2 }, (_, index) =>
      paper(`p${index}`, { [`term${index}`]: 1 }),
    );
    const interests = interestsOf(papers);
    expect(interests).toHaveLength(RATINGS.maxInterests);
    expect(interests.flatMap((interest) => interest.members).sort((a, b) => a - b)).toEqual(
      papers.map((_, index) => index),
    );
  });
});
