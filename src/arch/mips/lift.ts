/**
 * MIPS32r2 (big and little endian) → IR. Each instruction's meaning is written once, as a
 * function of its typed operands (`Sem`), and bound to Capstone's mnemonics by the tables below,
 * grouped by category like Remill's DEF_SEM/DEF_ISEL: integer arithmetic and logic, shifts,
 * HI/LO multiply/divide, bit fields, conditional moves, memory (including the unaligned
 * lwl/lwr/swl/swr pairs, whose meaning depends on the byte order), branches and jumps (with a
 * delay slot), traps, system instructions and the FPU.
 *
 * Choices worth knowing:
 * - `zero` reads as 0 and a write to it is dropped (a load into `zero` is dropped too).
 * - div/divu by zero: LO := dividend, HI := 0, as qemu-user does (checked with qemu-mips and
 *   qemu-mipsel: `div 8/0` gives hi 0, lo 8); the architecture leaves it unpredictable and gcc
 *   guards divisions with `teq rt, zero, 7`. div INT_MIN/-1: LO := INT_MIN, HI := 0 (also qemu).
 * - `mul` (the MIPS32 three-operand form) leaves HI/LO unchanged (architecturally unpredictable).
 * - `sync`, `pref`, `synci`, `ssnop`, `ehb`, `pause`, `nop`: nothing. A single-threaded
 *   sequential interpreter has no visible ordering, cache or hazard state.
 * - `ll` is a plain load and `sc` a plain store that writes 1 (success) to its register.
 * - `syscall` is an effect reading v0 and a0–a3; v0 and a3 (the error flag) become opaque.
 * - `rdhwr rt, $29` reads `ulr` (UserLocal, the TLS pointer); other hardware registers are opaque.
 * - FPU, o32 with FR=0 (what Linux runs o32 code in): f0–f31 are 32-bit; a double lives in the
 *   pair f(2n) (low word) and f(2n+1) (high word), so ldc1/sdc1/mov.d/mthc1/mfhc1 move exact
 *   bits between pairs, as qemu does (`reg & ~1` low, `reg | 1` high). Data movement is lifted
 *   exactly; arithmetic, conversions and compares produce opaque values (compares set an FP
 *   condition code flag, which bc1t/bc1f and movt/movf then read exactly).
 * - Branch-likely forms (beql, bnezl, bc1tl, …) annul their delay slot when not taken, which
 *   IrInsn cannot express yet: they stay unsupported. gcc and clang do not emit them for
 *   MIPS32r2 (none occur in Debian's libc).
 * - Status is derived, not declared: an instruction is `opaque` exactly when its IR holds an
 *   opaque expression or effect.
 */
import { statusOf } from '../../ir/walk.js';
import type { Arch } from '../../binfmt/image.js';
import * as B from '../../ir/build.js';
import type { Expr, IrInsn, Loc, Stmt } from '../../ir/ir.js';
import type { Instruction, Operand } from '../instruction.js';
import type { Lifter } from '../spec.js';
import { o32 } from './cc.js';
import { FCC_NAMES, FPR_NAMES, isZeroRegister, mipsRegisters } from './registers.js';

const W = 32;
const c32 = (v: number | bigint) => B.constant(W, v);
const ZERO = c32(0);
const ONE = c32(1);
const bool32 = (b: Expr) => B.zext(b, W);
const signExtend16 = (v: number) => ((v & 0xffff) << 16) >> 16;
const zeroExtend16 = (v: number) => v & 0xffff;

/** An operand that is not what the form expects: the instruction is reported unsupported. */
class OperandError extends Error {}

/** One instruction being lifted: its operands as IR, and the raw fields Capstone misnames. */
class Ctx {
  constructor(readonly insn: Instruction, readonly bigEndian: boolean) {}

  private op(i: number): Operand {
    const o = this.insn.operands[i];
    if (!o) throw new OperandError(`operand ${i} missing`);
    return o;
  }
  get count(): number { return this.insn.operands.length; }
  regName(i: number): string {
    const o = this.op(i);
    if (o.kind !== 'reg') throw new OperandError(`operand ${i} is not a register`);
    return o.reg;
  }
  isZero(i: number): boolean { return isZeroRegister(this.regName(i)); }
  /** The value of register operand i (`zero` reads 0). */
  get(i: number): Expr {
    const r = this.regName(i);
    return isZeroRegister(r) ? ZERO : B.get(mipsRegisters.reg(r));
  }
  /** Register operand i := v; nothing for `zero`. */
  set(i: number, v: Expr, guard?: Expr): Stmt[] {
    const r = this.regName(i);
    return isZeroRegister(r) ? [] : [B.set(mipsRegisters.reg(r), v, guard)];
  }
  imm(i: number): number {
    const o = this.op(i);
    if (o.kind !== 'imm') throw new OperandError(`operand ${i} is not an immediate`);
    return o.value;
  }
  /** Effective address of memory operand i: base + displacement. */
  addr(i: number): Expr {
    const o = this.op(i);
    if (o.kind !== 'mem') throw new OperandError(`operand ${i} is not a memory operand`);
    const base = o.base === undefined || isZeroRegister(o.base) ? ZERO : B.get(mipsRegisters.reg(o.base));
    return B.add(base, c32(o.disp));
  }
  /** Direct branch or jump target. */
  get target(): Expr {
    if (this.insn.target !== undefined) return c32(this.insn.target);
    return c32(this.imm(this.count - 1) >>> 0);
  }
  /** The return address a linking transfer writes: past the delay slot. */
  get link(): Expr { return c32((this.insn.address + 8) >>> 0); }
  /** The raw instruction word, for fields Capstone does not expose as operands. */
  get word(): number {
    const b = this.insn.bytes;
    if (b.length < 4) throw new OperandError('short encoding');
    return this.bigEndian ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  }
  field(lo: number, bits: number): number { return (this.word >>> lo) & ((1 << bits) - 1); }

  // FPU registers: 32-bit slots; a 64-bit value in the FR=0 pair (reg & ~1 low, reg | 1 high).
  fpIndex(i: number): number {
    const n = FPR_NAMES.indexOf(this.regName(i));
    if (n < 0) throw new OperandError(`operand ${i} is not an FP register`);
    return n;
  }
  fget(i: number, width: number): Expr {
    const n = this.fpIndex(i);
    if (width === 32) return B.get(fpr(n));
    return B.concat(B.get(fpr(n | 1)), B.get(fpr(n & ~1)));
  }
  fset(i: number, v: Expr, guard?: Expr): Stmt[] {
    const n = this.fpIndex(i);
    if (v.width === 32) return [B.set(fpr(n), v, guard)];
    return [B.set(fpr(n & ~1), B.trunc(v, 32), guard), B.set(fpr(n | 1), B.extract(v, 32, 32), guard)];
  }
}

const fpr = (n: number): Loc => mipsRegisters.reg(FPR_NAMES[n]!);
const fcc = (n: number): Loc => mipsRegisters.flag(FCC_NAMES[n]!);
const HI = mipsRegisters.reg('hi'), LO = mipsRegisters.reg('lo'), RA = mipsRegisters.reg('ra');

type Sem = (c: Ctx) => Stmt[];
interface Form {
  readonly sem: Sem;
  /** A branch or jump: the next instruction runs before the transfer. */
  readonly delaySlot?: true;
}

const table = (forms: Record<string, Sem>, delaySlot = false): Record<string, Form> =>
  Object.fromEntries(Object.entries(forms).map(([m, sem]) => [m, delaySlot ? { sem, delaySlot: true } : { sem }]));

// ---------------------------------------------------------------------------------------------
// Integer arithmetic and logic.

type Op2 = (a: Expr, b: Expr) => Expr;
const shiftAmount = (b: Expr) => B.and(b, c32(31));

/** rd := op(rs, rt). */
const THREE_REGISTER: Record<string, Op2> = {
  addu: B.add, subu: B.sub, and: B.and, or: B.or, xor: B.xor, nor: (a, b) => B.not(B.or(a, b)),
  slt: (a, b) => bool32(B.slt(a, b)), sltu: (a, b) => bool32(B.ult(a, b)),
  mul: B.mul,
  // Variable shifts: rd := rt shifted by the low five bits of rs (Capstone: rd, rt, rs).
  sllv: (a, b) => B.shl(a, shiftAmount(b)), srlv: (a, b) => B.lshr(a, shiftAmount(b)),
  srav: (a, b) => B.ashr(a, shiftAmount(b)), rotrv: (a, b) => B.rotr(a, shiftAmount(b)),
};

/** rt := op(rs, immediate), with the immediate sign- or zero-extended from 16 bits. */
const IMMEDIATE: Record<string, readonly [Op2, (v: number) => number]> = {
  addiu: [B.add, signExtend16], slti: [(a, b) => bool32(B.slt(a, b)), signExtend16],
  // sltiu compares unsigned against the sign-extended immediate.
  sltiu: [(a, b) => bool32(B.ult(a, b)), signExtend16],
  andi: [B.and, zeroExtend16], ori: [B.or, zeroExtend16], xori: [B.xor, zeroExtend16],
};

/** rd := op(rt, sa) for a five-bit shift amount. */
const SHIFT_IMMEDIATE: Record<string, Op2> = { sll: B.shl, srl: B.lshr, sra: B.ashr, rotr: B.rotr };

const swapHalfwordBytes = (x: Expr) => B.concat(B.unop('bswap', B.extract(x, 16, 16)), B.unop('bswap', B.extract(x, 0, 16)));

/** rd := op(rs): assembler aliases and the MIPS32r2 bit operations. */
const UNARY: Record<string, (x: Expr) => Expr> = {
  move: (x) => x, negu: B.neg, not: B.not,
  seb: (x) => B.sext(B.trunc(x, 8), W), seh: (x) => B.sext(B.trunc(x, 16), W), wsbh: swapHalfwordBytes,
  clz: (x) => B.unop('clz', x), clo: (x) => B.unop('clz', B.not(x)),
};

/** Signed-overflow-trapping add and subtract: the destination is written only without overflow. */
const addOverflow = (a: Expr, b: Expr, r: Expr) => B.msb(B.and(B.xor(a, r), B.xor(b, r)));
const subOverflow = (a: Expr, b: Expr, r: Expr) => B.msb(B.and(B.xor(a, b), B.xor(a, r)));
function trapping(op: Op2, overflow: (a: Expr, b: Expr, r: Expr) => Expr, a: (c: Ctx) => Expr, b: (c: Ctx) => Expr): Sem {
  return (c) => {
    const x = a(c), y = b(c), r = op(x, y), v = overflow(x, y, r);
    return [B.trap('integer overflow', v), ...c.set(0, r, B.bnot(v))];
  };
}

const ARITHMETIC: Record<string, Form> = {
  ...table(Object.fromEntries(Object.entries(THREE_REGISTER).map(([m, f]) => [m, (c: Ctx) => c.set(0, f(c.get(1), c.get(2)))]))),
  ...table(Object.fromEntries(Object.entries(IMMEDIATE).map(([m, [f, ext]]) => [m, (c: Ctx) => c.set(0, f(c.get(1), c32(ext(c.imm(2)))))]))),
  ...table(Object.fromEntries(Object.entries(SHIFT_IMMEDIATE).map(([m, f]) => [m, (c: Ctx) => c.set(0, f(c.get(1), c32(c.imm(2) & 31)))]))),
  ...table(Object.fromEntries(Object.entries(UNARY).map(([m, f]) => [m, (c: Ctx) => c.set(0, f(c.get(1)))]))),
  ...table({
    add: trapping(B.add, addOverflow, (c) => c.get(1), (c) => c.get(2)),
    sub: trapping(B.sub, subOverflow, (c) => c.get(1), (c) => c.get(2)),
    addi: trapping(B.add, addOverflow, (c) => c.get(1), (c) => c32(signExtend16(c.imm(2)))),
    // neg rd, rt is sub rd, zero, rt.
    neg: trapping(B.sub, subOverflow, () => ZERO, (c) => c.get(1)),
    lui: (c) => c.set(0, c32((zeroExtend16(c.imm(1)) << 16) >>> 0)),
    // `li` is addiu (sign-extending) or ori (zero-extending) from zero: the opcode says which.
    li: (c) => c.set(0, c32(c.field(26, 6) === 0x0d ? zeroExtend16(c.imm(1)) : c.field(26, 6) === 0x09 ? signExtend16(c.imm(1)) : c.imm(1))),
  }),
};

// ---------------------------------------------------------------------------------------------
// HI/LO: multiply, divide, multiply-accumulate.

const hiLo = () => B.concat(B.get(HI), B.get(LO));
const setHiLo = (v: Expr): Stmt[] => [B.set(HI, B.extract(v, 32, 32)), B.set(LO, B.trunc(v, 32))];
const product = (c: Ctx, signed: boolean) => {
  const ext = signed ? B.sext : B.zext;
  // `mult rs, rt`; a leading `zero` destination (the assembler's three-operand form) is skipped.
  const n = c.count;
  return B.mul(ext(c.get(n - 2), 64), ext(c.get(n - 1), 64));
};
function divide(signed: boolean): Sem {
  return (c) => {
    const n = c.count, a = c.get(n - 2), b = c.get(n - 1), byZero = B.eq(b, ZERO);
    return [
      B.set(LO, B.ite(byZero, a, (signed ? B.sdiv : B.udiv)(a, b))),
      B.set(HI, B.ite(byZero, ZERO, (signed ? B.srem : B.urem)(a, b))),
    ];
  };
}

const MULTIPLY_DIVIDE: Record<string, Form> = table({
  mult: (c) => setHiLo(product(c, true)),
  multu: (c) => setHiLo(product(c, false)),
  madd: (c) => setHiLo(B.add(hiLo(), product(c, true))),
  maddu: (c) => setHiLo(B.add(hiLo(), product(c, false))),
  msub: (c) => setHiLo(B.sub(hiLo(), product(c, true))),
  msubu: (c) => setHiLo(B.sub(hiLo(), product(c, false))),
  div: divide(true),
  divu: divide(false),
  mfhi: (c) => c.set(0, B.get(HI)),
  mflo: (c) => c.set(0, B.get(LO)),
  mthi: (c) => [B.set(HI, c.get(0))],
  mtlo: (c) => [B.set(LO, c.get(0))],
});

// ---------------------------------------------------------------------------------------------
// Bit fields and conditional moves.

const BIT_FIELD: Record<string, Form> = table({
  // ext rt, rs, pos, size: rt := zero-extended rs[pos, pos + size)
  ext: (c) => c.set(0, B.zext(B.extract(c.get(1), c.imm(2), c.imm(3)), W)),
  // ins rt, rs, pos, size: rt[pos, pos + size) := rs[0, size)
  ins: (c) => {
    const pos = c.imm(2), size = c.imm(3), m = ((1n << BigInt(size)) - 1n) << BigInt(pos);
    return c.set(0, B.or(B.and(c.get(0), c32(~m)), B.and(B.shl(c.get(1), c32(pos)), c32(m))));
  },
});

/** The FP condition code named by bits [lo, lo + 3) of the encoding. */
const ccAt = (c: Ctx, lo: number) => B.get(fcc(c.field(lo, 3)));
/** movt/movf (bit 16 says which): move when condition code cc is true/false. */
const ccTest = (c: Ctx, onTrue: boolean) => (onTrue ? ccAt(c, 18) : B.bnot(ccAt(c, 18)));

const CONDITIONAL_MOVE: Record<string, Form> = table({
  movn: (c) => c.set(0, c.get(1), B.ne(c.get(2), ZERO)),
  movz: (c) => c.set(0, c.get(1), B.eq(c.get(2), ZERO)),
  movt: (c) => c.set(0, c.get(1), ccTest(c, true)),
  movf: (c) => c.set(0, c.get(1), ccTest(c, false)),
});

// ---------------------------------------------------------------------------------------------
// Memory.

const LOADS: Record<string, readonly [number, typeof B.zext]> = {
  lb: [8, B.sext], lbu: [8, B.zext], lh: [16, B.sext], lhu: [16, B.zext], lw: [32, B.zext], ll: [32, B.zext],
};
const STORES: Record<string, number> = { sb: 8, sh: 16, sw: 32 };

/**
 * The unaligned pairs, following the architecture manual. With k = addr & 3 and the aligned word
 * W at addr & ~3 (read in the memory's byte order), `s` = k on big endian and 3 - k on little:
 *   lwl: rt := W << 8s | rt & (2^8s - 1)                (the bytes from addr to the word's end
 *                                                         on BE, from its start to addr on LE, fill
 *                                                         rt's most significant bytes)
 *   lwr: rt := W >> 8(3-s) | rt & ~(2^32-1 >> 8(3-s))   (the other end, rt's least significant)
 * Stores write exactly the bytes they cover, one guarded byte store each: swl's bytes are rt's
 * most significant first, swr's its least significant first; they go up from addr (swl on BE,
 * swr on LE: 4 - k bytes) or down from addr (swr on BE, swl on LE: k + 1 bytes).
 */
function unalignedLoad(left: boolean): Sem {
  return (c) => {
    const a = c.addr(1), k = B.and(a, c32(3)), w = B.load(B.and(a, c32(~3)), 32);
    const s = c.bigEndian ? k : B.sub(c32(3), k);
    const all = c32(0xffffffff);
    if (left) {
      const sh = B.shl(s, c32(3));
      return c.set(0, B.or(B.shl(w, sh), B.and(c.get(0), B.not(B.shl(all, sh)))));
    }
    const sh = B.shl(B.sub(c32(3), s), c32(3));
    return c.set(0, B.or(B.lshr(w, sh), B.and(c.get(0), B.not(B.lshr(all, sh)))));
  };
}
function unalignedStore(left: boolean): Sem {
  return (c) => {
    const a = c.addr(1), k = B.and(a, c32(3)), rt = c.get(0);
    const upward = left === c.bigEndian;
    const out: Stmt[] = [];
    for (let j = 0; j < 4; j++) {
      const value = B.extract(rt, left ? 24 - 8 * j : 8 * j, 8);
      const at = upward ? B.add(a, c32(j)) : B.sub(a, c32(j));
      const guard = j === 0 ? undefined : upward ? B.ule(k, c32(3 - j)) : B.uge(k, c32(j));
      out.push(B.store(at, value, guard));
    }
    return out;
  };
}

const MEMORY: Record<string, Form> = {
  ...table(Object.fromEntries(Object.entries(LOADS).map(([m, [bits, ext]]) => [m, (c: Ctx) => c.set(0, ext(B.load(c.addr(1), bits), W))]))),
  ...table(Object.fromEntries(Object.entries(STORES).map(([m, bits]) => [m, (c: Ctx) => [B.store(c.addr(1), B.trunc(c.get(0), bits))]]))),
  ...table({
    // Store-conditional always succeeds in a sequential machine.
    sc: (c) => [B.store(c.addr(1), c.get(0)), ...c.set(0, ONE)],
    lwl: unalignedLoad(true), lwr: unalignedLoad(false),
    swl: unalignedStore(true), swr: unalignedStore(false),
  }),
};

// ---------------------------------------------------------------------------------------------
// Branches and jumps, all with a delay slot. Linking forms write ra := address + 8 whether or
// not the branch is taken.

type Cond = (c: Ctx) => Expr;
const BRANCH_CONDITIONS: Record<string, Cond> = {
  beq: (c) => B.eq(c.get(0), c.get(1)),
  bne: (c) => B.ne(c.get(0), c.get(1)),
  beqz: (c) => B.eq(c.get(0), ZERO),
  bnez: (c) => B.ne(c.get(0), ZERO),
  blez: (c) => B.sle(c.get(0), ZERO),
  bgtz: (c) => B.sgt(c.get(0), ZERO),
  bltz: (c) => B.slt(c.get(0), ZERO),
  bgez: (c) => B.sge(c.get(0), ZERO),
  // FP condition code (bits 20..18): exact, given the flag.
  bc1t: (c) => ccAt(c, 18),
  bc1f: (c) => B.bnot(ccAt(c, 18)),
};
const LINKING_BRANCH_CONDITIONS: Record<string, Cond> = {
  bltzal: (c) => B.slt(c.get(0), ZERO),
  bgezal: (c) => B.sge(c.get(0), ZERO),
};

const jumpThrough = (c: Ctx, i: number): Stmt => (c.regName(i) === 'ra' ? B.ret(c.get(i)) : B.jump(c.get(i)));
/** jalr rs (rd = ra) or jalr rd, rs. */
const jalr: Sem = (c) => {
  const target = c.get(c.count - 1);
  const rd = c.count >= 2 ? c.set(0, c.link) : [B.set(RA, c.link)];
  return [...rd, B.call(target)];
};

const CONTROL: Record<string, Form> = table({
  ...Object.fromEntries(Object.entries(BRANCH_CONDITIONS).map(([m, cond]) => [m, (c: Ctx) => [B.jump(c.target, cond(c))]])),
  ...Object.fromEntries(Object.entries(LINKING_BRANCH_CONDITIONS).map(([m, cond]) => [m, (c: Ctx) => [B.set(RA, c.link), B.call(c.target, cond(c))]])),
  b: (c) => [B.jump(c.target)],
  j: (c) => [B.jump(c.target)],
  bal: (c) => [B.set(RA, c.link), B.call(c.target)],
  jal: (c) => [B.set(RA, c.link), B.call(c.target)],
  jr: (c) => [jumpThrough(c, 0)],
  'jr.hb': (c) => [jumpThrough(c, 0)],
  jalr,
  'jalr.hb': jalr,
}, true);

// ---------------------------------------------------------------------------------------------
// Traps and system instructions.

const TRAP_CONDITIONS: Record<string, Op2> = {
  teq: B.eq, tne: B.ne, tge: B.sge, tgeu: B.uge, tlt: B.slt, tltu: B.ult,
};
const NOTHING: Sem = () => [];
/** UserLocal, the one hardware register user code reads. */
const HWR_ULR = 29;

const SYSTEM: Record<string, Form> = table({
  ...Object.fromEntries(Object.entries(TRAP_CONDITIONS).map(([m, f]) => [m, (c: Ctx) => [B.trap(m, f(c.get(0), c.get(1)))]])),
  ...Object.fromEntries(Object.entries(TRAP_CONDITIONS).map(([m, f]) => [`${m}i`, (c: Ctx) => [B.trap(`${m}i`, f(c.get(0), c32(signExtend16(c.imm(1)))))]])),
  break: () => [B.trap('break')],
  sdbbp: () => [B.trap('sdbbp')],
  syscall: () => {
    const args = ['v0', 'a0', 'a1', 'a2', 'a3'].map((r) => B.get(mipsRegisters.reg(r)));
    return [
      B.effect('syscall', args),
      B.set(mipsRegisters.reg('v0'), B.opaqueValue('syscall.v0', W, args)),
      B.set(mipsRegisters.reg('a3'), B.opaqueValue('syscall.a3', W, args)),
    ];
  },
  // rdhwr rt, rd: Capstone names hardware register rd as a general register; read it from the encoding.
  rdhwr: (c) => {
    const hwr = c.field(11, 5);
    return c.set(0, hwr === HWR_ULR ? B.get(mipsRegisters.reg('ulr')) : B.opaqueValue(`rdhwr.${hwr}`, W));
  },
  wait: () => [B.effect('wait')],
  nop: NOTHING, ssnop: NOTHING, ehb: NOTHING, pause: NOTHING, sync: NOTHING, pref: NOTHING, synci: NOTHING,
});

// ---------------------------------------------------------------------------------------------
// FPU (o32, FR=0). Exact data movement; opaque arithmetic.

const FP_WIDTH: Record<string, number> = { s: 32, w: 32, d: 64, l: 64, ps: 64 };
const FP_FORMATS = ['s', 'd', 'ps'] as const;

const fpOpaque = (c: Ctx, width: number, args: readonly Expr[]) => B.opaqueValue(c.insn.mnemonic, width, args);

function fpArithmetic(arity: number, fmt: string): Sem {
  const w = FP_WIDTH[fmt]!;
  // fd, then the sources (madd.fmt: fd, fr, fs, ft).
  return (c) => c.fset(0, fpOpaque(c, w, Array.from({ length: arity }, (_, i) => c.fget(i + 1, w))));
}
function fpConvert(to: string, from: string): Sem {
  return (c) => c.fset(0, fpOpaque(c, FP_WIDTH[to]!, [c.fget(1, FP_WIDTH[from]!)]));
}
/** c.cond.fmt fs, ft: FP condition code cc (bits 10..8) := the comparison, opaque. */
function fpCompare(fmt: string): Sem {
  const w = FP_WIDTH[fmt]!;
  return (c) => [B.set(fcc(c.field(8, 3)), fpOpaque(c, 1, [c.fget(c.count - 2, w), c.fget(c.count - 1, w)]))];
}
function fpMove(fmt: string, guard?: (c: Ctx) => Expr): Sem {
  const w = FP_WIDTH[fmt]!;
  return (c) => c.fset(0, c.fget(1, w), guard?.(c));
}
/** Indexed FP access (lwxc1 fd, index(base)): Capstone gives the two address registers as operands. */
const indexedAddress = (c: Ctx) => B.add(c.get(1), c.get(2));

const FP_BINARY = ['add', 'sub', 'mul', 'div'];
const FP_UNARY = ['abs', 'neg', 'sqrt', 'recip', 'rsqrt'];
const FP_TERNARY = ['madd', 'msub', 'nmadd', 'nmsub'];
const FP_CONDITIONS = ['f', 'un', 'eq', 'ueq', 'olt', 'ult', 'ole', 'ule', 'sf', 'ngle', 'seq', 'ngl', 'lt', 'nge', 'le', 'ngt'];
const FP_CONVERSIONS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['cvt', ['s', 'd', 'w', 'l'], ['s', 'd', 'w', 'l']],
  ['trunc', ['w', 'l'], ['s', 'd']], ['round', ['w', 'l'], ['s', 'd']],
  ['ceil', ['w', 'l'], ['s', 'd']], ['floor', ['w', 'l'], ['s', 'd']],
];

const FPU: Record<string, Form> = table({
  ...Object.fromEntries(FP_FORMATS.flatMap((f) => [
    ...FP_BINARY.map((op) => [`${op}.${f}`, fpArithmetic(2, f)]),
    ...FP_UNARY.map((op) => [`${op}.${f}`, fpArithmetic(1, f)]),
    ...FP_TERNARY.map((op) => [`${op}.${f}`, fpArithmetic(3, f)]),
    ...FP_CONDITIONS.map((cond) => [`c.${cond}.${f}`, fpCompare(f)]),
    [`mov.${f}`, fpMove(f)],
    [`movn.${f}`, fpMove(f, (c) => B.ne(c.get(2), ZERO))],
    [`movz.${f}`, fpMove(f, (c) => B.eq(c.get(2), ZERO))],
    [`movt.${f}`, fpMove(f, (c) => ccTest(c, true))],
    [`movf.${f}`, fpMove(f, (c) => ccTest(c, false))],
  ])),
  ...Object.fromEntries(FP_CONVERSIONS.flatMap(([op, tos, froms]) =>
    tos.flatMap((to) => froms.filter((from) => from !== to).map((from) => [`${op}.${to}.${from}`, fpConvert(to, from)])))),
  mtc1: (c) => c.fset(1, c.get(0)),
  mfc1: (c) => c.set(0, c.fget(1, 32)),
  // The high word of the FR=0 pair: f(n | 1).
  mthc1: (c) => [B.set(fpr(c.fpIndex(1) | 1), c.get(0))],
  mfhc1: (c) => c.set(0, B.get(fpr(c.fpIndex(1) | 1))),
  lwc1: (c) => c.fset(0, B.load(c.addr(1), 32)),
  swc1: (c) => [B.store(c.addr(1), c.fget(0, 32))],
  ldc1: (c) => c.fset(0, B.load(c.addr(1), 64)),
  sdc1: (c) => [B.store(c.addr(1), c.fget(0, 64))],
  lwxc1: (c) => c.fset(0, B.load(indexedAddress(c), 32)),
  swxc1: (c) => [B.store(indexedAddress(c), c.fget(0, 32))],
  ldxc1: (c) => c.fset(0, B.load(indexedAddress(c), 64)),
  sdxc1: (c) => [B.store(indexedAddress(c), c.fget(0, 64))],
  luxc1: (c) => c.fset(0, B.load(B.and(indexedAddress(c), c32(~7)), 64)),
  suxc1: (c) => [B.store(B.and(indexedAddress(c), c32(~7)), c.fget(0, 64))],
  // FPU control registers (fs in bits 15..11; Capstone names it as a general register).
  cfc1: (c) => c.set(0, B.opaqueValue(`cfc1.${c.field(11, 5)}`, W)),
  ctc1: (c) => [B.effect(`ctc1.${c.field(11, 5)}`, [c.get(0)])],
});

/** Every mnemonic the lifter knows. */
const FORMS: ReadonlyMap<string, Form> = new Map(Object.entries({
  ...ARITHMETIC, ...MULTIPLY_DIVIDE, ...BIT_FIELD, ...CONDITIONAL_MOVE, ...MEMORY, ...CONTROL, ...SYSTEM, ...FPU,
}));

export function knownMnemonics(): readonly string[] {
  return [...FORMS.keys()];
}

// ---------------------------------------------------------------------------------------------


export function createMipsLifter(arch: 'mips' | 'mipsel'): Lifter {
  const bigEndian = arch === 'mips';
  return {
    registers: mipsRegisters,
    cc: o32,
    lift(insn: Instruction): IrInsn {
      const head = { address: insn.address, size: insn.size, mnemonic: insn.mnemonic };
      const form = FORMS.get(insn.mnemonic);
      const unsupported = (why?: string): IrInsn =>
        ({ ...head, status: 'unsupported', stmts: [B.trap(`unsupported: ${insn.mnemonic}${why ? ` (${why})` : ''}`)] });
      if (!form) return unsupported();
      let stmts: Stmt[];
      try {
        stmts = form.sem(new Ctx(insn, bigEndian));
      } catch (e) {
        return unsupported(e instanceof Error ? e.message : String(e));
      }
      return {
        ...head,
        status: statusOf(stmts),
        stmts,
        ...(form.delaySlot ? { delaySlot: true } : {}),
      };
    },
  };
}

/** For ArchSpec.createLifter. */
export function mipsLifterFor(arch: Arch): Lifter {
  if (arch !== 'mips' && arch !== 'mipsel') throw new Error(`not a MIPS architecture: ${arch}`);
  return createMipsLifter(arch);
}
