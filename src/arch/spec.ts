/**
 * The contract each architecture folder fulfils (decode, plus the few facts about compiled code
 * that the program layer cannot know in general). Folders register in registry.ts and never
 * import each other.
 */
import type { Arch, Image } from '../binfmt/image.js';
import { readWord } from '../binfmt/image.js';
import type { IrInsn } from '../ir/ir.js';
import type { RegisterFile } from '../ir/registers.js';
import type { Decoder, Instruction, Operand } from './instruction.js';

/** A resolved jump table: where it lives and the targets it holds, in table order. */
export interface JumpTable {
  readonly table: number;
  readonly targets: readonly number[];
}

/** How a function is called, for the interpreter to call one with arguments. */
export interface CallingConvention {
  /** Integer argument registers, in order. */
  readonly args: readonly string[];
  /** Where arguments beyond the registers go: byte offset from the stack pointer at entry (after any pushed return address). */
  readonly stackArgs: number;
  /** Integer return register. */
  readonly ret: string;
  readonly sp: string;
  /** The register that receives the return address (lr, ra, x30), or `stack` when the call pushes it (x86). */
  readonly returnAddress: string | 'stack';
  /** Registers that must hold the callee's own address at entry (MIPS PIC: t9). */
  readonly entryAddressIn?: readonly string[];
}

/** Turns decoded instructions into IR. Pure: the same instruction always gives the same IR. */
export interface Lifter {
  readonly registers: RegisterFile;
  readonly cc: CallingConvention;
  lift(insn: Instruction): IrInsn;
}

export interface ArchSpec {
  readonly arches: readonly Arch[];
  createDecoder(image: Image): Promise<Decoder>;
  /** The lifter for one architecture of the family (x86 vs x86_64, mips vs mipsel). */
  createLifter(arch: Arch): Lifter;
  /**
   * For an import stub (PLT entry, .MIPS.stubs entry) given its first instructions, the GOT
   * slot it jumps through, or the imported name directly when the stub encodes it.
   */
  stubImport(stub: readonly Instruction[], image: Image): { slot: number } | { name: string } | undefined;
  /** GOT slot read by an indirect call or jump (`call [rip+X]`, `lw t9, X(gp); jalr t9`). `before` ends just before it. */
  indirectSlot(before: readonly Instruction[], branch: Instruction, image: Image): number | undefined;
  /**
   * Targets of a switch jump table ending in `branch`. `before` holds the instructions that fall
   * through to it, in order; `all` every instruction of the function decoded so far, for table
   * bases set up once outside a loop.
   */
  jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number, all: readonly Instruction[]): JumpTable | undefined;
  /**
   * Addresses these instructions compute or load from the file (`lea rdi,[rip+main]`, a literal-pool
   * `ldr`, `adrp`+`add`, a GOT load): how `_start` hands `main` to libc in stripped code.
   */
  codeReferences(insns: readonly Instruction[], image: Image): number[];
  /** Byte patterns that start functions in stripped code (as hex strings, checked at aligned addresses). */
  readonly prologues: readonly string[];
  /** Instruction alignment in bytes (Thumb: 2). */
  readonly alignment: number;
}

export function reg(op: Operand | undefined): string | undefined {
  return op?.kind === 'reg' ? op.reg : undefined;
}
export function imm(op: Operand | undefined): number | undefined {
  return op?.kind === 'imm' ? op.value : undefined;
}
export function mem(op: Operand | undefined): Extract<Operand, { kind: 'mem' }> | undefined {
  return op?.kind === 'mem' ? op : undefined;
}

/** Index (into `insns`) of the last instruction before `from` matching `pred`, scanning at most `limit` back. */
export function findBack(insns: readonly Instruction[], from: number, pred: (i: Instruction) => boolean, limit = 16): number {
  for (let i = from - 1; i >= 0 && i >= from - limit; i--) if (pred(insns[i]!)) return i;
  return -1;
}

/** Reads `count` table entries and maps each to a target, stopping at the first one `valid` rejects. */
export function readTable(count: number, entry: (i: number) => number | undefined, valid: (t: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = entry(i);
    if (t === undefined || !valid(t)) break;
    out.push(t);
  }
  return out;
}

/**
 * The one value every definition of `r` in `all` agrees on, computed by `valueOf` for each
 * defining instruction (undefined when any definition is not understood).
 */
export function uniqueDefinition(all: readonly Instruction[], r: string, writes: (i: Instruction) => boolean, valueOf: (i: Instruction, at: number) => number | undefined): number | undefined {
  let v: number | undefined;
  for (let k = 0; k < all.length; k++) {
    const i = all[k]!;
    if (!writes(i)) continue;
    const x = valueOf(i, k);
    if (x === undefined || (v !== undefined && v !== x)) return undefined;
    v = x;
  }
  return v;
}

/** The word a load from `slot` yields at run time: a RELATIVE relocation's address, else the file's bytes. */
export function loadedPointer(image: Image, slot: number): number | undefined {
  return image.pointers.get(slot) ?? readWord(image, slot, image.bits === 64 ? 8 : 4);
}
