/**
 * BinGo as a SimilarityMethod (SEEDS.md §2): a function's model is the set of its partial
 * traces' I/O signatures, with selectively inlined callees' signatures added; similarity is
 * Jaccard containment |Q ∩ T| / |Q|, optionally IDF-weighted over the population.
 */
import type { Lifter } from '../../arch/spec.js';
import { PathSolver } from '../../exec/solver.js';
import type { FunctionInfo, Program } from '../../program/program.js';
import type { Ranked, Scorer, SimilarityMethod } from '../method.js';
import type { IoSample, TraceVerdict } from './samples.js';
import { signTrace } from './samples.js';
import type { PartialTrace, TraceOptions } from './traces.js';
import { DEFAULT_TRACE_OPTIONS, TraceExecutor, enumeratePaths } from './traces.js';

/** Why a signature is in a model: the trace that produced it, and a few of its samples. */
export interface SignatureEvidence {
  readonly blocks: readonly number[];
  readonly where: string;
  readonly samples: readonly IoSample[];
  /** Set when the signature comes from an inlined callee (its address). */
  readonly inlinedFrom?: number;
}

export interface TraceCounts {
  traces: number;
  kept: number;
  /** Dropped: half or more compiler-made code. */
  noise: number;
  /** Dropped: the solver proved the path impossible. */
  infeasible: number;
  /** Not executable: unsupported instruction, or no decision reaches the path's next block. */
  failed: number;
  /** Traces whose samples came from Z3. */
  solved: number;
  /** Traces whose samples came from propagation (exec/satisfy.ts), without Z3. */
  satisfied: number;
}

export interface BingoModel {
  /** Sorted, unique 52-bit signature hashes (own and inlined). */
  readonly sigs: readonly number[];
  readonly evidence: ReadonlyMap<number, SignatureEvidence>;
  readonly counts: TraceCounts;
  /** Callees (addresses) whose signatures were inlined. */
  readonly inlined: readonly number[];
}

/** A signature's evidence as stored: hash, blocks, where, samples (inputs then output), inlined-from address. */
type EncodedEvidence = [number, number[], string, number[][], number | null];

export interface BingoOptions {
  readonly idf: boolean;
  readonly inline: boolean;
  readonly traces: TraceOptions;
  /** Largest callee (in blocks) that is inlined. */
  readonly maxInlineBlocks: number;
  /** Most Z3 questions per function (answered by Z3 or from its cache; constraints propagation satisfies ask none). */
  readonly solverBudget: number;
}

export const DEFAULT_BINGO: BingoOptions = { idf: false, inline: true, traces: DEFAULT_TRACE_OPTIONS, maxInlineBlocks: 30, solverBudget: 2 };

/** Calls after which control does not come back: a callee mostly calling these is an error path. */
const TERMINATION = new Set(['exit', '_exit', '_Exit', 'abort', '__stack_chk_fail', '__assert_fail', '__assert', 'err', 'errx',
  'verr', 'verrx', '__fortify_fail', '__chk_fail', 'longjmp', 'siglongjmp', 'pthread_exit', 'quick_exit', 'error']);

/**
 * bingo-2: constrained samples seeded by propagation or a history-free Z3; a function whose every
 * trace is compiler code keeps them; outputs that are a field's value name the field (signatures changed).
 */
export const BINGO_VERSION = 'bingo-2';

interface Own { sigs: Map<number, SignatureEvidence>; counts: TraceCounts }

const OWN_MODELS = new WeakMap<Program, Map<string, Promise<Own>>>();
const featureKey = (o: BingoOptions) => `${o.traces.k}/${o.traces.maxTraces}/${o.solverBudget}`;

/** Time spent analysing, and how much of it in Z3 (the benchmark reports the share). */
export interface BingoTimings { analyseMs: number; solverMs: number; solverAsked: number; solverQueries: number; solverCacheHits: number }

export class BingoMethod implements SimilarityMethod<BingoModel> {
  readonly name: string;
  readonly version = BINGO_VERSION;
  private readonly solver = new PathSolver();
  private analyseMs = 0;

  constructor(readonly options: BingoOptions = DEFAULT_BINGO) {
    this.name = options.idf ? 'bingo-idf' : 'bingo';
  }

  async analyse(program: Program, functions: readonly FunctionInfo[]): Promise<BingoModel[]> {
    const t0 = performance.now();
    const lifter = program.spec.createLifter(program.arch);
    // Shared by every BinGo instance with the same feature options (bingo and bingo-idf differ
    // only in scoring), for as long as the program lives.
    let perProgram = OWN_MODELS.get(program);
    if (!perProgram) OWN_MODELS.set(program, perProgram = new Map());
    const own = perProgram;
    const fkey = featureKey(this.options);
    // Calling ownModel executes the function's traces and asks its solver questions at once; the
    // promise is kept, so a model is started once, in the order models are first needed.
    const ownOf = (f: FunctionInfo): Promise<Own> => {
      const key = `${fkey}@${f.address}`;
      let o = own.get(key);
      if (!o) {
        own.set(key, o = this.ownModel(program, lifter, f));
        // Not kept when it fails; awaited later by whoever needs it (a failure then reaches them).
        o.catch(() => own.delete(key));
      }
      return o;
    };
    const graph = this.options.inline ? callGraph(program) : undefined;
    const targets = functions.map((f) => (graph ? inlineTargets(f, graph, this.options.maxInlineBlocks) : []));
    const start = (i: number) => { if (i < functions.length) { ownOf(functions[i]!); for (const g of targets[i]!) ownOf(g); } };
    const out: BingoModel[] = [];
    // One function ahead: its traces execute while Z3 answers the questions of the one before.
    // Models start in the same order as one at a time, so Z3 is asked the same questions in the same order.
    start(0);
    for (let i = 0; i < functions.length; i++) {
      await this.solver.working();
      start(i + 1);
      const mine = await ownOf(functions[i]!);
      const sigs = new Map(mine.sigs);
      const inlined: number[] = [];
      if (graph) {
        for (const g of targets[i]!) {
          inlined.push(g.address);
          for (const [h, e] of (await ownOf(g)).sigs) if (!sigs.has(h)) sigs.set(h, { ...e, inlinedFrom: g.address });
        }
      }
      out.push({ sigs: [...sigs.keys()].sort((a, b) => a - b), evidence: sigs, counts: mine.counts, inlined });
    }
    this.analyseMs += performance.now() - t0;
    return out;
  }

  private async ownModel(program: Program, lifter: Lifter, f: FunctionInfo): Promise<Own> {
    const counts: TraceCounts = { traces: 0, kept: 0, noise: 0, infeasible: 0, failed: 0, solved: 0, satisfied: 0 };
    const sigs = new Map<number, SignatureEvidence>();
    const ex = new TraceExecutor(program, lifter, f);
    const askedBefore = this.solver.stats.asked;
    // Traces are executed and signed in path order without waiting for Z3 (its questions are
    // answered once this returns its promise, while the caller goes on). Results are taken in path order.
    const pending: { path: readonly number[]; verdict: Promise<{ ok: true; v: TraceVerdict } | { ok: false; e: unknown }> }[] = [];
    const sign = (path: readonly number[], trace: PartialTrace) => {
      // Z3 answers in milliseconds, not microseconds: a per-function budget keeps it from dominating.
      // Questions count when asked, cached or not, so features never depend on analysis order:
      // signTrace asks (only where propagation finds no model) before it first waits, so the count
      // here is this function's own, whatever other functions' traces are pending.
      const budgetLeft = this.solver.stats.asked - askedBefore < this.options.solverBudget;
      const verdict = signTrace(trace, budgetLeft ? this.solver : undefined).then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
      pending.push({ path, verdict });
    };
    const noisy: [readonly number[], PartialTrace][] = [];
    for (const path of enumeratePaths(f, this.options.traces)) {
      counts.traces++;
      let trace;
      try { trace = ex.run(path); } catch { trace = undefined; }
      if (!trace) { counts.failed++; continue; }
      if (trace.instructions > 0 && trace.noise * 2 >= trace.instructions) { counts.noise++; noisy.push([path, trace]); continue; }
      sign(path, trace);
    }
    // A tiny function can be mostly prologue and return (`endbr64; movzx eax, byte [rdi]; ret`):
    // pruning every trace would leave it nothing to be found by, so then its traces are all kept.
    if (pending.length === 0 && noisy.length > 0) {
      counts.noise = 0;
      for (const [path, trace] of noisy) sign(path, trace);
    }
    for (const { path, verdict: promised } of pending) {
      const r = await promised;
      if (!r.ok) throw r.e;
      const verdict = r.v;
      if (verdict.status === 'infeasible') { counts.infeasible++; continue; }
      counts.kept++;
      if (verdict.source === 'solver') counts.solved++;
      else if (verdict.source === 'satisfied') counts.satisfied++;
      for (const s of verdict.signatures) if (!sigs.has(s.hash)) sigs.set(s.hash, { blocks: path, where: s.where, samples: s.samples });
    }
    return { sigs, counts };
  }

  scorer(population: readonly BingoModel[]): Scorer<BingoModel> {
    const weight = this.options.idf ? idfWeights(population) : undefined;
    const index = new Map<number, number[]>();
    population.forEach((m, i) => { for (const h of m.sigs) { let l = index.get(h); if (!l) index.set(h, l = []); l.push(i); } });
    const w = (h: number) => (weight ? weight(h) : 1);
    const sizes = population.map((m) => m.sigs.reduce((n, h) => n + w(h), 0));
    return {
      score: (q, t) => containment(q.sigs, t.sigs, w),
      rank: (q, k) => {
        // An inverted index over the population: only functions sharing a signature score above 0.
        let total = 0;
        const acc = new Map<number, number>();
        for (const h of q.sigs) {
          const wh = w(h);
          total += wh;
          for (const i of index.get(h) ?? []) acc.set(i, (acc.get(i) ?? 0) + wh);
        }
        // Containment ties (a caller that inlined the query contains it too) go to the closer
        // set: the higher Jaccard similarity |Q ∩ T| / |Q ∪ T|.
        const ranked = [...acc].map(([i, s]) => ({ index: i, score: total > 0 ? s / total : 0, jaccard: s / (total + sizes[i]! - s) }));
        ranked.sort((a, b) => b.score - a.score || b.jaccard - a.jaccard || a.index - b.index);
        return ranked.slice(0, k).map(({ index, score }): Ranked => ({ index, score }));
      },
    };
  }

  /**
   * Evidence is stored as one JSON string inside the record: `search` decodes every stored
   * model to rank them but reads the evidence of only the best few, so it is parsed on first use
   * (thousands of small arrays per record made decoding a database mostly garbage collection).
   */
  encode(m: BingoModel): unknown {
    const evidence = [...m.evidence].map(([h, e]) => [h, e.blocks, e.where, e.samples.map((s) => [...s.inputs, s.output]), e.inlinedFrom ?? null]);
    return { sigs: m.sigs, counts: m.counts, inlined: m.inlined, evidence: JSON.stringify(evidence) };
  }

  decode(json: unknown): BingoModel {
    const j = json as { sigs: number[]; counts: TraceCounts; inlined: number[]; evidence: string | EncodedEvidence[] };
    let evidence: Map<number, SignatureEvidence> | undefined;
    const entries = () => (typeof j.evidence === 'string' ? JSON.parse(j.evidence) as EncodedEvidence[] : j.evidence);
    return {
      sigs: j.sigs, counts: j.counts, inlined: j.inlined,
      get evidence() {
        return evidence ??= new Map<number, SignatureEvidence>(entries().map(([h, blocks, where, samples, from]) => [h, {
          blocks, where, samples: samples.map((x) => ({ inputs: x.slice(0, -1), output: x[x.length - 1]! })), ...(from !== null ? { inlinedFrom: from } : {}),
        }]));
      },
    };
  }

  explain(q: BingoModel, t: BingoModel, limit: number): unknown[] {
    const hex = (a: number) => '0x' + a.toString(16);
    const out: unknown[] = [];
    for (const h of q.sigs) {
      if (out.length >= limit) break;
      const te = t.evidence.get(h);
      const qe = q.evidence.get(h);
      if (!te || !qe) continue;
      out.push({
        signature: h.toString(16).padStart(13, '0'),
        query: { trace: qe.blocks.map(hex), output: qe.where, ...(qe.inlinedFrom !== undefined ? { inlinedFrom: hex(qe.inlinedFrom) } : {}) },
        target: { trace: te.blocks.map(hex), output: te.where, ...(te.inlinedFrom !== undefined ? { inlinedFrom: hex(te.inlinedFrom) } : {}) },
        samples: qe.samples,
      });
    }
    return out;
  }

  get timings(): BingoTimings {
    const z = this.solver.stats;
    return { analyseMs: this.analyseMs, solverMs: z.ms, solverAsked: z.asked, solverQueries: z.queries, solverCacheHits: z.cacheHits };
  }

  /** Time Z3 took to start (once per process), included in `timings.solverMs`. */
  get solverInitMs(): number { return this.solver.stats.initMs; }

  async close(): Promise<void> { await this.solver.close(); }
}

/** |Q ∩ T| / |Q| over sorted signature lists, each signature weighted. */
export function containment(q: readonly number[], t: readonly number[], w: (h: number) => number = () => 1): number {
  let i = 0, j = 0, shared = 0, total = 0;
  while (i < q.length) {
    const a = q[i]!;
    total += w(a);
    while (j < t.length && t[j]! < a) j++;
    if (j < t.length && t[j] === a) shared += w(a);
    i++;
  }
  return total > 0 ? shared / total : 0;
}

/** Inverse document frequency over a population: rare signatures say more than common ones. */
export function idfWeights(population: readonly BingoModel[]): (h: number) => number {
  const df = new Map<number, number>();
  for (const m of population) for (const h of m.sigs) df.set(h, (df.get(h) ?? 0) + 1);
  const n = population.length;
  return (h) => Math.log((n + 1) / ((df.get(h) ?? 0) + 1)) + 0.01;
}

interface CallGraph {
  readonly byAddress: ReadonlyMap<number, FunctionInfo>;
  /** User-defined callees (addresses) of each function. */
  readonly callees: ReadonlyMap<number, readonly number[]>;
  readonly indegree: ReadonlyMap<number, number>;
}

function callGraph(program: Program): CallGraph {
  const byAddress = new Map(program.functions.map((f) => [f.address, f]));
  const callees = new Map<number, number[]>();
  const indegree = new Map<number, number>();
  for (const f of program.functions) {
    const cs = [...new Set(f.calls.filter((c) => !c.import && c.target !== undefined && byAddress.has(c.target) && c.target !== f.address).map((c) => c.target!))];
    callees.set(f.address, cs);
    for (const c of cs) indegree.set(c, (indegree.get(c) ?? 0) + 1);
  }
  return { byAddress, callees, indegree };
}

/** BinGo's selective inlining rules (SEEDS.md §2.2), one level deep and bounded in size. */
function inlineTargets(f: FunctionInfo, g: CallGraph, maxBlocks: number): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  for (const a of g.callees.get(f.address) ?? []) {
    const callee = g.byAddress.get(a);
    if (!callee || callee.blocks.length > maxBlocks) continue;
    const theirs = g.callees.get(a) ?? [];
    // Rule 2: mutual recursion.
    if (theirs.includes(f.address)) { out.push(callee); continue; }
    if (theirs.length === 0) {
      // Rule 3: only library calls, unless most of them end the program.
      const lib = callee.calls.filter((c) => c.import);
      const term = lib.filter((c) => c.name && TERMINATION.has(c.name)).length;
      if (lib.length === 0 || term * 2 <= lib.length) out.push(callee);
      continue;
    }
    // Rule 4: a callee that calls other user functions, only when it is rarely a caller (α < 0.01).
    const outdeg = theirs.length, indeg = g.indegree.get(a) ?? 0;
    if (outdeg / (outdeg + indeg) < 0.01) out.push(callee);
  }
  return out;
}
