/**
 * Trex speed (a script, not a timed test; medians of RUNS runs):
 * - inference: functions embedded per second by ONNX Runtime in Node, on a real library's
 *   functions (static code, chunked at the model's window) and on sequences of exactly 256
 *   tokens (the yardstick), with the threads given (default 2);
 * - training: tokens per second from the shipped model's training logs (real tokens, no padding).
 *   node dist/scripts/bench-trex.js [--model DIR] [--threads N] [BIN]   (default: the system's libz)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadElf } from '../src/binfmt/elf.js';
import { staticFunction } from '../src/features/trex/microtrace.js';
import { TrexEncoder } from '../src/model/encoder.js';
import type { Sequence } from '../src/model/sequences.js';
import { chunkRanges, chunkSequence } from '../src/model/sequences.js';
import { buildProgram } from '../src/program/build.js';
import { analysable } from '../src/search/analyse.js';
import { modelDir, readModelCard } from '../src/search/trex.js';
import { median, systemLibz } from './median.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = argv.indexOf(name); return i >= 0 ? argv.splice(i, 2)[1]! : fallback; };
const dir = opt('--model', modelDir());
const threads = Number(opt('--threads', '2'));
const file = argv[0] ?? systemLibz()!;
const runs = Number(process.env.RUNS ?? 5);

const card = readModelCard(dir);
const enc = await TrexEncoder.load(dir, { window: card.window, batch: 16, threads });
const program = await buildProgram(loadElf(file));
const fns = analysable(program).map((f) => staticFunction(program, f));
const tokens = fns.reduce((n, f) => n + f.instructions.reduce((m, ts) => m + ts.length, 0), 0);

const real: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await enc.embed(fns);
  real.push(fns.length / ((performance.now() - t) / 1000));
}
// Exactly 256 tokens each: chunks of the library's code, cut or skipped to that length.
const fixed: Sequence[] = [];
for (const f of fns) for (const range of chunkRanges(f, 256)) {
  const s = chunkSequence(f, range, f.traces[0], enc.vocab, 256);
  if (s.length === 256) fixed.push(s);
}
const at256: number[] = [];
for (let r = 0; r < runs && fixed.length > 0; r++) {
  const t = performance.now();
  await enc.embedSequences(fixed);
  at256.push(fixed.length / ((performance.now() - t) / 1000));
}
await enc.close();
console.log(`inference (${threads} threads): ${median(real).toFixed(1)} functions/s on ${fns.length} functions of ${file} (${(tokens / fns.length).toFixed(0)} tokens each on average), median of ${runs}`);
if (at256.length) console.log(`inference (${threads} threads): ${median(at256).toFixed(1)} sequences/s at exactly 256 tokens (${fixed.length} sequences), ${(median(at256) * 256).toFixed(0)} tokens/s`);
for (const log of ['pretrain.log.jsonl', 'finetune.log.jsonl']) {
  const path = join(dir, log);
  if (!existsSync(path)) continue;
  const rates = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tokens_per_s?: number }).flatMap((r) => (r.tokens_per_s ? [r.tokens_per_s] : []));
  if (rates.length) console.log(`training (${log.split('.')[0]}): median ${median(rates).toFixed(0)} tokens/s over ${rates.length} logged steps (from ${path})`);
}
