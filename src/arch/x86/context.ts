/**
 * The per-instruction lifting context: operand access (registers with x86-64's zero-extending
 * 32-bit writes, memory addresses with segment bases and address-size overrides, immediates),
 * flag access and the statement list. Semantics (integer.ts, vector.ts) only talk to this.
 */
import type { Expr, LiftStatus, Loc, Stmt } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { RegisterFile } from '../../ir/registers.js';
import type { Instruction, Operand } from '../instruction.js';
import type { CallingConvention } from '../spec.js';
import type { Flag } from './registers.js';
import { ZERO_EXTENDING, vectorChunks } from './registers.js';

/** Raised by a semantic for a form it does not model; `lift` turns it into an `unsupported` group. */
export class Unsupported extends Error {}

export type MemOperand = Extract<Operand, { kind: 'mem' }>;

export interface Machine {
  readonly bits: 32 | 64;
  readonly registers: RegisterFile;
  readonly cc: CallingConvention;
  /** Stack pointer, accumulator, counter, data, source and destination index names at word size. */
  readonly sp: string;
  readonly bp: string;
  readonly vectorCount: number;
}

/** Prefixes that change semantics (iced spells them inside the mnemonic). */
export interface Prefixes {
  readonly rep?: 'rep' | 'repe' | 'repne';
  readonly lock?: boolean;
}

const ACC: Record<number, string> = { 8: 'al', 16: 'ax', 32: 'eax', 64: 'rax' };
const DATA: Record<number, string> = { 8: 'ah', 16: 'dx', 32: 'edx', 64: 'rdx' };

export class Ctx {
  readonly stmts: Stmt[] = [];
  status: LiftStatus = 'lifted';

  constructor(readonly m: Machine, readonly insn: Instruction, readonly mnemonic: string, readonly prefixes: Prefixes) {}

  get word(): number { return this.m.bits; }
  emit(...s: Stmt[]): void { this.stmts.push(...s); }

  op(i: number): Operand {
    const o = this.insn.operands[i];
    if (!o) throw new Unsupported(`operand ${i} missing`);
    return o;
  }
  get count(): number { return this.insn.operands.length; }
  isReg(i: number): boolean { return this.insn.operands[i]?.kind === 'reg'; }
  isMem(i: number): boolean { return this.insn.operands[i]?.kind === 'mem'; }
  isImm(i: number): boolean { return this.insn.operands[i]?.kind === 'imm'; }
  regName(i: number): string {
    const o = this.op(i);
    if (o.kind !== 'reg') throw new Unsupported(`operand ${i} is not a register`);
    return o.reg;
  }
  mem(i: number): MemOperand {
    const o = this.op(i);
    if (o.kind !== 'mem') throw new Unsupported(`operand ${i} is not memory`);
    return o;
  }

  // Registers.
  loc(name: string): Loc {
    if (!this.m.registers.has(name)) throw new Unsupported(`register ${name}`);
    return this.m.registers.reg(name);
  }
  get(name: string): Expr { return B.get(this.loc(name)); }
  /** Writes a register; in 64-bit mode a 32-bit general register write zero-extends into its slot. */
  setReg(name: string, value: Expr, guard?: Expr): void {
    const full = this.m.bits === 64 ? ZERO_EXTENDING.get(name) : undefined;
    if (full) this.emit(B.set(this.loc(full), B.zext(value, 64), guard));
    else this.emit(B.set(this.loc(name), value, guard));
  }
  acc(width: number): string { return ACC[width]!; }
  data(width: number): string { return DATA[width]!; }
  /** The general register of `width` bits that shares `rax`'s slot etc. (`cx` at 32 bits is `ecx`). */
  counter(width: number): string { return width === 64 ? 'rcx' : width === 32 ? 'ecx' : 'cx'; }

  // Flags.
  flag(f: Flag): Expr { return B.get(this.m.registers.flag(f)); }
  setFlag(f: Flag, v: Expr, guard?: Expr): void { this.emit(B.set(this.m.registers.flag(f), v, guard)); }

  // Operands.
  regWidth(name: string): number {
    const v = vectorChunks(name);
    if (v) return v.length * 128;
    return this.loc(name).width;
  }
  /** Width of operand i in bits (registers by name, memory by the decoder's access size). */
  width(i: number): number {
    const o = this.op(i);
    switch (o.kind) {
      case 'reg': return this.regWidth(o.reg);
      case 'mem': if (!o.size) throw new Unsupported('memory operand of unknown size'); return o.size * 8;
      case 'imm': throw new Unsupported('width of an immediate');
      case 'other': throw new Unsupported(`operand ${o.text}`);
    }
  }
  /** The exact value of an immediate (a 64-bit `mov r64, imm64` is read from the bytes). */
  immValue(i: number): bigint {
    const o = this.op(i);
    if (o.kind !== 'imm') throw new Unsupported(`operand ${i} is not an immediate`);
    if (Number.isSafeInteger(o.value)) return BigInt(o.value);
    const b = this.insn.bytes;
    let v = 0n;
    for (let j = b.length - 1; j >= b.length - 8; j--) v = (v << 8n) | BigInt(b[j]!);
    return v;
  }
  /** Reads operand i at `width` bits (default: its own width; immediates take the width they are used at). */
  read(i: number, width?: number): Expr {
    const o = this.op(i);
    switch (o.kind) {
      case 'reg': {
        const v = this.get(o.reg);
        if (width !== undefined && width !== v.width) throw new Unsupported(`register ${o.reg} read at ${width} bits`);
        return v;
      }
      case 'mem': return B.load(this.addr(o), width ?? this.width(i));
      case 'imm': return B.constant(width ?? this.width(0), this.immValue(i));
      case 'other': throw new Unsupported(`operand ${o.text}`);
    }
  }
  write(i: number, value: Expr, guard?: Expr): void {
    const o = this.op(i);
    switch (o.kind) {
      case 'reg': this.setReg(o.reg, value, guard); return;
      case 'mem': this.emit(B.store(this.addr(o), value, guard)); return;
      default: throw new Unsupported(`write to operand ${i}`);
    }
  }
  /** The address size of a memory operand: that of its base or index register (0x67 prefix), else the mode's. */
  addrWidth(m: MemOperand): number {
    const r = m.base ?? m.index;
    return r && this.m.registers.has(r) ? this.loc(r).width : this.m.bits;
  }
  /** The offset part of an address (what `lea` computes), at the address size. */
  effective(m: MemOperand): Expr {
    const aw = this.addrWidth(m);
    let a: Expr | undefined;
    if (m.base) a = this.get(m.base);
    if (m.index) {
      const x = this.get(m.index);
      const scaled = m.scale === 1 ? x : B.shl(x, B.constant(aw, Math.log2(m.scale)));
      a = a ? B.add(a, scaled) : scaled;
    }
    const d = B.constant(aw, BigInt(m.disp));
    return a ? B.add(a, d) : d;
  }
  /** The linear address of a memory operand: the offset, zero-extended to the mode, plus an fs/gs base. */
  addr(m: MemOperand, extra = 0): Expr {
    let a = B.zext(this.effective(m), this.m.bits);
    if (extra) a = B.add(a, B.constant(this.m.bits, extra));
    if (m.segment === 'fs' || m.segment === 'gs') a = B.add(B.get(this.loc(`${m.segment}_base`)), a);
    return a;
  }
  /** The address of the next instruction, at word size. */
  next(): Expr { return B.constant(this.m.bits, this.insn.address + this.insn.size); }
  self(): Expr { return B.constant(this.m.bits, this.insn.address); }
  wordConst(v: number | bigint): Expr { return B.constant(this.m.bits, v); }
}
