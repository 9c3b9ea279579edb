import type { Ranked, Scorer } from '../features/method.js';

/** The population's best `k` for a query, through the scorer's index when it has one. */
export function rankAgainst<F>(scorer: Scorer<F>, query: F, population: readonly F[], k: number): Ranked[] {
  if (scorer.rank) return scorer.rank(query, k).filter((r) => r.score > 0);
  const all = population.map((t, index) => ({ index, score: scorer.score(query, t) }));
  all.sort((x, y) => y.score - x.score || x.index - y.index);
  return all.slice(0, k).filter((r) => r.score > 0);
}
