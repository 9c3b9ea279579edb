/** `semblance stats BIN`: how much of a binary lifts with full semantics. */
import { loadElf } from '../binfmt/elf.js';
import { buildProgram } from '../program/build.js';
import { liftStats } from '../program/lift.js';
import { SemblanceError } from '../util/errors.js';
import type { Output } from './show.js';

export async function statsCommand(args: string[], json: boolean, io: Output): Promise<void> {
  if (args.length < 1) throw new SemblanceError('usage', 'usage: semblance stats BIN… [--json]');
  const all = [];
  for (const file of args) {
    const p = await buildProgram(loadElf(file));
    const s = liftStats(p);
    all.push({ file, arch: p.arch, functions: p.functions.length, ...s });
  }
  if (json) {
    io.out(JSON.stringify(all.length === 1 ? all[0] : all));
    return;
  }
  for (const s of all) {
    const pct = (n: number) => `${((100 * n) / Math.max(1, s.instructions)).toFixed(2)} %`;
    io.out(`${s.file}: ${s.arch}, ${s.functions} functions, ${s.instructions} instructions`);
    io.out(`  lifted       ${String(s.lifted).padStart(9)}  ${pct(s.lifted)}`);
    io.out(`  opaque       ${String(s.opaque).padStart(9)}  ${pct(s.opaque)}`);
    io.out(`  unsupported  ${String(s.unsupported).padStart(9)}  ${pct(s.unsupported)}`);
    if (s.topUnsupported.length) io.out(`  most common unsupported: ${s.topUnsupported.map((x) => `${x.mnemonic} ${x.count}`).join(', ')}`);
    if (s.topOpaque.length) io.out(`  most common opaque: ${s.topOpaque.map((x) => `${x.mnemonic} ${x.count}`).join(', ')}`);
  }
}
