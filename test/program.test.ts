import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadElf } from '../src/binfmt/elf.js';
import { buildProgram } from '../src/program/build.js';
import { fixture, fixtures } from './support/fixtures.js';

describe('functions and CFGs', () => {
  it('every function symbol is a function whose code stays inside its symbol extent', async () => {
    for (const f of fixtures()) {
      const img = loadElf(f.path);
      const p = await buildProgram(img);
      const byAddr = new Map(p.functions.map((x) => [x.address, x]));
      for (const s of img.symbols) {
        if (s.type !== 'func' || s.sectionIndex === 0 || s.size === 0) continue;
        const fn = byAddr.get(s.address);
        assert.ok(fn, `${f.path}: ${s.name} missing`);
        assert.ok(fn.name === s.name || fn.aliases.includes(s.name));
        assert.equal(fn.size, s.size, `${f.path}: ${s.name} size`);
        for (const b of fn.blocks) for (const i of b.instructions) {
          assert.ok(i.address >= s.address && i.address + i.size <= s.address + s.size, `${f.path}: ${s.name} has code at 0x${i.address.toString(16)} outside its extent`);
        }
      }
    }
  });

  it('blocks partition the decoded instructions and successors are blocks', async () => {
    for (const f of fixtures().filter((x) => x.opt === 'O2')) {
      const p = await buildProgram(loadElf(f.path));
      for (const fn of p.functions) {
        const starts = new Set(fn.blocks.map((b) => b.address));
        const seen = new Set<number>();
        for (const b of fn.blocks) {
          for (const i of b.instructions) { assert.ok(!seen.has(i.address), `${fn.name}: 0x${i.address.toString(16)} in two blocks`); seen.add(i.address); }
          for (const s of b.successors) assert.ok(starts.has(s), `${f.path} ${fn.name}: successor 0x${s.toString(16)}`);
        }
        assert.equal(seen.size, fn.instructionCount);
      }
    }
  });

  const TABLES: [string, string, number][] = [['vm', 'vm_exec', 14], ['vm', 'vm_disassemble', 14], ['words', 'transform_char', 12]];
  for (const target of ['x86_64', 'aarch64', 'x86', 'arm-thumb', 'arm-a32', 'mips', 'mipsel']) {
    it(`switch jump tables on ${target} resolve to every case`, async () => {
      for (const opt of ['O0', 'O2']) {
        for (const [prog, fn, cases] of TABLES) {
          const p = await buildProgram(loadElf(fixture(target, opt, prog).path));
          const f = p.functions.find((x) => x.name === fn)!;
          assert.equal(f.unresolvedJumps.length, 0, `${target}-${opt} ${fn}: unresolved indirect jump`);
          assert.equal(f.jumpTables.length, 1, `${target}-${opt} ${fn}`);
          assert.equal(f.jumpTables[0]!.targets.length, cases, `${target}-${opt} ${fn}`);
          const dispatch = f.blocks.find((b) => b.successors.length >= 8);
          assert.ok(dispatch, `${target}-${opt} ${fn}: a block with the table's successors`);
        }
      }
    });
  }

  it('calls to imports carry the import name on every architecture', async () => {
    for (const f of fixtures()) {
      const p = await buildProgram(loadElf(f.path));
      const called = new Set(p.functions.flatMap((fn) => fn.calls.filter((c) => c.import).map((c) => c.name)));
      const expected = f.program === 'words' ? ['qsort', 'strlen', 'free'] : f.program === 'records' ? ['calloc', 'free', 'qsort'] : ['printf'];
      for (const n of expected) assert.ok(called.has(n), `${f.path}: no call to ${n} (${[...called].join(',')})`);
      for (const n of called) assert.doesNotMatch(String(n), /@plt|^0x/);
      // Direct calls into the PLT are all named.
      for (const fn of p.functions) for (const c of fn.calls) if (c.target !== undefined && p.imports.has(c.target)) assert.ok(c.name);
    }
  });

  it('discovers functions in stripped binaries from the entry point, calls, code pointers and prologues', async () => {
    for (const f of fixtures()) {
      const debug = await buildProgram(loadElf(f.path));
      const stripped = await buildProgram(loadElf(f.stripped));
      const found = new Set(stripped.functions.map((x) => x.address));
      assert.ok(found.has(loadElf(f.stripped).entry), `${f.stripped}: entry`);
      // Every function some code calls directly must be found.
      const called = new Set(debug.functions.flatMap((fn) => fn.calls.filter((c) => !c.import && c.target !== undefined && !c.tail).map((c) => c.target!)));
      const calledFound = [...called].filter((a) => found.has(a)).length;
      assert.ok(calledFound / called.size >= 0.95, `${f.stripped}: found ${calledFound} of ${called.size} called functions`);
      // Few functions that are not functions: starts the debug copy does not know.
      const known = new Set(debug.functions.map((x) => x.address));
      const extra = stripped.functions.filter((x) => !known.has(x.address)).length;
      assert.ok(extra / stripped.functions.length <= 0.2, `${f.stripped}: ${extra} of ${stripped.functions.length} functions are not in the symbol table`);
      const named = debug.functions.filter((x) => x.size >= 16);
      const hit = named.filter((x) => found.has(x.address)).length;
      assert.ok(hit / named.length >= 0.8, `${f.stripped}: found ${hit}/${named.length}`);
    }
  });
});

describe('GNU indirect functions', () => {
  // Debian's x86-64 libm picks sin, cos, exp… by CPU at load time: those symbols mark resolvers.
  const LIBM = '/lib/x86_64-linux-gnu/libm.so.6';
  it('marks the code of IFUNC symbols as resolvers, and only that', async () => {
    const { execFileSync } = await import('node:child_process');
    // By address: one name may be an IFUNC in one symbol version and a plain function in another.
    const ifuncs = new Set(execFileSync('readelf', ['-Ws', '--dyn-syms', LIBM], { encoding: 'utf8' }).split('\n')
      .map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === 'IFUNC').map((f) => parseInt(f[1]!, 16)));
    assert.ok(ifuncs.size > 20, `readelf lists IFUNCs in ${LIBM}`);
    const p = await buildProgram(loadElf(LIBM));
    const resolvers = p.functions.filter((f) => f.resolver);
    assert.ok(resolvers.length > 0);
    for (const f of p.functions) assert.equal(f.resolver === true, ifuncs.has(f.address), `${f.name} at ${f.address.toString(16)}`);
    assert.ok(p.functions.find((f) => f.name === 'sin')?.resolver);
  });
});
