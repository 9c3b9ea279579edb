/**
 * `baseline`: the syntactic baseline of docs/BENCHMARKS.md §5. A function is a bag of hashed
 * tokens (./tokens.ts); two bags compare by IDF-weighted Jaccard similarity
 * Σ min(wa, wb) / Σ max(wa, wb), where a token's weight is its count times its inverse document
 * frequency in the scorer's population (rare tokens, such as an unusual import, weigh more).
 */
import type { FunctionInfo, Program } from '../../program/program.js';
import { SemblanceError } from '../../util/errors.js';
import { fnv1a32 } from '../../util/hash.js';
import type { Scorer, SimilarityMethod } from '../method.js';
import { functionTokens } from './tokens.js';

export interface BaselineFeatures {
  /** Token hashes, sorted ascending, distinct. */
  readonly hashes: Uint32Array;
  /** How often each token occurs, parallel to `hashes`. */
  readonly counts: Uint32Array;
}

const VERSION = '1';

export function baselineFeatures(f: FunctionInfo): BaselineFeatures {
  const bag = new Map<number, number>();
  for (const t of functionTokens(f)) {
    const h = fnv1a32(t);
    bag.set(h, (bag.get(h) ?? 0) + 1);
  }
  const hashes = Uint32Array.from(bag.keys()).sort();
  const counts = new Uint32Array(hashes.length);
  hashes.forEach((h, i) => { counts[i] = bag.get(h)!; });
  return { hashes, counts };
}

class WeightedJaccard implements Scorer<BaselineFeatures> {
  private readonly idf = new Map<number, number>();
  private readonly defaultIdf: number;
  private readonly weighted = new WeakMap<BaselineFeatures, { w: Float64Array; total: number }>();

  constructor(population: readonly BaselineFeatures[]) {
    const df = new Map<number, number>();
    for (const p of population) for (const h of p.hashes) df.set(h, (df.get(h) ?? 0) + 1);
    const n = population.length;
    for (const [h, d] of df) this.idf.set(h, Math.log((n + 1) / (d + 1)) + 1);
    this.defaultIdf = Math.log(n + 1) + 1;
  }

  private weights(f: BaselineFeatures): { w: Float64Array; total: number } {
    let r = this.weighted.get(f);
    if (!r) {
      const w = new Float64Array(f.hashes.length);
      let total = 0;
      for (let i = 0; i < w.length; i++) {
        w[i] = f.counts[i]! * (this.idf.get(f.hashes[i]!) ?? this.defaultIdf);
        total += w[i]!;
      }
      r = { w, total };
      this.weighted.set(f, r);
    }
    return r;
  }

  score(query: BaselineFeatures, target: BaselineFeatures): number {
    const a = this.weights(query), b = this.weights(target);
    const ha = query.hashes, hb = target.hashes;
    let i = 0, j = 0, shared = 0;
    while (i < ha.length && j < hb.length) {
      const x = ha[i]!, y = hb[j]!;
      if (x === y) { shared += Math.min(a.w[i]!, b.w[j]!); i++; j++; } else if (x < y) i++; else j++;
    }
    const union = a.total + b.total - shared;
    return union > 0 ? shared / union : 1;
  }
}

export const baseline: SimilarityMethod<BaselineFeatures> = {
  name: 'baseline',
  version: VERSION,
  async analyse(_program: Program, functions: readonly FunctionInfo[]): Promise<BaselineFeatures[]> {
    return functions.map(baselineFeatures);
  },
  scorer(population) {
    return new WeightedJaccard(population);
  },
  encode(f) {
    return { version: VERSION, hashes: [...f.hashes], counts: [...f.counts] };
  },
  decode(json) {
    const j = json as { version?: unknown; hashes?: unknown; counts?: unknown } | null;
    if (!j || j.version !== VERSION || !Array.isArray(j.hashes) || !Array.isArray(j.counts) || j.hashes.length !== j.counts.length) {
      throw new SemblanceError('corrupt', `baseline features: not version ${VERSION} baseline features`);
    }
    return { hashes: Uint32Array.from(j.hashes as number[]), counts: Uint32Array.from(j.counts as number[]) };
  },
};
