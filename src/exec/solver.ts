/**
 * Z3 (the `z3-solver` package, WebAssembly) where only a solver helps (DESIGN.md §5): is a
 * path constraint satisfiable, and which inputs satisfy it. Answers are cached by the
 * constraint's shape (inputs renamed by first use), and every query has a resource limit.
 * Evaluating expressions on concrete inputs never comes here (SymEvaluator does that), and
 * constraints that propagation satisfies (satisfy.ts) need not either.
 *
 * Each query runs in a context of its own, made for it and deleted after it, through Z3's C
 * API: a Z3 model depends on the solver's history (heuristic and phase state kept across
 * push/pop) and on term ids (a context recycles the ids of freed terms), so a long-lived
 * solver or context answers one formula differently after different queries. In a fresh
 * context the formula, built from the constraint's shape alone, always gets the same model:
 * answers are pure functions of the constraint, whatever was analysed before (measured on 150
 * of libz's path constraints asked in reverse order: one long-lived context gave 43 of them
 * another model with push/pop, 46 with a fresh solver per query; a context per query, none). The fresh context and solver
 * cost a millisecond or two more per query than push/pop; propagation leaves few queries. Terms
 * belong to the context (it is not reference-counted), so no JavaScript finalizer ever frees
 * one: nothing touches Z3 from this thread while its worker checks.
 */
import type { Z3LowLevel } from 'z3-solver';
import { Z3_error_code, Z3_lbool, init, killThreads } from 'z3-solver';
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
type Z3 = Z3LowLevel['Z3'];
type Ctx = Parameters<Z3['del_context']>[0];
type Ast = ReturnType<Z3['mk_true']>;

export class PathSolver {
  private api: Z3Api | undefined;
  private loading: Promise<Z3Api> | undefined;
  private readonly cache = new Map<string, { status: SolveResult['status']; models: bigint[][] }>();
  readonly stats: SolverStats = { asked: 0, queries: 0, cacheHits: 0, ms: 0, initMs: 0 };
  /** Z3 work runs one query at a time; callers need not wait for each other. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Questions in the chain, and whether Z3 is at work without this thread now: loading, or checking one (see `working`). */
  private waiting = 0;
  private offThread = false;
  private wakeups: (() => void)[] = [];

  /**
   * `rlimit` bounds each check deterministically (the same answer however loaded the machine
   * is), so features never depend on timing; the wall-clock timeout is only a backstop.
   */
  constructor(private readonly timeoutMs = 2000, private readonly rlimit = 2_000_000) {}

  private async z3(): Promise<Z3Api> {
    if (this.api) return this.api;
    if (!this.loading) {
      this.loading = (async () => {
        const t0 = performance.now();
        this.offThread = true;
        this.wake();
        try { this.api = await init(); } finally { this.offThread = false; }
        this.stats.initMs += performance.now() - t0;
        return this.api;
      })();
    }
    return this.loading;
  }

  /** Lets the process exit: Z3's worker threads otherwise keep Node alive. */
  async close(): Promise<void> {
    const api = this.api ?? (this.loading ? await this.loading.catch(() => undefined) : undefined);
    if (api) await killThreads(api.em);
    this.api = undefined;
    this.loading = undefined;
  }

  /**
   * Whether `constraint` (1 bit) can hold, and up to `maxModels` assignments of `inputs` that
   * satisfy it, each differing from the previous ones in at least one input.
   */
  solve(constraint: Sym, inputs: readonly Sym[], maxModels = 3): Promise<SolveResult> {
    this.stats.asked++;
    const shape = shapeOf(constraint);
    const { key, order } = shape;
    const answer = (hit: { status: SolveResult['status']; models: bigint[][] }): SolveResult =>
      ({ status: hit.status, models: hit.models.map((m) => inputs.map((x) => m[order.get(x.id) ?? -1] ?? 0n)) });
    const hit = this.cache.get(key);
    if (hit) { this.stats.cacheHits++; return Promise.resolve(answer(hit)); }
    this.waiting++;
    const run = this.chain.then(async () => {
      // The same shape may have been answered while this question waited its turn.
      const done = this.cache.get(key);
      if (done) { this.stats.cacheHits++; return answer(done); }
      return answer(await this.query(constraint, shape, maxModels));
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

  private async query(constraint: Sym, shape: Shape, maxModels: number): Promise<{ status: SolveResult['status']; models: bigint[][] }> {
    const { key, order, node } = shape;
    // Timed from before loading Z3: its one-time start-up counts in `ms` (and apart in `initMs`).
    const t0 = performance.now();
    const { Z3 } = await this.z3();
    this.stats.queries++;
    const cfg = Z3.mk_config();
    const c = Z3.mk_context(cfg);
    Z3.del_config(cfg);
    let status: SolveResult['status'] = 'unknown';
    const models: bigint[][] = [];
    try {
      const sorts = new Map<number, ReturnType<Z3['mk_bv_sort']>>();
      const sort = (w: number) => { let s = sorts.get(w); if (!s) sorts.set(w, s = Z3.mk_bv_sort(c, w)); return s; };
      // Variables are named by position in the shape, so a formula is a function of the shape alone.
      const vars = new Map<number, Ast>();
      const fresh = (s: Sym) => {
        let v = vars.get(s.id);
        if (!v) {
          const i = order.get(s.id);
          v = Z3.mk_const(c, Z3.mk_string_symbol(c, i !== undefined ? `v${i}` : `n${node.get(s.id)}`), sort(s.width));
          vars.set(s.id, v);
        }
        return v;
      };
      const memo = new Map<number, Ast>();
      const tr = (s: Sym): Ast => {
        const m = memo.get(s.id);
        if (m) return m;
        const r = translate(Z3, c, sort, s, tr, fresh);
        memo.set(s.id, r);
        return r;
      };
      const solver = Z3.mk_solver(c);
      Z3.solver_inc_ref(c, solver);
      const params = Z3.mk_params(c);
      Z3.params_inc_ref(c, params);
      Z3.params_set_uint(c, params, Z3.mk_string_symbol(c, 'rlimit'), this.rlimit);
      Z3.params_set_uint(c, params, Z3.mk_string_symbol(c, 'timeout'), this.timeoutMs);
      Z3.solver_set_params(c, solver, params);
      Z3.params_dec_ref(c, params);
      Z3.solver_assert(c, solver, Z3.mk_eq(c, tr(constraint), Z3.mk_numeral(c, '1', sort(1))));
      failed(Z3, c);
      // Inputs in shape order (first use), only those the formula has.
      const canonInputs = [...order.keys()].filter((id) => vars.has(id));
      for (let k = 0; k < maxModels; k++) {
        this.offThread = true;
        this.wake();
        let r;
        try { r = await Z3.solver_check(c, solver); } finally { this.offThread = false; }
        failed(Z3, c);
        if (r !== Z3_lbool.Z3_L_TRUE) { if (k === 0) status = r === Z3_lbool.Z3_L_FALSE ? 'unsat' : 'unknown'; break; }
        status = 'sat';
        const model = Z3.solver_get_model(c, solver);
        Z3.model_inc_ref(c, model);
        const vals: bigint[] = [];
        for (const id of canonInputs) {
          const v = Z3.model_eval(c, model, vars.get(id)!, true);
          vals[order.get(id)!] = v ? BigInt(Z3.get_numeral_string(c, v)) : 0n;
        }
        Z3.model_dec_ref(c, model);
        models.push(Array.from({ length: order.size }, (_, i) => vals[i] ?? 0n));
        const differ = canonInputs.map((id) => { const v = vars.get(id)!; return Z3.mk_not(c, Z3.mk_eq(c, v, Z3.mk_numeral(c, vals[order.get(id)!]!.toString(), Z3.get_sort(c, v)))); });
        if (differ.length === 0) break;
        Z3.solver_assert(c, solver, Z3.mk_or(c, differ));
      }
      Z3.solver_dec_ref(c, solver);
    } finally {
      Z3.del_context(c);
    }
    this.cache.set(key, { status, models });
    this.stats.ms += performance.now() - t0;
    return { status, models };
  }
}

/** Throws Z3's error, if the last calls on `c` raised one (the C API records errors, it does not throw). */
function failed(Z3: Z3, c: Ctx): void {
  const code = Z3.get_error_code(c);
  if (code !== Z3_error_code.Z3_OK) throw new Error(`Z3: ${Z3.get_error_msg(c, code)}`);
}
/** One expression node as a Z3 term (operands already translated by `tr`), with the IR's semantics. */
function translate(Z3: Z3, c: Ctx, sort: (w: number) => ReturnType<Z3['mk_bv_sort']>, s: Sym, tr: (s: Sym) => Ast, fresh: (s: Sym) => Ast): Ast {
  const bv = (w: number, v: bigint | number) => Z3.mk_numeral(c, v.toString(), sort(w));
  const bit = (b: Ast) => Z3.mk_ite(c, b, bv(1, 1), bv(1, 0));
  switch (s.kind) {
    case 'const': return bv(s.width, s.value);
    case 'input': return fresh(s);
    case 'opaque': return fresh(s); // unmodelled: any value (keeps "unsat" sound)
    case 'unop': {
      const x = tr(s.args[0]), op = s.op;
      switch (op) {
        case 'not': return Z3.mk_bvnot(c, x);
        case 'neg': return Z3.mk_bvneg(c, x);
        case 'bswap': {
          let r: Ast | undefined;
          for (let lo = 0; lo < s.width; lo += 8) { const b = Z3.mk_extract(c, lo + 7, lo, x); r = r ? Z3.mk_concat(c, r, b) : b; }
          return r!;
        }
        case 'popcount': case 'clz': case 'ctz': return fresh(s);
        default: return assertNever(op, 'unary operation');
      }
    }
    case 'binop': {
      const a = tr(s.args[0]), b = tr(s.args[1]), op = s.op;
      const zero = () => bv(s.width, 0);
      switch (op) {
        case 'add': return Z3.mk_bvadd(c, a, b);
        case 'sub': return Z3.mk_bvsub(c, a, b);
        case 'mul': return Z3.mk_bvmul(c, a, b);
        case 'and': return Z3.mk_bvand(c, a, b);
        case 'or': return Z3.mk_bvor(c, a, b);
        case 'xor': return Z3.mk_bvxor(c, a, b);
        case 'shl': return Z3.mk_bvshl(c, a, b);
        case 'lshr': return Z3.mk_bvlshr(c, a, b);
        case 'ashr': return Z3.mk_bvashr(c, a, b);
        case 'rotl': return Z3.mk_ext_rotate_left(c, a, b);
        case 'rotr': return Z3.mk_ext_rotate_right(c, a, b);
        // The IR's division by zero gives 0; SMT-LIB's gives all ones (udiv) or ±1 (sdiv).
        case 'udiv': return Z3.mk_ite(c, Z3.mk_eq(c, b, zero()), zero(), Z3.mk_bvudiv(c, a, b));
        case 'sdiv': return Z3.mk_ite(c, Z3.mk_eq(c, b, zero()), zero(), Z3.mk_bvsdiv(c, a, b));
        case 'urem': return Z3.mk_bvurem(c, a, b);
        case 'srem': return Z3.mk_bvsrem(c, a, b);
        default: return assertNever(op, 'binary operation');
      }
    }
    case 'cmp': {
      const a = tr(s.args[0]), b = tr(s.args[1]), op = s.op;
      switch (op) {
        case 'eq': return bit(Z3.mk_eq(c, a, b));
        case 'ne': return bit(Z3.mk_not(c, Z3.mk_eq(c, a, b)));
        case 'ult': return bit(Z3.mk_bvult(c, a, b));
        case 'ule': return bit(Z3.mk_bvule(c, a, b));
        case 'slt': return bit(Z3.mk_bvslt(c, a, b));
        case 'sle': return bit(Z3.mk_bvsle(c, a, b));
        default: return assertNever(op, 'comparison');
      }
    }
    case 'zext': return Z3.mk_zero_ext(c, s.width - s.args[0].width, tr(s.args[0]));
    case 'sext': return Z3.mk_sign_ext(c, s.width - s.args[0].width, tr(s.args[0]));
    case 'extract': return Z3.mk_extract(c, s.lo + s.width - 1, s.lo, tr(s.args[0]));
    case 'concat': return Z3.mk_concat(c, tr(s.args[0]), tr(s.args[1]));
    case 'ite': return Z3.mk_ite(c, Z3.mk_eq(c, tr(s.args[0]), bv(1, 1)), tr(s.args[1]), tr(s.args[2]));
    default: return assertNever(s, 'expression');
  }
}

/**
 * An expression's shape: a cache key in which inputs are numbered by first use (names do not
 * matter), the inputs' numbers, and every node's position in the key (names for unmodelled values).
 */
interface Shape { readonly key: string; readonly order: ReadonlyMap<number, number>; readonly node: ReadonlyMap<number, number> }

function shapeOf(root: Sym): Shape {
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
  return { key: parts.join(';'), order, node: local };
}
