/**
 * The one interface every similarity method implements (the syntactic baseline, BinGo, Trex and
 * the fused ranking), so `eval`, `diff`, `index` and `search` never know which method they run.
 *
 * A method sees a Program built from the (stripped) binary and the functions to analyse. It must
 * never read `FunctionInfo.name`/`aliases` of the analysed functions: names only label output.
 * Imported callee names (`CallSite.name` where `import` is true) may be features.
 */
import type { FunctionInfo, Program } from '../program/program.js';

export interface SimilarityMethod<F> {
  /** Short id used on the command line (`--method baseline`). */
  readonly name: string;
  /** Bumped whenever features change meaning; stored with every record, never compared across. */
  readonly version: string;
  /** Features of each listed function, in the same order. */
  analyse(program: Program, functions: readonly FunctionInfo[]): Promise<F[]>;
  /**
   * A scorer over a population of features (a database, an eval pool, the functions of a diff's
   * second binary). The population lets a method learn weights such as IDF; most ignore it.
   * Higher scores mean more similar.
   */
  scorer(population: readonly F[]): Scorer<F>;
  /** JSON-safe form for the store, and back. */
  encode(features: F): unknown;
  decode(json: unknown): F;
  /** Why `target` matches `query`: method-specific, JSON-safe, at most `limit` items. */
  explain?(query: F, target: F, limit: number): unknown[];
  /** Releases what the method holds (a solver's threads). */
  close?(): Promise<void>;
}

export interface Scorer<F> {
  score(query: F, target: F): number;
  /**
   * The population's best `k` for a query, best first (ties by index): methods with an index
   * (inverted lists, LSH) answer without scoring every member. Absent: callers score each.
   */
  rank?(query: F, k: number): Ranked[];
}

export interface Ranked {
  /** Position in the scorer's population. */
  readonly index: number;
  readonly score: number;
}
