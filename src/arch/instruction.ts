/**
 * The decoded-instruction value every architecture produces: operands are data (register
 * names, immediates, memory operands), never text to be re-parsed. `text` is for display only.
 */
import type { Arch } from '../binfmt/image.js';

export type Shift = { readonly type: 'lsl' | 'lsr' | 'asr' | 'ror' | 'rrx' | 'msl'; readonly amount: number | string };

export type Operand =
  | { readonly kind: 'reg'; readonly reg: string; readonly shift?: Shift; readonly extend?: string; readonly write?: boolean }
  | { readonly kind: 'imm'; readonly value: number }
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
  | { readonly kind: 'other'; readonly text: string };

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
}

/** Decodes one instruction at a virtual address. Returns undefined for bytes that do not decode. */
export interface Decoder {
  readonly arch: Arch;
  decode(address: number, thumb?: boolean): Instruction | undefined;
}
