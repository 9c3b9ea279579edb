/** `node dist/scripts/crosscheck.js FILE…`: decoder agreement with objdump, per file. */
import { crossCheck } from '../test/support/objdump.js';

for (const f of process.argv.slice(2)) {
  const t0 = performance.now();
  const r = await crossCheck(f);
  const pct = (100 * r.agree) / Math.max(1, r.instructions);
  console.log(`${r.arch.padEnd(8)} ${pct.toFixed(3).padStart(8)}%  ${r.agree}/${r.instructions} instructions in ${r.functions} functions  (${r.boundaryMismatches} boundary, ${r.mnemonicMismatches} mnemonic)  ${((performance.now() - t0) / 1000).toFixed(1)}s  ${f}`);
  const top = [...r.mismatchCounts].sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (top.length) console.log('   top mnemonic differences (ours / objdump): ' + top.map(([k, v]) => `${k} ×${v}`).join(', '));
  for (const e of r.examples.slice(0, 5)) console.log('   ' + e);
}
