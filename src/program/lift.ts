/**
 * Lifting a program's functions to IR, and counting how completely: `semblance stats` and
 * `show --ir` both read these. Lifting is pure and per instruction, so it is done on demand.
 */
import type { Lifter } from '../arch/spec.js';
import type { IrInsn, LiftStatus } from '../ir/ir.js';
import type { FunctionInfo, Program } from './program.js';

export function lifterOf(program: Program): Lifter {
  return program.spec.createLifter(program.arch);
}

/** IR of every instruction of a function, block by block. */
export function liftFunction(lifter: Lifter, f: FunctionInfo): { address: number; insns: IrInsn[]; successors: readonly number[] }[] {
  return f.blocks.map((b) => ({ address: b.address, insns: b.instructions.map((i) => lifter.lift(i)), successors: b.successors }));
}

export interface LiftStats {
  readonly instructions: number;
  readonly lifted: number;
  readonly opaque: number;
  readonly unsupported: number;
  /** Share of instructions lifted with full semantics. */
  readonly liftedRatio: number;
  /** Most common mnemonics per status other than `lifted`, most frequent first. */
  readonly topOpaque: readonly { mnemonic: string; count: number }[];
  readonly topUnsupported: readonly { mnemonic: string; count: number }[];
}

export function liftStats(program: Program, top = 15): LiftStats {
  const lifter = lifterOf(program);
  const count: Record<LiftStatus, number> = { lifted: 0, opaque: 0, unsupported: 0 };
  const by: Record<'opaque' | 'unsupported', Map<string, number>> = { opaque: new Map(), unsupported: new Map() };
  for (const f of program.functions) for (const b of f.blocks) for (const i of b.instructions) {
    const ir = lifter.lift(i);
    count[ir.status]++;
    if (ir.status !== 'lifted') by[ir.status].set(ir.mnemonic, (by[ir.status].get(ir.mnemonic) ?? 0) + 1);
  }
  const total = count.lifted + count.opaque + count.unsupported;
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top).map(([mnemonic, n]) => ({ mnemonic, count: n }));
  return {
    instructions: total, ...count, liftedRatio: total === 0 ? 1 : count.lifted / total,
    topOpaque: list(by.opaque), topUnsupported: list(by.unsupported),
  };
}
