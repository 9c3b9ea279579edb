/**
 * ARM instruction semantics, each written once and bound to its mnemonics by the tables at the
 * end (Remill's DEF_SEM / DEF_ISEL split), grouped by category: data processing, shifts,
 * multiply and divide, bit manipulation, parallel (SIMD-in-a-register) arithmetic, loads and
 * stores, load/store multiple, branches, system, VFP/NEON.
 *
 * Every function reads the state before the instruction and emits one parallel group; the
 * dispatcher (lift.ts) adds the condition guard.
 */
import type { Expr } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { Operand } from '../instruction.js';
import type { ArmContext, Shifted } from './context.js';
import { ShapeError } from './context.js';
import { CORE_NUMBER } from './registers.js';

export type Semantics = (c: ArmContext) => void;

const W = 32;
const k32 = (v: number | bigint) => B.constant(W, v);
const ZERO = k32(0);

// ---------------------------------------------------------------------------------------------
// Data processing: `op rd, rn, <shifter>` (Thumb two-operand forms: rd is also rn).

type ArithOp = 'add' | 'adc' | 'sub' | 'sbc' | 'rsb' | 'rsc';
type LogicOp = 'and' | 'orr' | 'eor' | 'bic' | 'orn';

/** ARM's AddWithCarry(x, y, carry_in): result, carry-out and signed overflow. */
function addWithCarry(x: Expr, y: Expr, cin: Expr): { result: Expr; carry: Expr; overflow: Expr } {
  const result = B.add(B.add(x, y), B.zext(cin, W));
  const wide = B.add(B.add(B.zext(x, W + 1), B.zext(y, W + 1)), B.zext(cin, W + 1));
  return { result, carry: B.bit(wide, W), overflow: B.msb(B.and(B.xor(x, result), B.xor(y, result))) };
}

/** The arithmetic operations with their flags, in the shortest exact IR for each. */
function arith(c: ArmContext, op: ArithOp, a: Expr, b: Expr): { result: Expr; carry: Expr; overflow: Expr } {
  switch (op) {
    case 'add': {
      const result = B.add(a, b);
      return { result, carry: B.ult(result, a), overflow: B.msb(B.and(B.xor(a, result), B.xor(b, result))) };
    }
    case 'sub': {
      const result = B.sub(a, b);
      return { result, carry: B.uge(a, b), overflow: B.msb(B.and(B.xor(a, b), B.xor(a, result))) };
    }
    case 'rsb': return arith(c, 'sub', b, a);
    case 'adc': return addWithCarry(a, b, c.flag('c'));
    case 'sbc': return addWithCarry(a, B.not(b), c.flag('c'));
    case 'rsc': return addWithCarry(b, B.not(a), c.flag('c'));
  }
}

function logic(op: LogicOp, a: Expr, b: Expr): Expr {
  switch (op) {
    case 'and': return B.and(a, b);
    case 'orr': return B.or(a, b);
    case 'eor': return B.xor(a, b);
    case 'bic': return B.and(a, B.not(b));
    case 'orn': return B.or(a, B.not(b));
  }
}

/**
 * The shifter operand at index i. An A32 `#imm, #rot` pair (a modified immediate Capstone did not
 * fold, for non-canonical encodings) is imm rotated right by rot.
 */
function operand2(c: ArmContext, i: number): Shifted {
  if (c.isImm(i) && c.isImm(i + 1) && c.ops.length === i + 2) {
    const imm = c.imm(i) >>> 0, rot = c.imm(i + 1) & 31;
    const v = k32(rot === 0 ? imm : ((imm >>> rot) | (imm << (32 - rot))) >>> 0);
    return { value: v, carry: () => (rot === 0 ? c.flag('c') : B.msb(v)) };
  }
  return c.shifted(i);
}

/** rd, rn and the shifter operand (two-operand Thumb forms reuse rd as rn). */
function dpOperands(c: ArmContext): { rd: string; rn: Expr; op2: Shifted } {
  const rd = c.regName(0);
  if (c.isReg(1) && c.ops.length >= 3) {
    // addw/subw/add with pc and an immediate are ADR: pc aligned down to 4.
    return { rd, rn: c.read(c.regName(1), c.isImm(2)), op2: operand2(c, 2) };
  }
  if (c.ops.length === 2 || (c.isImm(1) && c.ops.length === 3)) return { rd, rn: c.read(rd), op2: operand2(c, 1) };
  throw new ShapeError(`${c.ops.length} operands`);
}

const arithmetic = (op: ArithOp): Semantics => (c) => {
  const { rd, rn, op2 } = dpOperands(c);
  const r = arith(c, op, rn, op2.value);
  c.write(rd, r.result);
  if (c.setsFlags && rd !== 'pc') {
    c.setNZ(r.result);
    c.setFlag('c', r.carry);
    c.setFlag('v', r.overflow);
  }
};

const logical = (op: LogicOp): Semantics => (c) => {
  const { rd, rn, op2: s } = dpOperands(c);
  const result = logic(op, rn, s.value);
  c.write(rd, result);
  if (c.setsFlags && rd !== 'pc') {
    c.setNZ(result);
    c.setFlag('c', s.carry());
  }
};

const move = (invert: boolean): Semantics => (c) => {
  const rd = c.regName(0);
  const s = operand2(c, 1);
  const result = invert ? B.not(s.value) : s.value;
  c.write(rd, result);
  if (c.setsFlags && rd !== 'pc') {
    c.setNZ(result);
    c.setFlag('c', s.carry());
  }
};

const compare = (op: 'sub' | 'add'): Semantics => (c) => {
  const r = arith(c, op, c.read(c.regName(0)), operand2(c, 1).value);
  c.setNZ(r.result);
  c.setFlag('c', r.carry);
  c.setFlag('v', r.overflow);
};

const test = (op: 'and' | 'eor'): Semantics => (c) => {
  const s = operand2(c, 1);
  c.setNZ(logic(op === 'and' ? 'and' : 'eor', c.read(c.regName(0)), s.value));
  c.setFlag('c', s.carry());
};

/** lsl/lsr/asr/ror/rrx as instructions: `rd, rm, #n` / `rd, rm, rs` / `rd, rs` (Thumb) / `rd, rm <shift>` (A32). */
const shiftInsn = (type: 'lsl' | 'lsr' | 'asr' | 'ror' | 'rrx'): Semantics => (c) => {
  const rd = c.regName(0);
  let s;
  if (type === 'rrx') s = c.shift('rrx', c.read(c.regName(c.ops.length - 1)), 0);
  else if (c.ops.length === 3) {
    const amount = c.op(2);
    s = c.shift(type, c.read(c.regName(1)), amount.kind === 'imm' ? amount.value : c.regName(2));
  } else if (c.ops.length === 2) {
    const o = c.op(1);
    if (o.kind === 'reg' && o.shift) s = c.shifted(1);
    else if (o.kind === 'reg') s = c.shift(type, c.read(rd), o.reg);
    else s = c.shift(type, c.read(rd), c.imm(1));
  } else throw new ShapeError('shift operands');
  c.write(rd, s.value);
  if (c.setsFlags) {
    c.setNZ(s.value);
    c.setFlag('c', s.carry());
  }
};

const movw: Semantics = (c) => c.write(c.regName(0), k32(c.imm(1) & 0xffff));
const movt: Semantics = (c) => {
  const rd = c.regName(0);
  c.write(rd, B.concat(B.constant(16, c.imm(1)), B.trunc(c.read(rd), 16)));
};
/** adr rd, #off: Align(pc, 4) + off (Capstone gives the signed offset). */
const adr: Semantics = (c) => {
  const off = c.imm(1);
  c.write(c.regName(0), B.add(c.pc(true), k32(c.subtracted(1) ? -Math.abs(off) : off)));
};

// ---------------------------------------------------------------------------------------------
// Multiply and divide.

/** mul rd, rn, rm (Thumb `muls rd, rm` multiplies into rd). */
const mul: Semantics = (c) => {
  const rd = c.regName(0);
  const [a, b] = c.ops.length === 3 ? [c.value(1), c.value(2)] : [c.read(rd), c.value(1)];
  const r = B.mul(a, b);
  c.write(rd, r);
  if (c.setsFlags) c.setNZ(r);
};
const mulAcc = (subtract: boolean): Semantics => (c) => {
  const p = B.mul(c.value(1), c.value(2));
  const r = subtract ? B.sub(c.value(3), p) : B.add(p, c.value(3));
  c.write(c.regName(0), r);
  if (c.setsFlags) c.setNZ(r);
};
/** umull/smull/umlal/smlal/umaal rdlo, rdhi, rn, rm. */
const longMul = (signed: boolean, acc: 'none' | 'add' | 'umaal'): Semantics => (c) => {
  const ext = (e: Expr) => (signed ? B.sext(e, 64) : B.zext(e, 64));
  const lo = c.regName(0), hi = c.regName(1);
  let r = B.mul(ext(c.value(2)), ext(c.value(3)));
  if (acc === 'add') r = B.add(r, B.concat(c.read(hi), c.read(lo)));
  if (acc === 'umaal') r = B.add(B.add(r, B.zext(c.read(lo), 64)), B.zext(c.read(hi), 64));
  c.write(lo, B.trunc(r, 32));
  c.write(hi, B.extract(r, 32, 32));
  if (c.setsFlags) c.setNZ(r);
};
const divide = (signed: boolean): Semantics => (c) => {
  const [a, b] = c.ops.length === 3 ? [c.value(1), c.value(2)] : [c.read(c.regName(0)), c.value(1)];
  c.write(c.regName(0), signed ? B.sdiv(a, b) : B.udiv(a, b));
};

const half = (x: Expr, top: boolean) => B.sext(B.extract(x, top ? 16 : 0, 16), 32);
/** Signed 33-bit overflow of a + b as a 1-bit value (Q flag). */
const addOverflow = (a: Expr, b: Expr, r: Expr) => B.msb(B.and(B.xor(a, r), B.xor(b, r)));

/** smul<x><y> / smla<x><y>: 16×16 signed products of chosen halves (smla sets Q on overflow). */
const smulHalves = (x: boolean, y: boolean, accumulate: boolean): Semantics => (c) => {
  const p = B.mul(half(c.value(1), x), half(c.value(2), y));
  if (!accumulate) { c.write(c.regName(0), p); return; }
  const a = c.value(3), r = B.add(p, a);
  c.write(c.regName(0), r);
  c.setFlag('q', B.or(c.flag('q'), addOverflow(p, a, r)));
};
/** smulw<y> / smlaw<y>: (rn × signed half of rm) >> 16. */
const smulWord = (y: boolean, accumulate: boolean): Semantics => (c) => {
  const p = B.extract(B.mul(B.sext(c.value(1), 64), B.sext(half(c.value(2), y), 64)), 16, 32);
  if (!accumulate) { c.write(c.regName(0), p); return; }
  const a = c.value(3), r = B.add(p, a);
  c.write(c.regName(0), r);
  c.setFlag('q', B.or(c.flag('q'), addOverflow(p, a, r)));
};
/** smmul/smmla/smmls (and the rounding `r` forms): the top word of a 64-bit signed product. */
const smmul = (acc: 'none' | 'add' | 'sub', round: boolean): Semantics => (c) => {
  let p = B.mul(B.sext(c.value(1), 64), B.sext(c.value(2), 64));
  if (acc !== 'none') {
    const a = B.concat(c.value(3), k32(0));
    p = acc === 'add' ? B.add(a, p) : B.sub(a, p);
  }
  if (round) p = B.add(p, B.constant(64, 0x80000000));
  c.write(c.regName(0), B.extract(p, 32, 32));
};

// ---------------------------------------------------------------------------------------------
// Bit manipulation, extension, bitfields.

const clz: Semantics = (c) => c.write(c.regName(0), B.unop('clz', c.value(1)));
const rev: Semantics = (c) => c.write(c.regName(0), B.unop('bswap', c.value(1)));
const rev16: Semantics = (c) => c.write(c.regName(0), B.rotr(B.unop('bswap', c.value(1)), k32(16)));
const revsh: Semantics = (c) => c.write(c.regName(0), B.sext(B.unop('bswap', B.trunc(c.value(1), 16)), 32));
/** rbit: bit reversal by the classic swap of halves, bytes, nibbles, pairs and bits. */
const rbit: Semantics = (c) => {
  let x = B.unop('bswap', c.value(1));
  for (const [m, s] of [[0x0f0f0f0f, 4], [0x33333333, 2], [0x55555555, 1]] as const) {
    x = B.or(B.and(B.lshr(x, k32(s)), k32(m)), B.shl(B.and(x, k32(m)), k32(s)));
  }
  c.write(c.regName(0), x);
};

/** uxtb/sxtb/uxth/sxth rd, rm{, ror #n}, and the accumulating uxtab… rd, rn, rm{, ror #n}. */
const extend = (width: 8 | 16, signed: boolean, accumulate: boolean): Semantics => (c) => {
  const src = c.value(accumulate ? 2 : 1);
  const e = signed ? B.sext(B.trunc(src, width), 32) : B.zext(B.trunc(src, width), 32);
  c.write(c.regName(0), accumulate ? B.add(c.value(1), e) : e);
};
/** uxtb16/sxtb16 (+ accumulate): bytes 0 and 2 extended into both halfwords. */
const extend16 = (signed: boolean, accumulate: boolean): Semantics => (c) => {
  const src = c.value(accumulate ? 2 : 1);
  const ext = (b: number) => (signed ? B.sext(B.extract(src, b, 8), 16) : B.zext(B.extract(src, b, 8), 16));
  let lo = ext(0), hi = ext(16);
  if (accumulate) {
    const rn = c.value(1);
    lo = B.add(B.trunc(rn, 16), lo);
    hi = B.add(B.extract(rn, 16, 16), hi);
  }
  c.write(c.regName(0), B.concat(hi, lo));
};

const fieldMask = (lsb: number, width: number) => (((2 ** width - 1) * 2 ** lsb) >>> 0);
const bitfieldExtract = (signed: boolean): Semantics => (c) => {
  const f = B.extract(c.value(1), c.imm(2), c.imm(3));
  c.write(c.regName(0), signed ? B.sext(f, 32) : B.zext(f, 32));
};
const bfi: Semantics = (c) => {
  const rd = c.regName(0), lsb = c.imm(2), width = c.imm(3), m = fieldMask(lsb, width);
  c.write(rd, B.or(B.and(c.read(rd), k32(~m)), B.and(B.shl(c.value(1), k32(lsb)), k32(m))));
};
const bfc: Semantics = (c) => {
  const rd = c.regName(0);
  c.write(rd, B.and(c.read(rd), k32(~fieldMask(c.imm(1), c.imm(2)))));
};

// ---------------------------------------------------------------------------------------------
// Saturation and parallel (SIMD-in-a-register) arithmetic.

/** Signed saturation of a wider value to `bits` bits: [value, saturated?]. */
function signedSat(x: Expr, bits: number): [Expr, Expr] {
  const max = B.constant(x.width, (1n << BigInt(bits - 1)) - 1n), min = B.constant(x.width, -(1n << BigInt(bits - 1)));
  const hi = B.sgt(x, max), lo = B.slt(x, min);
  return [B.ite(hi, max, B.ite(lo, min, x)), B.or(hi, lo)];
}
function unsignedSatOfSigned(x: Expr, bits: number): [Expr, Expr] {
  const max = B.constant(x.width, (1n << BigInt(bits)) - 1n);
  const hi = B.sgt(x, max), lo = B.slt(x, B.k(x, 0));
  return [B.ite(hi, max, B.ite(lo, B.k(x, 0), x)), B.or(hi, lo)];
}
/** ssat/usat rd, #bits, rn{, shift}. */
const saturate = (signed: boolean): Semantics => (c) => {
  const bits = c.imm(1);
  const [v, sat] = signed ? signedSat(c.value(2), bits) : unsignedSatOfSigned(c.value(2), bits);
  c.write(c.regName(0), v);
  c.setFlag('q', B.or(c.flag('q'), sat));
};
/** ssat16/usat16 rd, #bits, rn: each halfword saturated. */
const saturate16 = (signed: boolean): Semantics => (c) => {
  const bits = c.imm(1), rn = c.value(2);
  const halves = [0, 16].map((lo) => {
    const h = B.sext(B.extract(rn, lo, 16), 32);
    return signed ? signedSat(h, bits) : unsignedSatOfSigned(h, bits);
  });
  c.write(c.regName(0), B.concat(B.trunc(halves[1]![0], 16), B.trunc(halves[0]![0], 16)));
  c.setFlag('q', B.or(c.flag('q'), B.or(halves[0]![1], halves[1]![1])));
};
/** qadd/qsub/qdadd/qdsub rd, rm, rn: signed saturating, Q on saturation. */
const qarith = (sub: boolean, dbl: boolean): Semantics => (c) => {
  const a = B.sext(c.value(1), 34);
  let b = B.sext(c.value(2), 34);
  let q: Expr = B.FALSE;
  if (dbl) {
    const [d, s] = signedSat(B.add(b, b), 32);
    b = d; q = s;
  }
  const [v, s] = signedSat(sub ? B.sub(a, b) : B.add(a, b), 32);
  c.write(c.regName(0), B.trunc(v, 32));
  c.setFlag('q', B.or(c.flag('q'), B.or(q, s)));
};

type LaneMode = 'modular' | 'saturating' | 'halving';
/**
 * uadd8, ssub16, uqsub8, uhadd8 …: per-lane add or subtract. The modular forms set GE (one bit
 * per byte; 16-bit lanes set two each): unsigned add: carry out, unsigned sub: no borrow,
 * signed: result ≥ 0.
 */
const parallel = (lane: 8 | 16, signed: boolean, ops: readonly ('add' | 'sub')[], mode: LaneMode): Semantics => (c) => {
  const a = c.value(1), b = c.value(2), n = W / lane;
  const parts: Expr[] = [];
  for (let i = 0; i < n; i++) {
    const ext = (x: Expr) => (signed ? B.sext(B.extract(x, i * lane, lane), lane + 2) : B.zext(B.extract(x, i * lane, lane), lane + 2));
    // Two-lane exchange forms (asx/sax) pair each lane of rn with the other lane of rm.
    const bx = ops.length === 2 && lane === 16 ? B.extract(b, (1 - i) * lane, lane) : undefined;
    const bi = bx ? (signed ? B.sext(bx, lane + 2) : B.zext(bx, lane + 2)) : ext(b);
    const op = ops.length === 2 ? ops[i]! : ops[0]!;
    const full = op === 'add' ? B.add(ext(a), bi) : B.sub(ext(a), bi);
    let r: Expr;
    if (mode === 'halving') r = B.extract(full, 1, lane);
    else if (mode === 'saturating') r = B.trunc(signed ? signedSat(full, lane)[0] : unsignedSatOfSigned(full, lane)[0], lane);
    else r = B.trunc(full, lane);
    parts.push(r);
    if (mode === 'modular') {
      const ge = signed ? B.sge(full, B.k(full, 0)) : op === 'add' ? B.uge(full, B.constant(lane + 2, 1 << lane)) : B.sge(full, B.k(full, 0));
      for (let g = 0; g < lane / 8; g++) c.setFlag(`ge${(i * lane) / 8 + g}` as 'ge0', ge);
    }
  }
  let r = parts[0]!;
  for (let i = 1; i < n; i++) r = B.concat(parts[i]!, r);
  c.write(c.regName(0), r);
};
/** sel rd, rn, rm: each byte from rn where its GE bit is set, else from rm. */
const sel: Semantics = (c) => {
  const a = c.value(1), b = c.value(2);
  let r: Expr | undefined;
  for (let i = 0; i < 4; i++) {
    const byte = B.ite(c.flag(`ge${i}` as 'ge0'), B.extract(a, 8 * i, 8), B.extract(b, 8 * i, 8));
    r = r ? B.concat(byte, r) : byte;
  }
  c.write(c.regName(0), r!);
};
/** usad8 / usada8: sum of absolute byte differences. */
const usad8 = (accumulate: boolean): Semantics => (c) => {
  const a = c.value(1), b = c.value(2);
  let sum: Expr = accumulate ? c.value(3) : ZERO;
  for (let i = 0; i < 4; i++) {
    const x = B.zext(B.extract(a, 8 * i, 8), 32), y = B.zext(B.extract(b, 8 * i, 8), 32);
    sum = B.add(sum, B.ite(B.uge(x, y), B.sub(x, y), B.sub(y, x)));
  }
  c.write(c.regName(0), sum);
};

// ---------------------------------------------------------------------------------------------
// Loads and stores.

/** The index of the memory operand. */
function memIndex(c: ArmContext): number {
  const i = c.ops.findIndex((o) => o.kind === 'mem');
  if (i < 0) throw new ShapeError('no memory operand');
  return i;
}

/**
 * The address a load/store accesses and the base update it makes: offset `[rn, x]`, pre-indexed
 * `[rn, x]!` (writeback), post-indexed `[rn], x` (the operand after the memory operand; Capstone
 * does not always flag it, so its presence decides). pc as base reads Align(pc, 4).
 */
export function addressing(c: ArmContext, alignPc = true): { addr: Expr; base: string | undefined; updated: Expr | undefined } {
  const mi = memIndex(c);
  const m = c.op(mi) as Extract<Operand, { kind: 'mem' }>;
  if (!m.base) throw new ShapeError('memory operand without base');
  const base = c.read(m.base, alignPc);
  let offset: Expr;
  let subtract = false;
  if (m.index) {
    const idx = c.read(m.index);
    offset = m.shift ? c.shift(m.shift.type, idx, m.shift.amount).value : idx;
    subtract = m.scale === -1;
  } else {
    offset = k32(Math.abs(m.disp));
    subtract = m.disp < 0;
  }
  const indexed = subtract ? B.sub(base, offset) : B.add(base, offset);
  const post = c.ops[mi + 1];
  if (post) {
    let off: Expr;
    let down = c.subtracted(mi + 1);
    if (post.kind === 'imm') {
      down ||= post.value < 0;
      off = k32(Math.abs(post.value));
    } else if (post.kind === 'reg') off = c.shifted(mi + 1).value;
    else throw new ShapeError('post-index operand');
    return { addr: indexed, base: m.base, updated: down ? B.sub(base, off) : B.add(base, off) };
  }
  return { addr: indexed, base: m.base, updated: c.insn.writeback ? indexed : undefined };
}

/** Writes back the base unless the instruction also loads into it (UNPREDICTABLE; the load wins). */
function writeBack(c: ArmContext, a: ReturnType<typeof addressing>, loaded: readonly string[]): void {
  if (a.updated && a.base && a.base !== 'pc' && !loaded.includes(a.base)) c.write(a.base, a.updated);
}

const load = (width: 8 | 16 | 32, signed: boolean): Semantics => (c) => {
  const rt = c.regName(0);
  const a = addressing(c);
  const v = B.load(a.addr, width);
  c.write(rt, signed ? B.sext(v, 32) : B.zext(v, 32), 'load');
  writeBack(c, a, [rt]);
};
const store = (width: 8 | 16 | 32): Semantics => (c) => {
  const a = addressing(c);
  c.emit(B.store(a.addr, B.trunc(c.read(c.regName(0)), width)));
  writeBack(c, a, []);
};
const loadPair: Semantics = (c) => {
  const r1 = c.regName(0), r2 = c.regName(1);
  const a = addressing(c);
  if (r1 !== r2) c.write(r1, B.load(a.addr, 32), 'load'); // ldrd rX, rX is UNPREDICTABLE: one write
  c.write(r2, B.load(B.add(a.addr, k32(4)), 32), 'load');
  writeBack(c, a, [r1, r2]);
};
const storePair: Semantics = (c) => {
  const a = addressing(c);
  c.emit(B.store(a.addr, c.read(c.regName(0))), B.store(B.add(a.addr, k32(4)), c.read(c.regName(1))));
  writeBack(c, a, []);
};
/** strex rd, rt, [rn]: a single thread always holds the exclusive monitor, so rd := 0 (success). */
const storeExclusive = (width: 8 | 16 | 32 | 64): Semantics => (c) => {
  const a = addressing(c);
  if (width === 64) c.emit(B.store(a.addr, c.read(c.regName(1))), B.store(B.add(a.addr, k32(4)), c.read(c.regName(2))));
  else c.emit(B.store(a.addr, B.trunc(c.read(c.regName(1)), width)));
  c.write(c.regName(0), ZERO);
};

// ---------------------------------------------------------------------------------------------
// Load/store multiple (core and VFP registers).

type BlockMode = 'ia' | 'ib' | 'da' | 'db';

function registerBytes(c: ArmContext, r: string): number {
  return c.loc(r).width / 8;
}

/**
 * ldm/stm/push/pop/vldm/vstm/vpush/vpop: registers at consecutive words from the lowest
 * address, lowest-numbered register first. `stack` forms use sp and always write back.
 */
const multiple = (isLoad: boolean, mode: BlockMode, stack: boolean, pad = 0): Semantics => (c) => {
  const baseName = stack ? 'sp' : c.regName(0);
  const list = c.ops.slice(stack ? 0 : 1).map((o) => {
    if (o.kind !== 'reg') throw new ShapeError('register list');
    return o.reg;
  });
  if (list.length === 0) throw new ShapeError('empty register list');
  if (list.every((r) => CORE_NUMBER.has(r))) list.sort((x, y) => CORE_NUMBER.get(x)! - CORE_NUMBER.get(y)!);
  // FLDMX/FSTMX (pad 4) transfer one more word than the registers hold.
  const bytes = list.reduce((n, r) => n + registerBytes(c, r), 0) + pad;
  const base = c.read(baseName);
  let off = mode === 'ia' ? 0 : mode === 'ib' ? 4 : mode === 'da' ? 4 - bytes : -bytes;
  for (const r of list) {
    const addr = off < 0 ? B.sub(base, k32(-off)) : B.add(base, k32(off));
    const size = registerBytes(c, r);
    if (isLoad) c.write(r, B.load(addr, size * 8), 'load');
    else c.emit(B.store(addr, c.read(r)));
    off += size;
  }
  const wb = stack || c.insn.writeback === true;
  if (wb && !(isLoad && list.includes(baseName))) {
    c.write(baseName, mode === 'ia' || mode === 'ib' ? B.add(base, k32(bytes)) : B.sub(base, k32(bytes)));
  }
};

// ---------------------------------------------------------------------------------------------
// Branches. Every target carries the Thumb state in bit 0 (the interpreter's interworking rule).

const thumbBit = (c: ArmContext) => (c.thumb ? 1 : 0);
const directTarget = (c: ArmContext, i: number) => (c.imm(i) >>> 0);
const linkValue = (c: ArmContext) => k32(c.next | thumbBit(c));

const b: Semantics = (c) => c.emit(B.jump(k32(directTarget(c, 0) | thumbBit(c))));
const bl: Semantics = (c) => {
  c.write('lr', linkValue(c));
  c.emit(B.call(k32(directTarget(c, 0) | thumbBit(c))));
};
/** blx imm switches state (Thumb → A32: target aligned to 4, bit 0 clear); blx rm interworks on rm's bit 0. */
const blx: Semantics = (c) => {
  const target = c.isImm(0) ? k32(c.thumb ? directTarget(c, 0) & ~3 : directTarget(c, 0) | 1) : c.read(c.regName(0));
  c.write('lr', linkValue(c));
  c.emit(B.call(target));
};
const bx: Semantics = (c) => {
  const r = c.regName(0);
  const target = c.read(r);
  c.emit(r === 'lr' || c.insn.flow === 'return' ? B.ret(target) : B.jump(target));
};
const cbz = (nonZero: boolean): Semantics => (c) => {
  const v = c.read(c.regName(0));
  c.emit(B.jump(k32(directTarget(c, 1) | 1), nonZero ? B.ne(v, ZERO) : B.eq(v, ZERO)));
};
/** tbb/tbh [rn, rm{, lsl #1}]: pc + 2 × table entry, staying in Thumb (rn = pc reads unaligned). */
const tableBranch = (width: 8 | 16): Semantics => (c) => {
  const a = addressing(c, false);
  const entry = B.zext(B.load(a.addr, width), 32);
  c.emit(B.jump(B.or(B.add(c.pc(false), B.add(entry, entry)), k32(1))));
};

// ---------------------------------------------------------------------------------------------
// System: hints, barriers, traps, supervisor calls, coprocessor registers, status registers.

const none: Semantics = () => {};
/** Barriers only order memory between observers; one thread sees no effect, so they stay `lifted`. */
const barrier: Semantics = (c) => c.emit(B.effect(`barrier.${c.name}`));
const trapInsn: Semantics = (c) => c.emit(B.trap(c.name));
const svc: Semantics = (c) => {
  c.opaque();
  c.emit(B.effect('svc', [k32(c.isImm(0) ? c.imm(0) : 0)]));
};
/** mrc p15, 0, rt, c13, c0, 3 reads TPIDRURO (the thread pointer); other coprocessor reads are opaque. */
const mrc: Semantics = (c) => {
  const [cp, opc1, , crn, crm, opc2] = [0, 1, 2, 3, 4, 5].map((i) => (c.isImm(i) ? c.imm(i) : -1));
  const rt = c.regName(2);
  if (cp === 15 && opc1 === 0 && crn === 13 && crm === 0 && opc2 === 3) {
    c.write(rt, B.get(c.loc('tpidruro')));
    return;
  }
  c.opaque();
  if (rt === 'pc' || rt === 'apsr_nzcv') return;
  c.write(rt, B.opaqueValue(`mrc.p${cp}.${opc1}.c${crn}.c${crm}.${opc2}`, 32));
};
/** Coprocessor operations with no core-register result (mcr, cdp, ldc, stc …): an opaque effect. */
const coprocessor: Semantics = (c) => {
  c.opaque();
  c.emit(B.effect(`coprocessor.${c.name}`));
};
/** mrrc: two core registers from a coprocessor. */
const mrrc: Semantics = (c) => {
  c.opaque();
  for (const o of c.ops) if (o.kind === 'reg' && o.reg !== 'pc' && c.rf.has(o.reg) && c.loc(o.reg).width === 32) c.write(o.reg, B.opaqueValue(`mrrc.${o.reg}`, 32));
};

/** The APSR as a word: N Z C V Q at bits 31..27, GE at 19..16. */
function apsr(c: ArmContext): Expr {
  const at = (f: 'n' | 'z' | 'c' | 'v' | 'q' | 'ge0', bit: number) => B.shl(B.zext(c.flag(f), 32), k32(bit));
  let r = ZERO;
  for (const [f, bit] of [['n', 31], ['z', 30], ['c', 29], ['v', 28], ['q', 27], ['ge0', 16], ['ge1', 17], ['ge2', 18], ['ge3', 19]] as const) r = B.or(r, at(f as 'n', bit));
  return r;
}
const mrs: Semantics = (c) => {
  const src = c.ops[1];
  if (src?.kind === 'reg' && /^(apsr|cpsr)$/.test(src.reg)) c.write(c.regName(0), apsr(c));
  else {
    c.opaque();
    c.write(c.regName(0), B.opaqueValue('mrs', 32));
  }
};
const msr: Semantics = (c) => {
  const dst = c.ops[0];
  const v = c.value(c.ops.length - 1);
  if (dst?.kind === 'reg' && /^(apsr|cpsr)_(nzcvq?g?|f|fs|fsx|fsxc|nzcvqg)$/.test(dst.reg)) {
    const nzcv = /nzcv|f/.test(dst.reg.split('_')[1]!);
    const g = /g|s/.test(dst.reg.split('_')[1]!);
    if (nzcv) for (const [f, bit] of [['n', 31], ['z', 30], ['c', 29], ['v', 28], ['q', 27]] as const) c.setFlag(f, B.bit(v, bit));
    if (g) for (let i = 0; i < 4; i++) c.setFlag(`ge${i}` as 'ge0', B.bit(v, 16 + i));
    return;
  }
  c.opaque();
  c.emit(B.effect('msr', [v]));
};

// ---------------------------------------------------------------------------------------------
// VFP and NEON: data movement exact; arithmetic and conversions opaque.

const isCore = (r: string) => CORE_NUMBER.has(r);

/** vldr/vstr sN/dN, [rn, #off] (pc-relative: Align(pc, 4)). */
const vldr: Semantics = (c) => {
  const r = c.regName(0);
  c.write(r, B.load(addressing(c).addr, registerBytes(c, r) * 8));
};
const vstr: Semantics = (c) => {
  c.emit(B.store(addressing(c).addr, c.read(c.regName(0))));
};

/** The location of a NEON scalar `dN[lane]` of `bits` bits. */
function laneLoc(c: ArmContext, reg: string, lane: number, bits: number) {
  const l = c.loc(reg);
  if ((lane + 1) * bits > l.width) throw new ShapeError('lane out of range');
  return { ...l, offset: l.offset + (lane * bits) / 8, width: bits };
}
const laneBits = (dt: string) => { const m = /(\d+)$/.exec(dt); return m ? Number(m[1]) : 32; };

/** Every vmov form that moves bits: core↔S, core pair↔D, core pair↔S pair, register copy, scalar lanes. */
const vmov: Semantics = (c) => {
  const ops = c.ops;
  const regs = ops.map((o) => (o.kind === 'reg' ? o.reg : undefined));
  const lanes = c.insn.lanes;
  if (ops.length === 2 && regs[0] && regs[1]) {
    const [d, s] = [regs[0], regs[1]];
    const ld = lanes?.[0] ?? -1, ls = lanes?.[1] ?? -1;
    if (ls >= 0 && isCore(d)) {
      // vmov.<dt> rt, dN[x]: sign or zero extension by the data type.
      const bits = laneBits(c.dataType);
      const v = B.get(laneLoc(c, s, ls, bits));
      c.write(d, c.dataType.startsWith('s') ? B.sext(v, 32) : B.zext(v, 32));
      return;
    }
    if (ld >= 0 && isCore(s)) {
      const bits = laneBits(c.dataType);
      c.emit(B.set(laneLoc(c, d, ld, bits), B.trunc(c.read(s), bits)));
      return;
    }
    if (c.loc(d).width !== c.loc(s).width) throw new ShapeError('vmov widths');
    c.write(d, c.read(s));
    return;
  }
  if (ops.length === 3 && regs.every(Boolean)) {
    const [a, b2, d] = regs as [string, string, string];
    if (isCore(a) && isCore(b2)) { // vmov rt, rt2, dm
      const v = c.read(d);
      c.write(a, B.trunc(v, 32));
      c.write(b2, B.extract(v, 32, 32));
    } else { // vmov dm, rt, rt2
      c.write(a, B.concat(c.read(d), c.read(b2)));
    }
    return;
  }
  if (ops.length === 4 && regs.every(Boolean)) {
    const [a, b2, x, y] = regs as [string, string, string, string];
    c.write(a, c.read(x));
    c.write(b2, c.read(y));
    return;
  }
  // vmov with an immediate (vmov.f64 d0, #1.0, vmov.i32 q8, #0): the decoder does not give the
  // expanded bits in every form, so the value is opaque.
  vectorOpaque(c);
};
/** vmrs rt, fpscr / vmrs APSR_nzcv, fpscr; vmsr fpscr, rt. */
const vmrs: Semantics = (c) => {
  const dst = c.regName(0), src = c.regName(1);
  const v = c.rf.has(src) ? c.read(src) : B.opaqueValue(`vmrs.${src}`, 32);
  if (!c.rf.has(src)) c.opaque();
  if (dst === 'apsr_nzcv' || dst === 'pc') {
    for (const [f, bit] of [['n', 31], ['z', 30], ['c', 29], ['v', 28]] as const) c.setFlag(f, B.bit(v, bit));
  } else c.write(dst, v);
};
const vmsr: Semantics = (c) => {
  const dst = c.regName(0);
  if (c.rf.has(dst)) c.write(dst, c.read(c.regName(1)));
  else { c.opaque(); c.emit(B.effect(`vmsr.${dst}`, [c.read(c.regName(1))])); }
};

/** A register operand's value for an opaque computation (core, S, D or Q). */
function operandValue(c: ArmContext, o: Operand): Expr | undefined {
  if (o.kind === 'reg') return c.rf.has(o.reg) || o.reg === 'pc' ? c.read(o.reg) : undefined;
  if (o.kind === 'imm') return k32(o.value);
  return undefined;
}

/**
 * FP/NEON computation: every written register becomes an opaque value of the operation and its
 * inputs (a comparison writes FPSCR). Status `opaque`.
 */
function vectorOpaque(c: ArmContext): void {
  c.opaque();
  const ops = c.ops;
  const name = `${c.name}${c.dataType ? '.' + c.dataType : ''}`;
  let dests = ops.map((o, i) => (o.kind === 'reg' && o.write ? i : -1)).filter((i) => i >= 0);
  const compare = /^vcmpe?$/.test(c.name);
  if (compare) dests = [];
  else if (dests.length === 0 && ops[0]?.kind === 'reg') dests = [0];
  const args = ops.filter((_, i) => !dests.includes(i)).map((o) => operandValue(c, o)).filter((e): e is Expr => e !== undefined);
  if (compare) { c.write('fpscr', B.opaqueValue(name, 32, [...args, c.read('fpscr')])); return; }
  for (const i of dests) {
    const r = (ops[i] as { reg: string }).reg;
    if (r === 'pc') continue;
    const w = c.loc(r).width;
    c.write(r, B.opaqueValue(name, w, args));
  }
}
const vector: Semantics = vectorOpaque;

/**
 * vld1–vld4 / vst1–vst4 {list}, [rn]{!| , rm}: the list's registers loaded from (stored to)
 * consecutive doublewords (exact for vld1/vst1 of whole registers on little-endian; the
 * interleaving and lane forms give opaque values), then the base update.
 */
const vectorMemory = (isLoad: boolean): Semantics => (c) => {
  c.opaque();
  const mi = memIndex(c);
  const m = c.op(mi) as Extract<Operand, { kind: 'mem' }>;
  if (!m.base) throw new ShapeError('no base');
  const base = c.read(m.base);
  const list = c.ops.slice(0, mi).map((o) => (o.kind === 'reg' ? o.reg : ''));
  const lanesUsed = c.insn.lanes?.slice(0, mi).some((l) => l >= 0) === true;
  const exact = /^v(ld|st)1$/.test(c.name) && !lanesUsed;
  const esize = laneBits(c.dataType) / 8;
  let bytes = 0;
  const name = `${c.name}.${c.dataType}`;
  for (const r of list) {
    const w = lanesUsed ? esize * 8 : c.loc(r).width;
    const addr = B.add(base, k32(bytes));
    if (isLoad) {
      const v = B.load(addr, c.loc(r).width);
      c.write(r, exact ? v : B.opaqueValue(name, c.loc(r).width, [v]));
    } else c.emit(B.store(addr, exact ? c.read(r) : B.opaqueValue(name, w, [c.read(r)])));
    bytes += w / 8;
  }
  const post = c.ops[mi + 1];
  if (post?.kind === 'reg') c.write(m.base, B.add(base, c.read(post.reg)));
  else if (c.insn.writeback) c.write(m.base, B.add(base, k32(bytes)));
};

// ---------------------------------------------------------------------------------------------
// The binding tables: mnemonic (without condition, `s`, qualifier) → semantics. `flagForms`
// lists the mnemonics whose `s` form sets flags (everything else is matched exactly).

const IT_FORMS = ['it', ...['t', 'e'].flatMap((a) => [`it${a}`, ...['t', 'e'].flatMap((b2) => [`it${a}${b2}`, ...['t', 'e'].map((d) => `it${a}${b2}${d}`)])])];

export const FLAG_SETTING: Readonly<Record<string, Semantics>> = {
  // data processing
  add: arithmetic('add'), adc: arithmetic('adc'), sub: arithmetic('sub'), sbc: arithmetic('sbc'),
  rsb: arithmetic('rsb'), rsc: arithmetic('rsc'),
  and: logical('and'), orr: logical('orr'), eor: logical('eor'), bic: logical('bic'), orn: logical('orn'),
  mov: move(false), mvn: move(true),
  lsl: shiftInsn('lsl'), lsr: shiftInsn('lsr'), asr: shiftInsn('asr'), ror: shiftInsn('ror'), rrx: shiftInsn('rrx'),
  // multiply
  mul: mul, mla: mulAcc(false),
  umull: longMul(false, 'none'), smull: longMul(true, 'none'), umlal: longMul(false, 'add'), smlal: longMul(true, 'add'),
};

export const EXACT: Readonly<Record<string, Semantics>> = {
  addw: arithmetic('add'), subw: arithmetic('sub'),
  cmp: compare('sub'), cmn: compare('add'), tst: test('and'), teq: test('eor'),
  movw: movw, movt: movt, adr: adr,
  mls: mulAcc(true), umaal: longMul(false, 'umaal'), sdiv: divide(true), udiv: divide(false),
  smulbb: smulHalves(false, false, false), smulbt: smulHalves(false, true, false), smultb: smulHalves(true, false, false), smultt: smulHalves(true, true, false),
  smlabb: smulHalves(false, false, true), smlabt: smulHalves(false, true, true), smlatb: smulHalves(true, false, true), smlatt: smulHalves(true, true, true),
  smulwb: smulWord(false, false), smulwt: smulWord(true, false), smlawb: smulWord(false, true), smlawt: smulWord(true, true),
  smmul: smmul('none', false), smmulr: smmul('none', true), smmla: smmul('add', false), smmlar: smmul('add', true), smmls: smmul('sub', false), smmlsr: smmul('sub', true),
  // bits
  clz: clz, rbit: rbit, rev: rev, rev16: rev16, revsh: revsh,
  uxtb: extend(8, false, false), uxth: extend(16, false, false), sxtb: extend(8, true, false), sxth: extend(16, true, false),
  uxtab: extend(8, false, true), uxtah: extend(16, false, true), sxtab: extend(8, true, true), sxtah: extend(16, true, true),
  uxtb16: extend16(false, false), sxtb16: extend16(true, false), uxtab16: extend16(false, true), sxtab16: extend16(true, true),
  ubfx: bitfieldExtract(false), sbfx: bitfieldExtract(true), bfi: bfi, bfc: bfc,
  // saturation and parallel arithmetic
  ssat: saturate(true), usat: saturate(false), ssat16: saturate16(true), usat16: saturate16(false),
  qadd: qarith(false, false), qsub: qarith(true, false), qdadd: qarith(false, true), qdsub: qarith(true, true),
  uadd8: parallel(8, false, ['add'], 'modular'), usub8: parallel(8, false, ['sub'], 'modular'),
  sadd8: parallel(8, true, ['add'], 'modular'), ssub8: parallel(8, true, ['sub'], 'modular'),
  uadd16: parallel(16, false, ['add'], 'modular'), usub16: parallel(16, false, ['sub'], 'modular'),
  sadd16: parallel(16, true, ['add'], 'modular'), ssub16: parallel(16, true, ['sub'], 'modular'),
  uasx: parallel(16, false, ['sub', 'add'], 'modular'), usax: parallel(16, false, ['add', 'sub'], 'modular'),
  sasx: parallel(16, true, ['sub', 'add'], 'modular'), ssax: parallel(16, true, ['add', 'sub'], 'modular'),
  uqadd8: parallel(8, false, ['add'], 'saturating'), uqsub8: parallel(8, false, ['sub'], 'saturating'),
  uqadd16: parallel(16, false, ['add'], 'saturating'), uqsub16: parallel(16, false, ['sub'], 'saturating'),
  qadd8: parallel(8, true, ['add'], 'saturating'), qsub8: parallel(8, true, ['sub'], 'saturating'),
  qadd16: parallel(16, true, ['add'], 'saturating'), qsub16: parallel(16, true, ['sub'], 'saturating'),
  uhadd8: parallel(8, false, ['add'], 'halving'), uhsub8: parallel(8, false, ['sub'], 'halving'),
  shadd8: parallel(8, true, ['add'], 'halving'), shsub8: parallel(8, true, ['sub'], 'halving'),
  uhadd16: parallel(16, false, ['add'], 'halving'), uhsub16: parallel(16, false, ['sub'], 'halving'),
  shadd16: parallel(16, true, ['add'], 'halving'), shsub16: parallel(16, true, ['sub'], 'halving'),
  sel: sel, usad8: usad8(false), usada8: usad8(true),
  // loads and stores
  ldr: load(32, false), ldrb: load(8, false), ldrh: load(16, false), ldrsb: load(8, true), ldrsh: load(16, true),
  ldrt: load(32, false), ldrbt: load(8, false), ldrht: load(16, false), ldrsbt: load(8, true), ldrsht: load(16, true),
  ldrex: load(32, false), ldrexb: load(8, false), ldrexh: load(16, false), lda: load(32, false), ldab: load(8, false), ldah: load(16, false),
  ldaex: load(32, false), ldaexb: load(8, false), ldaexh: load(16, false),
  str: store(32), strb: store(8), strh: store(16), strt: store(32), strbt: store(8), strht: store(16),
  stl: store(32), stlb: store(8), stlh: store(16),
  ldrd: loadPair, ldrexd: loadPair, ldaexd: loadPair, strd: storePair,
  strex: storeExclusive(32), strexb: storeExclusive(8), strexh: storeExclusive(16), strexd: storeExclusive(64),
  stlex: storeExclusive(32), stlexb: storeExclusive(8), stlexh: storeExclusive(16), stlexd: storeExclusive(64),
  // load/store multiple
  ldm: multiple(true, 'ia', false), ldmia: multiple(true, 'ia', false), ldmfd: multiple(true, 'ia', false),
  ldmib: multiple(true, 'ib', false), ldmed: multiple(true, 'ib', false),
  ldmda: multiple(true, 'da', false), ldmfa: multiple(true, 'da', false),
  ldmdb: multiple(true, 'db', false), ldmea: multiple(true, 'db', false),
  stm: multiple(false, 'ia', false), stmia: multiple(false, 'ia', false), stmea: multiple(false, 'ia', false),
  stmib: multiple(false, 'ib', false), stmfa: multiple(false, 'ib', false),
  stmda: multiple(false, 'da', false), stmed: multiple(false, 'da', false),
  stmdb: multiple(false, 'db', false), stmfd: multiple(false, 'db', false),
  pop: multiple(true, 'ia', true), push: multiple(false, 'db', true),
  // branches
  b: b, bl: bl, blx: blx, bx: bx, bxns: bx, blxns: blx, cbz: cbz(false), cbnz: cbz(true), tbb: tableBranch(8), tbh: tableBranch(16),
  // system
  ...Object.fromEntries(IT_FORMS.map((m) => [m, none])),
  nop: none, yield: none, wfe: none, wfi: none, sev: none, sevl: none, pld: none, pldw: none, pli: none, clrex: none, dbg: none, csdb: none, hint: none,
  dmb: barrier, dsb: barrier, isb: barrier, ssbb: barrier, pssbb: barrier,
  udf: trapInsn, bkpt: trapInsn, trap: trapInsn, hlt: trapInsn,
  svc: svc, mrc: mrc, mrc2: mrc, mrrc: mrrc, mrrc2: mrrc,
  mcr: coprocessor, mcr2: coprocessor, mcrr: coprocessor, mcrr2: coprocessor, cdp: coprocessor, cdp2: coprocessor,
  ldc: coprocessor, ldcl: coprocessor, ldc2: coprocessor, ldc2l: coprocessor, stc: coprocessor, stcl: coprocessor, stc2: coprocessor, stc2l: coprocessor,
  mrs: mrs, msr: msr,
  // VFP/NEON data movement
  vldr: vldr, vstr: vstr, vmov: vmov, vmrs: vmrs, vmsr: vmsr,
  vpush: multiple(false, 'db', true), vpop: multiple(true, 'ia', true),
  vldmia: multiple(true, 'ia', false), vldmdb: multiple(true, 'db', false), vstmia: multiple(false, 'ia', false), vstmdb: multiple(false, 'db', false),
  vldm: multiple(true, 'ia', false), vstm: multiple(false, 'ia', false),
  fldmiax: multiple(true, 'ia', false, 4), fldmdbx: multiple(true, 'db', false, 4), fstmiax: multiple(false, 'ia', false, 4), fstmdbx: multiple(false, 'db', false, 4),
  vld1: vectorMemory(true), vld2: vectorMemory(true), vld3: vectorMemory(true), vld4: vectorMemory(true),
  vst1: vectorMemory(false), vst2: vectorMemory(false), vst3: vectorMemory(false), vst4: vectorMemory(false),
};

/** Any other `v…` mnemonic is an FP/NEON computation: opaque results. */
export const VECTOR_FALLBACK: Semantics = vector;
