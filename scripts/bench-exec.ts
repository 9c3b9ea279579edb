/**
 * Interpreter and lifter speed (a script, not a timed test; machines are noisy, so medians).
 *   node dist/scripts/bench-exec.js [BIN:FUNC ARGS]   guest instructions per second of one call
 * Without arguments: the CPU-bound `dt_fib_rec(22)` (recursive calls, adds, compares) of the differential suite on every target at O2,
 * and instructions lifted per second over each Debian cross libc.
 */
import { existsSync } from 'node:fs';
import { loadElf } from '../src/binfmt/elf.js';
import { callFunction, openExecutable, parseArgs } from '../src/exec/call.js';
import { buildProgram } from '../src/program/build.js';
import { lifterOf } from '../src/program/lift.js';
import { median } from './median.js';

const runs = Number(process.env.RUNS ?? 5);

async function execRate(file: string, func: string, args: bigint[]): Promise<void> {
  const exe = await openExecutable(file);
  callFunction(exe, func, args); // warm up: lift and compile once
  const rates: number[] = [];
  let steps = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const out = callFunction(exe, func, args, { maxSteps: 1e9 });
    const dt = (performance.now() - t0) / 1000;
    if (out.error) throw new Error(`${file}:${func}: ${out.error}`);
    steps = out.steps;
    rates.push(steps / dt);
  }
  console.log(`exec  ${exe.image.arch.padEnd(8)} ${(median(rates) / 1e6).toFixed(2)} M guest insn/s  (${steps} steps per call, median of ${runs})  ${file}:${func}`);
}

async function liftRate(file: string): Promise<void> {
  const p = await buildProgram(loadElf(file));
  const lifter = lifterOf(p);
  const insns = p.functions.flatMap((f) => f.blocks.flatMap((b) => b.instructions));
  const rates: number[] = [];
  for (let r = 0; r < Math.min(runs, 3); r++) {
    const t0 = performance.now();
    for (const i of insns) lifter.lift(i);
    rates.push(insns.length / ((performance.now() - t0) / 1000));
  }
  console.log(`lift  ${p.arch.padEnd(8)} ${(median(rates) / 1e6).toFixed(2)} M insn/s lifted  (${insns.length} instructions)  ${file}`);
}

const argv = process.argv.slice(2);
if (argv.length >= 1) {
  const at = argv[0]!.lastIndexOf(':');
  await execRate(argv[0]!.slice(0, at), argv[0]!.slice(at + 1), parseArgs(argv[1] ?? ''));
} else {
  for (const t of ['x86', 'x86_64', 'arm-thumb', 'arm-a32', 'aarch64', 'mips', 'mipsel']) {
    const f = `build/difftest/${t}-O2/suite`;
    if (existsSync(f)) await execRate(f, 'dt_fib_rec', [22n]);
  }
  for (const f of ['/usr/i686-linux-gnu/lib/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/arm-linux-gnueabihf/lib/libc.so.6',
    '/usr/aarch64-linux-gnu/lib/libc.so.6', '/usr/mips-linux-gnu/lib/libc.so.6', '/usr/mipsel-linux-gnu/lib/libc.so.6']) {
    if (existsSync(f)) await liftRate(f);
  }
}
