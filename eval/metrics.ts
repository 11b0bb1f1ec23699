/** Figures of one topic: precision of what a digest includes, recall of grade-2 papers, nDCG@10, F1. */
export interface Figures {
  included: number;
  precision: number;
  recall2: number;
  ndcg10: number;
  f1: number;
  unjudged: number;
}

/**
 * `ranked`: the papers a digest would include, best first. `grades`: the judged papers (unjudged count 0).
 * Precision counts grade ≥ 1 as right; an empty digest has precision 1 (it includes nothing wrong).
 * nDCG@10 uses gain 2^grade - 1 and the ideal order of all judged papers.
 */
export function figures(ranked: string[], grades: Record<string, number>): Figures {
  const grade = (id: string): number => grades[id] ?? 0;
  const relevant = ranked.filter((id) => grade(id) >= 1).length;
  const precision = ranked.length === 0 ? 1 : relevant / ranked.length;
  const grade2 = Object.keys(grades).filter((id) => grades[id] === 2);
  const found2 = ranked.filter((id) => grade(id) === 2).length;
  const recall2 = grade2.length === 0 ? 1 : found2 / grade2.length;
  const dcg = (gains: number[]): number =>
    gains.slice(0, 10).reduce((sum, gain, index) => sum + (2 ** gain - 1) / Math.log2(index + 2), 0);
  const ideal = dcg(
    Object.values(grades)
      .filter((value) => value > 0)
      .sort((a, b) => b - a),
  );
  const ndcg10 = ideal === 0 ? 1 : dcg(ranked.map(grade)) / ideal;
  const f1 = precision + recall2 === 0 ? 0 : (2 * precision * recall2) / (precision + recall2);
  const unjudged = ranked.filter((id) => !(id in grades)).length;
  return { included: ranked.length, precision, recall2, ndcg10, f1, unjudged };
}

export function average(rows: Figures[]): Figures {
  const mean = (pick: (row: Figures) => number): number =>
    rows.length === 0 ? 0 : rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
  return {
    included: mean((row) => row.included),
    precision: mean((row) => row.precision),
    recall2: mean((row) => row.recall2),
    ndcg10: mean((row) => row.ndcg10),
    f1: mean((row) => row.f1),
    unjudged: rows.reduce((sum, row) => sum + row.unjudged, 0),
  };
}
