import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadElf, parseElf } from '../src/binfmt/elf.js';
import { mappingAt } from '../src/binfmt/image.js';
import { SemblanceError } from '../src/util/errors.js';
import { buildProgram } from '../src/program/build.js';
import { fixture, fixtures } from './support/fixtures.js';

describe('ELF loader', () => {
  it('reads class, endianness, architecture, entry and symbols of every fixture', () => {
    for (const f of fixtures()) {
      const img = loadElf(f.path);
      assert.equal(img.arch, f.arch, f.path);
      assert.equal(img.bits, f.arch === 'x86_64' || f.arch === 'aarch64' ? 64 : 32);
      assert.equal(img.littleEndian, f.arch !== 'mips');
      assert.ok(img.entry > 0);
      assert.ok(img.symbols.some((s) => s.name === 'main' && s.type === 'func'), `${f.path}: main in .symtab`);
      assert.ok(img.dynamicSymbols.length > 0, `${f.path}: .dynsym`);
      assert.ok(img.importSlots.size > 0, `${f.path}: GOT slots for imports`);
      const stripped = loadElf(f.stripped);
      assert.equal(stripped.symbols.length, 0);
      assert.equal(stripped.entry, img.entry);
    }
  });

  it('clears the Thumb bit of ARM symbols and reads mapping symbols', () => {
    const thumb = loadElf(fixture('arm-thumb', 'O2', 'vm').path);
    const main = thumb.symbols.find((s) => s.name === 'main')!;
    assert.equal(main.thumb, true);
    assert.equal(main.address % 2, 0);
    assert.equal(mappingAt(thumb, main.address), 't');
    const a32 = loadElf(fixture('arm-a32', 'O2', 'vm').path);
    const amain = a32.symbols.find((s) => s.name === 'main')!;
    assert.equal(amain.thumb, false);
    assert.equal(mappingAt(a32, amain.address), 'a');
    assert.ok(thumb.mappingSymbols.some((m) => m.kind === 'd'), 'literal pools are marked $d');
  });

  it('resolves the MIPS global GOT to imported names', () => {
    const img = loadElf(fixture('mips', 'O2', 'words').path);
    assert.ok(img.mipsGp !== undefined);
    const names = new Set(img.importSlots.values());
    for (const n of ['malloc', 'strlen', 'qsort']) assert.ok(names.has(n), n);
  });
});

/** A small seeded PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe('loader fuzz', () => {
  const seeds = fixtures().filter((f) => f.opt === 'O0' && f.program === 'vm').map((f) => readFileSync(f.path));
  const clean = (b: Uint8Array) => {
    try { parseElf(b, 'fuzz'); return true; } catch (e) {
      assert.ok(e instanceof SemblanceError, `not a clean error: ${String(e)}`);
      assert.ok(!e.message.includes('\n'));
      assert.ok(e.message.startsWith('fuzz: '), e.message);
      return false;
    }
  };

  it('random bytes give clean errors', () => {
    const r = rng(1);
    for (let n = 0; n < 500; n++) {
      const b = new Uint8Array(Math.floor(r() * 300));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
      if (r() < 0.5 && b.length >= 6) b.set([0x7f, 0x45, 0x4c, 0x46, r() < 0.5 ? 1 : 2, r() < 0.5 ? 1 : 2]);
      clean(b);
    }
  });

  it('mutated real ELF files parse or give clean errors, and still build programs without crashing', async () => {
    const r = rng(2);
    let parsed = 0;
    for (let n = 0; n < 400; n++) {
      const src = seeds[n % seeds.length]!;
      const b = Buffer.from(src);
      const flips = 1 + Math.floor(r() * 8);
      for (let k = 0; k < flips; k++) {
        // Favour the headers, where the counts and offsets live.
        const at = r() < 0.6 ? Math.floor(r() * 64) : r() < 0.5 ? Math.floor(r() * b.length) : b.length - 1 - Math.floor(r() * 2048);
        b[Math.max(0, at)] = Math.floor(r() * 256);
      }
      const cut = r() < 0.2 ? b.subarray(0, Math.floor(r() * b.length)) : b;
      if (clean(cut)) {
        parsed++;
        if (n % 20 === 0) {
          try { await buildProgram(parseElf(cut, 'fuzz')); } catch (e) { assert.ok(e instanceof SemblanceError, `build: ${String(e)}`); }
        }
      }
    }
    assert.ok(parsed > 0);
  });
});
