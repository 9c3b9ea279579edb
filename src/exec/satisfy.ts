/**
 * Inputs satisfying a path constraint, found by propagation instead of a solver (DESIGN.md §5).
 * Most path constraints are conjunctions of comparisons in which an input is reached through
 * invertible steps — `(r8 + 16) == mem[rsp-24]`, `mem[r10+8]:32 == 42`, `r8[0:32] == 112`,
 * `x[31:32]` — so the input is computed from the other side's value where Z3 would take
 * milliseconds. Inequalities take a value just across their boundary; disjunctions try their
 * alternatives in turn; a step that does not invert falls back to a binary search on the input,
 * which finds divisions by constants (`(zext(x) * magic)[64:128] >>u 5 == 1`).
 *
 * The search reads only the constraint's structure and the order of `inputs` (never Sym ids,
 * creation order or names), and its work is bounded by a count of evaluated nodes, not by time:
 * the same constraint always gets the same model, whatever was analysed before. Where an equation
 * can set either of two inputs, the one later in `inputs` is set, so earlier ones keep their
 * start value (callers order inputs canonically and prefer small values for the early ones).
 * Every model returned has been checked by evaluating the constraint; `undefined` proves nothing.
 */
import { foldBinary, foldCmp, foldUnary } from '../ir/build.js';
import type { CmpOp } from '../ir/ir.js';
import { mask } from '../ir/ir.js';
import type { Concrete } from './concrete.js';
import { concrete, toBigInt } from './concrete.js';
import type { Sym } from './symbolic.js';
import { SymEvaluator, forEachNode, negateCmp, truncate } from './symbolic.js';
import { assertNever } from '../util/errors.js';

export interface SatisfyOptions {
  /** Starting points tried in turn: every input set to this value (at its width). */
  readonly starts?: readonly bigint[];
  /** Passes over the constraint's conjuncts per start (each pass puts the ones that failed first). */
  readonly rounds?: number;
  /**
   * Most expression nodes evaluated in one call (evaluations of the constraint times its size):
   * a deterministic bound on the work, about a millisecond.
   */
  readonly work?: number;
}

const DEFAULTS: Required<SatisfyOptions> = { starts: [0n, 1n, -1n], rounds: 3, work: 100_000 };
/** Conjuncts beyond this and the constraint is left to the solver. */
const MAX_GOALS = 256;
/** Nesting of inversions (a comparison inside an extension inside a comparison …). */
const MAX_DEPTH = 48;
/** Inputs of a comparison's side searched where its steps do not invert. */
const SEARCHED_INPUTS = 3;
const NONE: ReadonlySet<number> = new Set();

/** A comparison operand: an expression, or a constant a rewrite made (at the other operand's width). */
type Side = Sym | { readonly kind: 'value'; readonly width: number; readonly value: Concrete };
/** One comparison that must hold (`test`: the concrete domain's comparison at its width). */
interface Atom { readonly kind: 'atom'; readonly op: CmpOp; readonly a: Side; readonly b: Side; readonly test: (x: Concrete, y: Concrete) => Concrete }
/** One of the alternatives (each a conjunction) must hold. */
interface Choice { readonly kind: 'choice'; readonly alternatives: readonly (readonly Goal[])[] }
type Goal = Atom | Choice;

/**
 * A satisfying assignment of `inputs` (one value per input, at its width) for a 1-bit
 * `constraint`, or undefined where propagation finds none (the constraint may still be satisfiable).
 */
export function satisfy(constraint: Sym, inputs: readonly Sym[], options: SatisfyOptions = {}): Concrete[] | undefined {
  const goals: Goal[] = [];
  if (!collect(constraint, true, goals, 0) || goals.length > MAX_GOALS) return undefined;
  return new Search(constraint, inputs, goals, { ...DEFAULTS, ...options }).run();
}

// --- The constraint as goals -------------------------------------------------------------------

/** Splits `e == want` into goals (conjuncts); false where it is plainly false. */
function collect(e: Sym, want: boolean, out: Goal[], depth: number): boolean {
  if (out.length > MAX_GOALS || depth > MAX_DEPTH) return false;
  switch (e.kind) {
    case 'const': return (e.value !== 0n) === want;
    case 'cmp': return addAtom(e.op, e.args[0], e.args[1], want, out, depth);
    case 'binop': {
      if (e.width !== 1) break;
      const [x, y] = e.args;
      switch (e.op) {
        case 'and': return want ? collect(x, true, out, depth + 1) && collect(y, true, out, depth + 1) : choice([x, y], false, out, depth);
        case 'or': return want ? choice([x, y], true, out, depth) : collect(x, false, out, depth + 1) && collect(y, false, out, depth + 1);
        case 'xor':
          if (y.kind === 'const') return collect(x, want !== (y.value !== 0n), out, depth + 1);
          if (x.kind === 'const') return collect(y, want !== (x.value !== 0n), out, depth + 1);
          return addAtom(want ? 'ne' : 'eq', x, y, true, out, depth);
        default: break;
      }
      break;
    }
    // Any other 1-bit value is one goal: it equals `want`.
    case 'input': case 'unop': case 'zext': case 'sext': case 'extract': case 'concat': case 'ite': case 'opaque': break;
    default: return assertNever(e, 'expression');
  }
  out.push(atom('eq', e, value(1, want ? 1n : 0n)));
  return true;
}

/** `x op y` (or its negation) as goals, with the rewrites that expose an input to invert. */
function addAtom(op: CmpOp, a: Side, b: Side, want: boolean, out: Goal[], depth: number): boolean {
  if (!want) [op, a, b] = negateCmp(op, a, b);
  const ca = constantOf(a), cb = constantOf(b);
  if (ca !== undefined && cb !== undefined) return foldCmp(op, a.width, ca, cb);
  if ((op === 'eq' || op === 'ne') && (ca !== undefined || cb !== undefined)) {
    const [s, c] = (cb !== undefined ? [a, cb] : [b, ca!]) as [Sym, bigint];
    // A 1-bit value compared with a constant is that value or its negation.
    if (s.width === 1) return collect(s, (c === 1n) === (op === 'eq'), out, depth + 1);
    // (x | y) == 0: both are 0 (flags tests: zext(a != 1) | zext(b != 2) == 0).
    if (op === 'eq' && c === 0n && s.kind === 'binop' && s.op === 'or') {
      return addAtom('eq', s.args[0], value(s.width, 0n), true, out, depth + 1) && addAtom('eq', s.args[1], value(s.width, 0n), true, out, depth + 1);
    }
    if (s.kind === 'zext') {
      const x = s.args[0];
      if (c >> BigInt(x.width) !== 0n) return op === 'ne';
      return addAtom(op, x, value(x.width, c), true, out, depth + 1);
    }
  }
  out.push(atom(op, a, b));
  return true;
}

const atom = (op: CmpOp, a: Side, b: Side): Atom => ({ kind: 'atom', op, a, b, test: concrete.cmp(op, a.width) });

/** Some of `xs` equal to `want`: a choice (one alternative kept as plain conjuncts). */
function choice(xs: readonly Sym[], want: boolean, out: Goal[], depth: number): boolean {
  const alternatives: Goal[][] = [];
  for (const x of xs) {
    const alt: Goal[] = [];
    if (!collect(x, want, alt, depth + 1)) continue;
    // A nested choice's alternatives are this one's: (a | b) | c tries a, b, c.
    if (alt.length === 1 && alt[0]!.kind === 'choice') alternatives.push(...alt[0]!.alternatives.map((g) => [...g]));
    else alternatives.push(alt);
  }
  if (alternatives.length === 0) return false;
  if (alternatives.length === 1) out.push(...alternatives[0]!);
  else out.push({ kind: 'choice', alternatives });
  return true;
}

const value = (width: number, v: bigint): Side => ({ kind: 'value', width, value: truncate(v, width) });

function constantOf(s: Side): bigint | undefined {
  if (s.kind === 'const') return s.value;
  if (s.kind === 'value') return toBigInt(s.value, s.width);
  return undefined;
}

/** Goals that fix an input by equality come first, then orderings, inequalities, choices. */
function rank(g: Goal): number {
  if (g.kind === 'choice') return 4;
  const constant = g.a.kind === 'const' || g.a.kind === 'value' || g.b.kind === 'const' || g.b.kind === 'value';
  switch (g.op) {
    case 'eq': return constant ? 0 : 1;
    case 'ne': return 3;
    default: return 2;
  }
}

// --- The search --------------------------------------------------------------------------------

/** The work budget ran out: the search stops. */
class OutOfWork extends Error {}

class Search {
  private readonly ev: SymEvaluator;
  private readonly values: Concrete[];
  /** By input position: 1 where a goal that holds relies on the input (later goals leave it alone). */
  private fixed: Uint8Array;
  private readonly column = new Map<Sym, number>();
  private readonly supports = new Map<Sym, readonly number[]>();
  private readonly clear = new Map<Sym, ReadonlySet<number>>();
  /** Goals a candidate must keep holding while a failed goal is repaired. */
  private guard: readonly Goal[] = [];
  /** Whether `ev` holds the current values' evaluation. */
  private current = false;
  /** Nodes evaluated so far, and per evaluation. */
  private work = 0;
  private readonly size: number;

  constructor(private readonly constraint: Sym, private readonly inputs: readonly Sym[], private readonly goals: readonly Goal[],
    private readonly options: Required<SatisfyOptions>) {
    this.ev = new SymEvaluator([constraint], inputs);
    let n = 0;
    forEachNode(constraint, () => { n++; });
    this.size = n;
    this.values = new Array(inputs.length);
    this.fixed = new Uint8Array(inputs.length);
    inputs.forEach((x, j) => { if (!this.column.has(x)) this.column.set(x, j); });
  }

  run(): Concrete[] | undefined {
    // Stable order: by kind, then by the first input a goal reads (not by how its conjunction was built).
    const first = (g: Goal) => this.goalSupport(g)[0] ?? Infinity;
    const initial = this.goals.map((g, i) => ({ g, i })).sort((x, y) => rank(x.g) - rank(y.g) || first(x.g) - first(y.g) || x.i - y.i).map((x) => x.g);
    try {
      for (const start of this.options.starts) {
        this.inputs.forEach((x, j) => { this.values[j] = truncate(start, x.width); });
        this.current = false;
        let order = initial;
        for (let round = 0; round < this.options.rounds; round++) {
          this.fixed.fill(0);
          const failed: Goal[] = [];
          const held: Goal[] = [];
          for (const g of order) {
            if (this.holds(g) || this.solve(g, 0) || this.repair(g, held)) { this.fix(g); held.push(g); } else failed.push(g);
          }
          if (failed.length === 0) {
            if (this.value(this.constraint) === 1n) return [...this.values];
            break;
          }
          order = [...failed, ...order.filter((g) => !failed.includes(g))];
        }
      }
    } catch (e) {
      if (!(e instanceof OutOfWork)) throw e;
    }
    return undefined;
  }

  // Evaluation (lazy: values change at leaves, the evaluator runs when a value is next read).

  private value(s: Side): bigint {
    if (s.kind === 'value') return toBigInt(s.value, s.width);
    return toBigInt(this.concrete(s), s.width);
  }

  private concrete(s: Sym): Concrete {
    if (!this.current) {
      if ((this.work += this.size) > this.options.work) throw new OutOfWork();
      this.ev.run(this.values);
      this.current = true;
    }
    return this.ev.value(s);
  }

  private side(s: Side): Concrete { return s.kind === 'value' ? s.value : this.concrete(s); }

  private assign(j: number, v: bigint): void {
    this.values[j] = truncate(v, this.inputs[j]!.width);
    this.current = false;
  }

  private holds(g: Goal): boolean {
    if (g.kind === 'atom') return g.test(this.side(g.a), this.side(g.b)) !== 0;
    return g.alternatives.some((alt) => alt.every((x) => this.holds(x)));
  }

  // Inputs.

  /** Positions (ascending) of the inputs an expression reads; an input's address is not read. */
  private support(s: Side): readonly number[] {
    if (s.kind === 'value' || s.kind === 'const') return [];
    let r = this.supports.get(s);
    if (r) return r;
    if (s.kind === 'input') {
      const j = this.column.get(s);
      r = j === undefined ? [] : [j];
    } else {
      const all = new Set<number>();
      for (const a of s.args) for (const j of this.support(a)) all.add(j);
      r = [...all].sort((x, y) => x - y);
    }
    this.supports.set(s, r);
    return r;
  }

  /**
   * Positions of the inputs an expression reads other than through an opaque operation. Through
   * one (unmodelled floating point), the value is a hash of the input: a binary search is no
   * better than a few probes, and with wide operands each of its evaluations is costly.
   */
  private clearSupport(s: Side): ReadonlySet<number> {
    if (s.kind === 'value' || s.kind === 'const' || s.kind === 'opaque') return NONE;
    let r = this.clear.get(s);
    if (r) return r;
    if (s.kind === 'input') {
      const j = this.column.get(s);
      r = j === undefined ? NONE : new Set([j]);
    } else {
      const all = new Set<number>();
      for (const a of s.args) for (const j of this.clearSupport(a)) all.add(j);
      r = all;
    }
    this.clear.set(s, r);
    return r;
  }

  private goalSupport(g: Goal): readonly number[] {
    if (g.kind === 'atom') return [...new Set([...this.support(g.a), ...this.support(g.b)])].sort((x, y) => x - y);
    return [...new Set(g.alternatives.flatMap((alt) => alt.flatMap((x) => this.goalSupport(x))))].sort((x, y) => x - y);
  }

  /** The latest input (in the given order) an expression reads that is not fixed, or -1. */
  private free(s: Side): number {
    const sup = this.support(s);
    for (let k = sup.length - 1; k >= 0; k--) if (!this.fixed[sup[k]!]) return sup[k]!;
    return -1;
  }

  private fix(g: Goal): void {
    if (g.kind === 'atom') { for (const j of this.support(g.a)) this.fixed[j] = 1; for (const j of this.support(g.b)) this.fixed[j] = 1; return; }
    const alt = g.alternatives.find((a) => a.every((x) => this.holds(x)));
    if (alt) for (const x of alt) this.fix(x);
  }

  private save(): { values: Concrete[]; fixed: Uint8Array } { return { values: [...this.values], fixed: this.fixed.slice() }; }

  private restore(s: { values: Concrete[]; fixed: Uint8Array }): void {
    for (let j = 0; j < s.values.length; j++) this.values[j] = s.values[j]!;
    this.fixed = s.fixed;
    this.current = false;
  }

  // Making goals hold.

  /**
   * A goal that failed because goals before it fixed its inputs: solved again with every input
   * free, a candidate kept only where the goals that held still do (x != y after y <=s x: the
   * value below, not the one above).
   */
  private repair(g: Goal, held: readonly Goal[]): boolean {
    const saved = this.save();
    this.fixed = new Uint8Array(this.inputs.length);
    this.guard = held;
    try {
      if (this.solve(g, 0)) { this.fixed = saved.fixed; return true; }
    } finally { this.guard = []; }
    this.restore(saved);
    return false;
  }

  /** Whether a goal holds now, and the guarded goals still do (see `repair`). */
  private accepts(g: Goal): boolean { return this.holds(g) && this.guard.every((x) => this.holds(x)); }

  /** Makes a goal hold by changing inputs that are not fixed; on failure nothing is changed. */
  private solve(g: Goal, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (g.kind === 'atom') return this.solveAtom(g, depth);
    for (const alt of g.alternatives) if (this.solveAll(alt, depth + 1)) return true;
    return false;
  }

  /** Makes every goal of a conjunction hold, fixing what each relies on; on failure nothing is changed. */
  private solveAll(goals: readonly Goal[], depth: number): boolean {
    const saved = this.save();
    for (const g of goals) {
      if (!this.holds(g) && !this.solve(g, depth)) { this.restore(saved); return false; }
      this.fix(g);
    }
    if (goals.every((g) => this.holds(g)) && this.guard.every((x) => this.holds(x))) return true;
    this.restore(saved);
    return false;
  }

  private solveAtom(g: Atom, depth: number): boolean {
    const sides = [g.a, g.b] as const;
    const free = [this.free(g.a), this.free(g.b)];
    // The side with the latest free input is changed first.
    for (const i of free[1]! > free[0]! ? [1, 0] : [0, 1]) {
      const j = free[i]!;
      if (j < 0) continue;
      const side = sides[i] as Sym;
      const targets = targetsFor(g.op, i === 0, this.value(sides[1 - i]!), side.width);
      for (const t of targets) {
        const saved = this.save();
        if (this.invert(side, t, depth + 1) && this.accepts(g)) return true;
        this.restore(saved);
      }
      // Steps that do not invert: search the side's free inputs, latest first.
      const inputs = this.support(side).filter((k) => !this.fixed[k]).reverse().slice(0, SEARCHED_INPUTS);
      const searchable = this.clearSupport(side);
      for (const k of inputs) {
        for (const t of searchable.has(k) ? targets : []) {
          const saved = this.save();
          if (this.search(side, k, t) && this.accepts(g)) return true;
          this.restore(saved);
        }
        for (const v of probes(this.inputs[k]!.width)) {
          const saved = this.save();
          this.assign(k, v);
          if (this.accepts(g)) return true;
          this.restore(saved);
        }
      }
    }
    return false;
  }

  /**
   * Sets free inputs so that `s` evaluates to `t` (unsigned, at s's width), walking down through
   * invertible steps with the other operands' current values; false where a step does not invert.
   * The caller checks the result and restores the values when it does not hold.
   */
  private invert(s: Sym, t: bigint, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const w = s.width, M = mask(w);
    switch (s.kind) {
      case 'const': return s.value === t;
      case 'input': {
        const j = this.column.get(s);
        if (j === undefined || this.fixed[j]) return this.value(s) === t;
        this.assign(j, t);
        return true;
      }
      case 'opaque': return false;
      case 'unop': {
        const x = s.args[0], op = s.op;
        switch (op) {
          case 'not': return this.invert(x, ~t & M, depth + 1);
          case 'neg': return this.invert(x, -t & M, depth + 1);
          case 'bswap': return this.invert(x, foldUnary('bswap', w, t), depth + 1);
          case 'popcount': case 'clz': case 'ctz': return false;
          default: return assertNever(op, 'unary operation');
        }
      }
      case 'cmp': return this.solveAll(this.goalsOf(s, t), depth + 1);
      case 'binop':
        if (w === 1 && (s.op === 'and' || s.op === 'or' || s.op === 'xor')) return this.solveAll(this.goalsOf(s, t), depth + 1);
        return this.invertBinop(s, t, depth);
      case 'zext': return t >> BigInt(s.args[0].width) === 0n && this.invert(s.args[0], t, depth + 1);
      case 'sext': {
        const n = s.args[0].width, low = t & mask(n);
        return BigInt.asUintN(w, BigInt.asIntN(n, low)) === t && this.invert(s.args[0], low, depth + 1);
      }
      case 'extract': {
        // The other bits of the operand keep their current values.
        const x = s.args[0], field = M << BigInt(s.lo);
        return this.invert(x, (this.value(x) & ~field) | (t << BigInt(s.lo)), depth + 1);
      }
      case 'concat': {
        const [hi, lo] = s.args;
        const part = (p: Sym, v: bigint) => (this.free(p) < 0 ? this.value(p) === v : this.invert(p, v, depth + 1));
        return part(lo, t & mask(lo.width)) && part(hi, t >> BigInt(lo.width));
      }
      case 'ite': {
        const [c, a, b] = s.args;
        const taken = this.value(c) !== 0n;
        const branch = taken ? a : b, other = taken ? b : a;
        if (this.free(branch) >= 0) return this.invert(branch, t, depth + 1);
        // The other branch already has the value: switch the condition.
        return this.free(c) >= 0 && this.value(other) === t && this.invert(c, taken ? 0n : 1n, depth + 1);
      }
      default: return assertNever(s, 'expression');
    }
  }

  private goalsOf(s: Sym, t: bigint): Goal[] {
    const out: Goal[] = [];
    return collect(s, t !== 0n, out, 0) ? out : [atom('eq', value(1, 1n), value(1, 0n))];
  }

  private invertBinop(s: Extract<Sym, { kind: 'binop' }>, t: bigint, depth: number): boolean {
    const [x, y] = s.args;
    const fx = this.free(x), fy = this.free(y);
    if (fx < 0 && fy < 0) return false;
    const i = fy > fx ? 1 : 0;
    const chosen = i === 0 ? x : y, o = this.value(i === 0 ? y : x);
    const w = s.width, M = mask(w), W = BigInt(w);
    const to = (v: bigint) => this.invert(chosen, v & M, depth + 1);
    switch (s.op) {
      case 'add': return to(t - o);
      case 'sub': return to(i === 0 ? t + o : o - t);
      case 'xor': return to(t ^ o);
      // The chosen operand's bits outside the other's mask (and) or inside it (or) are free: they keep their values.
      case 'and': return (t & ~o) === 0n && to(t | (this.value(chosen) & ~o));
      case 'or': return (t & o) === o && to((t & ~o) | (this.value(chosen) & o));
      case 'mul': {
        if (o === 0n) return t === 0n;
        // o = 2^k · odd: t must have k low zero bits; the quotient times odd's inverse.
        let k = 0n;
        while (((o >> k) & 1n) === 0n) k++;
        if ((t & mask(Number(k))) !== 0n) return false;
        return to(((t >> k) * inverseOdd(o >> k, w - Number(k))) & mask(w - Number(k)));
      }
      case 'shl': case 'lshr': case 'ashr': case 'rotl': case 'rotr': {
        if (i === 1) return this.invertAmount(s.op, w, o, chosen, t, depth);
        const k = o;
        switch (s.op) {
          // Bits shifted out keep their values.
          case 'shl': return k >= W ? t === 0n : (t & mask(Number(k))) === 0n && to((t >> k) | (this.value(chosen) & ~(M >> k)));
          case 'lshr': return k >= W ? t === 0n : t >> (W - k) === 0n && to((t << k) | (this.value(chosen) & mask(Number(k))));
          case 'ashr': {
            const kk = k >= W ? W - 1n : k;
            const top = BigInt.asIntN(w, t) >> (W - 1n - kk);
            return (top === 0n || top === -1n) && to(t << kk);
          }
          case 'rotl': return to(foldBinary('rotr', w, t, k % W));
          default: return to(foldBinary('rotl', w, t, k % W));
        }
      }
      case 'udiv':
        if (i === 0) return o === 0n ? t === 0n : t * o <= M && to(t * o);
        // x / d == t: d = x / t (t == 0: a divisor of 0 gives 0).
        return t === 0n ? to(0n) : o / t !== 0n && to(o / t);
      case 'urem': return i === 0 && (o === 0n || t < o) && to(t);
      case 'sdiv': return i === 0 && (o === 0n ? t === 0n : to(BigInt.asIntN(w, t) * BigInt.asIntN(w, o)));
      case 'srem': return i === 0 && to(t);
      default: return false;
    }
  }

  /** `v op k == t` for the amount k: the first k in [0, width) that gives t. */
  private invertAmount(op: 'shl' | 'lshr' | 'ashr' | 'rotl' | 'rotr', w: number, v: bigint, amount: Sym, t: bigint, depth: number): boolean {
    const M = mask(w);
    for (let k = 0n; k < BigInt(w); k++) if ((foldBinary(op, w, v, k) & M) === t) return this.invert(amount, k, depth + 1);
    return false;
  }

  /**
   * Input `j` set to the least value at which `s` reaches `t` (unsigned), by binary search as if
   * `s` were monotonic in the input (rising or falling, as its ends say): divisions by constants,
   * carries. True when such a value was found (the caller checks it).
   */
  private search(s: Sym, j: number, t: bigint): boolean {
    const w = this.inputs[j]!.width;
    const at = (v: bigint) => { this.assign(j, v); return this.value(s); };
    let lo = 0n, hi = mask(w);
    const rising = at(lo) <= at(hi);
    const reached = (v: bigint) => (rising ? at(v) >= t : at(v) <= t);
    if (!reached(hi)) return false;
    while (lo < hi) {
      const mid = (lo + hi) >> 1n;
      if (reached(mid)) hi = mid; else lo = mid + 1n;
    }
    this.assign(j, lo);
    return true;
  }
}

/** Values for one side of `a op b` (the left when `left`) that make it hold, given the other side's value `o`. */
function targetsFor(op: CmpOp, left: boolean, o: bigint, w: number): bigint[] {
  const M = mask(w), min = 1n << BigInt(w - 1), max = min - 1n, so = BigInt.asIntN(w, o);
  switch (op) {
    case 'eq': return [o];
    case 'ne': return [(o + 1n) & M, (o - 1n) & M];
    case 'ult': return left ? (o > 0n ? [o - 1n, 0n] : []) : o < M ? [o + 1n, M] : [];
    case 'ule': return left ? [o, 0n] : [o, M];
    case 'slt': return left ? (so > -min ? [(o - 1n) & M, min] : []) : so < max ? [(o + 1n) & M, max] : [];
    case 'sle': return left ? [o, min] : [o, max];
  }
}

/** Values an input is tried at where nothing else worked: zero, one, all ones, the sign boundaries. */
function probes(w: number): bigint[] {
  const min = 1n << BigInt(w - 1);
  return [0n, 1n, mask(w), min, min - 1n, 2n];
}

/** The inverse of an odd number modulo 2^w (Newton's iteration doubles the correct bits). */
function inverseOdd(a: bigint, w: number): bigint {
  const M = mask(w);
  let x = a & M;
  for (let bits = 3; bits < w; bits *= 2) x = (x * (2n - a * x)) & M;
  return x;
}
