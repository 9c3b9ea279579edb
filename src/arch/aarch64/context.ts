/**
 * The per-instruction lifting context for AArch64: typed operand access (registers with
 * shift/extend, immediates, addressing modes with writeback), register writes with the
 * architecture's zero-extension rules, the NZCV flags and condition codes. Semantics in the
 * category files only talk to this class, never to Capstone or to operand text.
 */
import type { Expr, Loc, Stmt } from '../../ir/ir.js';
import {
  add, and, ashr, bnot, bor, constant, eq, extract, get, lshr, msb, ne, rotr, set, sext, shl, uge, ult, xor, zext,
} from '../../ir/build.js';
import type { RegisterFile } from '../../ir/registers.js';
import type { Instruction, Operand, Shift } from '../instruction.js';

/** Raised by a semantic function for a form it does not model; the lifter turns it into `unsupported`. */
export class Unsupported extends Error {}

export type Flag = 'N' | 'Z' | 'C' | 'V';
export type Cond = 'eq' | 'ne' | 'hs' | 'lo' | 'mi' | 'pl' | 'vs' | 'vc' | 'hi' | 'ls' | 'ge' | 'lt' | 'gt' | 'le';

/** Vector arrangements and element views: lane count and element size in bits. */
export const ARRANGEMENT: Readonly<Record<string, { readonly count: number; readonly esize: number }>> = {
  '8b': { count: 8, esize: 8 }, '16b': { count: 16, esize: 8 }, '4h': { count: 4, esize: 16 }, '8h': { count: 8, esize: 16 },
  '2s': { count: 2, esize: 32 }, '4s': { count: 4, esize: 32 }, '1d': { count: 1, esize: 64 }, '2d': { count: 2, esize: 64 },
  '1q': { count: 1, esize: 128 }, '4b': { count: 4, esize: 8 }, '2h': { count: 2, esize: 16 },
  // element views of a lane operand (`v0.s[1]`)
  '1b': { count: 1, esize: 8 }, '1h': { count: 1, esize: 16 }, '1s': { count: 1, esize: 32 },
};

const ZERO_REGISTERS: Readonly<Record<string, number>> = { xzr: 64, wzr: 32 };

export class A64 {
  readonly stmts: Stmt[] = [];

  constructor(
    readonly insn: Instruction,
    readonly R: RegisterFile,
  ) {}

  get ops(): readonly Operand[] {
    return this.insn.operands;
  }

  op(i: number): Operand {
    const o = this.insn.operands[i];
    if (!o) throw new Unsupported(`operand ${i} missing`);
    return o;
  }

  regOp(i: number): Extract<Operand, { kind: 'reg' }> {
    const o = this.op(i);
    if (o.kind !== 'reg') throw new Unsupported(`operand ${i} is not a register`);
    return o;
  }

  immOp(i: number): Extract<Operand, { kind: 'imm' }> {
    const o = this.op(i);
    if (o.kind !== 'imm') throw new Unsupported(`operand ${i} is not an immediate`);
    return o;
  }

  /** An immediate's value as a plain number (bit positions, shift amounts, nzcv). */
  imm(i: number): number {
    return this.immOp(i).value;
  }

  memOp(i: number): Extract<Operand, { kind: 'mem' }> {
    const o = this.op(i);
    if (o.kind !== 'mem') throw new Unsupported(`operand ${i} is not memory`);
    return o;
  }

  /** Index of the first memory operand. */
  memIndex(): number {
    const i = this.insn.operands.findIndex((o) => o.kind === 'mem');
    if (i < 0) throw new Unsupported('no memory operand');
    return i;
  }

  lane(i: number): number | undefined {
    const l = this.insn.lanes?.[i];
    return l !== undefined && l >= 0 ? l : undefined;
  }

  // Registers -------------------------------------------------------------------------------

  isZero(name: string): boolean {
    return name in ZERO_REGISTERS;
  }

  /** General-purpose (x/w, sp/wsp, zr) as opposed to FP/SIMD. */
  isGeneral(name: string): boolean {
    if (this.isZero(name)) return true;
    if (!this.R.has(name)) return false;
    const { slot } = this.R.slotOf(this.R.reg(name));
    return this.R.slots[slot]!.width === 64;
  }

  loc(name: string): Loc {
    if (!this.R.has(name)) throw new Unsupported(`register ${name}`);
    return this.R.reg(name);
  }

  /** Width in bits of a named register. */
  regWidth(name: string): number {
    return ZERO_REGISTERS[name] ?? this.loc(name).width;
  }

  /** Width of register operand i: its arrangement's bits for a vector operand. */
  width(i: number): number {
    const o = this.regOp(i);
    if (o.arrangement && this.lane(i) === undefined) {
      const a = ARRANGEMENT[o.arrangement];
      if (!a) throw new Unsupported(`arrangement ${o.arrangement}`);
      return a.count * a.esize;
    }
    if (o.arrangement) return ARRANGEMENT[o.arrangement]!.esize;
    if (this.lane(i) !== undefined) throw new Unsupported(`lane of ${o.reg} without an element size`);
    return this.regWidth(o.reg);
  }

  getReg(name: string): Expr {
    const z = ZERO_REGISTERS[name];
    return z !== undefined ? constant(z, 0) : get(this.loc(name));
  }

  /**
   * Writes a register by name: w registers zero-extend into their x slot, FP/SIMD scalar and
   * 64-bit vector writes zero the rest of the 128-bit v register; writes to xzr/wzr vanish.
   */
  setReg(name: string, value: Expr, guard?: Expr): void {
    if (this.isZero(name)) return;
    const loc = this.loc(name);
    const { slot } = this.R.slotOf(loc);
    const s = this.R.slots[slot]!;
    const full: Loc = { space: 'reg', offset: s.offset, width: s.width };
    const inner = value.kind === 'zext' ? value.x : value; // zext64(zext32(v)) reads better as zext64(v)
    this.stmts.push(set(full, zext(inner, s.width), guard));
  }

  /** Location of lane `lane` (element size `esize`) of vector register `name`. */
  laneLoc(name: string, lane: number, esize: number): Loc {
    const base = this.loc(name);
    if ((lane + 1) * esize > base.width) throw new Unsupported(`lane ${lane} of ${name}`);
    return { space: 'reg', offset: base.offset + (lane * esize) / 8, width: esize };
  }

  /** Lane operand i read / written with an explicit element size (fmov `v0.d[1]` carries none). */
  getLane(i: number, esize: number): Expr {
    return get(this.laneLoc(this.regOp(i).reg, this.lane(i) ?? 0, esize));
  }
  setLane(i: number, esize: number, value: Expr): void {
    this.stmts.push(set(this.laneLoc(this.regOp(i).reg, this.lane(i) ?? 0, esize), value));
  }

  /** Value of register operand i (a whole vector for an arrangement, the element for a lane). */
  reg(i: number): Expr {
    const o = this.regOp(i);
    const lane = this.lane(i);
    if (lane !== undefined) return get(this.laneLoc(o.reg, lane, this.width(i)));
    const v = this.getReg(o.reg);
    return o.arrangement ? extract(v, 0, this.width(i)) : v;
  }

  /** Writes register operand i (whole register, or the lane for a lane operand). */
  setOp(i: number, value: Expr, guard?: Expr): void {
    const o = this.regOp(i);
    const lane = this.lane(i);
    if (lane !== undefined) {
      this.stmts.push(set(this.laneLoc(o.reg, lane, this.width(i)), value, guard));
      return;
    }
    this.setReg(o.reg, value, guard);
  }

  /**
   * Value of a source operand at `width` bits: an immediate (with its `lsl #n`), or a register
   * with its extend (`w2, sxtw #2`) or shift (`x1, lsr #3`) applied.
   */
  src(i: number, width: number): Expr {
    const o = this.op(i);
    if (o.kind === 'imm') {
      const v = o.exact ?? BigInt(o.value);
      const s = o.shift ? Number(o.shift.amount) : 0;
      if (o.shift && o.shift.type !== 'lsl') throw new Unsupported(`immediate ${o.shift.type}`);
      return constant(width, v << BigInt(s));
    }
    if (o.kind !== 'reg') throw new Unsupported(`operand ${i} kind ${o.kind}`);
    let v = this.getReg(o.reg);
    if (o.extend) {
      v = extendTo(v, o.extend, width);
      return o.shift ? shiftBy(v, o.shift) : v;
    }
    if (v.width !== width) throw new Unsupported(`operand ${i} is ${v.width} bits, not ${width}`);
    return o.shift ? shiftBy(v, o.shift) : v;
  }

  // Memory ----------------------------------------------------------------------------------

  /**
   * The effective address of the memory operand (or literal address) at i, and the writeback
   * of the base register for pre/post-indexed forms (queued on `this`).
   */
  address(i: number): Expr {
    const o = this.op(i);
    if (o.kind === 'imm') return constant(64, o.value); // literal: Capstone gives the address
    if (o.kind !== 'mem' || !o.base) throw new Unsupported('memory operand');
    const base = this.getReg(o.base);
    let offset: Expr = constant(64, o.disp);
    if (o.index) {
      let x = this.getReg(o.index);
      x = o.extend ? extendTo(x, o.extend, 64) : zext(x, 64);
      if (o.shift) x = shiftBy(x, o.shift);
      offset = add(x, constant(64, o.disp));
    }
    const at = add(base, offset);
    if (this.insn.writeback) {
      if (this.insn.postIndex) {
        const step = this.postOffset(i + 1);
        this.setReg(o.base, add(base, step));
        return base;
      }
      this.setReg(o.base, at);
    }
    return at;
  }

  /** The post-index step: the first operand after the memory operand (immediate or register). */
  private postOffset(from: number): Expr {
    for (let k = from; k < this.ops.length; k++) {
      const o = this.ops[k]!;
      if (o.kind === 'imm') return constant(64, o.value);
      if (o.kind === 'reg') return zext(this.getReg(o.reg), 64);
    }
    throw new Unsupported('post-index offset');
  }

  // Flags and conditions --------------------------------------------------------------------

  flag(f: Flag): Expr {
    return get(this.R.flag(f));
  }

  setFlags(n: Expr, z: Expr, c: Expr, v: Expr, guard?: Expr): void {
    this.stmts.push(set(this.R.flag('N'), n, guard), set(this.R.flag('Z'), z, guard), set(this.R.flag('C'), c, guard), set(this.R.flag('V'), v, guard));
  }

  /** The condition, from the instruction (b.cond, csel, ccmp and their aliases). */
  cond(): Expr {
    const c = this.insn.cond;
    if (c === undefined) return constant(1, 1); // al / nv
    return this.condition(c as Cond);
  }

  condition(c: Cond): Expr {
    const N = this.flag('N'), Z = this.flag('Z'), C = this.flag('C'), V = this.flag('V');
    switch (c) {
      case 'eq': return Z;
      case 'ne': return bnot(Z);
      case 'hs': return C;
      case 'lo': return bnot(C);
      case 'mi': return N;
      case 'pl': return bnot(N);
      case 'vs': return V;
      case 'vc': return bnot(V);
      case 'hi': return and(C, bnot(Z));
      case 'ls': return bor(bnot(C), Z);
      case 'ge': return eq(N, V);
      case 'lt': return ne(N, V);
      case 'gt': return and(bnot(Z), eq(N, V));
      case 'le': return bor(Z, ne(N, V));
      default: throw new Unsupported(`condition ${String(c)}`);
    }
  }
}

/** `uxtb`…`sxtx` of a register value to `width` bits. */
export function extendTo(v: Expr, extend: string, width: number): Expr {
  const from = EXTEND_BITS[extend];
  if (from === undefined) throw new Unsupported(`extend ${extend}`);
  const part = extract(v, 0, Math.min(from, v.width));
  if (part.width >= width) return extract(part, 0, width);
  return extend.startsWith('s') ? sext(part, width) : zext(part, width);
}

const EXTEND_BITS: Readonly<Record<string, number>> = { uxtb: 8, uxth: 16, uxtw: 32, uxtx: 64, sxtb: 8, sxth: 16, sxtw: 32, sxtx: 64 };

export function shiftBy(v: Expr, s: Shift): Expr {
  const n = typeof s.amount === 'number' ? s.amount : Number.NaN;
  if (!Number.isInteger(n)) throw new Unsupported('register-amount operand shift');
  const k = constant(v.width, n);
  switch (s.type) {
    case 'lsl': return shl(v, k);
    case 'lsr': return lshr(v, k);
    case 'asr': return ashr(v, k);
    case 'ror': return rotr(v, k);
    case 'msl': return bor(shl(v, k), constant(v.width, (1n << BigInt(n)) - 1n));
    case 'rrx': throw new Unsupported('rrx');
  }
}

// Flag computations (Arm ARM AddWithCarry) --------------------------------------------------

/** NZCV of a + b (no carry in). */
export function addFlags(a: Expr, b: Expr, r: Expr): [Expr, Expr, Expr, Expr] {
  return [msb(r), eq(r, constant(r.width, 0)), ult(r, a), msb(and(xor(a, r), xor(b, r)))];
}

/** NZCV of a - b (a + ~b + 1): C is "no borrow". */
export function subFlags(a: Expr, b: Expr, r: Expr): [Expr, Expr, Expr, Expr] {
  return [msb(r), eq(r, constant(r.width, 0)), uge(a, b), msb(and(xor(a, b), xor(a, r)))];
}

/** a + b + carry and its NZCV, computed one bit wider for the carry out. */
export function addWithCarry(a: Expr, b: Expr, carry: Expr): { r: Expr; flags: [Expr, Expr, Expr, Expr] } {
  const w = a.width;
  const wide = add(add(zext(a, w + 1), zext(b, w + 1)), zext(carry, w + 1));
  const r = extract(wide, 0, w);
  return { r, flags: [msb(r), eq(r, constant(w, 0)), extract(wide, w, 1), msb(and(xor(a, r), xor(b, r)))] };
}
