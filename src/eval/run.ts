/**
 * `semblance eval`: samples queries, true matches and negatives for each task (from the seed
 * alone, so every method sees the same pools), scores them with each method and computes the
 * metrics of docs/BENCHMARKS.md §3.
 */
import type { AnyMethod } from '../search/methods.js';
import { Rng } from '../util/random.js';
import { analyseCorpus, type AnalysedCorpus, type EvalFunction, type Progress } from './analyse.js';
import type { VariantManifest } from './corpus.js';
import type { LoadedCorpus } from './load.js';
import { aucRoc, mrrAt, rankOfTrue, recallAt } from './metrics.js';
import { variantsAllowed, type RankingTaskName, type Task } from './tasks.js';

export const DEFAULT_SEED = 20240601;

export interface EvalOptions {
  readonly tasks: readonly Task[];
  readonly methods: readonly AnyMethod[];
  readonly seed: number;
  /** Functions with fewer basic blocks (in the debug copy) take no part. */
  readonly minBlocks: number;
  /** At most this many queries per ranking task. */
  readonly maxQueries: number;
  /** Negatives per query (100: Marcelli et al.). */
  readonly pool: number;
  /** Negatives per query for the database-search setting (10,000). */
  readonly bigPool: number;
  readonly progress?: Progress;
}

export const DEFAULTS = { seed: DEFAULT_SEED, minBlocks: 5, maxQueries: 1000, pool: 100, bigPool: 10_000 } as const;

export interface Timings {
  /** Building this run's programs (shared by every method). */
  readonly buildSeconds: number;
  /** This method's `analyse` calls over the whole corpus. */
  readonly analyseSeconds: number;
  /** Scoring this task's pairs with this method. */
  readonly scoreSeconds: number;
}

export interface FunctionCounts {
  readonly groundTruth: number;
  readonly eligible: number;
  readonly seeded: number;
  readonly missing: number;
}

export interface RankingSummary {
  readonly kind: 'ranking';
  readonly task: RankingTaskName;
  readonly method: string;
  readonly methodVersion: string;
  readonly seed: number;
  readonly minBlocks: number;
  readonly queries: number;
  /** Negatives per query: the requested size, and the fewest and mean actually drawn. */
  readonly pool: { readonly size: number; readonly min: number; readonly mean: number };
  readonly recall1: number | null;
  readonly mrr10: number | null;
  /** Recall@K for K = 1, 2, …, 10 in the pool of `pool.size`. */
  readonly recallAtK: readonly (number | null)[];
  readonly auc: number | null;
  readonly aucPairs: { readonly positive: number; readonly negative: number };
  readonly recall1At10k: number | null;
  /** Why `recall1At10k` is null, when it is. */
  readonly recall1At10kSkipped?: string;
  readonly functions: FunctionCounts;
  readonly timings: Timings;
}

export interface BinarySummary {
  readonly kind: 'binary';
  readonly task: string;
  readonly method: string;
  readonly methodVersion: string;
  readonly seed: number;
  readonly minBlocks: number;
  /** Pairs of binaries (same project, compiler, architecture, binary name) compared. */
  readonly binaries: number;
  readonly queries: number;
  readonly precision1: number | null;
  readonly mrr10: number | null;
  /** Why there is nothing to measure, when `queries` is 0. */
  readonly skipped?: string;
  readonly functions: FunctionCounts;
  readonly timings: Timings;
}

export type Summary = RankingSummary | BinarySummary;

/** Per-query data behind a summary, for curves in the report (not printed as JSON). */
export interface Detail {
  readonly ranks: readonly number[];
  readonly positive: readonly number[];
  readonly negative: readonly number[];
}

export interface EvalResult {
  readonly summary: Summary;
  readonly detail: Detail;
}

export async function runEval(corpus: LoadedCorpus, options: EvalOptions): Promise<EvalResult[]> {
  const progress = options.progress ?? (() => {});
  const variants = variantsNeeded(corpus.variants, options.tasks);
  progress(`analysing ${variants.length} variants with ${options.methods.map((m) => m.name).join(', ')}`);
  const analysed = await analyseCorpus(corpus, variants, options.methods, options.minBlocks, progress);
  const { groundTruth, eligible, seeded, missing } = analysed.counts;
  const counts: FunctionCounts = { groundTruth, eligible, seeded, missing };
  const results: EvalResult[] = [];
  for (const task of options.tasks) {
    progress(`task ${task.name}: ${task.describe}`);
    if (task.kind === 'ranking') {
      const plan = planRanking(analysed.functions, task.name, options);
      options.methods.forEach((method, m) => {
        results.push(scoreRanking(plan, task.name, method, analysed, m, options, counts));
      });
    } else {
      const plan = planBinaries(analysed.functions, task.from, task.to);
      options.methods.forEach((method, m) => {
        results.push(scoreBinaries(plan, task.name, method, analysed, m, options, counts));
      });
    }
  }
  return results;
}

/** Whole-binary tasks need only their two optimisation levels; ranking tasks need everything. */
function variantsNeeded(all: readonly VariantManifest[], tasks: readonly Task[]): VariantManifest[] {
  if (tasks.some((t) => t.kind === 'ranking')) return [...all];
  const opts = new Set(tasks.flatMap((t) => (t.kind === 'binary' ? [t.from, t.to] : [])));
  return all.filter((v) => opts.has(v.opt));
}

// ---- ranking tasks (pools) ---------------------------------------------------------------

interface RankingQuery {
  readonly query: number;
  readonly match: number;
  readonly negatives: readonly number[];
  /** One of the negatives, the false pair for AUC. */
  readonly falsePair: number;
  /** 10,000 negatives, when the corpus has them for every query. */
  readonly bigNegatives?: readonly number[];
}

interface RankingPlan {
  readonly queries: readonly RankingQuery[];
  readonly bigSkipped?: string;
}

function planRanking(functions: readonly EvalFunction[], task: RankingTaskName, o: EvalOptions): RankingPlan {
  const rng = new Rng(o.seed, task);
  const byKey = new Map<string, EvalFunction[]>();
  for (const f of functions) {
    let l = byKey.get(f.key);
    if (!l) byKey.set(f.key, (l = []));
    l.push(f);
  }
  const variants = [...new Map(functions.map((f) => [f.variant.id, f.variant])).values()];
  const allowed = new Map<string, Set<string>>();
  for (const q of variants) allowed.set(q.id, new Set(variants.filter((c) => variantsAllowed(task, q, c)).map((c) => c.id)));
  // Candidates of a query variant: every function in the variants the task allows against it.
  const candidates = new Map<string, number[]>();
  const candidatesOf = (v: VariantManifest): number[] => {
    let c = candidates.get(v.id);
    if (!c) {
      const ok = allowed.get(v.id)!;
      candidates.set(v.id, (c = functions.filter((f) => ok.has(f.variant.id)).map((f) => f.id)));
    }
    return c;
  };
  // Every key with at least one (query, match) pair the task allows; one pair per chosen key.
  const pairsOf = (fs: readonly EvalFunction[]) =>
    fs.flatMap((q) => fs.filter((t) => allowed.get(q.variant.id)!.has(t.variant.id)).map((t) => [q, t] as const));
  const hasPair = (fs: readonly EvalFunction[]) => fs.some((q) => fs.some((t) => allowed.get(q.variant.id)!.has(t.variant.id)));
  const keys = [...byKey.keys()].filter((k) => hasPair(byKey.get(k)!)).sort();
  rng.shuffle(keys);
  const drafts = keys.slice(0, o.maxQueries).map((key) => {
    const same = byKey.get(key)!;
    const [q, t] = rng.pick(pairsOf(same));
    const pool = candidatesOf(q.variant);
    const ok = allowed.get(q.variant.id)!;
    // Functions of the query's own key among the candidates: never negatives.
    const excluded = same.filter((f) => ok.has(f.variant.id)).length;
    const negatives = sampleExcluding(rng, pool, o.pool, excluded, (id) => functions[id]!.key === key);
    return { key, pool, excluded, query: q.id, match: t.id, negatives, falsePair: negatives.length > 0 ? rng.pick(negatives) : -1 };
  });
  const queries: RankingQuery[] = drafts.map(({ query, match, negatives, falsePair }) => ({ query, match, negatives, falsePair }));
  if (queries.length === 0) return { queries, bigSkipped: 'no queries' };
  const fewest = Math.min(...drafts.map((d) => d.pool.length - d.excluded));
  if (fewest < o.bigPool) {
    return { queries, bigSkipped: `the corpus has only ${fewest} candidates for some query under ${task}; a pool of ${o.bigPool} needs ${o.bigPool}` };
  }
  return {
    queries: drafts.map((d, i) => ({
      ...queries[i]!,
      bigNegatives: sampleExcluding(rng, d.pool, o.bigPool, d.excluded, (id) => functions[id]!.key === d.key),
    })),
  };
}

/**
 * `k` distinct elements of `pool` for which `exclude` is false, uniformly at random (all of
 * them, in pool order, when there are no more than `k`). `excluded` counts the excluded ones.
 */
function sampleExcluding(rng: Rng, pool: readonly number[], k: number, excluded: number, exclude: (id: number) => boolean): number[] {
  if (pool.length - excluded <= k) return pool.filter((id) => !exclude(id));
  const taken = new Set<number>();
  const out: number[] = [];
  while (out.length < k) {
    const i = rng.below(pool.length);
    if (taken.has(i)) continue;
    taken.add(i);
    const id = pool[i]!;
    if (!exclude(id)) out.push(id);
  }
  return out;
}

function scoreRanking(plan: RankingPlan, task: RankingTaskName, method: AnyMethod, a: AnalysedCorpus, m: number, o: EvalOptions, functions: FunctionCounts): EvalResult {
  const features = a.features[m]!;
  const t0 = performance.now();
  const scorer = method.scorer(features);
  const score = (x: number, y: number) => scorer.score(features[x], features[y]);
  const ranks: number[] = [], positive: number[] = [], negative: number[] = [], bigRanks: number[] = [];
  for (const q of plan.queries) {
    const s = score(q.query, q.match);
    ranks.push(rankOfTrue(s, q.negatives.map((n) => score(q.query, n))));
    positive.push(s);
    if (q.falsePair >= 0) negative.push(score(q.query, q.falsePair));
    if (q.bigNegatives) bigRanks.push(rankOfTrue(s, q.bigNegatives.map((n) => score(q.query, n))));
  }
  const scoreSeconds = (performance.now() - t0) / 1000;
  const sizes = plan.queries.map((q) => q.negatives.length);
  // Balanced pairs: as many true pairs as false ones (a query without negatives adds neither).
  const balancedPositive = positive.filter((_, i) => plan.queries[i]!.falsePair >= 0);
  const summary: RankingSummary = {
    kind: 'ranking', task, method: method.name, methodVersion: method.version, seed: o.seed, minBlocks: o.minBlocks,
    queries: plan.queries.length,
    pool: { size: o.pool, min: sizes.length ? Math.min(...sizes) : 0, mean: round(sizes.reduce((x, y) => x + y, 0) / Math.max(1, sizes.length)) ?? 0 },
    recall1: round(recallAt(ranks, 1)),
    mrr10: round(mrrAt(ranks, 10)),
    recallAtK: Array.from({ length: 10 }, (_, k) => round(recallAt(ranks, k + 1))),
    auc: round(aucRoc(balancedPositive, negative)),
    aucPairs: { positive: balancedPositive.length, negative: negative.length },
    recall1At10k: plan.bigSkipped ? null : round(recallAt(bigRanks, 1)),
    ...(plan.bigSkipped ? { recall1At10kSkipped: plan.bigSkipped } : {}),
    functions,
    timings: timings(a, m, scoreSeconds),
  };
  return { summary, detail: { ranks, positive: balancedPositive, negative } };
}

// ---- whole-binary tasks (Precision@1, O2↔O3 and O0↔O3) ------------------------------------

interface BinaryPair {
  readonly queries: readonly { readonly query: number; readonly match: number }[];
  readonly candidates: readonly number[];
}

/** Each binary at `from` with the same binary (project, compiler, architecture) at `to`. */
function planBinaries(functions: readonly EvalFunction[], from: string, to: string): BinaryPair[] {
  const binaryKey = (f: EvalFunction) => [f.variant.project, f.variant.compiler, f.variant.arch, f.binary].join('\0');
  const groups = new Map<string, { from: EvalFunction[]; to: EvalFunction[] }>();
  for (const f of functions) {
    if (f.variant.opt !== from && f.variant.opt !== to) continue;
    const k = binaryKey(f);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { from: [], to: [] }));
    (f.variant.opt === from ? g.from : g.to).push(f);
  }
  const pairs: BinaryPair[] = [];
  for (const k of [...groups.keys()].sort()) {
    const g = groups.get(k)!;
    if (g.from.length === 0 || g.to.length === 0) continue;
    const target = new Map(g.to.map((f) => [f.key, f.id]));
    const queries = g.from.filter((f) => target.has(f.key)).map((f) => ({ query: f.id, match: target.get(f.key)! }));
    if (queries.length > 0) pairs.push({ queries, candidates: g.to.map((f) => f.id) });
  }
  return pairs;
}

function scoreBinaries(plan: BinaryPair[], task: string, method: AnyMethod, a: AnalysedCorpus, m: number, o: EvalOptions, functions: FunctionCounts): EvalResult {
  const features = a.features[m]!;
  const t0 = performance.now();
  const scorer = method.scorer(features);
  const ranks: number[] = [];
  for (const p of plan) {
    for (const q of p.queries) {
      const s = scorer.score(features[q.query], features[q.match]);
      ranks.push(rankOfTrue(s, p.candidates.filter((c) => c !== q.match).map((c) => scorer.score(features[q.query], features[c]))));
    }
  }
  const scoreSeconds = (performance.now() - t0) / 1000;
  const summary: BinarySummary = {
    kind: 'binary', task, method: method.name, methodVersion: method.version, seed: o.seed, minBlocks: o.minBlocks,
    binaries: plan.length, queries: ranks.length,
    precision1: round(recallAt(ranks, 1)),
    mrr10: round(mrrAt(ranks, 10)),
    ...(ranks.length === 0 ? { skipped: `no binary is in the corpus at both ${task.split('-').join(' and ')}` } : {}),
    functions,
    timings: timings(a, m, scoreSeconds),
  };
  return { summary, detail: { ranks, positive: [], negative: [] } };
}

function timings(a: AnalysedCorpus, m: number, scoreSeconds: number): Timings {
  return { buildSeconds: round(a.timings.buildSeconds, 3)!, analyseSeconds: round(a.timings.analyseSeconds[m]!, 3)!, scoreSeconds: round(scoreSeconds, 3)! };
}

/** Six decimals (three for seconds); NaN (nothing measured) becomes null. */
function round(x: number, digits = 6): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
