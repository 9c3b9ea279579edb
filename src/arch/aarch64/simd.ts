/**
 * AArch64 FP/SIMD semantics. Exact: the data movement and integer vector operations compilers
 * emit in integer code (fmov between register files and of immediates, movi/mvni, dup, ins/umov/
 * smov and the mov aliases, bitwise and/orr/eor/bic/orn/not/bsl/bit/bif, lane-wise integer
 * arithmetic, compares and shifts, cnt + addv/uaddlv (the popcount idiom), across-lane and pairwise
 * reductions, ext/zip/uzp/trn, xtn and the widening shifts). Floating-point arithmetic, conversions
 * and whatever vector operation is not listed compute an opaque value into their destination
 * (status `opaque`); fcsel is exact, fcmp-family flags are opaque.
 */
import type { Expr } from '../../ir/ir.js';
import {
  add, and, ashr, concat, constant, eq, extract, ite, lshr, mul, ne, neg, not, opaqueValue, or, sext, sgt, sge, shl, slt, sub, ugt, uge, ult,
  unop, xor, zext,
} from '../../ir/build.js';
import type { A64 } from './context.js';
import { ARRANGEMENT, Unsupported } from './context.js';
import type { Semantics, SemanticsTable } from './integer.js';
import { revChunks } from './integer.js';
import { replicate } from './memory.js';

interface Shape { readonly count: number; readonly esize: number }

/** Lane count and element size of operand i: its arrangement, or one lane for a scalar. */
function shape(c: A64, i: number): Shape {
  const o = c.regOp(i);
  if (o.arrangement && c.lane(i) === undefined) {
    const a = ARRANGEMENT[o.arrangement];
    if (!a) throw new Unsupported(`arrangement ${o.arrangement}`);
    return a;
  }
  return { count: 1, esize: c.width(i) };
}

/** The lanes of x, lowest first. */
function split(x: Expr, esize: number): Expr[] {
  // v0[0:64][8:16] reads better as v0[8:16]
  const [whole, at] = x.kind === 'extract' ? [x.x, x.lo] : [x, 0];
  return Array.from({ length: x.width / esize }, (_, k) => extract(whole, at + k * esize, esize));
}
/** Lanes (lowest first) back into one value. */
function join(lanes: readonly Expr[]): Expr {
  let r = lanes[0]!;
  for (let k = 1; k < lanes.length; k++) r = concat(lanes[k]!, r);
  return r;
}
const ones = (w: number) => constant(w, -1);
const mask = (b: Expr, w: number) => ite(b, ones(w), constant(w, 0));

// Moves ------------------------------------------------------------------------------------

/** fmov: between general and FP registers (incl. `v0.d[1]`), FP register copies, FP immediates. */
const fmov: Semantics = (c) => {
  const d = c.regOp(0), s = c.op(1);
  if (s.kind === 'other' && s.fp !== undefined) {
    const w = d.arrangement ? ARRANGEMENT[d.arrangement]!.esize : c.width(0);
    const bits = fpBits(s.fp, w);
    if (bits === undefined) return c.setOp(0, opaqueValue('fmov.imm', c.width(0)));
    const { count } = shape(c, 0);
    return c.setOp(0, replicate(constant(w, bits), count));
  }
  const value = c.lane(1) !== undefined ? c.getLane(1, 64) : c.reg(1);
  if (c.lane(0) !== undefined) return c.setLane(0, 64, value);
  c.setOp(0, value);
};

function fpBits(v: number, width: number): bigint | undefined {
  const dv = new DataView(new ArrayBuffer(8));
  if (width === 64) { dv.setFloat64(0, v); return dv.getBigUint64(0); }
  if (width === 32) { dv.setFloat32(0, v); return BigInt(dv.getUint32(0)); }
  return undefined;
}

/** movi/mvni (and vector orr/bic with an immediate): the element immediate, shifted, per lane. */
function vectorImmediate(op: 'mov' | 'mvn' | 'orr' | 'bic'): Semantics {
  return (c) => {
    const { count, esize } = shape(c, 0);
    const o = c.immOp(1);
    let e = constant(esize, o.exact ?? BigInt(o.value));
    if (o.shift) {
      const k = constant(esize, Number(o.shift.amount));
      e = o.shift.type === 'msl' ? or(shl(e, k), constant(esize, (1n << BigInt(o.shift.amount)) - 1n)) : shl(e, k);
    }
    if (op === 'mvn') e = not(e);
    if (op === 'mov' || op === 'mvn') return c.setOp(0, replicate(e, count));
    const f = op === 'orr' ? (x: Expr) => or(x, e) : (x: Expr) => and(x, not(e));
    c.setOp(0, join(split(c.reg(0), esize).map(f)));
  };
}

/** dup Vd.T, Rn | Vn.T[i]; dup/mov scalar, Vn.T[i]. */
const dup: Semantics = (c) => {
  const { count, esize } = shape(c, 0);
  const v = c.lane(1) !== undefined ? c.reg(1) : extract(c.reg(1), 0, esize);
  c.setOp(0, replicate(v, count));
};

/** ins Vd.T[i], Rn | Vn.T[j]. */
const insert: Semantics = (c) => {
  const esize = c.width(0);
  c.setOp(0, extract(c.reg(1), 0, esize));
};

/** umov/smov Rd, Vn.T[i]. */
const moveLane = (signed: boolean): Semantics => (c) => {
  const v = c.reg(1), w = c.width(0);
  c.setOp(0, signed ? sext(v, w) : zext(v, w));
};

/** mov: every vector alias (orr Vd, Vn, Vn; ins; umov; dup scalar). */
export const movVector: Semantics = (c) => {
  const dLane = c.lane(0) !== undefined, sLane = c.lane(1) !== undefined;
  if (dLane) return insert(c);
  if (sLane) return c.isGeneral(c.regOp(0).reg) ? moveLane(false)(c) : dup(c);
  c.setOp(0, c.reg(1));
};

// Bitwise and lane-wise operations -----------------------------------------------------------------------

type Lane2 = (a: Expr, b: Expr) => Expr;

/** Vd = f(Vn, Vm | #imm) lane by lane (a scalar register is one lane). */
function lanewise(f: Lane2): Semantics {
  return (c) => {
    const { esize } = shape(c, 0);
    const a = split(c.reg(1), esize);
    const o = c.op(2);
    const b = o.kind === 'imm' ? a.map(() => constant(esize, o.value)) : split(c.reg(2), esize);
    c.setOp(0, join(a.map((x, k) => f(x, b[k]!))));
  };
}
/** Vd = f(Vn) lane by lane. */
function lanewise1(f: (a: Expr) => Expr): Semantics {
  return (c) => c.setOp(0, join(split(c.reg(1), shape(c, 0).esize).map(f)));
}
/** Bitwise on the whole register: no lanes needed. */
const bitwise = (f: Lane2): Semantics => (c) => c.setOp(0, f(c.reg(1), c.reg(2)));

/** bsl/bit/bif Vd, Vn, Vm. */
const select = (kind: 'bsl' | 'bit' | 'bif'): Semantics => (c) => {
  const d = c.reg(0), n = c.reg(1), m = c.reg(2);
  if (kind === 'bsl') return c.setOp(0, or(and(d, n), and(not(d), m)));
  c.setOp(0, xor(d, and(xor(d, n), kind === 'bit' ? m : not(m))));
};

/** Shift by immediate, lane by lane: shl/ushr/sshr (an amount of esize gives 0 / the sign). */
const shiftImm = (f: (a: Expr, k: Expr) => Expr): Semantics => (c) => {
  const { esize } = shape(c, 0), n = c.imm(2);
  c.setOp(0, join(split(c.reg(1), esize).map((x) => f(x, constant(esize, n)))));
};

/** Across lanes: addv/umaxv/… Vd (scalar), Vn.T; uaddlv/saddlv widen to twice the element size. */
function across(f: Lane2, widen?: 'u' | 's'): Semantics {
  return (c) => {
    const { esize } = shape(c, 1);
    let lanes = split(c.reg(1), esize);
    if (widen) lanes = lanes.map((x) => (widen === 'u' ? zext(x, 2 * esize) : sext(x, 2 * esize)));
    c.setOp(0, lanes.reduce(f));
  };
}

/** Pairwise: addp/umaxp/… Vd, Vn, Vm: the pairs of Vm:Vn (Vn's pairs in the low half). */
function pairwise(f: Lane2): Semantics {
  return (c) => {
    const { esize } = shape(c, 0);
    const all = [...split(c.reg(1), esize), ...split(c.reg(2), esize)];
    const out: Expr[] = [];
    for (let k = 0; k < all.length; k += 2) out.push(f(all[k]!, all[k + 1]!));
    c.setOp(0, join(out));
  };
}

/** ext Vd, Vn, Vm, #bytes: bytes [index, index + width) of Vm:Vn. */
const ext: Semantics = (c) => {
  const bytes = [...split(c.reg(1), 8), ...split(c.reg(2), 8)], at = c.imm(3);
  c.setOp(0, join(bytes.slice(at, at + c.width(0) / 8)));
};

/** zip/uzp/trn 1 and 2. */
function permute(kind: 'zip' | 'uzp' | 'trn', part: 0 | 1): Semantics {
  return (c) => {
    const { esize, count } = shape(c, 0);
    const n = split(c.reg(1), esize), m = split(c.reg(2), esize);
    const out: Expr[] = [];
    if (kind === 'zip') for (let k = 0; k < count / 2; k++) out.push(n[part * (count / 2) + k]!, m[part * (count / 2) + k]!);
    if (kind === 'uzp') { const all = [...n, ...m]; for (let k = 0; k < count; k++) out.push(all[2 * k + part]!); }
    if (kind === 'trn') for (let k = 0; k < count / 2; k++) out.push(n[2 * k + part]!, m[2 * k + part]!);
    c.setOp(0, join(out));
  };
}

/** xtn/xtn2 Vd.Tb, Vn.Ta: narrow each lane (xtn2 writes the upper half, keeping the lower). */
const narrow = (upper: boolean): Semantics => (c) => {
  const { esize } = shape(c, 1);
  const lanes = join(split(c.reg(1), esize).map((x) => extract(x, 0, esize / 2)));
  c.setOp(0, upper ? concat(lanes, extract(c.getReg(c.regOp(0).reg), 0, 64)) : lanes);
};

/** ushll/sshll(2) Vd.Ta, Vn.Tb, #shift (uxtl/sxtl: shift 0): widen the lower (upper) half. */
const widenShift = (signed: boolean, upper: boolean): Semantics => (c) => {
  const { esize } = shape(c, 0);
  const src = c.getReg(c.regOp(1).reg);
  const half = extract(src, upper ? 64 : 0, 64);
  const k = c.ops.length > 2 ? c.imm(2) : 0;
  c.setOp(0, join(split(half, esize / 2).map((x) => shl(signed ? sext(x, esize) : zext(x, esize), constant(esize, k)))));
};

/** uaddw/saddw Vd.Ta, Vn.Ta, Vm.Tb: add the widened lower half of Vm. */
const addWide = (signed: boolean): Semantics => (c) => {
  const { esize } = shape(c, 0);
  const m = split(extract(c.getReg(c.regOp(2).reg), 0, 64), esize / 2).map((x) => (signed ? sext(x, esize) : zext(x, esize)));
  c.setOp(0, join(split(c.reg(1), esize).map((x, k) => add(x, m[k]!))));
};

/** Vector rev16/rev32/rev64: reverse the elements inside each container. */
const revElements = (container: number): Semantics => (c) => {
  const { esize } = shape(c, 0);
  const v = c.reg(1);
  if (esize === 8) return c.setOp(0, revChunks(v, container));
  const out: Expr[] = [];
  for (let lo = 0; lo < v.width; lo += container) out.push(...split(extract(v, lo, container), esize).reverse());
  c.setOp(0, join(out));
};

// Floating point -----------------------------------------------------------------------------------

/** FP arithmetic/conversion: an opaque value of the sources into the destination. */
const fpOpaque: Semantics = (c) => {
  const args = c.ops.slice(1).map((o, k) => (o.kind === 'reg' ? c.reg(k + 1) : o.kind === 'imm' ? constant(64, o.value) : constant(64, 0)));
  const rmw = READS_DEST.has(c.insn.mnemonic) ? [c.reg(0)] : [];
  c.setOp(0, opaqueValue(c.insn.mnemonic, c.width(0), [...rmw, ...args]));
};
/** Instructions that also read their destination. */
const READS_DEST = new Set(['fmla', 'fmls', 'mla', 'mls', 'bsl', 'bit', 'bif', 'ins', 'sli', 'sri', 'usra', 'ssra', 'tbx', 'shrn2', 'xtn2', 'sqxtn2', 'uqxtn2', 'fcvtn2', 'fcvtl2', 'rshrn2', 'uaba', 'saba', 'uabal', 'sabal', 'umlal', 'smlal', 'umlal2', 'smlal2', 'sdot', 'udot']);

/** fcmp/fcmpe Vn, Vm | #0.0: NZCV opaque in the operands. */
const fpCompare: Semantics = (c) => {
  const args = c.ops.map((o, k) => (o.kind === 'reg' ? c.reg(k) : constant(64, 0)));
  const f = opaqueValue('fcmp', 4, args);
  c.setFlags(extract(f, 3, 1), extract(f, 2, 1), extract(f, 1, 1), extract(f, 0, 1));
};
/** fccmp/fccmpe Vn, Vm, #nzcv, cond. */
const fpCondCompare: Semantics = (c) => {
  const f = opaqueValue('fcmp', 4, [c.reg(0), c.reg(1)]), nzcv = c.imm(2), cond = c.cond();
  const bit = (i: number) => ite(cond, extract(f, i, 1), constant(1, (nzcv >> i) & 1));
  c.setFlags(bit(3), bit(2), bit(1), bit(0));
};
/** fcsel Vd, Vn, Vm, cond: a data move. */
const fpSelect: Semantics = (c) => c.setOp(0, ite(c.cond(), c.reg(1), c.reg(2)));

/** FP mnemonics that compute opaque values. */
const FP_OPAQUE = [
  'fadd', 'fsub', 'fmul', 'fdiv', 'fmadd', 'fmsub', 'fnmadd', 'fnmsub', 'fnmul', 'fabs', 'fneg', 'fsqrt', 'fmax', 'fmin', 'fmaxnm', 'fminnm',
  'frinta', 'frinti', 'frintm', 'frintn', 'frintp', 'frintx', 'frintz', 'fcvt', 'fcvtas', 'fcvtau', 'fcvtms', 'fcvtmu', 'fcvtns', 'fcvtnu',
  'fcvtps', 'fcvtpu', 'fcvtzs', 'fcvtzu', 'fcvtl', 'fcvtl2', 'fcvtn', 'fcvtn2', 'fcvtxn', 'scvtf', 'ucvtf', 'fmla', 'fmls', 'faddp', 'fmaxp', 'fminp',
  'fmaxnmp', 'fminnmp', 'fmaxv', 'fminv', 'fmaxnmv', 'fminnmv', 'frecpe', 'frecps', 'frsqrte', 'frsqrts', 'fabd', 'facge', 'facgt', 'fcmeq',
  'fcmge', 'fcmgt', 'fcmle', 'fcmlt', 'fjcvtzs', 'frecpx',
  // integer vector operations not modelled lane by lane
  'tbl', 'tbx', 'ushl', 'sshl', 'urshl', 'srshl', 'uqadd', 'sqadd', 'uqsub', 'sqsub', 'shrn', 'shrn2', 'rshrn', 'rshrn2', 'sqxtn', 'uqxtn', 'sqxtun',
  'sqxtn2', 'uqxtn2', 'umull', 'smull', 'umull2', 'smull2', 'umlal', 'smlal', 'umlal2', 'smlal2', 'mla', 'mls', 'sli', 'sri', 'usra', 'ssra', 'urshr', 'srshr',
  'uabd', 'sabd', 'uaba', 'saba', 'uabal', 'sabal', 'uabdl', 'sabdl', 'uaddl', 'saddl', 'uaddl2', 'saddl2', 'usubl', 'ssubl', 'usubw', 'ssubw',
  'uaddw2', 'saddw2', 'uhadd', 'shadd', 'urhadd', 'srhadd', 'pmul', 'pmull', 'pmull2', 'sqdmulh', 'sqrdmulh', 'uzp', 'addhn', 'subhn', 'raddhn',
  'uaddlp', 'saddlp', 'uadalp', 'sadalp', 'sdot', 'udot', 'aese', 'aesd', 'aesmc', 'aesimc', 'sha1c', 'sha1h', 'sha1m', 'sha1p', 'sha1su0', 'sha1su1',
  'sha256h', 'sha256h2', 'sha256su0', 'sha256su1', 'sha512h', 'sha512h2', 'sha512su0', 'sha512su1', 'eor3', 'bcax', 'rax1', 'xar', 'crc32b',
  'uqshl', 'sqshl', 'uqrshl', 'sqrshl', 'uqshrn', 'sqshrn', 'uqrshrn', 'sqrshrn', 'sqshrun', 'sqrshrun', 'cls', 'clz', 'abs', 'sqabs', 'sqneg',
  'urecpe', 'ursqrte', 'frint32x', 'frint32z', 'frint64x', 'frint64z', 'bfcvt', 'bfcvtn',
];

const cmp = (f: (a: Expr, b: Expr) => Expr): Lane2 => (a, b) => mask(f(a, b), a.width);
const max = (gt: Lane2): Lane2 => (a, b) => ite(gt(a, b), a, b);
const min = (lt: Lane2): Lane2 => (a, b) => ite(lt(a, b), a, b);

export const SIMD: SemanticsTable = {
  ...Object.fromEntries(FP_OPAQUE.map((m) => [m, fpOpaque])),
  fmov, fcmp: fpCompare, fcmpe: fpCompare, fccmp: fpCondCompare, fccmpe: fpCondCompare, fcsel: fpSelect,
  movi: vectorImmediate('mov'), mvni: vectorImmediate('mvn'),
  dup, ins: insert, umov: moveLane(false), smov: moveLane(true), mov: movVector,
  and: bitwise(and), orr: (c) => (c.op(1).kind === 'imm' ? vectorImmediate('orr')(c) : bitwise(or)(c)), eor: bitwise(xor),
  bic: (c) => (c.op(1).kind === 'imm' ? vectorImmediate('bic')(c) : bitwise((a, b) => and(a, not(b)))(c)),
  orn: bitwise((a, b) => or(a, not(b))), not: (c) => c.setOp(0, not(c.reg(1))), mvn: (c) => c.setOp(0, not(c.reg(1))),
  bsl: select('bsl'), bit: select('bit'), bif: select('bif'),
  add: lanewise(add), sub: lanewise(sub), mul: lanewise(mul), neg: lanewise1(neg),
  cmeq: lanewise(cmp(eq)), cmhs: lanewise(cmp(uge)), cmhi: lanewise(cmp(ugt)), cmge: lanewise(cmp(sge)), cmgt: lanewise(cmp(sgt)),
  cmle: lanewise(cmp((a, b) => sge(b, a))), cmlt: lanewise(cmp(slt)), cmtst: lanewise((a, b) => mask(ne(and(a, b), constant(a.width, 0)), a.width)),
  umax: lanewise(max(ugt)), umin: lanewise(min(ult)), smax: lanewise(max(sgt)), smin: lanewise(min(slt)),
  shl: shiftImm(shl), ushr: shiftImm(lshr), sshr: shiftImm(ashr),
  cnt: lanewise1((x) => unop('popcount', x)),
  addv: across(add), uaddlv: across(add, 'u'), saddlv: across(add, 's'),
  umaxv: across(max(ugt)), uminv: across(min(ult)), smaxv: across(max(sgt)), sminv: across(min(slt)),
  addp: (c) => (c.ops.length === 2 ? across(add)(c) : pairwise(add)(c)),
  umaxp: pairwise(max(ugt)), uminp: pairwise(min(ult)), smaxp: pairwise(max(sgt)), sminp: pairwise(min(slt)),
  ext, zip1: permute('zip', 0), zip2: permute('zip', 1), uzp1: permute('uzp', 0), uzp2: permute('uzp', 1), trn1: permute('trn', 0), trn2: permute('trn', 1),
  xtn: narrow(false), xtn2: narrow(true),
  ushll: widenShift(false, false), sshll: widenShift(true, false), ushll2: widenShift(false, true), sshll2: widenShift(true, true),
  uxtl: widenShift(false, false), sxtl: widenShift(true, false), uxtl2: widenShift(false, true), sxtl2: widenShift(true, true),
  uaddw: addWide(false), saddw: addWide(true),
  rev16: revElements(16), rev32: revElements(32), rev64: revElements(64),
};
