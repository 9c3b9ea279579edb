/**
 * The concrete domain: values of up to 32 bits are plain numbers in [0, 2^w); wider values are
 * BigInts in [0, 2^w). Every operation is chosen once per (op, width) and follows the reference
 * semantics of src/ir/build.ts (foldBinary, foldCmp), which the tests check it against.
 */
import { foldBinary, foldUnary } from '../ir/build.js';
import type { BinOp, CmpOp, UnOp } from '../ir/ir.js';
import { mask } from '../ir/ir.js';
import type { Domain } from './domain.js';

export type Concrete = number | bigint;

const small = (w: number) => w <= 32;
/** Normalises an int32-ish result to an unsigned w-bit number. */
const norm = (w: number): ((x: number) => number) => (w === 32 ? (x) => x >>> 0 : ((m) => (x: number) => x & m)(2 ** w - 1));
/** Reads an unsigned w-bit number as signed. */
const signedOf = (w: number): ((x: number) => number) => (w === 32 ? (x) => x | 0 : ((s) => (x: number) => (x << s) >> s)(32 - w));
const big = (x: Concrete) => (typeof x === 'bigint' ? x : BigInt(x));

function smallBinop(op: BinOp, w: number): (a: number, b: number) => number {
  const n = norm(w), sg = signedOf(w);
  switch (op) {
    case 'add': return (a, b) => n(a + b);
    case 'sub': return (a, b) => n(a - b);
    case 'mul': return (a, b) => n(Math.imul(a, b));
    case 'and': return (a, b) => n(a & b);
    case 'or': return (a, b) => n(a | b);
    case 'xor': return (a, b) => n(a ^ b);
    case 'shl': return (a, b) => (b >= w ? 0 : n(a << b));
    case 'lshr': return (a, b) => (b >= w ? 0 : a >>> b);
    case 'ashr': return (a, b) => n(sg(a) >> (b >= w ? w - 1 : b));
    case 'rotl': return (a, b) => { const s = b % w; return s === 0 ? a : n((a << s) | (a >>> (w - s))); };
    case 'rotr': return (a, b) => { const s = b % w; return s === 0 ? a : n((a >>> s) | (a << (w - s))); };
    case 'udiv': return (a, b) => (b === 0 ? 0 : Math.floor(a / b));
    case 'urem': return (a, b) => (b === 0 ? a : a % b);
    case 'sdiv': return (a, b) => (b === 0 ? 0 : n(Math.trunc(sg(a) / sg(b))));
    case 'srem': return (a, b) => (b === 0 ? a : n(sg(a) % sg(b)));
  }
}

function smallCmp(op: CmpOp, w: number): (a: number, b: number) => number {
  const sg = signedOf(w);
  switch (op) {
    case 'eq': return (a, b) => (a === b ? 1 : 0);
    case 'ne': return (a, b) => (a !== b ? 1 : 0);
    case 'ult': return (a, b) => (a < b ? 1 : 0);
    case 'ule': return (a, b) => (a <= b ? 1 : 0);
    case 'slt': return (a, b) => (sg(a) < sg(b) ? 1 : 0);
    case 'sle': return (a, b) => (sg(a) <= sg(b) ? 1 : 0);
  }
}

function smallUnop(op: UnOp, w: number): (x: number) => number {
  const n = norm(w);
  switch (op) {
    case 'not': return (x) => n(~x);
    case 'neg': return (x) => n(-x);
    case 'popcount': return (x) => { let c = 0; for (let v = x; v; v >>>= 1) c += v & 1; return c; };
    case 'clz': return (x) => (x === 0 ? w : Math.clz32(x) - (32 - w));
    case 'ctz': return (x) => (x === 0 ? w : 31 - Math.clz32(x & -x));
    case 'bswap': return (x) => Number(foldUnary('bswap', w, BigInt(x)));
  }
}

/** FNV-1a over the name and argument values: an opaque value is a deterministic function of its inputs. */
function opaqueHash(name: string, args: readonly Concrete[]): bigint {
  let h = 0xcbf29ce484222325n;
  const mix = (b: bigint) => { h = BigInt.asUintN(64, (h ^ b) * 0x100000001b3n); };
  for (let i = 0; i < name.length; i++) mix(BigInt(name.charCodeAt(i)));
  for (const a of args) mix(big(a));
  return h;
}

export const concrete: Domain<Concrete> = {
  name: 'concrete',
  constant: (w, v) => (small(w) ? Number(v) : v),
  unop(op, w) {
    if (small(w)) return smallUnop(op, w) as (x: Concrete) => Concrete;
    const m = mask(w);
    return (x) => foldUnary(op, w, x as bigint) & m;
  },
  binop(op, w) {
    if (small(w)) return smallBinop(op, w) as (a: Concrete, b: Concrete) => Concrete;
    const m = mask(w);
    switch (op) {
      case 'add': return (a, b) => ((a as bigint) + (b as bigint)) & m;
      case 'sub': return (a, b) => ((a as bigint) - (b as bigint)) & m;
      case 'and': return (a, b) => (a as bigint) & (b as bigint);
      case 'or': return (a, b) => (a as bigint) | (b as bigint);
      case 'xor': return (a, b) => (a as bigint) ^ (b as bigint);
      default: return (a, b) => foldBinary(op, w, a as bigint, b as bigint) & m;
    }
  },
  cmp(op, w) {
    if (small(w)) return smallCmp(op, w) as (a: Concrete, b: Concrete) => Concrete;
    switch (op) {
      case 'eq': return (a, b) => (a === b ? 1 : 0);
      case 'ne': return (a, b) => (a !== b ? 1 : 0);
      case 'ult': return (a, b) => (a < b ? 1 : 0);
      case 'ule': return (a, b) => (a <= b ? 1 : 0);
      case 'slt': return (a, b) => (BigInt.asIntN(w, a as bigint) < BigInt.asIntN(w, b as bigint) ? 1 : 0);
      case 'sle': return (a, b) => (BigInt.asIntN(w, a as bigint) <= BigInt.asIntN(w, b as bigint) ? 1 : 0);
    }
  },
  zext(from, to) {
    if (small(to) || !small(from)) return (x) => x;
    return (x) => BigInt(x);
  },
  sext(from, to) {
    if (small(to)) { const sg = signedOf(from), n = norm(to); return (x) => n(sg(x as number)); }
    if (small(from)) { const sg = signedOf(from); return (x) => BigInt.asUintN(to, BigInt(sg(x as number))); }
    return (x) => BigInt.asUintN(to, BigInt.asIntN(from, x as bigint));
  },
  extract(lo, w, from) {
    if (small(from)) {
      const n = norm(w);
      return lo === 0 ? (x) => n(x as number) : (x) => n((x as number) >>> lo);
    }
    const m = mask(w), L = BigInt(lo);
    return small(w) ? (x) => Number(((x as bigint) >> L) & m) : (x) => ((x as bigint) >> L) & m;
  },
  concat(hw, lw) {
    if (small(hw + lw)) { const f = 2 ** lw; return (hi, lo) => (hi as number) * f + (lo as number); }
    const L = BigInt(lw);
    return (hi, lo) => (big(hi) << L) | big(lo);
  },
  ite: () => (c, t, e) => (c ? t : e),
  opaque(name, w) {
    const m = mask(w);
    return (args) => { const h = opaqueHash(name, args) & m; return small(w) ? Number(h) : h; };
  },
  truth: (c) => c !== 0,
};

/** A concrete value as a BigInt of its width (for results and tests). */
export function toBigInt(v: Concrete): bigint {
  return big(v);
}
