/** Lifting every instruction of a binary with its architecture's lifter, for the lifter tests. */
import { loadElf } from '../../src/binfmt/elf.js';
import type { Arch } from '../../src/binfmt/image.js';
import { buildProgram } from '../../src/program/build.js';
import { lifterOf } from '../../src/program/lift.js';

/** Counts by status, and why instructions are unsupported (the trap's reason, else the mnemonic). */
export async function liftAll(path: string): Promise<{ arch: Arch; counts: { lifted: number; opaque: number; unsupported: number }; total: number; unsupported: Map<string, number> }> {
  const program = await buildProgram(loadElf(path));
  const lifter = lifterOf(program);
  const counts = { lifted: 0, opaque: 0, unsupported: 0 };
  const unsupported = new Map<string, number>();
  for (const f of program.functions) for (const b of f.blocks) for (const i of b.instructions) {
    const ir = lifter.lift(i);
    counts[ir.status]++;
    if (ir.status === 'unsupported') {
      const s = ir.stmts[0];
      const why = s?.kind === 'trap' ? s.reason : i.mnemonic;
      unsupported.set(why, (unsupported.get(why) ?? 0) + 1);
    }
  }
  return { arch: program.arch, counts, total: counts.lifted + counts.opaque + counts.unsupported, unsupported };
}
