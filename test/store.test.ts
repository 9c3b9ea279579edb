import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import type { FunctionRecord, FunctionStore } from '../src/store/store.js';
import { SqliteStore } from '../src/store/sqlite.js';

/**
 * The one conformance suite every FunctionStore backend passes (DESIGN.md §7). Each backend
 * registers a factory that opens a store at a path; reopening the same path must see the data.
 */
const BACKENDS: { name: string; open: (path: string) => FunctionStore }[] = [
  { name: 'sqlite', open: (p) => new SqliteStore(p) },
];

const rec = (name: string, address: number, method = 'm', methodVersion = 'v1', features: unknown = { sigs: [address, 1] }): FunctionRecord =>
  ({ name, address, size: 16, method, methodVersion, irVersion: 'ir-1', features });

for (const b of BACKENDS) {
  describe(`FunctionStore conformance: ${b.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'semblance-store-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const fresh = () => join(dir, `s${n++}.db`);

    it('stores, lists and reopens records of one method and version', () => {
      const path = fresh();
      const s = b.open(path);
      assert.equal(s.hasFile('aa', 'm', 'v1'), false);
      s.putFile({ path: '/x/a', sha256: 'aa', arch: 'x86_64' }, 'm', 'v1', [rec('f', 0x10), rec('g', 0x20)]);
      assert.equal(s.hasFile('aa', 'm', 'v1'), true);
      assert.equal(s.hasFile('aa', 'm', 'v2'), false, 'another version is not indexed');
      assert.equal(s.hasFile('aa', 'other', 'v1'), false, 'another method is not indexed');
      s.close();
      const t = b.open(path);
      const fs = t.functions('m', 'v1');
      assert.deepEqual(fs.map((f) => [f.name, f.address, f.file, f.sha256, f.arch]), [['f', 0x10, '/x/a', 'aa', 'x86_64'], ['g', 0x20, '/x/a', 'aa', 'x86_64']]);
      assert.deepEqual(fs[0]!.features, { sigs: [0x10, 1] });
      assert.deepEqual(t.functions('m', 'v2'), []);
      t.close();
    });

    it('indexing the same file again replaces, never duplicates', () => {
      const s = b.open(fresh());
      s.putFile({ path: '/x/a', sha256: 'aa', arch: 'arm' }, 'm', 'v1', [rec('f', 1), rec('g', 2)]);
      s.putFile({ path: '/y/a-copy', sha256: 'aa', arch: 'arm' }, 'm', 'v1', [rec('f', 1)]);
      assert.deepEqual(s.functions('m', 'v1').map((f) => [f.name, f.file]), [['f', '/y/a-copy']]);
      assert.deepEqual(s.counts(), { files: 1, functions: 1 });
      s.close();
    });

    it('keeps methods and versions apart, and records files without functions', () => {
      const s = b.open(fresh());
      s.putFile({ path: '/a', sha256: 'a1', arch: 'mips' }, 'm', 'v1', [rec('f', 1)]);
      s.putFile({ path: '/a', sha256: 'a1', arch: 'mips' }, 'k', 'v9', [rec('f', 1, 'k', 'v9')]);
      s.putFile({ path: '/e', sha256: 'e1', arch: 'mips' }, 'm', 'v1', []);
      assert.equal(s.functions('m', 'v1').length, 1);
      assert.equal(s.functions('k', 'v9').length, 1);
      assert.equal(s.hasFile('e1', 'm', 'v1'), true);
      s.close();
    });

    it('a failed write leaves what was stored before', () => {
      const s = b.open(fresh());
      s.putFile({ path: '/a', sha256: 'a1', arch: 'x86' }, 'm', 'v1', [rec('f', 1), rec('g', 2)]);
      // A duplicate address violates the record key half-way through the batch.
      assert.throws(() => s.putFile({ path: '/a', sha256: 'a1', arch: 'x86' }, 'm', 'v1', [rec('h', 3), rec('h2', 3)]));
      assert.deepEqual(s.functions('m', 'v1').map((f) => f.name), ['f', 'g']);
      s.close();
    });
  });
}
