/**
 * Builds the judging pool of each evaluation topic from several methods, so no one matcher decides
 * what gets judged:
 *   1. all-words baseline: its top POOL_DEPTH,
 *   2. BM25 over title + abstract, no cut-off: its top POOL_DEPTH,
 *   3. our matcher: everything it includes, plus its best NEAR_MISSES below the threshold,
 *   4. a title / ai_keywords scan with each topic's hand-written `scan` patterns (topics.json), ranked by
 *      BM25 and cut at SCAN_DEPTH.
 * The pool only grows: ids already in eval/pool.json stay. Usage:
 *   tsx eval/pool.ts                  rebuild eval/pool.json
 *   tsx eval/pool.ts --only "q1|q2"   pool only these topics (the others' pools stay as they are)
 *   tsx eval/pool.ts --show "query"   print the pooled papers of a topic that are not judged yet
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { allWordsBaseline, bm25Baseline } from './baselines';
import { EVAL_DIR, loadJudgments, loadPool, loadTopics } from './data';
import { parseQuery } from '../functions/core/matching/query';
import { indexPaper, topicEvidence } from '../functions/core/matching/score';

const POOL_DEPTH = 20;
const MATCHER_CAP = 1000;
const NEAR_MISSES = 10;
const SCAN_DEPTH = 40;

const poolFile = path.join(EVAL_DIR, 'pool.json');

function main(): void {
  const papers = loadPool();
  const topics = loadTopics();
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  const showIndex = process.argv.indexOf('--show');
  const pool: Record<string, string[]> = existsSync(poolFile)
    ? JSON.parse(readFileSync(poolFile, 'utf8'))
    : {};
  if (showIndex >= 0) {
    const query = process.argv[showIndex + 1];
    const judged = loadJudgments()[query] ?? {};
    for (const id of pool[query] ?? []) {
      if (id in judged) continue;
      const paper = byId.get(id);
      if (!paper) continue;
      console.log(`### ${id} | ${paper.title}`);
      if (paper.aiKeywords.length) console.log(`KW: ${paper.aiKeywords.join('; ')}`);
      console.log(paper.abstract);
      console.log();
    }
    return;
  }
  const allWords = allWordsBaseline(papers);
  const bm25 = bm25Baseline(papers, 0);
  const index = papers.map(indexPaper);
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set(process.argv[onlyIndex + 1].split('|')) : undefined;
  for (const topic of topics) {
    if (only && !only.has(topic.query)) continue;
    const ids = new Set(pool[topic.query] ?? []);
    const sizeBefore = ids.size;
    const add = (list: string[]): void => list.forEach((id) => ids.add(id));
    add(
      allWords(topic.query)
        .slice(0, POOL_DEPTH)
        .map((ranked) => ranked.id),
    );
    const bm25Ranked = bm25(topic.query);
    add(bm25Ranked.slice(0, POOL_DEPTH).map((ranked) => ranked.id));
    const query = parseQuery(topic.query);
    const scored = index
      .map((paper) => ({
        id: paper.paper.id,
        score: topicEvidence(paper, query.include, query.exclude).score,
      }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const included = scored.filter((entry) => entry.score >= 1);
    add(included.slice(0, MATCHER_CAP).map((entry) => entry.id));
    add(scored.slice(included.length, included.length + NEAR_MISSES).map((entry) => entry.id));
    const patterns = topic.scan.map((pattern) => new RegExp(pattern, 'i'));
    const bm25Rank = new Map(bm25Ranked.map((ranked, rank) => [ranked.id, rank]));
    const scanned = papers
      .filter((paper) =>
        patterns.some((pattern) => pattern.test(`${paper.title} | ${paper.aiKeywords.join('; ')}`)),
      )
      .sort((a, b) => (bm25Rank.get(a.id) ?? 1e9) - (bm25Rank.get(b.id) ?? 1e9) || a.id.localeCompare(b.id));
    add(scanned.slice(0, SCAN_DEPTH).map((paper) => paper.id));
    pool[topic.query] = [...ids];
    console.log(
      `${topic.query.padEnd(32)} pool ${ids.size} (+${ids.size - sizeBefore}); matcher includes ${included.length}, scan hits ${scanned.length}`,
    );
  }
  writeFileSync(poolFile, `${JSON.stringify(pool, null, 1)}\n`);
}

main();
