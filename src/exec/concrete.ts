/**
 * The concrete domain. Values of up to 32 bits are plain numbers in [0, 2^w). Wider values are
 * numbers while they fit in 53 bits (pointers, counters, small integers: the common case) and
 * BigInts above, always in that canonical form, so equality is `===` and the hot path stays off
 * BigInt. Every operation is chosen once per (op, width) and follows the reference semantics of
 * src/ir/build.ts (foldBinary, foldCmp), which the tests check it against at every width.
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
const MAX = Number.MAX_SAFE_INTEGER;
const MAXN = BigInt(MAX);
const TWO32 = 4294967296;
/** The canonical form of a wide value. */
export const canon = (b: bigint): Concrete => (b <= MAXN ? Number(b) : b);
const isNum = (x: Concrete): x is number => typeof x === 'number';

/** Bitwise operations on two safe numbers, by 32-bit halves. */
function halves(f: (x: number, y: number) => number): (a: number, b: number) => number {
  return (a, b) => (f(Math.floor(a / TWO32), Math.floor(b / TWO32)) >>> 0) * TWO32 + (f(a >>> 0, b >>> 0) >>> 0);
}

/** Fast paths for 64-bit operations on safe numbers; undefined means only the general path. */
function wideFast(op: BinOp): ((a: number, b: number) => number | undefined) | undefined {
  switch (op) {
    case 'add': return (a, b) => { const r = a + b; return r <= MAX ? r : undefined; };
    case 'sub': return (a, b) => { const r = a - b; return r >= 0 ? r : undefined; };
    case 'mul': return (a, b) => { const r = a * b; return r <= MAX ? r : undefined; };
    case 'and': { const f = halves((x, y) => x & y); return f; }
    case 'or': { const f = halves((x, y) => x | y); return f; }
    case 'xor': { const f = halves((x, y) => x ^ y); return f; }
    case 'shl': return (a, b) => { if (b >= 64) return 0; const r = a * 2 ** b; return r <= MAX ? r : undefined; };
    // A safe number is non-negative as a 64-bit signed value, so ashr is lshr.
    case 'lshr': case 'ashr': return (a, b) => (b >= 64 ? 0 : Math.floor(a / 2 ** b));
    default: return undefined;
  }
}

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
  constant: (w, v) => (small(w) ? Number(v) : canon(v)),
  unop(op, w) {
    if (small(w)) return smallUnop(op, w) as (x: Concrete) => Concrete;
    const m = mask(w);
    return (x) => canon(foldUnary(op, w, big(x)) & m);
  },
  binop(op, w) {
    if (small(w)) return smallBinop(op, w) as (a: Concrete, b: Concrete) => Concrete;
    const m = mask(w);
    const general = (a: Concrete, b: Concrete) => canon(foldBinary(op, w, big(a), big(b)) & m);
    const fast = w === 64 ? wideFast(op) : undefined;
    if (!fast) return general;
    return (a, b) => {
      if (isNum(a) && isNum(b)) { const r = fast(a, b); if (r !== undefined) return r; }
      return general(a, b);
    };
  },
  cmp(op, w) {
    if (small(w)) return smallCmp(op, w) as (a: Concrete, b: Concrete) => Concrete;
    // Canonical values: equal exactly when ===; number/BigInt order compares across types.
    switch (op) {
      case 'eq': return (a, b) => (a === b ? 1 : 0);
      case 'ne': return (a, b) => (a !== b ? 1 : 0);
      case 'ult': return (a, b) => (a < b ? 1 : 0);
      case 'ule': return (a, b) => (a <= b ? 1 : 0);
      case 'slt': return (a, b) => (w >= 54 && isNum(a) && isNum(b) ? (a < b ? 1 : 0) : BigInt.asIntN(w, big(a)) < BigInt.asIntN(w, big(b)) ? 1 : 0);
      case 'sle': return (a, b) => (w >= 54 && isNum(a) && isNum(b) ? (a <= b ? 1 : 0) : BigInt.asIntN(w, big(a)) <= BigInt.asIntN(w, big(b)) ? 1 : 0);
    }
  },
  zext(from, to) {
    return (x) => x;
  },
  sext(from, to) {
    if (small(to)) { const sg = signedOf(from), n = norm(to); return (x) => n(sg(x as number)); }
    if (small(from)) { const sg = signedOf(from); return (x) => { const v = sg(x as number); return v >= 0 ? v : canon(BigInt.asUintN(to, BigInt(v))); }; }
    return (x) => (isNum(x) && from >= 54 ? x : canon(BigInt.asUintN(to, BigInt.asIntN(from, big(x)))));
  },
  extract(lo, w, from) {
    if (small(from)) {
      const n = norm(w);
      return lo === 0 ? (x) => n(x as number) : (x) => n((x as number) >>> lo);
    }
    const m = mask(w), L = BigInt(lo);
    if (small(w)) {
      const p = 2 ** lo, q = 2 ** w;
      return (x) => (isNum(x) ? Math.floor(x / p) % q : Number((x >> L) & m));
    }
    return (x) => canon((big(x) >> L) & m);
  },
  concat(hw, lw) {
    if (small(hw + lw)) { const f = 2 ** lw; return (hi, lo) => (hi as number) * f + (lo as number); }
    const L = BigInt(lw), f = 2 ** lw;
    return (hi, lo) => {
      if (isNum(hi) && isNum(lo) && lw <= 53) { const r = hi * f + lo; if (r <= MAX) return r; }
      return canon((big(hi) << L) | big(lo));
    };
  },
  ite: () => (c, t, e) => (c ? t : e),
  opaque(name, w) {
    const m = mask(w);
    return (args) => { const h = opaqueHash(name, args) & m; return small(w) ? Number(h) : canon(h); };
  },
  truth: (c) => c !== 0,
};

/** A concrete value as a BigInt of its width (for results and tests). */
export function toBigInt(v: Concrete): bigint {
  return big(v);
}
