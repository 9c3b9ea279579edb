/**
 * The generic lifting of instructions whose values the IR does not model (x87, SSE/AVX
 * arithmetic, AVX-512, a few system instructions): iced's instruction info says exactly which
 * registers, memory and flags the instruction reads and writes, so every written location gets
 * an opaque value of everything read (immediates included), and memory writes become stores of
 * opaque values. The integer side effects stay exact; only the values are opaque.
 */
import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';
import type { Expr } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { Ctx, MemOperand } from './context.js';
import { Unsupported } from './context.js';
import type { Flag } from './registers.js';
import { vectorChunks } from './registers.js';

const require = createRequire(import.meta.url);
const iced = require('iced-x86') as typeof Iced;
const { Decoder, Instruction, InstructionInfoFactory, Register, OpAccess, MemorySizeExt, RflagsBits } = iced;

const REG_NAMES: string[] = [];
for (const [name, value] of Object.entries(Register)) if (typeof value === 'number') REG_NAMES[value] = name.toLowerCase();

const READS = new Set<number>([OpAccess.Read, OpAccess.CondRead, OpAccess.ReadWrite, OpAccess.ReadCondWrite, OpAccess.CondWrite]);
const WRITES = new Set<number>([OpAccess.Write, OpAccess.CondWrite, OpAccess.ReadWrite, OpAccess.ReadCondWrite]);
const FLAG_BITS: readonly (readonly [number, Flag])[] = [
  [RflagsBits.CF, 'CF'], [RflagsBits.PF, 'PF'], [RflagsBits.AF, 'AF'], [RflagsBits.ZF, 'ZF'], [RflagsBits.SF, 'SF'], [RflagsBits.OF, 'OF'], [RflagsBits.DF, 'DF'],
];

let factory: Iced.InstructionInfoFactory | undefined;
let scratch: Iced.Instruction | undefined;

/** The 128-bit-or-narrower locations (by register name) that make up register `name`, or none we model. */
function pieces(c: Ctx, name: string): string[] {
  const v = vectorChunks(name);
  if (v) return v.filter((n) => c.m.registers.has(n));
  return c.m.registers.has(name) ? [name] : [];
}

/** Splits `size` bytes at `addr` into loads/stores of at most 16 bytes. */
function parts(size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let off = 0; off < size;) {
    let n = 16;
    while (n > size - off) n /= 2;
    out.push([off, n]);
    off += n;
  }
  return out;
}

export function liftOpaque(c: Ctx): void {
  factory ??= new InstructionInfoFactory();
  scratch ??= new Instruction();
  const d = new Decoder(c.m.bits, c.insn.bytes, 0);
  let info: Iced.InstructionInfo | undefined;
  try {
    d.ip = BigInt(c.insn.address);
    d.decodeOut(scratch);
    if (scratch.isInvalid) throw new Unsupported('invalid encoding');
    info = factory.info(scratch);
    const args: Expr[] = [];
    const writes: string[] = [];
    for (const u of info.usedRegisters()) {
      const name = REG_NAMES[u.register] ?? '';
      const ps = pieces(c, name);
      if (READS.has(u.access)) for (const p of ps) args.push(c.get(p));
      if (WRITES.has(u.access)) writes.push(...ps);
      u.free();
    }
    const stores: { at: Expr; width: number }[] = [];
    for (const u of info.usedMemory()) {
      const size = MemorySizeExt.size(u.memorySize);
      const seg = REG_NAMES[u.segment];
      const m: MemOperand = {
        kind: 'mem', scale: u.scale, disp: Number(BigInt.asIntN(c.m.bits, u.displacement)),
        ...(u.base !== Register.None ? { base: REG_NAMES[u.base]! } : {}),
        ...(u.index !== Register.None ? { index: REG_NAMES[u.index]! } : {}),
        ...(seg === 'fs' || seg === 'gs' ? { segment: seg } : {}),
      };
      for (const [off, n] of parts(size)) {
        const at = c.addr(m, off);
        if (READS.has(u.access)) args.push(B.load(at, n * 8));
        if (WRITES.has(u.access)) stores.push({ at, width: n * 8 });
      }
      u.free();
    }
    for (const o of c.insn.operands) if (o.kind === 'imm') args.push(B.constant(64, BigInt(o.value)));
    const name = c.mnemonic;
    let n = 0;
    const value = (width: number) => B.opaqueValue(`${name}.${n++}`, width, args);
    if (writes.length === 0 && stores.length === 0) c.emit(B.effect(name, args));
    for (const r of writes) c.setReg(r, value(c.loc(r).width));
    for (const s of stores) c.emit(B.store(s.at, value(s.width)));
    const modified = scratch.rflagsModified;
    for (const [bit, f] of FLAG_BITS) if (modified & bit) c.setFlag(f, value(1));
    c.status = 'opaque';
  } finally {
    info?.free();
    d.free();
  }
}
