/**
 * End-to-end indexing throughput of a method (a script, not a timed test): file → stored record,
 * functions per second, the share of time Z3 queries are in flight (they overlap trace execution)
 * and the share the main thread idles (waiting for Z3). Medians of RUNS runs.
 *   node dist/scripts/bench-index.js [--method bingo] [BIN…]   (default: the system's libz)
 * It runs with the CLI's heap settings (src/cli/heap.ts), so the figures are those of `semblance index`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodByName } from '../src/search/methods.js';
import { BingoMethod, DEFAULT_BINGO } from '../src/features/bingo/method.js';
import { indexFile } from '../src/search/query.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { median, systemLibz } from './median.js';
import { needsRoomyHeap, rerunWithRoomyHeap } from '../src/cli/heap.js';

// Measured as the CLI runs it: with its young generation size (src/cli/heap.ts).
if (needsRoomyHeap()) process.exit(await rerunWithRoomyHeap());

const argv = process.argv.slice(2);
const mi = argv.indexOf('--method');
const methodName = mi >= 0 ? argv.splice(mi, 2)[1]! : 'bingo';
const files = argv.length ? argv : [systemLibz()].filter((f) => f !== undefined);
const runs = Number(process.env.RUNS ?? 3);

for (const file of files) {
  const cpuRates: number[] = [];
  const rates: number[] = [], shares: number[] = [], inits: number[] = [], idles: number[] = [];
  let functions = 0;
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'semblance-bench-'));
    const store = new SqliteStore(join(dir, 'bench.db'));
    // A fresh BinGo per run: its solver cache would otherwise make later runs look faster.
    const m = methodName.startsWith('bingo') ? new BingoMethod({ ...DEFAULT_BINGO, idf: methodName === 'bingo-idf' }) : methodByName(methodName);
    const solverBefore = m instanceof BingoMethod ? m.timings.solverMs : 0;
    const t0 = performance.now(), elu0 = performance.eventLoopUtilization(), cpu0 = process.cpuUsage();
    const out = await indexFile(m, store, file);
    const ms = performance.now() - t0;
    // CPU time of every thread of the process (Z3's worker, the garbage collector), so per-core throughput is honest.
    const cpu = process.cpuUsage(cpu0);
    idles.push(performance.eventLoopUtilization(elu0).idle / ms);
    if (out.status !== 'indexed') throw new Error(`${file}: ${out.status}`);
    functions = out.functions;
    cpuRates.push(functions / ((cpu.user + cpu.system) / 1e6));
    rates.push(functions / (ms / 1000));
    // Z3's one-time start-up (loading its WebAssembly) is reported apart from the per-query share.
    if (m instanceof BingoMethod) { shares.push((m.timings.solverMs - m.solverInitMs - solverBefore) / ms); inits.push(m.solverInitMs); }
    store.close();
    if (m instanceof BingoMethod) await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const share = shares.length ? `, Z3 queries in flight ${(100 * median(shares)).toFixed(1)}% of the time, main thread idle ${(100 * median(idles)).toFixed(1)}% (+ ${median(inits).toFixed(0)} ms to load Z3 once per solver)` : '';
  console.log(`index ${methodName}: ${median(rates).toFixed(1)} functions/s wall, ${median(cpuRates).toFixed(1)} per CPU-second of all threads (${functions} functions, median of ${runs})${share}  ${file}`);
}
await Promise.all(['bingo', 'bingo-idf', 'baseline'].map((n) => methodByName(n).close?.()));
