import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import { fixture } from './support/fixtures.js';

const CLI = 'dist/src/cli/main.js';
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('semblance diff / index / search (bingo)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semblance-sim-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('diff across architectures with symbols unavailable: JSON shape, best-first candidates', () => {
    const a = fixture('x86_64', 'O2', 'records'), b = fixture('arm-thumb', 'O2', 'records');
    const r = run('diff', a.stripped, b.stripped, '--top', '3', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { a: string; b: string; method: string; matches: { a: { name: string; address: number }; b: { name: string; address: number } | null; score: number; candidates: { name: string; address: number; score: number }[] }[] };
    assert.equal(j.method, 'bingo');
    assert.ok(j.matches.length >= 10);
    for (const m of j.matches) {
      assert.ok(m.candidates.length <= 3);
      for (let i = 1; i < m.candidates.length; i++) assert.ok(m.candidates[i - 1]!.score >= m.candidates[i]!.score);
      if (m.b) assert.equal(m.score, m.candidates[0]!.score);
      assert.ok(m.score >= 0 && m.score <= 1);
    }
  });

  it('index twice does not duplicate; a corrupt file in a batch is reported and skipped; search ranks with evidence', () => {
    const db = join(dir, 'sem.db');
    const x = fixture('x86_64', 'O2', 'records'), arm = fixture('aarch64', 'O2', 'records');
    const bad = join(dir, 'corrupt.bin');
    writeFileSync(bad, Buffer.from('\x7fELF garbage that is not a real header'));
    const first = run('index', x.stripped, arm.path, bad, '--db', db, '--json');
    assert.equal(first.code, 1, 'a skipped file makes the batch exit 1');
    const j1 = JSON.parse(first.out) as { files: { file: string; status: string; functions?: number; error?: string }[]; totals: { files: number; functions: number } };
    assert.deepEqual(j1.files.map((f) => f.status), ['indexed', 'indexed', 'error']);
    assert.match(j1.files[2]!.error!, /corrupt\.bin/);
    const again = run('index', x.stripped, arm.path, '--db', db, '--json');
    assert.equal(again.code, 0, again.err);
    const j2 = JSON.parse(again.out) as typeof j1;
    assert.deepEqual(j2.files.map((f) => f.status), ['unchanged', 'unchanged']);
    assert.deepEqual(j2.totals, j1.totals, 'nothing duplicated');
    // A copy of an indexed file under another name is the same file (by content).
    const copy = join(dir, 'copy');
    copyFileSync(x.stripped, copy);
    assert.equal((JSON.parse(run('index', copy, '--db', db, '--json').out) as typeof j1).files[0]!.status, 'unchanged');

    // Search the unstripped x86-64 function against the store: its own stripped copy is the best match.
    const s = run('search', `${x.path}:compute_stats`, '--db', db, '--top', '5', '--json');
    assert.equal(s.code, 0, s.err);
    const q = JSON.parse(s.out) as { query: { file: string; name: string; address: number }; results: { file: string; name: string; address: number; score: number; evidence: { query: { trace: string[] }; samples: unknown[] }[] }[] };
    assert.equal(q.query.name, 'compute_stats');
    assert.equal(q.results[0]!.file, x.stripped);
    assert.equal(q.results[0]!.address, q.query.address);
    assert.equal(q.results[0]!.score, 1);
    assert.ok(q.results[0]!.evidence.length > 0 && q.results[0]!.evidence[0]!.query.trace.length >= 1);
    for (let i = 1; i < q.results.length; i++) assert.ok(q.results[i - 1]!.score >= q.results[i]!.score);
  });

  it('bad input: unknown method, missing database, missing function', () => {
    const x = fixture('x86_64', 'O2', 'records');
    const m = run('diff', x.path, x.path, '--method', 'nope');
    assert.equal(m.code, 2);
    assert.match(m.err, /unknown method 'nope'/);
    const d = run('search', `${x.path}:main`, '--db', join(dir, 'none.db'));
    assert.equal(d.code, 1);
    assert.match(d.err, /none\.db: no database/);
    assert.equal(d.err.trim().split('\n').length, 1);
    const f = run('search', `${x.path}:no_such_function`, '--db', join(dir, 'sem.db'));
    assert.equal(f.code, 1);
    assert.match(f.err, /no function no_such_function/);
  });
});
