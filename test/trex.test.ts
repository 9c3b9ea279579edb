/**
 * Trex's data side: tokeniser golden files (one function per architecture), micro-trace
 * determinism and what a trace must hold, chunking that never drops a token, and the data
 * directory's shapes (docs/TREX_DATA.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadElf } from '../src/binfmt/elf.js';
import { MicroTracer, staticFunction } from '../src/features/trex/microtrace.js';
import type { TrexFunction } from '../src/features/trex/microtrace.js';
import { normaliseText } from '../src/features/trex/tokens.js';
import { DataWriter } from '../src/model/data.js';
import { chunkRanges, chunkSequence } from '../src/model/sequences.js';
import { Vocabulary } from '../src/model/vocab.js';
import { buildProgram } from '../src/program/build.js';
import { findFunction } from '../src/program/lookup.js';
import { fixture } from './support/fixtures.js';

const TARGETS = ['x86', 'x86_64', 'arm-thumb', 'arm-a32', 'aarch64', 'mips', 'mipsel'];
const GOLDEN = 'test/golden/trex-tokens';

async function load(target: string, fn = 'pow_mod', opt = 'O2') {
  const f = fixture(target, opt, 'records');
  const program = await buildProgram(loadElf(f.path));
  return { program, fn: findFunction(program, fn) };
}

/** One line per instruction: its tokens, a literal value after `=`. */
function render(fn: TrexFunction): string {
  return fn.instructions.map((ts, k) => ts.map((t, j) => { const v = fn.traces[0]![k]![j]; return v === undefined ? t.text : `${t.text}=${v.toString(16)}`; }).join(' ')).join('\n') + '\n';
}

for (const target of TARGETS) {
  test(`tokeniser golden file: pow_mod on ${target}`, async () => {
    const { program, fn } = await load(target);
    const text = `# ${target} pow_mod O2 (${program.arch})\n` + render(staticFunction(program, fn));
    const file = join(GOLDEN, `${target}.txt`);
    if (process.env['UPDATE_GOLDEN']) { mkdirSync(GOLDEN, { recursive: true }); writeFileSync(file, text); }
    assert.equal(text, readFileSync(file, 'utf8'));
  });
}

test('normalisation of operand text follows the seed (spaces around punctuation, no # or $, minus split)', () => {
  assert.deepEqual(normaliseText('{r4, r5}, [sp, #-0x10]!'), ['{', 'r4', 'r5', '}', '[', 'sp', '-', '0x10', ']', '!']);
  assert.deepEqual(normaliseText('$a0, 8($sp)'), ['a0', '8', '(', 'sp', ')']);
});

for (const target of TARGETS) {
  test(`micro-traces on ${target}: deterministic per seed, random registers, fixed stack, all traces share the code`, async () => {
    const { program, fn } = await load(target, 'hash64');
    const a = new MicroTracer(program).trace(fn, 7);
    const b = new MicroTracer(program).trace(fn, 7);
    const c = new MicroTracer(program).trace(fn, 8);
    assert.equal(a.traces.length, 3);
    assert.deepEqual(a.traces, b.traces, 'same seed, same values');
    assert.notDeepEqual(a.traces, c.traces, 'another seed, other values');
    assert.notDeepEqual(a.traces[0], a.traces[1], 'the three traces start from different states');
    assert.equal(a.instructions.length, staticFunction(program, fn).instructions.length);
    // The entry instruction always runs, so its register tokens have values; registers are full width (some value above 2^32 on 64-bit targets).
    const first = a.traces[0]![0]!;
    assert.ok(a.instructions[0]!.some((t, j) => t.value.kind === 'reg' && first[j] !== undefined), 'entry instruction valued');
    const all = a.traces.flat(2).filter((v): v is bigint => v !== undefined);
    assert.ok(all.length > a.instructions.length, 'a trace values many tokens');
    if (program.arch === 'x86_64' || program.arch === 'aarch64') assert.ok(all.some((v) => v > 0xffffffffn), 'full 64-bit values');
    // The stack pointer starts at the fixed address in every trace.
    const sps = new Set<bigint>();
    a.traces.forEach((tr) => a.instructions.forEach((ts, k) => ts.forEach((t, j) => { if (t.value.kind === 'reg' && /^(rsp|esp|sp)$/.test(t.value.reg) && k === 0) sps.add(tr[k]![j]!); })));
    assert.ok(sps.size <= 1, `one stack pointer at entry, got ${[...sps].map((v) => v.toString(16))}`);
  });
}

test('chunking: a long function splits at instruction boundaries into windows and no token is lost', async () => {
  const { program, fn } = await load('x86_64', 'main', 'O0');
  const f = staticFunction(program, fn);
  const total = f.instructions.reduce((n, ts) => n + ts.length, 0);
  const window = 32;
  const ranges = chunkRanges(f, window);
  assert.ok(ranges.length > 1, 'main is longer than 32 tokens');
  assert.equal(ranges[0]![0], 0);
  assert.equal(ranges.at(-1)![1], f.instructions.length);
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1], 'contiguous');
  const vocab = new Vocabulary();
  const seqs = ranges.map((r) => chunkSequence(f, r, f.traces[0], vocab, window));
  assert.equal(seqs.reduce((n, s) => n + s.length, 0), total);
  for (const s of seqs) {
    assert.ok(s.length <= window);
    assert.equal(s.ipos[0], 0, 'instruction positions restart in each chunk');
    assert.equal(s.opos[0], 0, 'a chunk starts with a mnemonic');
  }
  // Values are 8 big-endian bytes: an immediate 0x10 is 00…0010.
  const k = f.instructions.findIndex((ts) => ts.some((t) => t.value.kind === 'literal' && t.value.value === 0x10n));
  if (k >= 0) {
    const r = ranges.findIndex(([a, b]) => k >= a && k < b);
    const s = seqs[r]!;
    const p = f.instructions.slice(ranges[r]![0], k).reduce((n, ts) => n + ts.length, 0) + f.instructions[k]!.findIndex((t) => t.value.kind === 'literal' && t.value.value === 0x10n);
    assert.equal(s.hasValue[p], 1);
    assert.deepEqual([...s.value.subarray(p * 8, p * 8 + 8)], [0, 0, 0, 0, 0, 0, 0, 0x10]);
  }
});

test('data directory: file sizes match meta.json; pretraining writes 3 traces + 1 dummy per chunk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'semblance-trexdata-'));
  const vocab = new Vocabulary();
  const w = new DataWriter(dir, 'pretrain', vocab, 64);
  let chunks = 0;
  for (const target of ['x86_64', 'mips']) {
    const { program } = await load(target);
    const tracer = new MicroTracer(program);
    for (const name of ['pow_mod', 'hash64', 'compute_stats']) {
      const fn = tracer.trace(findFunction(program, name), 1);
      chunks += chunkRanges(fn, 64).length;
      w.add(fn);
    }
  }
  const meta = w.close();
  assert.equal(meta.functions, 6);
  assert.equal(meta.sequences, chunks * 4);
  const size = (f: string) => statSync(join(dir, f)).size;
  assert.equal(size('code.u16'), meta.sequences * 64 * 2);
  assert.equal(size('value.u8'), meta.sequences * 64 * 8);
  assert.equal(size('arch.u8'), meta.sequences);
  assert.equal(size('function.i32'), meta.sequences * 4);
  const has = readFileSync(join(dir, 'hasvalue.u8'));
  // Every fourth sequence is the dummy: no values at all.
  for (let s = 3; s < meta.sequences; s += 4) assert.equal(has.subarray(s * 64, (s + 1) * 64).reduce((a, b) => a + b, 0), 0);
  assert.ok(has.subarray(0, 64).reduce((a, b) => a + b, 0) > 0, 'a trace sequence has values');
  const v = Vocabulary.load(join(dir, 'vocab.json'));
  assert.equal(v.size, meta.vocab);
  v.freeze();
  assert.equal(v.id('no-such-token'), 2, 'a frozen vocabulary maps unknown tokens to <unk>');
});
