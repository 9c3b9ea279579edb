/**
 * `semblance dataset build` end to end on a tiny corpus (zlib, x86_64 and Thumb-2 ARM, O0 and O2,
 * gcc), its manifests checked against the debug copies' own symbol tables. The zlib source is
 * fetched with apt-get source into the default cache (~/.cache/semblance), so later runs reuse it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadElf } from '../src/binfmt/elf.js';
import { readAt } from '../src/binfmt/image.js';
import type { Corpus, VariantManifest } from '../src/eval/corpus.js';
import { assignKeys, sourceName } from '../src/eval/dataset/manifest.js';
import { debSrcLines, parseDeb822Sources, parseOneLineSources } from '../src/eval/dataset/sources.js';
import { expandSources } from '../src/eval/dataset/compile.js';

const CLI = 'dist/src/cli/main.js';
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CRT = /^(_start|_init|_fini|frame_dummy|register_tm_clones|deregister_tm_clones|__do_global_dtors_aux|__libc_csu_\w+)$/;

describe('semblance dataset build', () => {
  const out = mkdtempSync(join(tmpdir(), 'semblance-corpus-'));
  const ARGS = ['dataset', 'build', '--projects', 'zlib', '--archs', 'x86_64,arm', '--opts', 'O0,O2', '--compilers', 'gcc', '--out', out, '--jobs', '2'];
  let corpus: Corpus;
  const manifests: VariantManifest[] = [];
  after(() => rmSync(out, { recursive: true, force: true }));

  it('builds every variant and records it in corpus.json', { timeout: 600_000 }, () => {
    const r = run(...ARGS);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /\[1\/4\] zlib\/gcc-\S+: building libz\.so/, 'progress names the variant and what is built');
    corpus = JSON.parse(readFileSync(join(out, 'corpus.json'), 'utf8')) as Corpus;
    assert.equal(corpus.version, 1);
    assert.deepEqual(corpus.variants.map((v) => v.id).sort(),
      ['zlib/gcc-arm-O0', 'zlib/gcc-arm-O2', 'zlib/gcc-x86_64-O0', 'zlib/gcc-x86_64-O2']);
    for (const v of corpus.variants) {
      assert.equal(v.status, 'ok', `${v.id}: ${v.error}`);
      const m = JSON.parse(readFileSync(join(out, v.manifest!), 'utf8')) as VariantManifest;
      assert.deepEqual([m.id, m.project, m.compiler, m.arch, m.opt], [v.id, v.project, v.compiler, v.arch, v.opt]);
      manifests.push(m);
    }
  });

  it('lists functions that are FUNC symbols at those addresses in the debug copy, none of them crt code', () => {
    assert.equal(manifests.length, 4);
    for (const m of manifests) {
      assert.ok(m.binaries.length >= 2, `${m.id}: a library and a program`);
      for (const b of m.binaries) {
        const debug = loadElf(join(out, b.debug));
        assert.equal(debug.arch, m.arch);
        const syms = debug.symbols.filter((s) => s.source === 'symtab' && s.type === 'func');
        assert.ok(b.functions.length > 3, `${m.id} ${b.name}: ${b.functions.length} functions`);
        for (const f of b.functions) {
          const s = syms.find((x) => x.name === f.name && x.address === f.address);
          assert.ok(s, `${m.id} ${b.name}: ${f.name} at 0x${f.address.toString(16)} is no FUNC symbol of the debug copy`);
          assert.equal(f.size, s.size);
          assert.ok(f.size > 0 && f.blocks >= 1 && f.instructions >= f.blocks, `${m.id} ${f.key}: size ${f.size}, ${f.blocks} blocks, ${f.instructions} instructions`);
          assert.doesNotMatch(f.name, CRT);
          assert.match(f.sourceFile ?? '', /\.c$/);
          // Debian's armhf gcc emits Thumb-2: addresses in the manifest have bit 0 clear.
          if (m.arch === 'arm') { assert.ok(s.thumb, `${f.name} is Thumb`); assert.equal(f.address % 2, 0); }
        }
        // Complete: every function the library exports is listed.
        for (const d of debug.dynamicSymbols) {
          if (d.type === 'func' && d.sectionIndex !== 0 && d.size > 0) assert.ok(b.functions.some((f) => f.name === d.name), `${m.id} ${b.name}: export ${d.name} missing`);
        }
        if (b.name !== 'libz.so') assert.ok(b.functions.some((f) => f.name === 'main'), `${m.id} ${b.name}: main`);
      }
    }
  });

  it('keeps a stripped copy without a symbol table and with the same bytes at every function', () => {
    for (const m of manifests) {
      for (const b of m.binaries) {
        const debug = loadElf(join(out, b.debug));
        const stripped = loadElf(join(out, b.stripped));
        assert.equal(stripped.symbols.filter((s) => s.source === 'symtab').length, 0, `${b.stripped} has a symtab`);
        assert.ok(!stripped.sections.some((s) => s.name.startsWith('.debug')), `${b.stripped} has debug sections`);
        for (const f of b.functions) {
          const want = readAt(debug, f.address, f.size);
          assert.ok(want, `${f.key} is in the debug copy's file`);
          assert.deepEqual(readAt(stripped, f.address, f.size), want, `${b.stripped}: ${f.key} differs`);
        }
      }
    }
  });

  it('gives each function a key unique within its binary and the same across variants', () => {
    const keysOf = (m: VariantManifest) => new Set(m.binaries.flatMap((b) => b.functions.map((f) => f.key)));
    for (const m of manifests) {
      for (const b of m.binaries) {
        const keys = b.functions.map((f) => f.key);
        assert.equal(new Set(keys).size, keys.length, `${m.id} ${b.name}: repeated keys`);
        for (const f of b.functions) assert.ok(f.key.startsWith(`zlib:${b.name}:${sourceName(f.name)}`), f.key);
      }
    }
    // Exported and other non-static functions exist at every optimisation level and on every architecture.
    const global = (m: VariantManifest) => [...keysOf(m)].filter((k) => !k.includes('@')).sort();
    const [first, ...rest] = manifests;
    for (const m of rest) assert.deepEqual(global(m), global(first!), `${m.id} vs ${first!.id}`);
    // At one optimisation level the two architectures agree on (nearly) every key.
    for (const opt of ['O0', 'O2']) {
      const [a, b] = manifests.filter((m) => m.opt === opt).map(keysOf);
      const shared = [...a!].filter((k) => b!.has(k)).length;
      assert.ok(shared >= 0.9 * Math.max(a!.size, b!.size), `${opt}: ${shared} of ${a!.size}/${b!.size} keys shared`);
    }
  });

  it('does nothing on a second run', { timeout: 120_000 }, () => {
    const files = [join(out, 'corpus.json'), ...corpus.variants.map((v) => join(out, v.manifest!)),
      ...manifests.flatMap((m) => m.binaries.flatMap((b) => [join(out, b.debug), join(out, b.stripped)]))];
    const before = files.map((f) => statSync(f).mtimeMs);
    const r = run(...ARGS);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /all 4 variants are up to date/);
    assert.doesNotMatch(r.err, /building/);
    assert.deepEqual(files.map((f) => statSync(f).mtimeMs), before);
  });

  it('rejects an unknown project, architecture or option with a clear error', () => {
    const bad = run('dataset', 'build', '--projects', 'zlib,nosuchproject', '--out', out);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown project 'nosuchproject' \(known: .*zlib/);
    const arch = run('dataset', 'build', '--archs', 'sparc', '--out', out);
    assert.equal(arch.code, 2);
    assert.match(arch.err, /--archs: unknown 'sparc'/);
    assert.equal(run('dataset', 'build', '--projects', 'zlib').code, 2, '--out is required');
  });
});

describe('dataset pieces', () => {
  it('keys: clone suffixes dropped, statics named with their file, a clone beside its original keeps its name', () => {
    assert.deepEqual(assignKeys('p', 'b', [
      { name: 'f.isra.0', sourceFile: 'a.c', isStatic: true },
      { name: 'g', sourceFile: 'a.c', isStatic: true },
      { name: 'g', sourceFile: 'b.c', isStatic: true },
      { name: 'h', sourceFile: 'a.c', isStatic: false },
      { name: 'k', sourceFile: 'a.c', isStatic: true },
      { name: 'k.part.0', sourceFile: 'a.c', isStatic: true },
    ]), ['p:b:f@a.c', 'p:b:g@a.c', 'p:b:g@b.c', 'p:b:h', 'p:b:k@a.c', 'p:b:k.part.0@a.c']);
    assert.equal(sourceName('deflate_slow.constprop.0.isra.0'), 'deflate_slow');
    assert.equal(sourceName('f.cold'), 'f.cold');
  });

  it('turns the machine\'s deb entries (one-line and deb822) into deb-src lines for the same mirror', () => {
    const deb822 = parseDeb822Sources(`Types: deb
# comment
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: https://example.org/other
Suites: nodistro
Components: main
`);
    const oneLine = parseOneLineSources('deb [arch=amd64 signed-by=/k.gpg] http://mirror/debian bookworm main contrib # x\n# deb http://no bookworm main\n');
    assert.deepEqual(debSrcLines([...deb822, ...oneLine], 'bookworm'), [
      'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main',
      'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main',
      'deb-src [signed-by=/k.gpg] http://mirror/debian bookworm main contrib',
    ]);
  });

  it('expands source patterns in sorted order and drops excluded files', () => {
    const got = expandSources('src', ['eval/dataset/*.ts', '!eval/dataset/build.ts', 'util/errors.ts']);
    assert.ok(got.includes('eval/dataset/recipe.ts') && got.includes('util/errors.ts') && !got.includes('eval/dataset/build.ts'));
    assert.ok(!got.some((f) => f.startsWith('eval/dataset/recipes/')), 'a single * does not descend');
    assert.ok(expandSources('src', ['eval/**/*.ts']).includes('eval/dataset/recipes/zlib.ts'));
    assert.deepEqual(got, [...got].sort());
  });
});
