import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture, fixtures } from './support/fixtures.js';

const CLI = 'dist/src/cli/main.js';
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('semblance show', () => {
  it('lists every function of every fixture with the documented JSON shape', () => {
    for (const f of fixtures().filter((x) => x.opt === 'O2')) {
      const r = run('show', f.path, '--json');
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.equal(j.file, f.path);
      assert.equal(j.arch, f.arch);
      assert.ok(j.functions.length > 5);
      for (const fn of j.functions) {
        assert.equal(typeof fn.name, 'string');
        for (const k of ['address', 'size', 'blocks', 'instructions']) assert.equal(typeof fn[k], 'number', `${f.path} ${fn.name}.${k}`);
      }
      const names = new Set(j.functions.map((x: { name: string }) => x.name));
      for (const n of ['main', f.program === 'vm' ? 'vm_exec' : f.program === 'words' ? 'tokenize' : 'compute_stats']) assert.ok(names.has(n), `${f.path}: ${n} missing`);
    }
  });

  it('shows one function by name and by address, grouped by block with successors and named import calls', () => {
    const f = fixture('x86_64', 'O0', 'words');
    const byName = JSON.parse(run('show', `${f.path}:tokenize`, '--json').out);
    assert.equal(byName.name, 'tokenize');
    assert.equal(byName.arch, 'x86_64');
    const byAddr = JSON.parse(run('show', `${f.path}:0x${byName.address.toString(16)}`, '--json').out);
    assert.deepEqual(byAddr, byName);
    const addrs = new Set(byName.blocks.map((b: { address: number }) => b.address));
    for (const b of byName.blocks) {
      assert.ok(b.instructions.length > 0);
      for (const i of b.instructions) for (const k of ['address', 'bytes', 'mnemonic', 'operands']) assert.ok(k in i);
      for (const s of b.successors) assert.ok(addrs.has(s), `successor ${s} is a block`);
    }
    const callees = byName.calls.map((c: { name: string | null }) => c.name);
    for (const n of ['strlen', 'malloc', 'memcpy']) assert.ok(callees.includes(n), `tokenize calls ${n}: ${callees}`);
    for (const c of byName.calls) for (const k of ['address', 'target', 'name']) assert.ok(k in c);
    const text = run('show', `${f.path}:tokenize`);
    assert.equal(text.code, 0);
    assert.match(text.out, /tokenize @ 0x/);
    assert.match(text.out, /call strlen \(import\)/);
  });

  it('reports an unknown function as a one-line error', () => {
    const r = run('show', `${fixture('x86', 'O0', 'vm').path}:no_such_fn`);
    assert.equal(r.code, 1);
    assert.match(r.err, /^semblance: .*no function no_such_fn\n$/);
  });
});

describe('bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semblance-bad-'));
  const good = readFileSync(fixture('x86_64', 'O0', 'vm').path);
  const good32 = readFileSync(fixture('arm-thumb', 'O0', 'vm').path);
  const write = (name: string, b: Uint8Array) => { const p = join(dir, name); writeFileSync(p, b); return p; };
  const patch = (src: Uint8Array, at: number, bytes: number[]) => { const b = Buffer.from(src); bytes.forEach((x, i) => { b[at + i] = x; }); return b; };
  const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  const le64 = (v: number) => [...le32(v), 0, 0, 0, 0];
  const shoff64 = Number(good.readBigUInt64LE(0x28));
  const phoff64 = Number(good.readBigUInt64LE(0x20));

  const cases: [string, string, RegExp][] = [
    ['missing file', join(dir, 'nope'), /no such file/],
    ['directory', dir, /directory/],
    ['empty file', write('empty', new Uint8Array()), /empty file/],
    ['not an ELF', write('text', Buffer.from('#!/bin/sh\necho hello\n')), /not an ELF/],
    ['truncated header', write('trunc', good.subarray(0, 40)), /truncated ELF header/],
    ['section table past the end', write('shoff', patch(good, 0x28, le64(good.length + 100))), /past the end/],
    ['section pointing past the end', write('secoff', patch(good, shoff64 + 64 * 14 + 24, le64(good.length * 4))), /section 14 .*past the end/],
    ['segment pointing past the end', write('segoff', patch(good, phoff64 + 56 * 2 + 8, le64(good.length * 8))), /segment 2 .*past the end/],
    ['absurd section count', write('shnum', patch(good, 0x3c, [0xff, 0xff])), /past the end|absurd/],
    ['absurd section entry size', write('shentsize', patch(good, 0x3a, [4, 0])), /entry size/],
    ['huge 64-bit offset', write('huge', patch(good, 0x28, [0, 0, 0, 0, 0, 0, 0, 0x7f])), /too large|past the end/],
    ['unsupported machine', write('machine', patch(good, 0x12, [0x15, 0])), /unsupported architecture/],
    ['bad class', write('class', patch(good, 4, [9])), /invalid ELF class/],
    ['truncated 32-bit file', write('trunc32', good32.subarray(0, Math.floor(good32.length / 2))), /past the end/],
    ['absurd 32-bit program header count', write('phnum32', patch(good32, 0x2c, [0xff, 0xff])), /past the end/],
    ['symbol table with a bad string table link', write('link', patch(good32, good32.readUInt32LE(0x20) + 40 * symtabIndex(good32) + 24, le32(0xffff))), /string table|no string table/],
  ];
  for (const [what, file, pattern] of cases) {
    it(`${what}: one-line error naming the file, non-zero exit`, () => {
      const r = run('show', file);
      assert.equal(r.code, 1, `${what}: exit ${r.code}, stderr ${r.err}`);
      const lines = r.err.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.err);
      assert.ok(lines[0]!.includes(file), r.err);
      assert.match(lines[0]!, pattern);
      assert.doesNotMatch(r.err, /internal error|at .*\.js/);
      assert.equal(r.out, '');
    });
  }

  it('usage errors exit with 2', () => {
    assert.equal(run('show').code, 2);
    assert.equal(run('frobnicate').code, 2);
  });
});

/** Index of the .symtab section header in a 32-bit little-endian ELF. */
function symtabIndex(b: Buffer): number {
  const shoff = b.readUInt32LE(0x20), n = b.readUInt16LE(0x30);
  for (let i = 0; i < n; i++) if (b.readUInt32LE(shoff + 40 * i + 4) === 2) return i;
  throw new Error('no symtab');
}

describe('analysing commands run with a roomier young generation', () => {
  const child = join(import.meta.dirname, 'support', 'heap-child.js');
  it('reruns once with the flag, passing arguments and the exit code through', () => {
    const r = spawnSync(process.execPath, [child, '3'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.status, 3);
    assert.deepEqual(JSON.parse(r.stdout), ['--max-semi-space-size=64']);
  });
  it('does not rerun when the size is already given', () => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=32', child, '0'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.deepEqual(JSON.parse(r.stdout), ['--max-semi-space-size=32']);
  });
});
