/**
 * Whether BinGo signatures depend on analysis order (a script, not a timed test). Analyses a
 * binary's functions in one order and writes, per function, a hash of its signature set and
 * the solver counts; a second run in another process with another order is compared with it:
 *   node dist/scripts/bingo-order.js dump [--order forward|reverse|shuffle:SEED] [--out FILE] [BIN]
 *   node dist/scripts/bingo-order.js compare A.json B.json
 * (default binary: the system's libz.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BingoMethod, DEFAULT_BINGO } from '../src/features/bingo/method.js';
import { analysable, openImage } from '../src/search/analyse.js';
import { buildProgram } from '../src/program/build.js';
import { Hasher, mix32 } from '../src/util/hash.js';
import { systemLibz } from './median.js';

interface Dump {
  file: string;
  order: string;
  ms: number;
  solver: { asked: number; queries: number; cacheHits: number; ms: number; initMs: number };
  functions: Record<string, { name: string; sigs: number; hash: number; solved: number; satisfied: number }>;
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = argv.indexOf(name); return i >= 0 ? argv.splice(i, 2)[1]! : dflt; };
const cmd = argv.shift();

if (cmd === 'dump') {
  const order = opt('--order', 'forward');
  const out = opt('--out', '');
  const file = argv[0] ?? systemLibz()!;
  const program = await buildProgram(openImage(file).image);
  let fs = analysable(program);
  if (order === 'reverse') fs = [...fs].reverse();
  else if (order.startsWith('shuffle:')) {
    let seed = Number(order.slice(8));
    const keyed = fs.map((f) => ({ f, k: mix32((seed = (seed + 0x6d2b79f5) | 0)) }));
    fs = keyed.sort((a, b) => a.k - b.k).map((x) => x.f);
  } else if (order !== 'forward') throw new Error(`unknown order ${order}`);
  const m = new BingoMethod(DEFAULT_BINGO);
  const t0 = performance.now();
  const models = await m.analyse(program, fs);
  const ms = performance.now() - t0;
  const t = m.timings;
  const stats: Dump['solver'] = { asked: t.solverAsked, queries: t.solverQueries, cacheHits: t.solverCacheHits, ms: t.solverMs, initMs: m.solverInitMs };
  const functions: Dump['functions'] = {};
  models.forEach((model, i) => {
    const h = new Hasher();
    for (const s of model.sigs) h.int(Math.floor(s / 0x100000)).int(s % 0x100000);
    functions[fs[i]!.address.toString(16)] = { name: fs[i]!.name, sigs: model.sigs.length, hash: h.value(), solved: model.counts.solved, satisfied: model.counts.satisfied };
  });
  await m.close();
  const dump: Dump = { file, order, ms, solver: stats, functions };
  if (out) writeFileSync(out, JSON.stringify(dump));
  const solved = Object.values(functions).reduce((n, f) => n + f.solved, 0), satisfied = Object.values(functions).reduce((n, f) => n + f.satisfied, 0);
  console.log(`${file} (${order}): ${models.length} functions in ${ms.toFixed(0)} ms; traces satisfied by propagation ${satisfied}, by Z3 ${solved}; solver asked ${stats.asked}, Z3 queries ${stats.queries}, cache hits ${stats.cacheHits}, Z3 ${(stats.ms - stats.initMs).toFixed(0)} ms (+ ${stats.initMs.toFixed(0)} ms to load)`);
} else if (cmd === 'compare') {
  const [a, b] = argv.map((p) => JSON.parse(readFileSync(p, 'utf8')) as Dump);
  if (!a || !b) throw new Error('compare needs two dumps');
  const differ = Object.keys(a.functions).filter((k) => b.functions[k]?.hash !== a.functions[k]!.hash);
  for (const k of differ) console.log(`differs: ${a.functions[k]!.name} @${k} (${a.functions[k]!.sigs} vs ${b.functions[k]?.sigs} signatures)`);
  console.log(`${differ.length} of ${Object.keys(a.functions).length} functions differ between ${a.order} and ${b.order}`);
} else {
  console.error('usage: bingo-order dump [--order forward|reverse|shuffle:SEED] [--out FILE] [BIN] | compare A.json B.json');
  process.exitCode = 2;
}
