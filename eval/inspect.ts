/**
 * Debugging aid for DEV topics only: `tsx eval/inspect.ts "query"` prints what the matcher includes
 * (grade, relevance, title) and the grade-2 papers it misses. Refuses held-out topics, so tuning never
 * looks at their papers.
 */
import { createMatcher } from '../functions/core/matching';
import { loadJudgments, loadPool, loadTopics } from './data';

function main(): void {
  const query = process.argv[2];
  const topic = loadTopics().find((entry) => entry.query === query);
  if (!topic || topic.split !== 'dev') {
    console.error('inspect.ts looks at dev topics only');
    process.exit(1);
  }
  const papers = loadPool();
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  const grades = loadJudgments()[query] ?? {};
  const hits = createMatcher(papers).match({ kind: 'keyword', text: query });
  const included = new Set(hits.map((hit) => hit.paperId));
  for (const hit of hits) {
    const grade = grades[hit.paperId];
    console.log(`${grade ?? '?'} ${hit.relevance.toFixed(2)} ${hit.paperId} ${byId.get(hit.paperId)?.title}`);
  }
  console.log('-- grade-2 missed');
  for (const [id, grade] of Object.entries(grades))
    if (grade === 2 && !included.has(id)) console.log(`2 ${id} ${byId.get(id)?.title}`);
}

main();
