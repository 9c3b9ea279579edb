/**
 * `semblance exec`, `stats` and `show --ir` on the fixtures: results checked against the C
 * source's meaning computed here, errors as one-line results, and the documented JSON shapes.
 * (The full proof of the lifters is the qemu differential suite in difftest.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callFunction, openExecutable } from '../src/exec/call.js';
import { fixture, fixtures } from './support/fixtures.js';

const CLI = 'dist/src/cli/main.js';
const LIBZ = '/lib/x86_64-linux-gnu/libz.so.1';
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  const M = 1n << 64n;
  if (exp === 0n) return 1n % m;
  let half = powMod(base, exp / 2n, m);
  half = ((half * half) % M) % m;
  if (exp & 1n) half = ((half * (base % m)) % M) % m;
  return half;
}

describe('semblance exec', () => {
  for (const target of ['x86_64', 'aarch64']) {
    for (const opt of ['O0', 'O2']) {
      it(`calls pow_mod (recursive, 64-bit multiply and remainder) on ${target}-${opt}`, async () => {
        const exe = await openExecutable(fixture(target, opt, 'records').path);
        const cases: [bigint, bigint, bigint][] = [[3n, 5n, 7n], [2n, 62n, 1000000007n], [123456789n, 65537n, 998244353n], [0n, 0n, 1n], [7n, 1n, 0xffffffffn]];
        for (const [b, e, m] of cases) {
          const r = callFunction(exe, 'pow_mod', [b, e, m]);
          assert.equal(r.error, undefined, `${target}-${opt} pow_mod(${b}, ${e}, ${m}): ${r.error}`);
          assert.equal(BigInt.asUintN(64, r.returns!), powMod(b, e, m), `${target}-${opt} pow_mod(${b}, ${e}, ${m})`);
        }
      });
    }
  }

  it('ends a call into an import with a clear error in its result, on every architecture', async () => {
    for (const f of fixtures().filter((x) => x.program === 'records' && x.opt === 'O0')) {
      const exe = await openExecutable(f.path);
      const r = callFunction(exe, 'main', [1n, 0n]);
      assert.match(r.error ?? '', /import|unmapped/, `${f.path}: ${r.error ?? r.returns}`);
    }
  });

  it('follows a shared library\'s PLT calls to its own exports (zlib adler32 -> adler32_z)', { skip: !existsSync(LIBZ) && `${LIBZ} not installed` }, async () => {
    const exe = await openExecutable(LIBZ);
    // adler32(1, NULL, 0) returns the initial value 1 without reading the buffer.
    const r = callFunction(exe, 'adler32', [1n, 0n, 0n]);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.returns, 1n);
  });

  it('stops exactly at the step limit with a clear error', async () => {
    const exe = await openExecutable(fixture('x86_64', 'O0', 'records').path);
    const r = callFunction(exe, 'pow_mod', [3n, 1000000n, 7n], { maxSteps: 100 });
    assert.equal(r.steps, 100);
    assert.match(r.error ?? '', /^step limit of 100 reached at 0x[0-9a-f]+$/);
  });

  it('prints the documented JSON and one-line errors for bad input', () => {
    const f = fixture('x86_64', 'O2', 'records');
    const r = run('exec', `${f.path}:pow_mod`, '3,5,7', '2,10,1000', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.results.map((x: { args: number[]; returns: number }) => [x.args, x.returns]), [[[3, 5, 7], 5], [[2, 10, 1000], 24]]);
    const bad = run('exec', `${f.path}:pow_mod`, '3,x,7');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^semblance: bad argument "x"/);
    assert.equal(bad.err.trim().split('\n').length, 1);
    const missing = run('exec', `${f.path}:no_such_fn`, '1');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no function no_such_fn/);
    const noArgs = run('exec', `${f.path}:pow_mod`);
    assert.equal(noArgs.code, 2);
  });
});

describe('semblance stats and show --ir', () => {
  it('counts lifted, opaque and unsupported instructions; nothing unsupported in the fixtures', () => {
    for (const f of fixtures().filter((x) => x.opt === 'O2' && x.program === 'vm')) {
      const r = run('stats', f.path, '--json');
      assert.equal(r.code, 0, r.err);
      const s = JSON.parse(r.out);
      assert.equal(s.instructions, s.lifted + s.opaque + s.unsupported);
      assert.ok(s.instructions > 100);
      assert.equal(s.unsupported, 0, `${f.path}: unsupported ${JSON.stringify(s.topUnsupported)}`);
    }
  });
  it('prints the IR of a function, block by block', () => {
    for (const target of ['x86_64', 'x86', 'arm-thumb', 'arm-a32', 'aarch64', 'mips', 'mipsel']) {
      const f = fixture(target, 'O2', 'vm');
      const r = run('show', `${f.path}:vm_exec`, '--ir');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /\|\| /);
      const j = JSON.parse(run('show', `${f.path}:vm_exec`, '--ir', '--json').out);
      assert.ok(j.blocks.length > 5);
      for (const b of j.blocks) for (const i of b.instructions) assert.ok(['lifted', 'opaque'].includes(i.status), `${target} ${i.mnemonic}`);
    }
  });
});
