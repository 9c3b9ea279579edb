/**
 * The ranking and pair metrics of docs/BENCHMARKS.md §3. Ties are pessimistic for ranks (a
 * negative scoring equal to the true match ranks ahead of it) and count as half for AUC
 * (the Mann–Whitney statistic). NaN scores count as the lowest possible score.
 */

function clean(s: number): number {
  return Number.isNaN(s) ? -Infinity : s;
}

/** 1-based rank of the true match among itself and the negatives; ties rank the negative first. */
export function rankOfTrue(trueScore: number, negativeScores: readonly number[]): number {
  const t = clean(trueScore);
  let ahead = 0;
  for (const s of negativeScores) if (clean(s) >= t) ahead++;
  return ahead + 1;
}

/** Fraction of queries whose true match ranks K or better. */
export function recallAt(ranks: readonly number[], k: number): number {
  if (ranks.length === 0) return NaN;
  let hit = 0;
  for (const r of ranks) if (r <= k) hit++;
  return hit / ranks.length;
}

/** Mean reciprocal rank, counting 0 for ranks beyond `cutoff`. */
export function mrrAt(ranks: readonly number[], cutoff: number): number {
  if (ranks.length === 0) return NaN;
  let sum = 0;
  for (const r of ranks) if (r <= cutoff) sum += 1 / r;
  return sum / ranks.length;
}

/** Both sides' scores, labelled, highest first. */
function labelled(positive: readonly number[], negative: readonly number[]): { s: number; pos: boolean }[] {
  const all = [...positive.map((s) => ({ s: clean(s), pos: true })), ...negative.map((s) => ({ s: clean(s), pos: false }))];
  return all.sort((a, b) => (a.s > b.s ? -1 : a.s < b.s ? 1 : 0));
}

/**
 * Area under the ROC curve: the probability that a true pair outscores a false pair, ties counted
 * as half (Mann–Whitney U / (|pos|·|neg|), via mid-ranks). NaN when either side is empty.
 */
export function aucRoc(positive: readonly number[], negative: readonly number[]): number {
  const np = positive.length, nn = negative.length;
  if (np === 0 || nn === 0) return NaN;
  const all = labelled(positive, negative);
  all.reverse(); // ascending
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const midRank = (i + 1 + j) / 2; // mean of the 1-based ranks i+1 … j
    for (let k = i; k < j; k++) if (all[k]!.pos) rankSum += midRank;
    i = j;
  }
  return (rankSum - (np * (np + 1)) / 2) / (np * nn);
}

export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
}

/**
 * The ROC curve from (0,0) to (1,1), one point per distinct score threshold, highest first, so
 * tied scores give one diagonal step (whose area is exactly the half-credit of `aucRoc`).
 */
export function rocCurve(positive: readonly number[], negative: readonly number[]): RocPoint[] {
  const np = positive.length, nn = negative.length;
  if (np === 0 || nn === 0) return [];
  const all = labelled(positive, negative);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0, fp = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) { if (all[j]!.pos) tp++; else fp++; j++; }
    points.push({ fpr: fp / nn, tpr: tp / np });
    i = j;
  }
  return points;
}

/** Area under a piecewise-linear curve (trapezoids); for checking `rocCurve` against `aucRoc`. */
export function areaUnder(points: readonly RocPoint[]): number {
  let a = 0;
  for (let i = 1; i < points.length; i++) a += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  return a;
}
