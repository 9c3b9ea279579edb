/**
 * The evaluation tasks of docs/BENCHMARKS.md §2–3: what may and must differ between a query's
 * variant and its true match's. Ranking tasks draw pools of candidates; whole-binary tasks
 * (`O2-O3`) rank every function of one binary against every function of another.
 */
import { SemblanceError } from '../util/errors.js';
import type { OptLevel, VariantManifest } from './corpus.js';

export type RankingTaskName = 'XO' | 'XC' | 'XA' | 'XA+XO' | 'XM';

export type Task =
  | { readonly kind: 'ranking'; readonly name: RankingTaskName; readonly describe: string }
  | { readonly kind: 'binary'; readonly name: string; readonly from: OptLevel; readonly to: OptLevel; readonly describe: string };

/** Which variant pairs a ranking task allows: `differ` must differ, the rest must be equal. */
const RANKING: Record<RankingTaskName, { readonly differ: readonly Axis[]; readonly free: readonly Axis[]; readonly describe: string }> = {
  XO: { differ: ['opt'], free: [], describe: 'optimisation differs; compiler and architecture the same' },
  XC: { differ: ['compiler', 'opt'], free: [], describe: 'compiler and optimisation differ; architecture the same' },
  XA: { differ: ['arch'], free: [], describe: 'architecture differs; compiler and optimisation the same' },
  'XA+XO': { differ: ['arch', 'opt'], free: [], describe: 'architecture and optimisation differ; compiler the same' },
  XM: { differ: [], free: ['arch', 'compiler', 'opt'], describe: 'anything may differ (another variant)' },
};

type Axis = 'arch' | 'compiler' | 'opt';
const AXES: readonly Axis[] = ['arch', 'compiler', 'opt'];
const OPTS: readonly OptLevel[] = ['O0', 'O1', 'O2', 'O3', 'Os'];

export const TASK_NAMES = [...Object.keys(RANKING), 'Oa-Ob (e.g. O2-O3, O0-O3)'];

export function parseTask(name: string): Task {
  const r = RANKING[name as RankingTaskName];
  if (r) return { kind: 'ranking', name: name as RankingTaskName, describe: r.describe };
  const m = /^(O[0-3s])-(O[0-3s])$/.exec(name);
  if (m && m[1] !== m[2] && OPTS.includes(m[1] as OptLevel) && OPTS.includes(m[2] as OptLevel)) {
    const from = m[1] as OptLevel, to = m[2] as OptLevel;
    return { kind: 'binary', name, from, to, describe: `Precision@1, every function of each ${from} binary against the same binary at ${to}` };
  }
  throw new SemblanceError('usage', `unknown task '${name}' (known: ${TASK_NAMES.join(', ')})`);
}

type VariantAxes = Pick<VariantManifest, 'project' | 'compiler' | 'arch' | 'opt'> & { readonly id: string };

/** Whether a query from variant `q` may be matched (or given negatives) from variant `c`. */
export function variantsAllowed(task: RankingTaskName, q: VariantAxes, c: VariantAxes): boolean {
  if (q.id === c.id) return false;
  const rule = RANKING[task];
  for (const axis of AXES) {
    const same = q[axis] === c[axis];
    if (rule.differ.includes(axis) ? same : !rule.free.includes(axis) && !same) return false;
  }
  return true;
}
