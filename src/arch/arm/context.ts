/**
 * What every ARM semantic function works with: one decoded instruction, its operands as IR
 * values (pc folded to a constant, the shifter operand with its carry-out), the flags, and the
 * statements of its parallel-assignment group.
 */
import type { Expr, LiftStatus, Loc, Stmt } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { RegisterFile } from '../../ir/registers.js';
import type { Instruction, Operand, Shift } from '../instruction.js';
import type { ArmFlag } from './registers.js';

/** An operand form the lifter does not handle: the instruction lifts as `unsupported`. */
export class ShapeError extends Error {}

/** A value with the shifter's carry-out (computed only when a flag-setting logical op needs it). */
export interface Shifted {
  readonly value: Expr;
  readonly carry: () => Expr;
}

export class ArmContext {
  readonly stmts: Stmt[] = [];
  status: LiftStatus = 'lifted';

  constructor(
    readonly insn: Instruction,
    readonly rf: RegisterFile,
    /** The mnemonic without condition, flag-setting `s`, or qualifier (`adds.w` → `add`). */
    readonly name: string,
    /** The `s` form: the instruction sets NZ (and C, V where the operation defines them). */
    readonly setsFlags: boolean,
    /** The data-type qualifier after the dot (`f64`, `u8`, `32`), '' when none. */
    readonly dataType: string,
  ) {}

  get thumb(): boolean { return this.insn.thumb === true; }
  get ops(): readonly Operand[] { return this.insn.operands; }
  /** Address of the next instruction. */
  get next(): number { return (this.insn.address + this.insn.size) >>> 0; }

  /** The value pc reads as: address + 8 (A32) or + 4 (Thumb), aligned down to 4 for literal addressing. */
  pc(aligned: boolean): Expr {
    const v = this.insn.address + (this.thumb ? 4 : 8);
    return B.constant(32, aligned ? v & ~3 : v);
  }

  op(i: number): Operand {
    const o = this.ops[i];
    if (!o) throw new ShapeError(`operand ${i} missing`);
    return o;
  }
  regName(i: number): string {
    const o = this.op(i);
    if (o.kind !== 'reg') throw new ShapeError(`operand ${i} is not a register`);
    return o.reg;
  }
  imm(i: number): number {
    const o = this.op(i);
    if (o.kind !== 'imm') throw new ShapeError(`operand ${i} is not an immediate`);
    return o.value;
  }
  isReg(i: number): boolean { return this.ops[i]?.kind === 'reg'; }
  isImm(i: number): boolean { return this.ops[i]?.kind === 'imm'; }
  subtracted(i: number): boolean { return this.insn.subtracted?.includes(i) === true; }

  loc(name: string): Loc {
    if (!this.rf.has(name)) throw new ShapeError(`register ${name}`);
    return this.rf.reg(name);
  }
  /** A register's value before the instruction (pc: the folded constant, unaligned). */
  read(name: string, alignedPc = false): Expr {
    return name === 'pc' || name === 'r15' ? this.pc(alignedPc) : B.get(this.loc(name));
  }
  /** Operand i as a 32-bit value: a register (its shift applied, no carry) or an immediate. */
  value(i: number): Expr {
    return this.shifted(i).value;
  }

  flag(f: ArmFlag): Expr { return B.get(this.rf.flag(f)); }
  /** Sets a flag (a flag set to its own value, like C after `movs rd, #imm8`, is left out). */
  setFlag(f: ArmFlag, v: Expr): void {
    const l = this.rf.flag(f);
    if (v.kind === 'get' && v.loc.space === l.space && v.loc.offset === l.offset) return;
    this.emit(B.set(l, v));
  }
  /** N and Z from a result (of any width). */
  setNZ(result: Expr): void {
    this.setFlag('n', B.msb(result));
    this.setFlag('z', B.eq(result, B.k(result, 0)));
  }

  emit(...s: Stmt[]): void { this.stmts.push(...s); }

  /**
   * Writes a register. A write to pc is a transfer: `load` (LoadWritePC) and A32 `alu` writes
   * interwork (bit 0 of the value picks Thumb); a Thumb `alu` write stays in Thumb. The decoder's
   * flow says whether it returns (`mov pc, lr`, `pop {pc}`, `ldr pc, [sp], #4`).
   */
  write(name: string, value: Expr, how: 'alu' | 'load' = 'alu'): void {
    if (name === 'pc' || name === 'r15') {
      const target = how === 'alu' && this.thumb ? B.or(value, B.constant(32, 1)) : value;
      this.emit(this.insn.flow === 'return' ? B.ret(target) : B.jump(target));
      return;
    }
    const l = this.loc(name);
    if (l.width !== value.width) throw new ShapeError(`${name} is ${l.width} bits, value ${value.width}`);
    this.emit(B.set(l, value));
  }

  /** Marks the instruction as computing values the IR leaves opaque (FP, vector, system). */
  opaque(): void { if (this.status === 'lifted') this.status = 'opaque'; }

  /**
   * Operand i as a shifter operand: an immediate (carry from the modified-immediate rotation),
   * a register, or a register shifted by an immediate or by a register (the low byte of it).
   */
  shifted(i: number): Shifted {
    const o = this.op(i);
    const C = () => this.flag('c');
    if (o.kind === 'imm') {
      const v = B.constant(32, o.value);
      return { value: v, carry: () => (this.rotatedImmediate() ? B.msb(v) : C()) };
    }
    if (o.kind !== 'reg') throw new ShapeError(`operand ${i} is not a shifter operand`);
    const x = this.read(o.reg);
    return o.shift ? this.shift(o.shift.type, x, o.shift.amount) : { value: x, carry: C };
  }

  /** `x` shifted as the shifter does it: amount a number (immediate form) or a register name. */
  shift(type: Shift['type'], x: Expr, amount: number | string | Expr): Shifted {
    const C = () => this.flag('c');
    if (type === 'msl') throw new ShapeError('msl shift');
    if (type === 'rrx') {
      return { value: B.or(B.lshr(x, B.k(x, 1)), B.shl(B.zext(C(), 32), B.k(x, 31))), carry: () => B.bit(x, 0) };
    }
    if (typeof amount === 'number') return shiftImmediate(type, x, amount, C);
    const amt8 = B.trunc(typeof amount === 'string' ? this.read(amount) : amount, 8);
    const amt = B.zext(amt8, 32), amt33 = B.zext(amt8, 33);
    const zero = B.eq(amt8, B.constant(8, 0));
    const x33lo = B.concat(x, B.constant(1, 0)); // x << 1 in 33 bits: bit 0 after a right shift by n is bit n-1 of x
    switch (type) {
      case 'lsl': return { value: B.shl(x, amt), carry: () => B.ite(zero, C(), B.bit(B.shl(B.zext(x, 33), amt33), 32)) };
      case 'lsr': return { value: B.lshr(x, amt), carry: () => B.ite(zero, C(), B.bit(B.lshr(x33lo, amt33), 0)) };
      case 'asr': return { value: B.ashr(x, amt), carry: () => B.ite(zero, C(), B.bit(B.ashr(x33lo, amt33), 0)) };
      case 'ror': {
        const value = B.rotr(x, amt);
        return { value, carry: () => B.ite(zero, C(), B.msb(value)) };
      }
    }
  }

  /**
   * Whether the instruction's modified immediate was rotated, so that a flag-setting logical
   * operation takes C from bit 31 of the immediate (A32: rotation field bits 11..8; Thumb-2:
   * imm12 bits 11..10 = i:imm3<2>). Only the encoding says it; Capstone gives the value.
   */
  rotatedImmediate(): boolean {
    const b = this.insn.bytes;
    if (this.insn.size !== 4) return false;
    if (!this.thumb) {
      const w = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      return ((w >>> 8) & 0xf) !== 0;
    }
    const hw1 = b[0]! | (b[1]! << 8), hw2 = b[2]! | (b[3]! << 8);
    return ((hw1 >> 10) & 1) !== 0 || ((hw2 >> 14) & 1) !== 0;
  }
}

/** Immediate shifts (DecodeImmShift already applied by Capstone: lsr/asr #32 come as 32). */
function shiftImmediate(type: 'lsl' | 'lsr' | 'asr' | 'ror', x: Expr, n: number, C: () => Expr): Shifted {
  if (n === 0) return { value: x, carry: C };
  if (n < 0 || n > 32) throw new ShapeError(`shift amount ${n}`);
  const amt = B.constant(32, n);
  switch (type) {
    case 'lsl': return { value: B.shl(x, amt), carry: () => B.bit(x, 32 - n) };
    case 'lsr': return { value: B.lshr(x, amt), carry: () => B.bit(x, n - 1) };
    case 'asr': return { value: B.ashr(x, amt), carry: () => B.bit(x, n - 1) };
    case 'ror': return { value: B.rotr(x, amt), carry: () => B.bit(x, (n - 1) % 32) };
  }
}
