import { createMatcher } from '../functions/core/matching';
import { tokenize, stem, STOP_WORDS } from '../functions/core/matching/analysis';
import { loadJudgments, loadPool, loadTopics } from './data';
const papers = loadPool();
const byId = new Map(papers.map((p) => [p.id, p]));
const matcher = createMatcher(papers);
const J = loadJudgments();
const splitArg = process.argv[2] ?? 'heldout-history';
let tot = 0, all = 0, some = 0, none = 0, titleSome = 0;
for (const t of loadTopics()) {
  const isHist = (t.note ?? '').length > 0 || t.split === 'heldout';
  if (splitArg === 'heldout-history' && !isHist) continue;
  const g = J[t.query];
  const inc = new Set(matcher.match({ kind: 'keyword', text: t.query }).map((h) => h.paperId));
  const qstems = [...new Set(tokenize(t.query).map((x) => x.stem ?? stem(x.text ?? '')).filter((s) => s && !STOP_WORDS.has(s)))];
  for (const [id, gr] of Object.entries(g)) {
    if (gr !== 2 || inc.has(id)) continue;
    const p = byId.get(id)!;
    const text = [p.title, p.abstract, p.aiSummary ?? "", p.aiKeywords.join(" ")].join(" ");
    const ps = new Set(tokenize(text).map((x: any) => x.stem));
    const ts = new Set(tokenize(p.title).map((x: any) => x.stem));
    const have = qstems.filter((s) => ps.has(s)).length;
    tot++;
    if (have === qstems.length) all++; else if (have > 0) some++; else none++;
    if (qstems.some((s) => ts.has(s))) titleSome++;
    if (process.argv.includes('-v')) console.log(`${t.query} | ${have}/${qstems.length} | ${p.title}`);
  }
}
console.log({ tot, all, some, none, titleSome });
