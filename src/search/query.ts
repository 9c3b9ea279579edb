/**
 * `semblance index` and `semblance search`: binaries into the store, one function against it.
 */
import { IR_VERSION } from '../ir/ir.js';
import type { SimilarityMethod } from '../features/method.js';
import type { FunctionStore } from '../store/store.js';
import { SemblanceError } from '../util/errors.js';
import { buildProgram } from '../program/build.js';
import { analyseImage, analysable, openImage } from './analyse.js';
import { findFunction } from '../program/lookup.js';
import { rankAgainst } from './rank.js';

export type IndexOutcome =
  | { readonly file: string; readonly status: 'indexed'; readonly functions: number; readonly ms: number }
  | { readonly file: string; readonly status: 'unchanged' }
  | { readonly file: string; readonly status: 'error'; readonly error: string };

/** Indexes one file; a file already stored for this method and version is left as it is. */
export async function indexFile<F>(method: SimilarityMethod<F>, store: FunctionStore, file: string): Promise<IndexOutcome> {
  const t0 = performance.now();
  try {
    // The file is parsed and hashed once; its program is built only when it is not stored yet.
    const opened = openImage(file);
    const { sha256 } = opened;
    if (store.hasFile(sha256, method.name, method.version)) return { file, status: 'unchanged' };
    const a = await analyseImage(method, file, opened);
    const records = a.functions.map((f, i) => ({
      name: f.name, address: f.address, size: f.size, method: method.name, methodVersion: method.version, irVersion: IR_VERSION,
      features: method.encode(a.features[i]!),
    }));
    store.putFile({ path: file, sha256, arch: a.program.arch }, method.name, method.version, records);
    return { file, status: 'indexed', functions: records.length, ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof SemblanceError) return { file, status: 'error', error: e.message };
    throw e;
  }
}

export interface SearchResult {
  readonly file: string;
  readonly name: string;
  readonly address: number;
  readonly score: number;
  readonly evidence: unknown[];
}

export async function searchFunction<F>(method: SimilarityMethod<F>, store: FunctionStore, file: string, func: string, top: number):
  Promise<{ query: { file: string; name: string; address: number }; results: SearchResult[]; candidates: number }> {
  const program = await buildProgram(openImage(file).image);
  const f = findFunction(program, func);
  if (!analysable(program).includes(f)) throw new SemblanceError('no-such-function', `${file}: ${func} has no code to analyse`);
  const [q] = await method.analyse(program, [f]);
  const stored = store.functions(method.name, method.version);
  const population = stored.map((s) => method.decode(s.features));
  const scorer = method.scorer(population);
  const ranked = rankAgainst(scorer, q!, population, top);
  const results = ranked.map((r) => {
    const s = stored[r.index]!;
    return { file: s.file, name: s.name, address: s.address, score: r.score, evidence: method.explain ? method.explain(q!, population[r.index]!, 5) : [] };
  });
  return { query: { file, name: f.name, address: f.address }, results, candidates: stored.length };
}
