import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instruction } from '../src/arch/instruction.js';
import { loadElf } from '../src/binfmt/elf.js';
import { baseline } from '../src/features/baseline/index.js';
import { normaliseMnemonic } from '../src/features/baseline/tokens.js';
import { methodByName, methodNames } from '../src/search/methods.js';
import { buildProgram } from '../src/program/build.js';
import type { FunctionInfo } from '../src/program/program.js';
import { fixture, fixtures } from './support/fixtures.js';

const ins = (mnemonic: string, extra: Partial<Instruction> = {}): Instruction => ({
  address: 0, size: 4, bytes: new Uint8Array(4), mnemonic, text: '', operands: [], flow: 'seq', conditional: false, delaySlot: false, ...extra,
});

const sameBlocks = (a: FunctionInfo, b: FunctionInfo) =>
  a.blocks.length === b.blocks.length && a.blocks.every((x, i) => x.address === b.blocks[i]!.address && x.instructions.length === b.blocks[i]!.instructions.length);

describe('baseline method', () => {
  it('is in the registry; an unknown method is a usage error naming the known ones', () => {
    assert.ok(methodNames().includes('baseline'));
    assert.equal(methodByName('baseline'), baseline);
    assert.throws(() => methodByName('nope'), (e: Error & { code?: string }) => e.code === 'usage' && /known: .*baseline/.test(e.message));
  });

  it('normalises mnemonics across operand details, conditions, flag-setting and control-flow spellings', () => {
    assert.equal(normaliseMnemonic(ins('movne.w', { cond: 'ne' })), 'mov');
    assert.equal(normaliseMnemonic(ins('adds', { updatesFlags: true })), 'add');
    assert.equal(normaliseMnemonic(ins('addseq', { updatesFlags: true, cond: 'eq' })), 'add');
    assert.equal(normaliseMnemonic(ins('jne', { flow: 'branch' })), 'bcc');
    assert.equal(normaliseMnemonic(ins('bls', { flow: 'branch', cond: 'ls' })), 'bcc');
    assert.equal(normaliseMnemonic(ins('blx', { flow: 'call' })), 'call');
    assert.equal(normaliseMnemonic(ins('jr', { flow: 'return' })), 'ret');
    assert.equal(normaliseMnemonic(ins('ite')), undefined);
    assert.equal(normaliseMnemonic(ins('nop')), undefined);
    assert.equal(normaliseMnemonic(ins('bics', { updatesFlags: false })), 'bics');
  });

  it('never depends on names: a debug copy and its stripped copy give identical features', async () => {
    let compared = 0, unnamed = 0;
    for (const f of fixtures()) {
      const debug = await buildProgram(loadElf(f.path));
      const own = debug.functions.filter((x) => x.source === 'symtab' && !x.name.startsWith('_'));
      const stripped = await buildProgram(loadElf(f.stripped), { starts: own.map((x) => x.address) });
      const byAddress = new Map(stripped.functions.map((x) => [x.address, x]));
      const pairs = own.map((d) => [d, byAddress.get(d.address)] as const).filter((p): p is readonly [FunctionInfo, FunctionInfo] => !!p[1] && sameBlocks(p[0], p[1]));
      assert.ok(pairs.length >= own.length - 2, `${f.stripped}: only ${pairs.length} of ${own.length} functions line up`);
      const a = await baseline.analyse(debug, pairs.map((p) => p[0]));
      const b = await baseline.analyse(stripped, pairs.map((p) => p[1]));
      for (let i = 0; i < pairs.length; i++) {
        if (pairs[i]![1].name.startsWith('sub_')) unnamed++;
        assert.deepEqual(baseline.encode(a[i]!), baseline.encode(b[i]!), `${f.path}: ${pairs[i]![0].name}`);
      }
      compared += pairs.length;
    }
    // MIPS executables export their globals in .dynsym, which strip keeps; elsewhere no names are left.
    assert.ok(compared > 300 && unnamed > 200, `compared ${compared}, ${unnamed} without a name in the stripped copy`);
  });

  it('never depends on names: renaming a function, its aliases and its in-binary callees changes nothing', async () => {
    const p = await buildProgram(loadElf(fixture('x86_64', 'O0', 'words').path));
    const renamed = p.functions.map((f) => ({
      ...f, name: 'renamed_' + f.address, aliases: ['alias'],
      calls: f.calls.map((c) => (c.import ? c : { ...c, name: 'other_' + (c.target ?? 0) })),
    }));
    assert.ok(p.functions.some((f) => f.calls.some((c) => !c.import && c.name)), 'some call inside the binary is named');
    assert.deepEqual((await baseline.analyse(p, renamed)).map(baseline.encode), (await baseline.analyse(p, p.functions)).map(baseline.encode));
  });

  it('scores in [0, 1], symmetrically, 1 for a function against itself; features survive encode/decode', async () => {
    const p = await buildProgram(loadElf(fixture('aarch64', 'O2', 'vm').path));
    const fs = await baseline.analyse(p, p.functions);
    const scorer = baseline.scorer(fs);
    for (const a of fs) {
      assert.equal(scorer.score(a, a), 1);
      const back = baseline.decode(JSON.parse(JSON.stringify(baseline.encode(a))));
      assert.deepEqual(back, a);
      for (const b of fs) {
        const s = scorer.score(a, b);
        assert.ok(s >= 0 && s <= 1, String(s));
        assert.equal(s, scorer.score(b, a));
      }
    }
    // Imported callees are features: functions calling the same imports share them.
    assert.ok(fs.some((f) => f.hashes.length > 0));
    assert.throws(() => baseline.decode({ version: '0', hashes: [], counts: [] }), /not version/);
  });
});

describe('buildProgram start hints', () => {
  it('adds ground-truth starts that discovery missed and leaves every other function as it was', async () => {
    const f = fixture('arm-a32', 'O2', 'records');
    const debug = await buildProgram(loadElf(f.path));
    const hash64 = debug.functions.find((x) => x.name === 'hash64')!;
    const plain = await buildProgram(loadElf(f.stripped));
    assert.ok(!plain.functions.some((x) => x.address === hash64.address), 'discovery misses hash64 here (else this test proves nothing)');
    const hinted = await buildProgram(loadElf(f.stripped), { starts: debug.functions.map((x) => x.address) });
    const got = hinted.functions.find((x) => x.address === hash64.address)!;
    assert.equal(got.source, 'known');
    assert.equal(got.thumb, hash64.thumb);
    assert.ok(sameBlocks(got, hash64));
    const byAddress = new Map(hinted.functions.map((x) => [x.address, x]));
    for (const x of plain.functions) assert.deepEqual(byAddress.get(x.address)?.blocks, x.blocks);
  });
});
