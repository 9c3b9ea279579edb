/**
 * Z3 (the `z3-solver` package, WebAssembly) where only a solver helps (DESIGN.md §5): is a
 * path constraint satisfiable, and which inputs satisfy it. Answers are cached by the
 * constraint's shape (inputs renamed by first use), and every query has a timeout.
 * Evaluating expressions on concrete inputs never comes here (SymEvaluator does that).
 */
import { init, killThreads } from 'z3-solver';
import { assertNever } from '../util/errors.js';
import type { Sym } from './symbolic.js';
import { argsOf } from './symbolic.js';

export interface SolveResult {
  readonly status: 'sat' | 'unsat' | 'unknown';
  /** Satisfying assignments, one value per input (in the order given), at most `maxModels`. */
  readonly models: readonly (readonly bigint[])[];
}

export interface SolverStats {
  /** Questions asked (counted when asked, answered from the cache or not). */
  asked: number;
  queries: number;
  cacheHits: number;
  ms: number;
  initMs: number;
}

type Z3Api = Awaited<ReturnType<typeof init>>;
// The high-level API's types are generic over a context name; expressions here are untyped handles.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Ctx = any;
type Z3Expr = any;

export class PathSolver {
  private api: Z3Api | undefined;
  private ctx: Ctx;
  /** One solver for every query (push/pop): a fresh Z3 solver costs tens of milliseconds. */
  private z3solver: Z3Expr;
  private readonly cache = new Map<string, { status: SolveResult['status']; models: bigint[][] }>();
  readonly stats: SolverStats = { asked: 0, queries: 0, cacheHits: 0, ms: 0, initMs: 0 };
  /** Z3 work runs one query at a time (one solver, push/pop); callers need not wait for each other. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Questions in the chain, and whether Z3 is at work without this thread now: loading, or checking one (see `working`). */
  private waiting = 0;
  private offThread = false;
  private wakeups: (() => void)[] = [];
  /** z3-solver's term frees, held until no check runs (see `withDeferredFinalizers`). */
  private readonly frees: (() => void)[] = [];

  constructor(private readonly timeoutMs = 2000, private readonly rlimit = 2_000_000) {}

  private async context(): Promise<Ctx> {
    if (!this.ctx) {
      const t0 = performance.now();
      this.offThread = true;
      this.wake();
      try { this.api = await withDeferredFinalizers(this.frees, init); } finally { this.offThread = false; }
      this.stats.initMs += performance.now() - t0;
      this.ctx = this.api.Context('semblance');
    }
    return this.ctx;
  }

  /** Lets the process exit: Z3's worker threads otherwise keep Node alive. */
  async close(): Promise<void> {
    this.frees.length = 0; // the context goes, and its terms with it
    if (this.api) await killThreads(this.api.em);
    this.api = undefined;
    this.ctx = undefined;
    this.z3solver = undefined;
  }

  /**
   * Whether `constraint` (1 bit) can hold, and up to `maxModels` assignments of `inputs` that
   * satisfy it, each differing from the previous ones in at least one input.
   */
  solve(constraint: Sym, inputs: readonly Sym[], maxModels = 3): Promise<SolveResult> {
    this.stats.asked++;
    const { key, order } = shapeOf(constraint);
    const answer = (hit: { status: SolveResult['status']; models: bigint[][] }): SolveResult =>
      ({ status: hit.status, models: hit.models.map((m) => inputs.map((x) => m[order.get(x.id) ?? -1] ?? 0n)) });
    const hit = this.cache.get(key);
    if (hit) { this.stats.cacheHits++; return Promise.resolve(answer(hit)); }
    this.waiting++;
    const run = this.chain.then(async () => {
      // The same shape may have been answered while this question waited its turn.
      const done = this.cache.get(key);
      if (done) { this.stats.cacheHits++; return answer(done); }
      return answer(await this.query(constraint, key, order, maxModels));
    }).finally(() => { this.waiting--; this.wake(); });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Resolves once Z3 is at work without this thread (loading, or checking a question on its
   * worker), or no question is left. Each next question needs this thread to start it (and to
   * take the previous answer), so a caller about to compute for a while waits for this first: Z3
   * then works alongside it instead of waiting for it.
   */
  working(): Promise<void> {
    if (this.offThread || this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.wakeups.push(resolve));
  }

  private wake(): void {
    if (!this.offThread && this.waiting > 0) return;
    const ws = this.wakeups;
    this.wakeups = [];
    for (const w of ws) w();
  }

  private async query(constraint: Sym, key: string, order: Map<number, number>, maxModels: number): Promise<{ status: SolveResult['status']; models: bigint[][] }> {
    const t0 = performance.now();
    this.stats.queries++;
    const Z3 = await this.context();
    // Questions run one at a time: no check is running now.
    for (const free of this.frees.splice(0)) free();
    const vars = new Map<number, Z3Expr>();
    const fresh = (s: Sym) => { let v = vars.get(s.id); if (!v) { v = Z3.BitVec.const(`v${order.get(s.id) ?? `o${s.id}`}`, s.width); vars.set(s.id, v); } return v; };
    const memo = new Map<number, Z3Expr>();
    const tr = (s: Sym): Z3Expr => {
      const m = memo.get(s.id);
      if (m) return m;
      const r = this.translate(Z3, s, tr, fresh);
      memo.set(s.id, r);
      return r;
    };
    if (!this.z3solver) {
      this.z3solver = new Z3.Solver();
      // A resource limit is deterministic (the same answer however loaded the machine is), so
      // features never depend on timing; the wall-clock timeout is only a backstop.
      this.z3solver.set('rlimit', this.rlimit);
      this.z3solver.set('timeout', this.timeoutMs);
    }
    const solver = this.z3solver;
    solver.push();
    solver.add(tr(constraint).eq(Z3.BitVec.val(1, 1)));
    const canonInputs = [...order.keys()];
    const models: bigint[][] = [];
    let status: SolveResult['status'] = 'unknown';
    for (let k = 0; k < maxModels; k++) {
      this.offThread = true;
      this.wake();
      let r;
      try { r = await solver.check(); } finally { this.offThread = false; }
      if (r !== 'sat') { if (k === 0) status = r === 'unsat' ? 'unsat' : 'unknown'; break; }
      status = 'sat';
      const model = solver.model();
      const vals = canonInputs.map((id) => {
        const v = vars.get(id);
        return v ? BigInt(model.eval(v, true).value()) : 0n;
      });
      models.push(vals);
      // Pair each variable with its own value: indices are those of canonInputs, before any filtering.
      const differ = canonInputs.flatMap((id, i) => { const v = vars.get(id); return v ? [v.neq(Z3.BitVec.val(vals[i]!, v.size()))] : []; });
      if (differ.length === 0) break;
      solver.add(Z3.Or(...differ));
    }
    solver.pop();
    this.cache.set(key, { status, models });
    this.stats.ms += performance.now() - t0;
    return { status, models };
  }

  private translate(Z3: Ctx, s: Sym, tr: (s: Sym) => Z3Expr, fresh: (s: Sym) => Z3Expr): Z3Expr {
    const bv = (w: number, v: bigint | number) => Z3.BitVec.val(v, w);
    const bool = (b: Z3Expr) => Z3.If(b, bv(1, 1), bv(1, 0));
    switch (s.kind) {
      case 'const': return bv(s.width, s.value);
      case 'input': return fresh(s);
      case 'opaque': return fresh(s); // unmodelled: any value (keeps "unsat" sound)
      case 'unop': {
        const x = tr(s.args[0]), op = s.op;
        switch (op) {
          case 'not': return x.not();
          case 'neg': return x.neg();
          case 'bswap': {
            const parts: Z3Expr[] = [];
            for (let lo = 0; lo < s.width; lo += 8) parts.push(x.extract(lo + 7, lo));
            return parts.reduce((a, b) => Z3.Concat(a, b));
          }
          case 'popcount': case 'clz': case 'ctz': return fresh(s);
          default: return assertNever(op, 'unary operation');
        }
      }
      case 'binop': {
        const a = tr(s.args[0]), b = tr(s.args[1]);
        const zero = bv(s.width, 0), op = s.op;
        switch (op) {
          case 'add': return a.add(b);
          case 'sub': return a.sub(b);
          case 'mul': return a.mul(b);
          case 'and': return a.and(b);
          case 'or': return a.or(b);
          case 'xor': return a.xor(b);
          case 'shl': return a.shl(b);
          case 'lshr': return a.lshr(b);
          case 'ashr': return a.shr(b);
          case 'rotl': return a.rotateLeft(b);
          case 'rotr': return a.rotateRight(b);
          // The IR's division by zero gives 0; SMT-LIB's gives all ones (udiv) or ±1 (sdiv).
          case 'udiv': return Z3.If(b.eq(zero), zero, a.udiv(b));
          case 'sdiv': return Z3.If(b.eq(zero), zero, a.sdiv(b));
          case 'urem': return a.urem(b);
          case 'srem': return a.srem(b);
          default: return assertNever(op, 'binary operation');
        }
      }
      case 'cmp': {
        const a = tr(s.args[0]), b = tr(s.args[1]), op = s.op;
        switch (op) {
          case 'eq': return bool(a.eq(b));
          case 'ne': return bool(a.neq(b));
          case 'ult': return bool(a.ult(b));
          case 'ule': return bool(a.ule(b));
          case 'slt': return bool(a.slt(b));
          case 'sle': return bool(a.sle(b));
          default: return assertNever(op, 'comparison');
        }
      }
      case 'zext': return tr(s.args[0]).zeroExt(s.width - s.args[0].width);
      case 'sext': return tr(s.args[0]).signExt(s.width - s.args[0].width);
      case 'extract': return tr(s.args[0]).extract(s.lo + s.width - 1, s.lo);
      case 'concat': return Z3.Concat(tr(s.args[0]), tr(s.args[1]));
      case 'ite': return Z3.If(tr(s.args[0]).eq(bv(1, 1)), tr(s.args[1]), tr(s.args[2]));
      default: return assertNever(s, 'expression');
    }
  }
}

/** A cache key for an expression's shape: inputs numbered by first use, so names do not matter. */
function shapeOf(root: Sym): { key: string; order: Map<number, number> } {
  const order = new Map<number, number>();
  const local = new Map<number, number>();
  const parts: string[] = [];
  const visit = (s: Sym): number => {
    const seen = local.get(s.id);
    if (seen !== undefined) return seen;
    const args = argsOf(s).map(visit);
    let head: string;
    switch (s.kind) {
      case 'const': head = `c${s.width}:${s.value}`; break;
      // Opaque values are free variables to the solver, numbered like inputs.
      case 'input': case 'opaque': { let i = order.get(s.id); if (i === undefined) { i = order.size; order.set(s.id, i); } head = `i${s.width}:${i}`; break; }
      case 'unop': case 'binop': case 'cmp': head = `${s.op}${s.width}`; break;
      case 'extract': head = `x${s.lo},${s.width}`; break;
      case 'zext': case 'sext': case 'concat': case 'ite': head = `${s.kind}${s.width}`; break;
      default: return assertNever(s, 'expression');
    }
    const n = parts.length;
    parts.push(`${head}(${args.join(',')})`);
    local.set(s.id, n);
    return n;
  };
  visit(root);
  return { key: parts.join(';'), order };
}

/**
 * z3-solver frees Z3 terms from a FinalizationRegistry callback, on this thread, after any
 * garbage collection, so also while Z3's worker thread is checking a query; Z3's term manager is
 * not thread-safe (seen: a crash in small_object_allocator::allocate under load). The registry
 * z3-solver makes while `make` runs queues those frees in `frees` instead, for the solver to run
 * between queries.
 */
async function withDeferredFinalizers<T>(frees: (() => void)[], make: () => Promise<T>): Promise<T> {
  const Registry = globalThis.FinalizationRegistry;
  globalThis.FinalizationRegistry = class<H> extends Registry<H> {
    constructor(free: (held: H) => void) { super((held) => { frees.push(() => free(held)); }); }
  };
  try { return await make(); } finally { globalThis.FinalizationRegistry = Registry; }
}
