/**
 * Trex's code tokens (SEEDS.md §1.2), built from the typed decoded instruction rather than from
 * its text, so every architecture goes through the same rules and nothing is re-parsed:
 * - the mnemonic (with its ARM condition, as the decoder spells it) at operand position 0;
 * - registers by name; a memory operand as `[ base + index * scale + disp ]` (x86 with its
 *   access size and segment, as Capstone prints it); shifts and extends as words;
 * - immediates become `num` (|v| < 10, which Capstone prints in decimal) or `hexvar`, their
 *   number moving to the value sequence; a branch or call target becomes `addr`, valued by its
 *   offset from the function's start when it lies inside the function (an absolute address
 *   means nothing across binaries).
 * Each token says where its value comes from: nowhere (`##`), a literal, or a register read
 * when the instruction executes (micro-traces, microtrace.ts).
 */
import type { Arch } from '../../binfmt/image.js';
import type { Instruction, Operand, Shift } from '../../arch/instruction.js';
import { assertNever } from '../../util/errors.js';

export type ValueSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'literal'; readonly value: bigint }
  | { readonly kind: 'reg'; readonly reg: string };

export interface CodeToken {
  readonly text: string;
  /** Position inside the instruction: 0 is the mnemonic. */
  readonly opos: number;
  readonly value: ValueSource;
}

/** Architecture names of the model's architecture sequence: MIPS of both byte orders share one. */
export const TREX_ARCHS = ['x86', 'x86_64', 'arm', 'aarch64', 'mips'] as const;
export type TrexArch = (typeof TREX_ARCHS)[number];
export function trexArch(arch: Arch): TrexArch {
  return arch === 'mipsel' ? 'mips' : arch;
}

const NONE: ValueSource = { kind: 'none' };
const X86_SIZE: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 8: 'qword', 10: 'xword', 16: 'xmmword', 32: 'ymmword', 64: 'zmmword' };
/** Register names that are the constant zero rather than a register-file slot. */
export const ZERO_REGISTERS = new Set(['zero', 'wzr', 'xzr']);

/** The tokens of one instruction of a function starting at `fnStart` and `fnEnd` bytes long. */
export function instructionTokens(insn: Instruction, arch: Arch, fnStart: number, fnEnd: number): CodeToken[] {
  const out: CodeToken[] = [];
  const push = (text: string, value: ValueSource = NONE) => out.push({ text, opos: out.length, value });
  const lit = (v: number | bigint): ValueSource => ({ kind: 'literal', value: BigInt.asUintN(64, BigInt(v)) });
  const imm = (v: number, exact?: bigint) => push(Math.abs(v) < 10 ? 'num' : 'hexvar', lit(exact ?? v));
  const reg = (name: string) => push(name.replace(/^\$/, '').toLowerCase(), ZERO_REGISTERS.has(name) ? lit(0) : { kind: 'reg', reg: name });
  const shift = (s: Shift) => {
    push(s.type);
    if (typeof s.amount === 'number') imm(s.amount);
    else reg(s.amount);
  };
  const x86 = arch === 'x86' || arch === 'x86_64';
  const transfers = insn.flow === 'jump' || insn.flow === 'branch' || insn.flow === 'call';

  push(insn.mnemonic.toLowerCase());
  for (const op of insn.operands) operand(op);
  return out;

  function operand(op: Operand): void {
    switch (op.kind) {
      case 'reg':
        reg(op.reg);
        if (op.arrangement) push(`.${op.arrangement}`);
        if (op.shift) shift(op.shift);
        if (op.extend) push(op.extend);
        return;
      case 'imm':
        if (transfers && insn.target !== undefined && op.value === insn.target) {
          const inside = op.value >= fnStart && op.value < fnEnd;
          push('addr', inside ? lit(op.value - fnStart) : NONE);
        } else imm(op.value, op.exact);
        if (op.shift) shift(op.shift);
        return;
      case 'mem':
        if (x86 && op.size !== undefined) push(X86_SIZE[op.size] ?? 'ptr');
        if (op.segment) { push(op.segment); push(':'); }
        push('[');
        if (op.base) reg(op.base);
        if (op.index) {
          if (op.base) push(op.scale < 0 ? '-' : '+');
          reg(op.index);
          if (op.shift) shift(op.shift);
          else if (Math.abs(op.scale) !== 1) { push('*'); imm(Math.abs(op.scale)); }
          if (op.extend) push(op.extend);
        }
        if (op.disp !== 0 || (!op.base && !op.index)) {
          if (op.base || op.index) push(op.disp < 0 ? '-' : '+');
          imm(op.base || op.index ? Math.abs(op.disp) : op.disp);
        }
        push(']');
        return;
      case 'other':
        for (const t of normaliseText(op.text)) {
          // normaliseText split any minus off, so numbers here are unsigned.
          if (/^0x[0-9a-f]+$/i.test(t)) push('hexvar', lit(BigInt(t)));
          else if (/^\d+$/.test(t)) push(Number(t) < 10 ? 'num' : 'hexvar', lit(BigInt(t)));
          else push(t.toLowerCase());
        }
        return;
      default:
        assertNever(op);
    }
  }
}

/** SEEDS.md §1.2's text normalisation, for operands the decoder leaves as text. */
export function normaliseText(text: string): string[] {
  return text
    .replace(/([,[\]:*(){}!])/g, ' $1 ')
    .replace(/[#$]/g, '')
    .replace(/(^|\s)-(?=\S)/g, '$1- ')
    .split(/\s+/)
    .filter((t) => t !== '' && t !== ',');
}
