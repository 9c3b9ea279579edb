/**
 * The AArch64 lifter: one decoded instruction → one group of parallel IR assignments.
 *
 * Semantics live in category files (integer, memory, control, simd), each a table from
 * Capstone's mnemonic (alias spellings included) to one semantic function. Dispatch: control
 * and memory by mnemonic; otherwise the register class of the first operand picks the integer
 * or the FP/SIMD table (`cnt x0, x1` vs `cnt v0.8b, v0.8b`, `rev16` vs vector `rev16`, …).
 * A mnemonic no table knows, or a form a semantic function does not model, lifts to
 * `unsupported` with a single trap; `lift` never throws.
 */
import { statusOf } from '../../ir/walk.js';
import type { IrInsn } from '../../ir/ir.js';
import { trap } from '../../ir/build.js';
import type { RegisterFile } from '../../ir/registers.js';
import type { Instruction } from '../instruction.js';
import type { Lifter } from '../spec.js';
import { AAPCS64 } from './cc.js';
import { A64 } from './context.js';
import { CONTROL } from './control.js';
import type { Semantics } from './integer.js';
import { INTEGER, movGeneral } from './integer.js';
import { MEMORY } from './memory.js';
import { aarch64Registers } from './registers.js';
import { movVector, SIMD } from './simd.js';
import { isScalable, scalable } from './sve.js';

/** `mov` is an alias of orr/movz/movn/add (general) and of orr/ins/umov/dup (vector). */
const mov: Semantics = (c) => {
  const general = c.ops.every((o) => o.kind !== 'reg' || c.isGeneral(o.reg));
  (general ? movGeneral : movVector)(c);
};

function semanticsOf(c: A64): Semantics | undefined {
  const m = c.insn.mnemonic;
  if (m.startsWith('b.') || m.startsWith('bc.')) return CONTROL.b;
  if (isScalable(c)) return scalable;
  if (m === 'mov') return mov;
  const own = CONTROL[m] ?? MEMORY[m];
  if (own) return own;
  const first = c.ops[0];
  const vector = first?.kind === 'reg' && !c.isGeneral(first.reg);
  return vector ? SIMD[m] : INTEGER[m] ?? SIMD[m];
}

export interface LiftOutcome {
  readonly ir: IrInsn;
  /** Why the instruction is `unsupported` (no semantics, or the form's detail), for diagnostics. */
  readonly reason?: string;
}

export function liftAarch64(insn: Instruction, R: RegisterFile = aarch64Registers): LiftOutcome {
  const base = { address: insn.address, size: insn.size, mnemonic: insn.mnemonic };
  const unsupported = (reason: string): LiftOutcome => ({ ir: { ...base, status: 'unsupported', stmts: [trap(`unsupported: ${insn.mnemonic}`)] }, reason });
  try {
    const c = new A64(insn, R);
    const sem = semanticsOf(c);
    if (!sem) return unsupported('no semantics');
    sem(c);
    return { ir: { ...base, status: statusOf(c.stmts), stmts: c.stmts } };
  } catch (e) {
    return unsupported(e instanceof Error ? e.message : String(e));
  }
}


export function createAarch64Lifter(): Lifter {
  return { registers: aarch64Registers, cc: AAPCS64, lift: (insn) => liftAarch64(insn).ir };
}
