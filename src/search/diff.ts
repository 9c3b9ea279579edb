/**
 * `semblance diff A B`: every function of A with its best counterparts in B. Names label the
 * output only; the method compares features.
 */
import type { SimilarityMethod } from '../features/method.js';
import type { AnalysedBinary } from './analyse.js';
import { rankAgainst } from './rank.js';

export interface FunctionLabel { readonly name: string; readonly address: number }
export interface DiffMatch {
  readonly a: FunctionLabel;
  readonly b: FunctionLabel | null;
  readonly score: number;
  readonly candidates: readonly (FunctionLabel & { readonly score: number })[];
}

export function diffBinaries<F>(method: SimilarityMethod<F>, a: AnalysedBinary<F>, b: AnalysedBinary<F>, top: number): DiffMatch[] {
  const scorer = method.scorer(b.features);
  const label = (i: number): FunctionLabel => ({ name: b.functions[i]!.name, address: b.functions[i]!.address });
  return a.functions.map((f, i) => {
    const ranked = rankAgainst(scorer, a.features[i]!, b.features, top);
    const candidates = ranked.map((r) => ({ ...label(r.index), score: r.score }));
    const best = candidates[0];
    return { a: { name: f.name, address: f.address }, b: best ? { name: best.name, address: best.address } : null, score: best?.score ?? 0, candidates };
  });
}
