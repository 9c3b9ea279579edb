/**
 * The decoded-instruction value every architecture produces: operands are data (register
 * names, immediates, memory operands), never text to be re-parsed. `text` is for display only.
 */
import type { Arch } from '../binfmt/image.js';

export type Shift = { readonly type: 'lsl' | 'lsr' | 'asr' | 'ror' | 'rrx' | 'msl'; readonly amount: number | string };

export type Operand =
  | { readonly kind: 'reg'; readonly reg: string; readonly shift?: Shift; readonly extend?: string; readonly write?: boolean; /** AArch64 vector arrangement (`8b`, `4s`, `1d`…). */ readonly arrangement?: string }
  | { readonly kind: 'imm'; readonly value: number; /** AArch64: shifted immediate (`#1, lsl #12`, `movk …, lsl #16`, `movi …, msl #8`). */ readonly shift?: Shift; /** The exact value when `value` is not a safe integer (64-bit masks). */ readonly exact?: bigint }
  | {
      readonly kind: 'mem';
      readonly base?: string;
      readonly index?: string;
      /** Index multiplier (x86 scale; ARM -1 when subtracted). */
      readonly scale: number;
      readonly disp: number;
      /** Access size in bytes when the decoder knows it. */
      readonly size?: number;
      readonly segment?: string;
      readonly shift?: Shift;
      readonly extend?: string;
    }
  | { readonly kind: 'other'; readonly text: string; /** AArch64 system register number (mrs/msr). */ readonly sysreg?: number; /** Floating-point immediate. */ readonly fp?: number };

/** How an instruction moves control. */
export type Flow =
  | 'seq' // falls through only
  | 'jump' // unconditional direct jump to `target`
  | 'branch' // conditional direct jump to `target`, else falls through
  | 'call' // direct call to `target`
  | 'icall' // indirect call
  | 'ijump' // indirect jump (jump tables, tail calls through registers)
  | 'return'
  | 'trap'; // never falls through (ud2, brk, udf)

export interface Instruction {
  readonly address: number;
  readonly size: number;
  readonly bytes: Uint8Array;
  readonly mnemonic: string;
  /** Operands as formatted by the decoder, for people. */
  readonly text: string;
  readonly operands: readonly Operand[];
  readonly flow: Flow;
  /** Direct target of jump/branch/call. */
  readonly target?: number;
  /** Conditional execution (ARM condition codes, IT blocks): the flow happens only sometimes. */
  readonly conditional: boolean;
  /** MIPS: the next instruction executes before the transfer takes effect. */
  readonly delaySlot: boolean;
  /** ARM: decoded as Thumb. For a call, whether the callee is Thumb (blx switches). */
  readonly thumb?: boolean;
  readonly targetThumb?: boolean;
  /** ARM: the condition code (`eq`, `ne`, …) when not `al` (A32 cond field or the enclosing IT block). */
  readonly cond?: string;
  /** ARM: the instruction sets the flags (`adds`, Thumb 16-bit forms outside IT blocks). */
  readonly updatesFlags?: boolean;
  /** ARM: the base register is written back (`[rN, #x]!`, post-indexed forms, `ldm rN!`). */
  readonly writeback?: boolean;
  /** ARM: post-indexed addressing (`[rN], #x`): the access uses rN unchanged. */
  readonly postIndex?: boolean;
  /** ARM: per operand, its NEON scalar lane (`d0[1]`), or -1; the extra operand of a post-indexed register form is subtracted when `subtracted` holds its index. */
  readonly lanes?: readonly number[];
  readonly subtracted?: readonly number[];
}

/** Decodes one instruction at a virtual address. Returns undefined for bytes that do not decode. */
export interface Decoder {
  readonly arch: Arch;
  decode(address: number, thumb?: boolean): Instruction | undefined;
}
