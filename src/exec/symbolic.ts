/**
 * The symbolic domain (DESIGN.md §5): values are hash-consed expression DAGs over pre-state
 * inputs, built with constant folding and local simplification, so the one interpreter run on a
 * partial trace yields post-state expressions (BinGo). Evaluating an expression on concrete
 * inputs reuses the concrete domain's operations, so both domains share one semantics.
 */
import type { BinOp, CmpOp, UnOp } from '../ir/ir.js';
import { foldBinary, foldCmp, foldUnary } from '../ir/build.js';
import { assertNever } from '../util/errors.js';
import type { Concrete } from './concrete.js';
import { concrete } from './concrete.js';
import type { Domain, Memory } from './domain.js';

export type Sym =
  | { readonly kind: 'const'; readonly id: number; readonly width: number; readonly value: bigint }
  /** A pre-state input: a register or flag read before written, a memory load, a call's result. */
  | { readonly kind: 'input'; readonly id: number; readonly width: number; readonly name: string; readonly args: readonly Sym[] }
  | { readonly kind: 'unop'; readonly id: number; readonly width: number; readonly op: UnOp; readonly args: readonly [Sym] }
  | { readonly kind: 'binop'; readonly id: number; readonly width: number; readonly op: BinOp; readonly args: readonly [Sym, Sym] }
  | { readonly kind: 'cmp'; readonly id: number; readonly width: 1; readonly op: CmpOp; readonly args: readonly [Sym, Sym] }
  | { readonly kind: 'zext' | 'sext'; readonly id: number; readonly width: number; readonly args: readonly [Sym] }
  | { readonly kind: 'extract'; readonly id: number; readonly width: number; readonly lo: number; readonly args: readonly [Sym] }
  | { readonly kind: 'concat'; readonly id: number; readonly width: number; readonly args: readonly [Sym, Sym] }
  | { readonly kind: 'ite'; readonly id: number; readonly width: number; readonly args: readonly [Sym, Sym, Sym] }
  | { readonly kind: 'opaque'; readonly id: number; readonly width: number; readonly name: string; readonly args: readonly Sym[] };

export const argsOf = (s: Sym): readonly Sym[] => (s.kind === 'const' ? [] : s.args);

const NO_ARGS: readonly Sym[] = [];
/**
 * Every node is made here with every field, in one order, so all share one hidden class: code
 * reading nodes of mixed kinds stays monomorphic. (One object literal per kind made V8 deoptimise
 * and re-optimise the hot paths again and again, and its compiler threads cost as much CPU as the analysis.)
 */
function node(kind: Sym['kind'], id: number, width: number, value: bigint, op: string, lo: number, name: string, args: readonly Sym[]): Sym {
  return { kind, id, width, value, op, lo, name, args } as unknown as Sym;
}

const MASKS: bigint[] = Array.from({ length: 129 }, (_, w) => (1n << BigInt(w)) - 1n);
const mask = (w: number) => MASKS[w]!;
const COMMUTATIVE = new Set<BinOp>(['add', 'mul', 'and', 'or', 'xor']);

/** Whether an operation's operands may be swapped (binary add/mul/and/or/xor, comparisons eq/ne). */
export function isCommutative(s: Sym): boolean {
  if (s.kind === 'binop') return COMMUTATIVE.has(s.op);
  if (s.kind === 'cmp') return s.op === 'eq' || s.op === 'ne';
  return false;
}

/** Calls `visit` once per node reachable from `root` (depth-first); stops when it returns false. */
export function forEachNode(root: Sym, visit: (s: Sym) => boolean | void): void {
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    if (visit(s) === false) return;
    stack.push(...argsOf(s));
  }
}

/**
 * Where expressions over fresh inputs are hash-consed while a path prefix runs: a path sees its
 * own scope and its prefixes' scopes, never a sibling path's (see `SymbolicDomain.enter`).
 */
export interface FreshScope {
  /** Interned expressions, and extract results. */
  readonly table: InternTable;
  readonly parent: FreshScope | undefined;
}

const UNOPS: readonly UnOp[] = ['not', 'neg', 'bswap', 'popcount', 'clz', 'ctz'];
const BINOPS: readonly BinOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'lshr', 'ashr', 'rotl', 'rotr', 'udiv', 'sdiv', 'urem', 'srem'];
const CMPOPS: readonly CmpOp[] = ['eq', 'ne', 'ult', 'ule', 'slt', 'sle'];
/** An operation's index among its kind's (in interning keys and the evaluator's operation cache). */
const OP_INDEX = new Map<string, number>([UNOPS, BINOPS, CMPOPS].flatMap((ops) => ops.map((o, i): [string, number] => [o, i])));

/** The comparison that holds exactly when `a op b` does not: not(a == b) is a != b, not(a <u b) is b <=u a. */
export function negateCmp<T>(op: CmpOp, a: T, b: T): [CmpOp, T, T] {
  switch (op) {
    case 'eq': return ['ne', a, b];
    case 'ne': return ['eq', a, b];
    case 'ult': return ['ule', b, a];
    case 'ule': return ['ult', b, a];
    case 'slt': return ['sle', b, a];
    case 'sle': return ['slt', b, a];
    default: return assertNever(op, 'comparison');
  }
}
/** Heads of interning keys: what a node is, apart from its operands. */
const enum Head { Unop = 1, Binop, Cmp, Zext, Sext, Extract, Concat, ExtractResult }
const head = (h: Head, op: number, width: number, lo = 0) => ((h * 32 + op) * 256 + width) * 256 + lo;
/** Operand ids below this pack two to a number (a function's domain makes far fewer nodes). */
const ID_LIMIT = 2 ** 26;
const pair = (a: Sym, b: Sym) => {
  if (a.id >= ID_LIMIT || b.id >= ID_LIMIT) throw new Error('symbolic domain: too many expressions for one function');
  return a.id * ID_LIMIT + b.id;
};

/**
 * Where hash-consing finds a node: by head (kind, operation, widths) and operand ids, as numbers,
 * so interning builds no string; inputs, opaques and if-then-else (names, three or more operands) by string.
 */
class InternTable {
  private readonly byHead = new Map<number, Map<number, Sym>>();
  readonly named = new Map<string, Sym>();
  get(h: number, key: number): Sym | undefined { return this.byHead.get(h)?.get(key); }
  set(h: number, key: number, s: Sym): void {
    let m = this.byHead.get(h);
    if (!m) this.byHead.set(h, m = new Map());
    m.set(key, s);
  }
}

/**
 * A hash-consing expression factory and the Domain the interpreter runs on. One per analysed
 * function: structurally equal expressions are the same object, so equality is identity.
 *
 * Commutative operands are put in creation order, so what was made before shows in a trace's
 * structure (and in its signatures, through the canonical input order). BinGo runs paths that
 * share a prefix from the prefix's kept state (traces.ts), yet each path must get the expressions
 * a run of it alone from scratch gives. In such a run, values over its fresh inputs (memory
 * loads, call results) are all new, and everything else its prefix computes was made already by
 * the prefix's own run. So: expressions over fresh inputs are hash-consed per path prefix (a
 * `FreshScope`, never seen by a sibling path), and operands made before the current run
 * (`beginRun`) order as in a fresh run: those not over fresh inputs first, in creation order
 * within each kind; all before anything made during the run.
 */
export class SymbolicDomain implements Domain<Sym> {
  readonly name = 'symbolic';
  private readonly table = new InternTable();
  private nextId = 0;
  private fresh = 0;
  /** By id: 1 where the expression reads a fresh input. */
  private overFresh = new Uint8Array(1024);
  private scope: FreshScope | undefined;
  private runStart = 0;
  /**
   * Set when this run ordered two operands by its own creation order (one over fresh inputs,
   * one not, made later): a later run, finding the latter made already, orders them the other way.
   */
  runOrdered = false;

  /** A scope for a path prefix extending the one `parent` is for (undefined: the empty path). */
  newScope(parent: FreshScope | undefined): FreshScope { return { table: new InternTable(), parent }; }

  /** Expressions over fresh inputs are hash-consed in `scope` (and found in its ancestors) from now on. */
  enter(scope: FreshScope | undefined): void { this.scope = scope; }

  /** A path's run starts: what is made from now on orders after all that was made before. */
  beginRun(): void { this.runStart = this.nextId; }

  /** Runs `f` ordering operands as a later run would: all that is not over fresh inputs made already. */
  asLaterRun<T>(f: () => T): T {
    const start = this.runStart;
    this.runStart = Infinity;
    try { return f(); } finally { this.runStart = start; }
  }

  private isOverFresh(s: Sym): boolean { return this.overFresh[s.id] === 1; }

  /** The expression interned under (`h`, `key`), if any (hash-consing is find, else `keep` a new one). */
  private find(h: number, key: number, overFresh: boolean): Sym | undefined {
    const scoped = overFresh ? this.scope : undefined;
    if (!scoped) return this.table.get(h, key);
    for (let sc: FreshScope | undefined = scoped; sc; sc = sc.parent) { const hit = sc.table.get(h, key); if (hit) return hit; }
    return undefined;
  }

  private findNamed(key: string, overFresh: boolean): Sym | undefined {
    const scoped = overFresh ? this.scope : undefined;
    if (!scoped) return this.table.named.get(key);
    for (let sc: FreshScope | undefined = scoped; sc; sc = sc.parent) { const hit = sc.table.named.get(key); if (hit) return hit; }
    return undefined;
  }

  /** Interns a new expression made with id `this.nextId` (no closure per lookup: interning is the hot path). */
  private keep(h: number, key: number, overFresh: boolean, s: Sym): Sym {
    (overFresh && this.scope ? this.scope.table : this.table).set(h, key, s);
    return this.made(overFresh, s);
  }

  private keepNamed(key: string, overFresh: boolean, s: Sym): Sym {
    (overFresh && this.scope ? this.scope.table : this.table).named.set(key, s);
    return this.made(overFresh, s);
  }

  private made(overFresh: boolean, s: Sym): Sym {
    this.nextId++;
    if (overFresh) {
      if (s.id >= this.overFresh.length) { const grown = new Uint8Array(this.overFresh.length * 2); grown.set(this.overFresh); this.overFresh = grown; }
      this.overFresh[s.id] = 1;
    }
    return s;
  }

  /** Whether commutative operand `a` goes after `b`, as a fresh run of the path would have made them (see above). */
  private after(a: Sym, b: Sym): boolean {
    const fa = this.isOverFresh(a);
    if (fa === this.isOverFresh(b)) return a.id > b.id;
    if (a.id < this.runStart && b.id < this.runStart) return fa;
    const byCreation = a.id > b.id;
    if (byCreation !== fa) this.runOrdered = true;
    return byCreation;
  }

  /** Constants by width, keyed by value (Map compares bigints by value; no string keys). */
  private readonly consts: Map<bigint, Sym>[] = [];

  const(width: number, value: bigint): Sym {
    const v = value & mask(width);
    const byValue = this.consts[width] ??= new Map();
    let c = byValue.get(v);
    if (!c) { c = node('const', this.nextId++, width, v, '', 0, '', NO_ARGS); byValue.set(v, c); }
    return c;
  }

  /** A named input; the same name and width give the same input. */
  input(name: string, width: number, args: readonly Sym[] = []): Sym {
    return this.inputOver(name, width, args, args.some((a) => this.isOverFresh(a)));
  }

  /** An input never equal to another (a memory load, a call result): its name is unique, so there is nothing to look up or intern. */
  freshInput(name: string, width: number, args: readonly Sym[] = []): Sym {
    return this.made(true, node('input', this.nextId, width, 0n, '', 0, `${name}#${this.fresh++}`, args));
  }

  private inputOver(name: string, width: number, args: readonly Sym[], overFresh: boolean): Sym {
    const key = `i${width}:${name}:${args.map((a) => a.id).join(',')}`;
    return this.findNamed(key, overFresh) ?? this.keepNamed(key, overFresh, node('input', this.nextId, width, 0n, '', 0, name, args));
  }

  mkUnop(op: UnOp, x: Sym): Sym {
    const w = x.width;
    if (x.kind === 'const') return this.const(w, foldUnary(op, w, x.value));
    if ((op === 'not' || op === 'neg') && x.kind === 'unop' && x.op === op) return x.args[0];
    const h = head(Head.Unop, OP_INDEX.get(op)!, w), over = this.isOverFresh(x);
    return this.find(h, x.id, over) ?? this.keep(h, x.id, over, node('unop', this.nextId, w, 0n, op, 0, '', [x]));
  }

  mkBinop(op: BinOp, a: Sym, b: Sym): Sym {
    const w = a.width;
    if (a.kind === 'const' && b.kind === 'const') return this.const(w, foldBinary(op, w, a.value, b.value));
    if (COMMUTATIVE.has(op) && (a.kind === 'const' || (b.kind !== 'const' && this.after(a, b)))) [a, b] = [b, a];
    const bc = b.kind === 'const' ? b.value : undefined;
    const ones = mask(w);
    switch (op) {
      case 'add':
        if (bc === 0n) return a;
        if (bc !== undefined && a.kind === 'binop' && a.op === 'add' && a.args[1].kind === 'const') return this.mkBinop('add', a.args[0], this.const(w, a.args[1].value + bc));
        break;
      case 'sub':
        if (bc !== undefined) return this.mkBinop('add', a, this.const(w, -bc));
        if (a === b) return this.const(w, 0n);
        break;
      case 'mul':
        if (bc === 0n) return b;
        if (bc === 1n) return a;
        break;
      case 'and':
        if (bc === 0n) return b;
        if (bc === ones || a === b) return a;
        break;
      case 'or':
        if (bc === 0n || a === b) return a;
        if (bc === ones) return b;
        break;
      case 'xor':
        if (bc === 0n) return a;
        if (a === b) return this.const(w, 0n);
        if (bc !== undefined && a.kind === 'binop' && a.op === 'xor' && a.args[1].kind === 'const') return this.mkBinop('xor', a.args[0], this.const(w, a.args[1].value ^ bc));
        // Negated comparisons: not(a == b) is a != b, not(a <u b) is b <=u a.
        if (w === 1 && bc === 1n && a.kind === 'cmp') return this.mkCmp(...negateCmp(a.op, a.args[0], a.args[1]));
        break;
      case 'shl': case 'lshr': case 'ashr': case 'rotl': case 'rotr':
        if (bc === 0n) return a;
        if (bc !== undefined && bc >= BigInt(w) && op !== 'ashr' && op !== 'rotl' && op !== 'rotr') return this.const(w, 0n);
        break;
      case 'udiv': case 'sdiv':
        if (bc === 1n) return a;
        break;
      case 'urem': case 'srem':
        break;
      default: return assertNever(op, 'binary operation');
    }
    const h = head(Head.Binop, OP_INDEX.get(op)!, w), key = pair(a, b), over = this.isOverFresh(a) || this.isOverFresh(b);
    return this.find(h, key, over) ?? this.keep(h, key, over, node('binop', this.nextId, w, 0n, op, 0, '', [a, b]));
  }

  mkCmp(op: CmpOp, a: Sym, b: Sym): Sym {
    if (a.kind === 'const' && b.kind === 'const') return this.const(1, foldCmp(op, a.width, a.value, b.value) ? 1n : 0n);
    if (a === b) return this.const(1, op === 'eq' || op === 'ule' || op === 'sle' ? 1n : 0n);
    if ((op === 'eq' || op === 'ne') && a.kind === 'const') [a, b] = [b, a];
    if (op === 'eq' || op === 'ne') {
      // x + c1 == x + c2 (two offsets from one base) is decided by the constants.
      const base = (x: Sym): [Sym, bigint] => (x.kind === 'binop' && x.op === 'add' && x.args[1].kind === 'const' ? [x.args[0], x.args[1].value] : [x, 0n]);
      const [ba, ca] = base(a), [bb, cb] = base(b);
      if (ba === bb && (a !== ba || b !== bb)) return this.const(1, (ca === cb) === (op === 'eq') ? 1n : 0n);
    }
    if ((op === 'eq' || op === 'ne') && b.kind === 'const' && a.kind === 'binop') {
      // x - y == 0 is x == y; x + c == d is x == d - c; x ^ y == 0 is x == y (flags from sub/cmp).
      const [x, y] = a.args;
      if (b.value === 0n && (a.op === 'sub' || a.op === 'xor')) return this.mkCmp(op, x, y);
      if (a.op === 'add' && y.kind === 'const') return this.mkCmp(op, x, this.const(x.width, b.value - y.value));
      if (a.op === 'xor' && y.kind === 'const') return this.mkCmp(op, x, this.const(x.width, b.value ^ y.value));
    }
    const h = head(Head.Cmp, OP_INDEX.get(op)!, 1), key = pair(a, b), over = this.isOverFresh(a) || this.isOverFresh(b);
    return this.find(h, key, over) ?? this.keep(h, key, over, node('cmp', this.nextId, 1, 0n, op, 0, '', [a, b]));
  }

  mkExt(kind: 'zext' | 'sext', x: Sym, to: number): Sym {
    if (to === x.width) return x;
    if (x.kind === 'const') {
      const v = kind === 'zext' ? x.value : BigInt.asIntN(x.width, x.value);
      return this.const(to, v);
    }
    if (x.kind === kind) return this.mkExt(kind, x.args[0], to);
    const h = head(kind === 'zext' ? Head.Zext : Head.Sext, 0, to), over = this.isOverFresh(x);
    return this.find(h, x.id, over) ?? this.keep(h, x.id, over, node(kind, this.nextId, to, 0n, '', 0, '', [x]));
  }

  /** Extract results by (operand, lo, width), kept like interned nodes: the rewrites below walk operands, so each is done once. */
  mkExtract(x: Sym, lo: number, width: number): Sym {
    if (lo === 0 && width === x.width) return x;
    const h = head(Head.ExtractResult, 0, width, lo);
    // The result of one over fresh inputs is kept where its intern would be (an expression of a sibling path otherwise).
    const over = this.isOverFresh(x);
    let r = this.find(h, x.id, over);
    if (!r) {
      r = this.extractOnce(x, lo, width);
      (over && this.scope ? this.scope.table : this.table).set(h, x.id, r);
    }
    return r;
  }

  private extractOnce(x: Sym, lo: number, width: number): Sym {
    if (x.kind === 'const') return this.const(width, x.value >> BigInt(lo));
    if (x.kind === 'extract') return this.mkExtract(x.args[0], x.lo + lo, width);
    if (x.kind === 'concat') {
      const [hi, low] = x.args;
      if (lo + width <= low.width) return this.mkExtract(low, lo, width);
      if (lo >= low.width) return this.mkExtract(hi, lo - low.width, width);
    }
    if ((x.kind === 'zext' || x.kind === 'sext') && lo + width <= x.args[0].width) return this.mkExtract(x.args[0], lo, width);
    if (x.kind === 'zext' && lo >= x.args[0].width) return this.const(width, 0n);
    // The low bits of add/sub/mul/logic depend only on the operands' low bits.
    if (lo === 0 && x.kind === 'binop' && (x.op === 'add' || x.op === 'sub' || x.op === 'mul' || x.op === 'and' || x.op === 'or' || x.op === 'xor')) {
      return this.mkBinop(x.op, this.mkExtract(x.args[0], 0, width), this.mkExtract(x.args[1], 0, width));
    }
    const h = head(Head.Extract, 0, width, lo), over = this.isOverFresh(x);
    return this.find(h, x.id, over) ?? this.keep(h, x.id, over, node('extract', this.nextId, width, 0n, '', lo, '', [x]));
  }

  mkConcat(hi: Sym, lo: Sym): Sym {
    const w = hi.width + lo.width;
    if (hi.kind === 'const' && lo.kind === 'const') return this.const(w, (hi.value << BigInt(lo.width)) | lo.value);
    if (hi.kind === 'const' && hi.value === 0n) return this.mkExt('zext', lo, w);
    // Re-joining the two halves of one value (a sub-register write of its own bits).
    if (hi.kind === 'extract' && lo.kind === 'extract' && hi.args[0] === lo.args[0] && hi.lo === lo.lo + lo.width) {
      return this.mkExtract(hi.args[0], lo.lo, w);
    }
    const h = head(Head.Concat, 0, w), key = pair(hi, lo), over = this.isOverFresh(hi) || this.isOverFresh(lo);
    return this.find(h, key, over) ?? this.keep(h, key, over, node('concat', this.nextId, w, 0n, '', 0, '', [hi, lo]));
  }

  mkIte(c: Sym, t: Sym, e: Sym): Sym {
    if (c.kind === 'const') return c.value !== 0n ? t : e;
    if (t === e) return t;
    const key = `?:${c.id},${t.id},${e.id}`, over = this.isOverFresh(c) || this.isOverFresh(t) || this.isOverFresh(e);
    return this.findNamed(key, over) ?? this.keepNamed(key, over, node('ite', this.nextId, t.width, 0n, '', 0, '', [c, t, e]));
  }

  mkOpaque(name: string, width: number, args: readonly Sym[]): Sym {
    const key = `o${width}:${name}:${args.map((a) => a.id).join(',')}`, over = args.some((a) => this.isOverFresh(a));
    return this.findNamed(key, over) ?? this.keepNamed(key, over, node('opaque', this.nextId, width, 0n, '', 0, name, args));
  }

  // Domain<Sym>
  constant(width: number, value: bigint): Sym { return this.const(width, value); }
  unop(op: UnOp): (x: Sym) => Sym { return (x) => this.mkUnop(op, x); }
  binop(op: BinOp): (a: Sym, b: Sym) => Sym { return (a, b) => this.mkBinop(op, a, b); }
  cmp(op: CmpOp): (a: Sym, b: Sym) => Sym { return (a, b) => this.mkCmp(op, a, b); }
  zext(_from: number, to: number): (x: Sym) => Sym { return (x) => this.mkExt('zext', x, to); }
  sext(_from: number, to: number): (x: Sym) => Sym { return (x) => this.mkExt('sext', x, to); }
  extract(lo: number, width: number): (x: Sym) => Sym { return (x) => this.mkExtract(x, lo, width); }
  concat(): (hi: Sym, lo: Sym) => Sym { return (hi, lo) => this.mkConcat(hi, lo); }
  ite(): (c: Sym, t: Sym, e: Sym) => Sym { return (c, t, e) => this.mkIte(c, t, e); }
  opaque(name: string, width: number): (args: readonly Sym[]) => Sym { return (args) => this.mkOpaque(name, width, args); }
  truth(c: Sym): boolean | undefined { return c.kind === 'const' ? c.value !== 0n : undefined; }

  and1(a: Sym, b: Sym): Sym { return this.mkBinop('and', a, b); }
  not1(a: Sym): Sym { return this.mkBinop('xor', a, this.const(1, 1n)); }
}

/**
 * Memory of a symbolic run: stores are logged in order (they are outputs); a load from an
 * address stored to earlier (the same expression, the same width) reads the stored value,
 * anything else is a fresh input. Loads of one address between two stores share their input.
 */
export class SymbolicMemory implements Memory<Sym> {
  readonly stores: { addr: Sym; value: Sym; width: number }[] = [];
  readonly loads: Sym[] = [];
  private cache = new Map<string, Sym>();

  constructor(private readonly d: SymbolicDomain) {}

  load(addr: Sym, width: number): Sym {
    for (let i = this.stores.length - 1; i >= 0; i--) {
      const st = this.stores[i]!;
      if (st.addr === addr) {
        if (st.width === width) return st.value;
        break; // a partial overlap: endianness would matter, so the load is an input

      }
      // A store through another symbolic address might alias: stop looking further back.
      if (st.addr.kind !== 'const' || addr.kind !== 'const') break;
    }
    const key = `${addr.id}:${width}`;
    let v = this.cache.get(key);
    if (!v) { v = this.d.freshInput('mem', width, [addr]); this.cache.set(key, v); this.loads.push(v); }
    return v;
  }

  store(addr: Sym, value: Sym, width: number): void {
    this.stores.push({ addr, value, width });
    this.cache.clear();
  }

  /** An independent copy (a path's state continued along several successors). */
  clone(): SymbolicMemory {
    const m = new SymbolicMemory(this.d);
    m.stores.push(...this.stores);
    m.loads.push(...this.loads);
    m.cache = new Map(this.cache);
    return m;
  }

  snapshot(): { stores: number; loads: number; cache: Map<string, Sym> } {
    return { stores: this.stores.length, loads: this.loads.length, cache: new Map(this.cache) };
  }

  restore(s: { stores: number; loads: number; cache: Map<string, Sym> }): void {
    this.stores.length = s.stores;
    this.loads.length = s.loads;
    this.cache = s.cache;
  }
}

/** Node kinds as the evaluator's opcodes. */
const enum Op { Input, Unary, Binary, Ite, Opaque }
type Fn1 = (x: Concrete) => Concrete;
type Fn2 = (a: Concrete, b: Concrete) => Concrete;
type FnN = (args: readonly Concrete[]) => Concrete;

/**
 * The concrete domain's operation for a node, made once per (kind, operation, widths) for the
 * process: the domain builds a new closure per call, and every trace of every function asks for
 * the same few.
 */
const OPERATIONS = new Map<string | number, Fn1 | Fn2 | FnN>();
const code = (k: number, a: number, b = 0, c = 0) => ((k * 256 + a) * 256 + b) * 256 + c;
function operation(s: Sym): Fn1 | Fn2 | FnN {
  let key: string | number;
  switch (s.kind) {
    case 'unop': key = code(1, OP_INDEX.get(s.op)!, s.width); break;
    case 'binop': key = code(2, OP_INDEX.get(s.op)!, s.width); break;
    case 'cmp': key = code(3, OP_INDEX.get(s.op)!, s.args[0].width); break;
    case 'zext': key = code(4, s.args[0].width, s.width); break;
    case 'sext': key = code(5, s.args[0].width, s.width); break;
    case 'extract': key = code(6, s.lo, s.width, s.args[0].width); break;
    case 'concat': key = code(7, s.args[0].width, s.args[1].width); break;
    case 'opaque': key = `${s.width}:${s.name}`; break;
    case 'const': case 'input': case 'ite': throw new Error(`no operation for ${s.kind}`);
    default: return assertNever(s, 'expression');
  }
  let f = OPERATIONS.get(key);
  if (!f) {
    const d = concrete;
    switch (s.kind) {
      case 'unop': f = d.unop(s.op, s.width); break;
      case 'binop': f = d.binop(s.op, s.width); break;
      case 'cmp': f = d.cmp(s.op, s.args[0].width); break;
      case 'zext': f = d.zext(s.args[0].width, s.width); break;
      case 'sext': f = d.sext(s.args[0].width, s.width); break;
      case 'extract': f = d.extract(s.lo, s.width, s.args[0].width); break;
      case 'concat': f = d.concat(s.args[0].width, s.args[1].width); break;
      case 'opaque': f = d.opaque(s.name, s.width); break;
      default: throw new Error('no operation for this kind');
    }
    OPERATIONS.set(key, f);
  }
  return f;
}

/**
 * Evaluates a set of expressions on concrete inputs with the concrete domain's operations:
 * compiled once into a flat, topologically ordered program (parallel arrays of opcodes,
 * operations and operand slots; constants placed once), run once per assignment. No closure per node: a trace's
 * evaluator is made for every trace signed, so making it must be cheap.
 */
export class SymEvaluator {
  readonly inputs: Sym[];
  private readonly slot = new Map<number, number>();
  /** Values by slot: constants first (set once), then one per operation. */
  private readonly vals: Concrete[] = [];
  private readonly first: number;
  private readonly ops: Op[] = [];
  private readonly fns: (Fn1 | Fn2 | FnN | undefined)[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private readonly c: number[] = [];
  /** Opaque operands, by operation (rare). */
  private readonly lists: (readonly number[] | undefined)[] = [];

  constructor(roots: readonly Sym[], inputs: readonly Sym[]) {
    this.inputs = [...inputs];
    const inputIndex = new Map<number, number>();
    inputs.forEach((x, i) => inputIndex.set(x.id, i));
    // Constants take the first slots; everything else follows in topological (post-)order.
    const order: Sym[] = [];
    const seen = new Set<number>();
    const visit = (s: Sym): void => {
      if (seen.has(s.id)) return;
      seen.add(s.id);
      if (s.kind === 'const') { this.slot.set(s.id, this.vals.length); this.vals.push(concrete.constant(s.width, s.value)); return; }
      for (const x of s.args) visit(x);
      order.push(s);
    };
    // Trace expressions are shallow (a few hundred nodes), so recursion is safe.
    for (const r of roots) visit(r);
    this.first = this.vals.length;
    for (const s of order) { this.slot.set(s.id, this.vals.length); this.vals.push(0); }
    const at = (x: Sym) => this.slot.get(x.id)!;
    for (const s of order) {
      let op: Op, f: Fn1 | Fn2 | FnN | undefined, a = 0, b = 0, c = 0, list: number[] | undefined;
      switch (s.kind) {
        case 'input': op = Op.Input; a = inputIndex.get(s.id) ?? -1; break;
        case 'unop': case 'zext': case 'sext': case 'extract': op = Op.Unary; f = operation(s); a = at(s.args[0]); break;
        case 'binop': case 'cmp': case 'concat': op = Op.Binary; f = operation(s); a = at(s.args[0]); b = at(s.args[1]); break;
        case 'ite': op = Op.Ite; a = at(s.args[0]); b = at(s.args[1]); c = at(s.args[2]); break;
        case 'opaque': op = Op.Opaque; f = operation(s); list = s.args.map(at); break;
        case 'const': throw new Error('constants are placed first');
        default: return assertNever(s, 'expression');
      }
      this.ops.push(op); this.fns.push(f); this.a.push(a); this.b.push(b); this.c.push(c); this.lists.push(list);
    }
  }

  /** Runs every node on one assignment (one value per input, already at the input's width). */
  run(assignment: readonly Concrete[]): void {
    const v = this.vals, ops = this.ops, fns = this.fns, A = this.a, B = this.b, C = this.c, base = this.first;
    for (let i = 0; i < ops.length; i++) {
      let r: Concrete;
      switch (ops[i]!) {
        case Op.Input: { const k = A[i]!; r = k < 0 ? 0 : assignment[k] ?? 0; break; }
        case Op.Unary: r = (fns[i] as Fn1)(v[A[i]!]!); break;
        case Op.Binary: r = (fns[i] as Fn2)(v[A[i]!]!, v[B[i]!]!); break;
        case Op.Ite: r = v[A[i]!] !== 0 ? v[B[i]!]! : v[C[i]!]!; break;
        case Op.Opaque: r = (fns[i] as FnN)(this.lists[i]!.map((k) => v[k]!)); break;
      }
      v[base + i] = r;
    }
  }

  /** The value of a root after `run`. */
  value(s: Sym): Concrete { return this.vals[this.slot.get(s.id)!]!; }
}

/** The concrete value `v` (an unsigned number or bigint) truncated to `width` bits. */
export function truncate(v: bigint, width: number): Concrete {
  return concrete.constant(width, BigInt.asUintN(width, v));
}

/** Readable form of an expression, for evidence and `show`. */
export function printSym(s: Sym, depth = 0): string {
  if (depth > 12) return '…';
  const p = (x: Sym) => printSym(x, depth + 1);
  switch (s.kind) {
    case 'const': return s.value < 4096n ? String(s.value) : '0x' + s.value.toString(16);
    case 'input': return s.name.startsWith('mem') ? `[${p(s.args[0]!)}]:${s.width}` : s.name;
    case 'unop': return `${s.op}(${p(s.args[0])})`;
    case 'binop': return `(${p(s.args[0])} ${BINOP_SYMBOL[s.op]} ${p(s.args[1])})`;
    case 'cmp': return `(${p(s.args[0])} ${s.op} ${p(s.args[1])})`;
    case 'zext': case 'sext': return `${s.kind}${s.width}(${p(s.args[0])})`;
    case 'extract': return `${p(s.args[0])}[${s.lo}:${s.lo + s.width}]`;
    case 'concat': return `${p(s.args[0])}::${p(s.args[1])}`;
    case 'ite': return `(${p(s.args[0])} ? ${p(s.args[1])} : ${p(s.args[2])})`;
    case 'opaque': return `${s.name}(${s.args.map(p).join(', ')})`;
    default: return assertNever(s, 'expression');
  }
}

const BINOP_SYMBOL: Record<BinOp, string> = {
  add: '+', sub: '-', mul: '*', and: '&', or: '|', xor: '^', shl: '<<', lshr: '>>u', ashr: '>>s',
  rotl: 'rotl', rotr: 'rotr', udiv: '/u', sdiv: '/s', urem: '%u', srem: '%s',
};

