/**
 * The concrete domain. Every value has one canonical form, so equality is `===` and the hot path
 * stays off BigInt:
 * - up to 53 bits: a number in [0, 2^w) (up to 32 bits the int fast path);
 * - 54 bits and more (64-bit registers, 128-bit vectors): a number holding the value read as a
 *   signed w-bit integer while that fits a safe integer (|s| <= 2^53 - 1: pointers, counters and
 *   small negative integers, the common case), else a BigInt in [0, 2^w).
 * Every operation is chosen once per (op, width) and follows the reference semantics of
 * src/ir/build.ts (foldBinary, foldCmp), which the tests check it against at every width.
 */
import { foldBinary, foldUnary } from '../ir/build.js';
import type { BinOp, CmpOp, UnOp } from '../ir/ir.js';
import { mask } from '../ir/ir.js';
import type { Domain } from './domain.js';

export type Concrete = number | bigint;

const small = (w: number) => w <= 32;
/** Widths whose numbers are signed readings (they may be negative). */
const signedForm = (w: number) => w > 53;
/** Normalises an int32-ish result to an unsigned w-bit number. */
const norm = (w: number): ((x: number) => number) => (w === 32 ? (x) => x >>> 0 : ((m) => (x: number) => x & m)(2 ** w - 1));
/** Reads an unsigned w-bit number as signed. */
const signedOf = (w: number): ((x: number) => number) => (w === 32 ? (x) => x | 0 : ((s) => (x: number) => (x << s) >> s)(32 - w));
const MAX = Number.MAX_SAFE_INTEGER;
const MAXN = BigInt(MAX);
const TWO32 = 4294967296;
const isNum = (x: Concrete): x is number => typeof x === 'number';
/** Whether a number is in the safe range of a signed-form width. */
const safe = (r: number) => r >= -MAX && r <= MAX;

/** The canonical w-bit value of an unsigned BigInt in [0, 2^w). */
export function canonOf(w: number): (b: bigint) => Concrete {
  if (!signedForm(w)) return (b) => Number(b);
  const W = 1n << BigInt(w), top = W - MAXN;
  return (b) => (b <= MAXN ? Number(b) : b >= top ? Number(b - W) : b);
}

/** A w-bit value as an unsigned BigInt in [0, 2^w). */
function unsignedOf(w: number): (x: Concrete) => bigint {
  const W = 1n << BigInt(w);
  return (x) => (typeof x === 'bigint' ? x : x < 0 ? BigInt(x) + W : BigInt(x));
}

/** Fast paths for signed-form operations on two numbers; undefined means only the general path. */
function wideFast(op: BinOp, w: number): ((a: number, b: number) => number | undefined) | undefined {
  // Numbers are the exact signed values, so add/sub/mul are exact while the result stays safe.
  const bits = (f: (x: number, y: number) => number) => (a: number, b: number) => {
    const r = f(Math.floor(a / TWO32), Math.floor(b / TWO32)) * TWO32 + (f(a >>> 0, b >>> 0) >>> 0);
    return r >= -MAX ? r : undefined;
  };
  switch (op) {
    case 'add': return (a, b) => { const r = a + b; return safe(r) ? r : undefined; };
    case 'sub': return (a, b) => { const r = a - b; return safe(r) ? r : undefined; };
    case 'mul': return (a, b) => { const r = a * b + 0; return safe(r) ? r : undefined; }; // + 0: never -0
    // Halves of a number in the safe range: high in [-2^21, 2^21), so int32 bit operations are exact.
    case 'and': return bits((x, y) => x & y);
    case 'or': return bits((x, y) => x | y);
    case 'xor': return bits((x, y) => x ^ y);
    case 'shl': return (a, b) => { if (b < 0 || b >= w) return 0; const r = a * 2 ** b; return safe(r) ? r : undefined; };
    // The unsigned value of a negative a is 2^w + a; 2^w / 2^b is exact.
    case 'lshr': return (a, b) => {
      if (b < 0 || b >= w) return 0;
      const q = Math.floor(a / 2 ** b);
      if (a >= 0) return q;
      const r = 2 ** (w - b) + q;
      return r <= MAX ? r : undefined;
    };
    case 'ashr': return (a, b) => (b < 0 || b >= w ? (a < 0 ? -1 : 0) : Math.floor(a / 2 ** b));
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

/**
 * FNV-1a (64-bit) over the name's characters and the arguments' low 64 bits: an opaque value is a
 * deterministic function of its inputs. Computed on two 32-bit halves (the prime is 2^40 + 0x1b3),
 * with the name's part done once per operation: the BigInt form cost a multiplication per character.
 */
const FNV_LO = 0x84222325, FNV_HI = 0xcbf29ce4, TWO_32 = 4294967296;
function fnvStep(h: Uint32Array, lo: number, hi: number): void {
  const x = (h[0]! ^ lo) >>> 0, y = (h[1]! ^ hi) >>> 0;
  const low = x * 0x1b3; // < 2^41: exact
  h[0] = low >>> 0;
  h[1] = (Math.imul(y, 0x1b3) + Math.floor(low / TWO_32) + (x << 8)) >>> 0;
}
/** The FNV state after the name's characters. */
function opaqueSeed(name: string): Uint32Array {
  const h = new Uint32Array([FNV_LO, FNV_HI]);
  for (let i = 0; i < name.length; i++) fnvStep(h, name.charCodeAt(i), 0);
  return h;
}
/** Low and high 32-bit halves of a value's low 64 bits (two's complement for negative readings). */
function mixArg(h: Uint32Array, a: Concrete): void {
  if (typeof a === 'number') fnvStep(h, a >>> 0 === a ? a : (a % TWO_32 + TWO_32) % TWO_32, Math.floor(a / TWO_32) >>> 0);
  else fnvStep(h, Number(a & 0xffffffffn), Number((a >> 32n) & 0xffffffffn));
}

/** The signed reading of a w-bit number (w <= 53) as a number. */
const signedNumber = (w: number) => { const half = 2 ** (w - 1), W = 2 ** w; return (x: number) => (x < half ? x : x - W); };

export const concrete: Domain<Concrete> = {
  name: 'concrete',
  constant: (w, v) => (small(w) ? Number(v) : canonOf(w)(v)),
  unop(op, w) {
    if (small(w)) return smallUnop(op, w) as (x: Concrete) => Concrete;
    const m = mask(w), U = unsignedOf(w), C = canonOf(w);
    const general = (x: Concrete) => C(foldUnary(op, w, U(x)) & m);
    if (!signedForm(w)) return general;
    switch (op) {
      case 'not': return (x) => (isNum(x) && x < MAX ? -x - 1 : general(x));
      case 'neg': return (x) => (isNum(x) ? 0 - x : general(x));
      default: return general;
    }
  },
  binop(op, w) {
    if (small(w)) return smallBinop(op, w) as (a: Concrete, b: Concrete) => Concrete;
    const m = mask(w), U = unsignedOf(w), C = canonOf(w);
    const general = (a: Concrete, b: Concrete) => C(foldBinary(op, w, U(a), U(b)) & m);
    const fast = signedForm(w) ? wideFast(op, w) : undefined;
    if (!fast) return general;
    return (a, b) => {
      if (isNum(a) && isNum(b)) { const r = fast(a, b); if (r !== undefined) return r; }
      return general(a, b);
    };
  },
  cmp(op, w) {
    if (small(w)) return smallCmp(op, w) as (a: Concrete, b: Concrete) => Concrete;
    const U = unsignedOf(w);
    const S = (x: Concrete) => BigInt.asIntN(w, U(x));
    // Canonical values: equal exactly when ===.
    switch (op) {
      case 'eq': return (a, b) => (a === b ? 1 : 0);
      case 'ne': return (a, b) => (a !== b ? 1 : 0);
      default: break;
    }
    if (!signedForm(w)) {
      // Unsigned numbers: ordered as they are.
      switch (op) {
        case 'ult': return (a, b) => (a < b ? 1 : 0);
        case 'ule': return (a, b) => (a <= b ? 1 : 0);
        case 'slt': return (a, b) => (S(a) < S(b) ? 1 : 0);
        case 'sle': return (a, b) => (S(a) <= S(b) ? 1 : 0);
      }
    }
    // Signed readings: ordered as signed values; unsigned, a negative number is above the others.
    switch (op) {
      case 'ult': return (a, b) => (isNum(a) && isNum(b) ? ((a < 0) === (b < 0) ? a < b : a >= 0) : U(a) < U(b)) ? 1 : 0;
      case 'ule': return (a, b) => (isNum(a) && isNum(b) ? ((a < 0) === (b < 0) ? a <= b : a >= 0) : U(a) <= U(b)) ? 1 : 0;
      case 'slt': return (a, b) => (isNum(a) && isNum(b) ? a < b : S(a) < S(b)) ? 1 : 0;
      case 'sle': return (a, b) => (isNum(a) && isNum(b) ? a <= b : S(a) <= S(b)) ? 1 : 0;
    }
  },
  zext(from, to) {
    if (!signedForm(from) || to === from) return (x) => x;
    // A negative signed reading is 2^from + x unsigned: above 2^53 at any wider width.
    const U = unsignedOf(from), C = canonOf(to);
    return (x) => (isNum(x) && x >= 0 ? x : C(U(x)));
  },
  sext(from, to) {
    if (small(to)) { const sg = signedOf(from), n = norm(to); return (x) => n(sg(x as number)); }
    if (!signedForm(from)) {
      const s = signedNumber(from);
      if (signedForm(to)) return (x) => s(x as number);
      const T = 2 ** to;
      return (x) => { const v = s(x as number); return v >= 0 ? v : v + T; };
    }
    // A signed reading keeps its value; BigInts are re-read at the new width.
    const U = unsignedOf(from), C = canonOf(to);
    return (x) => (isNum(x) ? x : C(BigInt.asUintN(to, BigInt.asIntN(from, U(x)))));
  },
  extract(lo, w, from) {
    if (small(from)) {
      const n = norm(w);
      return lo === 0 ? (x) => n(x as number) : (x) => n((x as number) >>> lo);
    }
    const m = mask(w), L = BigInt(lo), U = unsignedOf(from);
    if (small(w)) {
      // Floor division by a power of two is an exact arithmetic shift; n() takes it mod 2^w.
      const p = 2 ** lo, n = norm(w);
      return (x) => (isNum(x) ? n(Math.floor(x / p)) : Number((x >> L) & m));
    }
    const C = canonOf(w);
    return (x) => C((U(x) >> L) & m);
  },
  concat(hw, lw) {
    const w = hw + lw;
    if (small(w)) { const f = 2 ** lw; return (hi, lo) => (hi as number) * f + (lo as number); }
    const L = BigInt(lw), f = 2 ** lw, C = canonOf(w), UH = unsignedOf(hw), UL = unsignedOf(lw);
    const general = (hi: Concrete, lo: Concrete) => C((UH(hi) << L) | UL(lo));
    if (lw > 53) return general;
    // The result's sign is hi's top bit: hi read as signed at its width.
    const sh = signedForm(w) && !signedForm(hw) ? signedNumber(hw) : (x: number) => x;
    return (hi, lo) => {
      if (isNum(hi) && isNum(lo)) { const r = sh(hi) * f + lo; if (safe(r)) return r; }
      return general(hi, lo);
    };
  },
  ite: () => (c, t, e) => (c ? t : e),
  opaque(name, w) {
    const seed = opaqueSeed(name), h = new Uint32Array(2);
    const hash = (args: readonly Concrete[]) => { h.set(seed); for (const a of args) mixArg(h, a); };
    if (small(w)) { const n = norm(w); return (args) => { hash(args); return n(h[0]!); }; }
    const m = mask(w), C = canonOf(w);
    return (args) => { hash(args); return C(((BigInt(h[1]!) << 32n) | BigInt(h[0]!)) & m); };
  },
  truth: (c) => c !== 0,
};

/**
 * A concrete value as a BigInt: unsigned in [0, 2^width) when the width is given, else the
 * number's own value (a signed reading stays negative; BigInt.asIntN/asUintN read it either way).
 */
export function toBigInt(v: Concrete, width?: number): bigint {
  return width === undefined ? BigInt(v) : unsignedOf(width)(v);
}

/** A concrete word used as an address or a jump target: its unsigned value as a number (rounded above 2^53). */
export function toAddress(v: Concrete): number {
  return typeof v === 'bigint' ? Number(v) : v < 0 ? v + 2 ** 64 : v;
}
