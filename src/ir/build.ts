/**
 * Constructors for IR expressions and statements, with width checks (a width mismatch is a
 * lifter bug and throws at lift time) and folding of operations on constants, so lifted IR
 * stays readable (`pc + 8` becomes the address).
 */
import type { BinOp, CmpOp, Expr, Loc, Stmt, UnOp } from './ir.js';
import { mask } from './ir.js';

export class IrWidthError extends Error {}

function check(cond: boolean, what: string): void {
  if (!cond) throw new IrWidthError(what);
}

export function constant(width: number, value: number | bigint): Expr {
  check(width >= 1 && width <= 128, `constant width ${width}`);
  return { kind: 'const', width, value: BigInt.asUintN(width, typeof value === 'bigint' ? value : BigInt(value)) };
}
export const bool = (b: boolean): Expr => constant(1, b ? 1 : 0);
export const TRUE = bool(true);
export const FALSE = bool(false);

export function get(loc: Loc): Expr {
  return { kind: 'get', width: loc.width, loc };
}
export function load(addr: Expr, width: number): Expr {
  check(width % 8 === 0 && width >= 8 && width <= 128, `load width ${width}`);
  return { kind: 'load', width, addr };
}

const signed = (v: bigint, w: number) => BigInt.asIntN(w, v);

export function foldUnary(op: UnOp, w: number, v: bigint): bigint {
  switch (op) {
    case 'not': return ~v;
    case 'neg': return -v;
    case 'popcount': { let n = 0n; for (let x = v; x; x >>= 1n) n += x & 1n; return n; }
    case 'clz': { let n = 0; while (n < w && !((v >> BigInt(w - 1 - n)) & 1n)) n++; return BigInt(n); }
    case 'ctz': { let n = 0; while (n < w && !((v >> BigInt(n)) & 1n)) n++; return BigInt(n); }
    case 'bswap': { let r = 0n; for (let i = 0; i < w / 8; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn); return r; }
  }
}

/** Semantics of every binary operation on unsigned `width`-bit values (the reference the domains follow). */
export function foldBinary(op: BinOp, w: number, a: bigint, b: bigint): bigint {
  const W = BigInt(w);
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'shl': return b >= W ? 0n : a << b;
    case 'lshr': return b >= W ? 0n : a >> b;
    case 'ashr': return signed(a, w) >> (b >= W ? W - 1n : b);
    case 'rotl': { const s = b % W; return s === 0n ? a : (a << s) | (a >> (W - s)); }
    case 'rotr': { const s = b % W; return s === 0n ? a : (a >> s) | (a << (W - s)); }
    case 'udiv': return b === 0n ? 0n : a / b;
    case 'urem': return b === 0n ? a : a % b;
    case 'sdiv': return b === 0n ? 0n : signed(a, w) / signed(b, w);
    case 'srem': return b === 0n ? a : signed(a, w) % signed(b, w);
  }
}

export function foldCmp(op: CmpOp, w: number, a: bigint, b: bigint): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'ult': return a < b;
    case 'ule': return a <= b;
    case 'slt': return signed(a, w) < signed(b, w);
    case 'sle': return signed(a, w) <= signed(b, w);
  }
}

export function unop(op: UnOp, x: Expr): Expr {
  if (op === 'bswap') check(x.width % 16 === 0, `bswap width ${x.width}`);
  if (x.kind === 'const') return constant(x.width, foldUnary(op, x.width, x.value));
  return { kind: 'unop', width: x.width, op, x };
}

export function binop(op: BinOp, a: Expr, b: Expr): Expr {
  check(a.width === b.width, `${op}: widths ${a.width} and ${b.width}`);
  if (a.kind === 'const' && b.kind === 'const') return constant(a.width, foldBinary(op, a.width, a.value, b.value) & mask(a.width));
  // x + 0, x - 0, x | 0, x ^ 0, x << 0: keep lifted IR short.
  if (b.kind === 'const' && b.value === 0n && (op === 'add' || op === 'sub' || op === 'or' || op === 'xor' || op === 'shl' || op === 'lshr' || op === 'ashr')) return a;
  return { kind: 'binop', width: a.width, op, a, b };
}

export function cmp(op: CmpOp, a: Expr, b: Expr): Expr {
  check(a.width === b.width, `${op}: widths ${a.width} and ${b.width}`);
  if (a.kind === 'const' && b.kind === 'const') return bool(foldCmp(op, a.width, a.value, b.value));
  return { kind: 'cmp', width: 1, op, a, b };
}

export const add = (a: Expr, b: Expr) => binop('add', a, b);
export const sub = (a: Expr, b: Expr) => binop('sub', a, b);
export const mul = (a: Expr, b: Expr) => binop('mul', a, b);
export const and = (a: Expr, b: Expr) => binop('and', a, b);
export const or = (a: Expr, b: Expr) => binop('or', a, b);
export const xor = (a: Expr, b: Expr) => binop('xor', a, b);
export const shl = (a: Expr, b: Expr) => binop('shl', a, b);
export const lshr = (a: Expr, b: Expr) => binop('lshr', a, b);
export const ashr = (a: Expr, b: Expr) => binop('ashr', a, b);
export const rotl = (a: Expr, b: Expr) => binop('rotl', a, b);
export const rotr = (a: Expr, b: Expr) => binop('rotr', a, b);
export const udiv = (a: Expr, b: Expr) => binop('udiv', a, b);
export const sdiv = (a: Expr, b: Expr) => binop('sdiv', a, b);
export const urem = (a: Expr, b: Expr) => binop('urem', a, b);
export const srem = (a: Expr, b: Expr) => binop('srem', a, b);
export const not = (x: Expr) => unop('not', x);
export const neg = (x: Expr) => unop('neg', x);
export const eq = (a: Expr, b: Expr) => cmp('eq', a, b);
export const ne = (a: Expr, b: Expr) => cmp('ne', a, b);
export const ult = (a: Expr, b: Expr) => cmp('ult', a, b);
export const ule = (a: Expr, b: Expr) => cmp('ule', a, b);
export const slt = (a: Expr, b: Expr) => cmp('slt', a, b);
export const sle = (a: Expr, b: Expr) => cmp('sle', a, b);
export const ugt = (a: Expr, b: Expr) => cmp('ult', b, a);
export const uge = (a: Expr, b: Expr) => cmp('ule', b, a);
export const sgt = (a: Expr, b: Expr) => cmp('slt', b, a);
export const sge = (a: Expr, b: Expr) => cmp('sle', b, a);

/** Constant of x's width. */
export const k = (x: Expr, v: number | bigint) => constant(x.width, v);

export function zext(x: Expr, width: number): Expr {
  check(width >= x.width, `zext ${x.width} to ${width}`);
  if (width === x.width) return x;
  if (x.kind === 'const') return constant(width, x.value);
  return { kind: 'zext', width, x };
}
export function sext(x: Expr, width: number): Expr {
  check(width >= x.width, `sext ${x.width} to ${width}`);
  if (width === x.width) return x;
  if (x.kind === 'const') return constant(width, signed(x.value, x.width));
  return { kind: 'sext', width, x };
}
export function extract(x: Expr, lo: number, width: number): Expr {
  check(lo >= 0 && width >= 1 && lo + width <= x.width, `extract [${lo}, ${lo + width}) of ${x.width}`);
  if (lo === 0 && width === x.width) return x;
  if (x.kind === 'const') return constant(width, x.value >> BigInt(lo));
  if ((x.kind === 'zext' || x.kind === 'sext') && lo === 0 && width <= x.x.width) return extract(x.x, 0, width);
  return { kind: 'extract', width, lo, x };
}
/** The low `width` bits. */
export const trunc = (x: Expr, width: number) => extract(x, 0, width);
/** Bit i as a 1-bit value. */
export const bit = (x: Expr, i: number) => extract(x, i, 1);
export const msb = (x: Expr) => extract(x, x.width - 1, 1);

export function concat(hi: Expr, lo: Expr): Expr {
  check(hi.width + lo.width <= 128, `concat ${hi.width}+${lo.width}`);
  if (hi.kind === 'const' && lo.kind === 'const') return constant(hi.width + lo.width, (hi.value << BigInt(lo.width)) | lo.value);
  return { kind: 'concat', width: hi.width + lo.width, hi, lo };
}

export function ite(cond: Expr, then: Expr, otherwise: Expr): Expr {
  check(cond.width === 1 && then.width === otherwise.width, `ite widths ${cond.width}, ${then.width}, ${otherwise.width}`);
  if (cond.kind === 'const') return cond.value ? then : otherwise;
  return { kind: 'ite', width: then.width, cond, then, else: otherwise };
}

/** Logical operations on 1-bit values. */
export const bnot = (x: Expr) => xor(x, constant(1, 1));
export const band = (a: Expr, b: Expr) => and(a, b);
export const bor = (a: Expr, b: Expr) => or(a, b);

export function opaqueValue(name: string, width: number, args: readonly Expr[] = []): Expr {
  return { kind: 'opaque', width, name, args };
}

// Statements.
export function set(loc: Loc, value: Expr, guard?: Expr): Stmt {
  check(loc.width === value.width, `set ${loc.width}-bit location to ${value.width}-bit value`);
  return guardOf({ kind: 'set', loc, value }, guard);
}
export function store(addr: Expr, value: Expr, guard?: Expr): Stmt {
  check(value.width % 8 === 0, `store width ${value.width}`);
  return guardOf({ kind: 'store', addr, value }, guard);
}
export const jump = (target: Expr, guard?: Expr): Stmt => guardOf({ kind: 'jump', target }, guard);
export const call = (target: Expr, guard?: Expr): Stmt => guardOf({ kind: 'call', target }, guard);
export const ret = (target: Expr, guard?: Expr): Stmt => guardOf({ kind: 'ret', target }, guard);
export const trap = (reason: string, guard?: Expr): Stmt => guardOf({ kind: 'trap', reason }, guard);
export const effect = (name: string, args: readonly Expr[] = []): Stmt => ({ kind: 'opaque', name, args });

function guardOf<S extends Stmt>(s: S, guard: Expr | undefined): S {
  if (!guard) return s;
  check(guard.width === 1, `guard width ${guard.width}`);
  if (guard.kind === 'const' && guard.value === 1n) return s;
  return { ...s, guard };
}

/** Adds a guard to every statement (ARM conditional execution, IT blocks). */
export function guardAll(stmts: readonly Stmt[], guard: Expr): Stmt[] {
  return stmts.map((s) => {
    if (s.kind === 'opaque') return s;
    return guardOf(s, s.guard ? and(s.guard, guard) : guard);
  });
}
