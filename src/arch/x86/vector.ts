/**
 * The SSE/AVX integer data movement and lane arithmetic gcc emits in integer code, modelled
 * exactly on 128-bit chunks (a ymm register is two chunks; AVX2 shuffles and unpacks work
 * within 128-bit lanes anyway). VEX forms (`v` prefix) take three operands and zero the
 * register above what they write. Everything else with vector or x87 operands is opaque.ts.
 */
import type { Expr } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { Ctx } from './context.js';
import { Unsupported } from './context.js';
import type { Sem, SemTable } from './integer.js';
import { vectorChunks } from './registers.js';

const { constant, extract, concat, zext, sext, ite, and, not, add, sub, msb, trunc } = B;

// ---------------------------------------------------------------- operands as 128-bit chunks

const isVex = (c: Ctx) => c.mnemonic.startsWith('v');

/** Operand i as `n` 128-bit chunks (a narrower memory operand or register is zero-extended). */
function chunks(c: Ctx, i: number, n = 1): Expr[] {
  const o = c.op(i);
  if (o.kind === 'reg') {
    const v = vectorChunks(o.reg);
    if (!v) return [zext(c.get(o.reg), 128)];
    return v.slice(0, Math.max(n, 1)).map((r) => c.get(r));
  }
  if (o.kind === 'mem') {
    const size = o.size ?? 16;
    if (size < 16) return [zext(B.load(c.addr(o), size * 8), 128)];
    return Array.from({ length: size / 16 }, (_, k) => B.load(c.addr(o, 16 * k), 128));
  }
  throw new Unsupported(`vector operand ${i}`);
}
/** How many 128-bit chunks the instruction's destination (operand 0) has. */
const lanesOf = (c: Ctx) => (c.isReg(0) && vectorChunks(c.regName(0)) ? vectorChunks(c.regName(0))!.length : 1);

/** Writes chunks to operand i: a VEX write to a register zeroes every chunk above. */
function put(c: Ctx, i: number, values: readonly Expr[]): void {
  const o = c.op(i);
  if (o.kind === 'mem') {
    values.forEach((v, k) => c.emit(B.store(c.addr(o, 16 * k), v)));
    return;
  }
  if (o.kind !== 'reg') throw new Unsupported('vector destination');
  const v = vectorChunks(o.reg);
  if (!v) throw new Unsupported(`vector destination ${o.reg}`);
  values.forEach((x, k) => c.emit(B.set(c.loc(v[k]!), x)));
  if (isVex(c)) {
    const all = vectorChunks(`zmm${o.reg.slice(3)}`)!;
    for (const r of all.slice(values.length)) if (c.m.registers.has(r)) c.emit(B.set(c.loc(r), constant(128, 0)));
  }
}

/** Splits a 128-bit value into lanes of `lw` bits, low first. */
const split = (x: Expr, lw: number): Expr[] => Array.from({ length: 128 / lw }, (_, i) => extract(x, i * lw, lw));
/** Joins lanes (low first) into one value. */
function join(lanes: readonly Expr[]): Expr {
  let v = lanes[lanes.length - 1]!;
  for (let i = lanes.length - 2; i >= 0; i--) v = concat(v, lanes[i]!);
  return v;
}
const lanewise = (lw: number, f: (x: Expr, y: Expr) => Expr) => (a: Expr, b: Expr): Expr => {
  const xs = split(a, lw), ys = split(b, lw);
  return join(xs.map((x, i) => f(x, ys[i]!)));
};

// ---------------------------------------------------------------- binding forms

type Binary = (a: Expr, b: Expr, imm: number) => Expr;
/** dst = f(a, b): legacy `op dst/a, b[, imm]`, VEX `op dst, a, b[, imm]`; per 128-bit chunk. */
function binary(f: Binary): Sem {
  return (c) => {
    const vex = isVex(c) && c.count >= 3 && !c.isImm(2);
    const [ai, bi] = vex ? [1, 2] : [0, 1];
    const n = lanesOf(c);
    const as = chunks(c, ai, n), bs = chunks(c, bi, n);
    const imm = c.isImm(bi + 1) ? Number(c.immValue(bi + 1) & 0xffn) : 0;
    put(c, 0, as.map((a, k) => f(a, bs[k]!, imm)));
  };
}
/** dst = f(src, imm): `op dst, src, imm` in both encodings (pshufd). */
function shuffle(f: (a: Expr, imm: number) => Expr): Sem {
  return (c) => {
    const n = lanesOf(c), imm = Number(c.immValue(2) & 0xffn);
    put(c, 0, chunks(c, 1, n).map((a) => f(a, imm)));
  };
}
/** Shifts by an immediate or by the low 64 bits of a vector: legacy `op dst, count`, VEX `op dst, src, count`. */
function shiftBy(f: (a: Expr, count: Expr) => Expr): Sem {
  return (c) => {
    const vex = isVex(c) && c.count === 3;
    const [ai, ci] = vex ? [1, 2] : [0, 1];
    const count = c.isImm(ci) ? constant(64, c.immValue(ci) & 0xffn) : trunc(chunks(c, ci)[0]!, 64);
    put(c, 0, chunks(c, ai, lanesOf(c)).map((a) => f(a, count)));
  };
}

// ---------------------------------------------------------------- lane operations

const ones = (w: number) => constant(w, -1);
const mask = (cond: Expr, w: number) => ite(cond, ones(w), constant(w, 0));
const min = (lt: (x: Expr, y: Expr) => Expr) => (x: Expr, y: Expr) => ite(lt(x, y), x, y);
const max = (lt: (x: Expr, y: Expr) => Expr) => (x: Expr, y: Expr) => ite(lt(y, x), x, y);

/** Saturates a (2w)-bit value into w bits, signed or unsigned. */
function saturate(x: Expr, w: number, signedTarget: boolean, signedSource = true): Expr {
  const W = x.width;
  const lo = signedTarget ? constant(W, -(1n << BigInt(w - 1))) : constant(W, 0);
  const hi = signedTarget ? constant(W, (1n << BigInt(w - 1)) - 1n) : constant(W, (1n << BigInt(w)) - 1n);
  const below = signedSource ? B.slt(x, lo) : B.FALSE;
  return trunc(ite(below, lo, ite(signedSource ? B.sgt(x, hi) : B.ugt(x, hi), hi, x)), w);
}
const satAdd = (signed: boolean, isSub: boolean) => (x: Expr, y: Expr) => {
  const w = x.width, ext = signed ? sext : zext;
  const r = (isSub ? sub : add)(ext(x, w + 1), ext(y, w + 1));
  return saturate(r, w, signed, signed || isSub);
};
const avg = (x: Expr, y: Expr) => {
  const w = x.width;
  return extract(add(add(zext(x, w + 1), zext(y, w + 1)), constant(w + 1, 1)), 1, w);
};
const mulHigh = (signed: boolean) => (x: Expr, y: Expr) => {
  const w = x.width, ext = signed ? sext : zext;
  return extract(B.mul(ext(x, 2 * w), ext(y, 2 * w)), w, w);
};
/** pmuludq/pmuldq: the low 32 bits of each 64-bit lane, multiplied into 64 bits. */
const mulEven = (signed: boolean) => lanewise(64, (x, y) => {
  const ext = signed ? sext : zext;
  return B.mul(ext(trunc(x, 32), 64), ext(trunc(y, 32), 64));
});
const pmaddwd = lanewise(32, (x, y) => {
  const p = (lo: number) => B.mul(sext(extract(x, lo, 16), 32), sext(extract(y, lo, 16), 32));
  return add(p(0), p(16));
});

/** punpckl/h: interleave the low (or high) halves of a and b, lanes of lw bits. */
const unpack = (lw: number, high: boolean) => (a: Expr, b: Expr) => {
  const xs = split(a, lw), ys = split(b, lw), half = xs.length / 2, base = high ? half : 0;
  const out: Expr[] = [];
  for (let i = 0; i < half; i++) out.push(xs[base + i]!, ys[base + i]!);
  return join(out);
};
/** packss/packus: narrow every lane of a then of b with saturation. */
const pack = (lw: number, signedTarget: boolean) => (a: Expr, b: Expr) =>
  join([...split(a, lw), ...split(b, lw)].map((x) => saturate(x, lw / 2, signedTarget)));

const pshufd = (a: Expr, imm: number) => { const xs = split(a, 32); return join([0, 1, 2, 3].map((i) => xs[(imm >> (2 * i)) & 3]!)); };
const pshufw = (high: boolean) => (a: Expr, imm: number) => {
  const xs = split(a, 16), base = high ? 4 : 0;
  const sel = [0, 1, 2, 3].map((i) => xs[base + ((imm >> (2 * i)) & 3)]!);
  return join(high ? [...xs.slice(0, 4), ...sel] : [...sel, ...xs.slice(4)]);
};
const shufps = (a: Expr, b: Expr, imm: number) => {
  const xs = split(a, 32), ys = split(b, 32);
  return join([xs[imm & 3]!, xs[(imm >> 2) & 3]!, ys[(imm >> 4) & 3]!, ys[(imm >> 6) & 3]!]);
};
const shufpd = (a: Expr, b: Expr, imm: number) => join([split(a, 64)[imm & 1]!, split(b, 64)[(imm >> 1) & 1]!]);
/** palignr: bytes imm.. of the 32-byte value a:b (b low). */
const palignr = (a: Expr, b: Expr, imm: number) => {
  const bytes = [...split(b, 8), ...split(a, 8)];
  return join(Array.from({ length: 16 }, (_, i) => bytes[i + imm] ?? constant(8, 0)));
};

/** Lane shifts by a 64-bit count: a count beyond the lane gives 0 (arithmetic: the sign fill). */
const laneShift = (lw: number, op: 'shl' | 'lshr' | 'ashr') => (a: Expr, count: Expr) => {
  const n = ite(B.ult(count, constant(64, lw)), trunc(count, lw), constant(lw, lw));
  return join(split(a, lw).map((x) => B.binop(op, x, n)));
};
/** pslldq/psrldq: whole-register byte shifts (counts over 15 clear it). */
const byteShift = (left: boolean) => (a: Expr, count: Expr) => {
  const n = zext(trunc(count, 8), 128);
  return (left ? B.shl : B.lshr)(a, B.mul(n, constant(128, 8)));
};

const bitwise = (op: 'and' | 'or' | 'xor' | 'andn'): Binary => (a, b) => (op === 'andn' ? and(not(a), b) : B.binop(op, a, b));

// ---------------------------------------------------------------- moves

/** Full-register moves (movdqa, movups, ...): any width, any direction. */
const move: Sem = (c) => {
  const n = c.isReg(0) ? lanesOf(c) : Math.max(1, c.width(0) / 128);
  put(c, 0, chunks(c, 1, n).slice(0, n));
};
/** movd/movq: between a general register or memory and the low bits of a vector register (zeroing the rest). */
const movdq: Sem = (c) => {
  const toVector = c.isReg(0) && vectorChunks(c.regName(0)) !== undefined;
  if (toVector) {
    const src = c.isReg(1) && vectorChunks(c.regName(1)) ? trunc(c.get(c.regName(1)), 64) : c.read(1);
    put(c, 0, [zext(src, 128)]);
  } else {
    const w = c.width(0);
    c.write(0, trunc(chunks(c, 1)[0]!, w));
  }
};
/** movss/movsd: a memory load zeroes the rest; a register move merges into the destination's (or VEX src1's) upper bits. */
const moveScalar = (w: number): Sem => (c) => {
  if (c.isMem(0)) return c.write(0, trunc(chunks(c, 1)[0]!, w));
  if (c.isMem(1)) return put(c, 0, [zext(B.load(c.addr(c.mem(1)), w), 128)]);
  const [hiOp, loOp] = c.count === 3 ? [1, 2] : [0, 1];
  put(c, 0, [concat(extract(chunks(c, hiOp)[0]!, w, 128 - w), trunc(chunks(c, loOp)[0]!, w))]);
};
/** movlps/movlpd/movhps/movhpd: one 64-bit half between memory and a register. */
const moveHalf = (high: boolean): Sem => (c) => {
  if (c.isMem(0)) return c.write(0, extract(chunks(c, 1)[0]!, high ? 64 : 0, 64));
  const [keepOp, memOp] = c.count === 3 ? [1, 2] : [0, 1];
  const keep = chunks(c, keepOp)[0]!, m = B.load(c.addr(c.mem(memOp)), 64);
  put(c, 0, [high ? concat(m, trunc(keep, 64)) : concat(extract(keep, 64, 64), m)]);
};
const moveHL: Binary = (a, b) => concat(extract(a, 64, 64), extract(b, 64, 64));
const moveLH: Binary = (a, b) => concat(trunc(b, 64), trunc(a, 64));
const movddup: Sem = (c) => {
  const n = lanesOf(c);
  const src = c.isMem(1) && n === 1 ? [zext(B.load(c.addr(c.mem(1)), 64), 128)] : chunks(c, 1, n);
  put(c, 0, src.map((a) => concat(trunc(a, 64), trunc(a, 64))));
};
/** pmovmskb/movmskps/movmskpd: the sign bits of the lanes, into a general register. */
const moveMask = (lw: number): Sem => (c) => {
  const bits = chunks(c, 1, 2).flatMap((x) => split(x, lw).map(msb));
  c.write(0, zext(join(bits), c.width(0)));
};
const extractLane = (lw: number): Sem => (c) => {
  const lanes = split(chunks(c, 1)[0]!, lw), v = lanes[Number(c.immValue(2)) % lanes.length]!;
  c.write(0, c.isReg(0) ? zext(v, c.width(0)) : v);
};
const insertLane = (lw: number): Sem => (c) => {
  const vex = c.count === 4;
  const [di, si, ii] = vex ? [1, 2, 3] : [0, 1, 2];
  const lanes = split(chunks(c, di)[0]!, lw);
  const v = c.isMem(si) ? B.load(c.addr(c.mem(si)), lw) : trunc(c.get(c.regName(si)), lw);
  lanes[Number(c.immValue(ii)) % lanes.length] = v;
  put(c, 0, [join(lanes)]);
};
/** pmovzx/pmovsx: widen the low lanes of the source. */
const widen = (from: number, to: number, signed: boolean): Sem => (c) => {
  const count = 128 / to, ext = signed ? sext : zext;
  const src = c.isMem(1) ? zext(B.load(c.addr(c.mem(1)), from * count), 128) : chunks(c, 1)[0]!;
  put(c, 0, [join(split(src, from).slice(0, count).map((x) => ext(x, to)))]);
};
const ptest: Sem = (c) => {
  const n = lanesOf(c), as = chunks(c, 0, n), bs = chunks(c, 1, n);
  const zero = (xs: Expr[]) => xs.map((x) => B.eq(x, constant(128, 0))).reduce((p, q) => and(p, q));
  c.setFlag('ZF', zero(as.map((a, k) => and(a, bs[k]!))));
  c.setFlag('CF', zero(as.map((a, k) => and(not(a), bs[k]!))));
  for (const f of ['AF', 'OF', 'PF', 'SF'] as const) c.setFlag(f, B.FALSE);
};
const vzeroupper: Sem = (c) => {
  for (let i = 0; i < Math.min(16, c.m.bits === 64 ? 16 : 8); i++)
    for (const r of vectorChunks(`zmm${i}`)!.slice(1)) c.emit(B.set(c.loc(r), constant(128, 0)));
};

// ---------------------------------------------------------------- tables

const L = (lws: Record<string, number>, f: (lw: number) => Binary) => Object.fromEntries(Object.entries(lws).map(([s, lw]) => [s, f(lw)]));
const BWDQ = { b: 8, w: 16, d: 32, q: 64 };
const prefixed = (p: string, t: Record<string, Binary>) => Object.fromEntries(Object.entries(t).map(([s, f]) => [`${p}${s}`, binary(f)]));

const MOVES: SemTable = {
  movdqa: move, movdqu: move, movaps: move, movups: move, movapd: move, movupd: move, lddqu: move,
  movntdq: move, movntdqa: move, movntps: move, movntpd: move,
  movd: movdq, movq: movdq, movss: moveScalar(32), movsd: moveScalar(64),
  movlps: moveHalf(false), movlpd: moveHalf(false), movhps: moveHalf(true), movhpd: moveHalf(true),
  movhlps: binary(moveHL), movlhps: binary(moveLH), movddup,
  pmovmskb: moveMask(8), movmskps: moveMask(32), movmskpd: moveMask(64),
  pextrb: extractLane(8), pextrw: extractLane(16), pextrd: extractLane(32), pextrq: extractLane(64),
  pinsrb: insertLane(8), pinsrw: insertLane(16), pinsrd: insertLane(32), pinsrq: insertLane(64),
  ...Object.fromEntries([['bw', 8, 16], ['bd', 8, 32], ['bq', 8, 64], ['wd', 16, 32], ['wq', 16, 64], ['dq', 32, 64]].flatMap(([s, f, t]) =>
    [[`pmovzx${s}`, widen(f as number, t as number, false)], [`pmovsx${s}`, widen(f as number, t as number, true)]])),
  ptest, vzeroupper,
};
const LANES: SemTable = {
  ...Object.fromEntries(['pand', 'andps', 'andpd'].map((n) => [n, binary(bitwise('and'))])),
  ...Object.fromEntries(['por', 'orps', 'orpd'].map((n) => [n, binary(bitwise('or'))])),
  ...Object.fromEntries(['pxor', 'xorps', 'xorpd'].map((n) => [n, binary(bitwise('xor'))])),
  ...Object.fromEntries(['pandn', 'andnps', 'andnpd'].map((n) => [n, binary(bitwise('andn'))])),
  ...prefixed('padd', L(BWDQ, (lw) => lanewise(lw, add))),
  ...prefixed('psub', L(BWDQ, (lw) => lanewise(lw, sub))),
  ...prefixed('pcmpeq', L(BWDQ, (lw) => lanewise(lw, (x, y) => mask(B.eq(x, y), lw)))),
  ...prefixed('pcmpgt', L(BWDQ, (lw) => lanewise(lw, (x, y) => mask(B.sgt(x, y), lw)))),
  ...prefixed('pminu', L({ b: 8, w: 16, d: 32 }, (lw) => lanewise(lw, min(B.ult)))),
  ...prefixed('pmaxu', L({ b: 8, w: 16, d: 32 }, (lw) => lanewise(lw, max(B.ult)))),
  ...prefixed('pmins', L({ b: 8, w: 16, d: 32 }, (lw) => lanewise(lw, min(B.slt)))),
  ...prefixed('pmaxs', L({ b: 8, w: 16, d: 32 }, (lw) => lanewise(lw, max(B.slt)))),
  ...prefixed('paddus', L({ b: 8, w: 16 }, (lw) => lanewise(lw, satAdd(false, false)))),
  ...prefixed('psubus', L({ b: 8, w: 16 }, (lw) => lanewise(lw, satAdd(false, true)))),
  ...prefixed('padds', L({ b: 8, w: 16 }, (lw) => lanewise(lw, satAdd(true, false)))),
  ...prefixed('psubs', L({ b: 8, w: 16 }, (lw) => lanewise(lw, satAdd(true, true)))),
  ...prefixed('pavg', L({ b: 8, w: 16 }, (lw) => lanewise(lw, avg))),
  pmullw: binary(lanewise(16, B.mul)), pmulld: binary(lanewise(32, B.mul)),
  pmulhw: binary(lanewise(16, mulHigh(true))), pmulhuw: binary(lanewise(16, mulHigh(false))),
  pmuludq: binary(mulEven(false)), pmuldq: binary(mulEven(true)), pmaddwd: binary(pmaddwd),
  ...prefixed('punpckl', { bw: unpack(8, false), wd: unpack(16, false), dq: unpack(32, false), qdq: unpack(64, false) }),
  ...prefixed('punpckh', { bw: unpack(8, true), wd: unpack(16, true), dq: unpack(32, true), qdq: unpack(64, true) }),
  unpcklps: binary(unpack(32, false)), unpckhps: binary(unpack(32, true)), unpcklpd: binary(unpack(64, false)), unpckhpd: binary(unpack(64, true)),
  packsswb: binary(pack(16, true)), packssdw: binary(pack(32, true)), packuswb: binary(pack(16, false)), packusdw: binary(pack(32, false)),
  shufps: binary(shufps), shufpd: binary(shufpd), palignr: binary(palignr),
  pshufd: shuffle(pshufd), pshuflw: shuffle(pshufw(false)), pshufhw: shuffle(pshufw(true)),
  psllw: shiftBy(laneShift(16, 'shl')), pslld: shiftBy(laneShift(32, 'shl')), psllq: shiftBy(laneShift(64, 'shl')),
  psrlw: shiftBy(laneShift(16, 'lshr')), psrld: shiftBy(laneShift(32, 'lshr')), psrlq: shiftBy(laneShift(64, 'lshr')),
  psraw: shiftBy(laneShift(16, 'ashr')), psrad: shiftBy(laneShift(32, 'ashr')),
  pslldq: shiftBy(byteShift(true)), psrldq: shiftBy(byteShift(false)),
};

/** Exactly modelled vector instructions, by legacy mnemonic; VEX forms look up the name without its `v`. */
export const VECTOR: SemTable = { ...MOVES, ...LANES };

/** Whether an encoding is EVEX (AVX-512: masking and wider registers; left to the opaque lifting). */
export function isEvex(bytes: Uint8Array, bits: number): boolean {
  let i = 0;
  while (i < bytes.length && [0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0xf0].includes(bytes[i]!)) i++;
  return bytes[i] === 0x62 && (bits === 64 || ((bytes[i + 1] ?? 0) & 0xc0) === 0xc0);
}
