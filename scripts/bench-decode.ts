/** Decoded instructions per second per architecture (linear sweep of every function symbol), and functions with CFGs per second. */
import { existsSync } from 'node:fs';
import { loadElf } from '../src/binfmt/elf.js';
import { archSpec } from '../src/arch/registry.js';
import { linearSweep } from '../src/program/linear.js';
import { buildProgram } from '../src/program/build.js';
import { median } from './median.js';

const LIBS = ['/usr/i686-linux-gnu/lib/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/arm-linux-gnueabihf/lib/libc.so.6',
  '/usr/aarch64-linux-gnu/lib/libc.so.6', '/usr/mips-linux-gnu/lib/libc.so.6', '/usr/mipsel-linux-gnu/lib/libc.so.6'];
const runs = Number(process.env.RUNS ?? 3);
for (const f of process.argv.length > 2 ? process.argv.slice(2) : LIBS) {
  if (!existsSync(f)) continue;
  const image = loadElf(f);
  const decoder = await archSpec(image.arch).createDecoder(image);
  const syms = [...new Map([...image.symbols, ...image.dynamicSymbols].filter((s) => s.type === 'func' && s.size > 0 && s.sectionIndex !== 0).map((s) => [s.address, s])).values()];
  const rates: number[] = [], cfgRates: number[] = [];
  let n = 0, fns = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    n = 0;
    for (const s of syms) n += linearSweep(image, decoder, s.address, s.address + s.size, s.thumb).length;
    rates.push(n / ((performance.now() - t0) / 1000));
    const t1 = performance.now();
    const p = await buildProgram(image);
    fns = p.functions.length;
    cfgRates.push(fns / ((performance.now() - t1) / 1000));
  }
  console.log(`${image.arch.padEnd(8)} ${(median(rates) / 1e6).toFixed(2)} M insn/s decoded (${n} insns)   ${median(cfgRates).toFixed(0)} functions/s with CFGs (${fns} functions)   ${f}`);
}
