/**
 * Trex end to end with a tiny model (1 layer, width 64): `semblance train pretrain` on the
 * fixture corpus's micro-traces, interrupted and resumed from its checkpoint, `train finetune`
 * from it with ONNX export; ONNX Runtime in Node must reproduce PyTorch's embeddings within 1e-4
 * on the same input, padding must not change an embedding, and the exported model must serve
 * `--method trex` in eval and diff.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readSequences } from '../src/model/data.js';
import { TrexEncoder } from '../src/model/encoder.js';
import { PYTHON, TRAINER } from '../src/model/trainer.js';
import { makeFixtureCorpus } from './support/corpus.js';
import { fixture } from './support/fixtures.js';

const CLI = 'dist/src/cli/main.js';
function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const TINY = ['--window', '64', '--layers', '1', '--width', '64', '--heads', '2', '--ffn', '128', '--dim', '32', '--batch', '8', '--threads', '2', '--log-every', '1', '--val-every', '4', '--save-every', '2'];
const logSteps = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss?: number }).filter((r) => r.loss !== undefined).map((r) => r.step);

describe('Trex training and inference with a tiny model', () => {
  let corpus: string, work: string;
  before(async () => {
    corpus = await makeFixtureCorpus();
    work = mkdtempSync(join(tmpdir(), 'semblance-trex-'));
  });

  it('pretrains, stops, resumes from its checkpoint to the end, and fine-tunes and exports', () => {
    const pre = join(work, 'pre');
    // Interrupted after 4 of 8 steps: a checkpoint, no final model yet.
    let r = run(['train', 'pretrain', '--corpus', corpus, '--out', pre, '--steps', '8', '--stop-after', '4', ...TINY]);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(pre, 'checkpoint.pt')) && !existsSync(join(pre, 'model.pt')));
    assert.match(r.err, /data\/?: \d+ functions, \d+ sequences/);
    // The same command resumes at step 5 and finishes.
    r = run(['train', 'pretrain', '--corpus', corpus, '--out', pre, '--steps', '8', ...TINY]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /reusing/);
    assert.ok(existsSync(join(pre, 'model.pt')));
    const steps = logSteps(join(pre, 'log.jsonl'));
    assert.deepEqual([...new Set(steps)].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8], 'every step once, resumed after 4');

    const fine = join(work, 'fine');
    r = run(['train', 'finetune', '--corpus', corpus, '--out', fine, '--init', pre, '--steps', '4', '--min-blocks', '2', '--export', join(work, 'model'), ...TINY]);
    assert.equal(r.code, 0, r.err);
    for (const f of ['model.onnx', 'vocab.json', 'model.json', 'pretrain.log.jsonl', 'finetune.log.jsonl']) assert.ok(existsSync(join(work, 'model', f)), f);
    assert.ok(readFileSync(join(fine, 'log.jsonl'), 'utf8').includes('val_auc'), 'fine-tuning validates by AUC');
  });

  it('ONNX Runtime in Node matches PyTorch within 1e-4, and padding does not change an embedding', async () => {
    const fine = join(work, 'fine');
    const out = join(work, 'torch.f32');
    const p = spawnSync(PYTHON, [TRAINER, 'embed', '--model', join(fine, 'model.pt'), '--data', join(fine, 'data'), '--out', out, '--threads', '2'], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const { sequences } = readSequences(join(fine, 'data'));
    const b = readFileSync(out);
    const torch = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    const enc = await TrexEncoder.load(join(work, 'model'), { window: 64, batch: 8 });
    try {
      const onnx = await enc.embedSequences(sequences);
      const D = onnx[0]!.length;
      assert.equal(torch.length, sequences.length * D);
      let worst = 0;
      onnx.forEach((e, i) => e.forEach((x, d) => { worst = Math.max(worst, Math.abs(x - torch[i * D + d]!)); }));
      assert.ok(worst < 1e-4, `largest difference ${worst}`);
      // Alone (no padding) versus in a batch padded to the longest sequence.
      const longest = sequences.reduce((a, s, i) => (s.length > sequences[a]!.length ? i : a), 0);
      const shortest = sequences.reduce((a, s, i) => (s.length < sequences[a]!.length ? i : a), 0);
      const [alone] = await enc.embedSequences([sequences[shortest]!]);
      const [, padded] = await enc.embedSequences([sequences[longest]!, sequences[shortest]!]);
      alone!.forEach((x, d) => assert.ok(Math.abs(x - padded![d]!) < 1e-4, `dimension ${d}: ${x} vs ${padded![d]}`));
    } finally {
      await enc.close();
    }
  });

  it('serves --method trex in eval, a cross-architecture diff, index and search', () => {
    const env = { SEMBLANCE_TREX_MODEL: join(work, 'model') };
    const e = run(['eval', '--corpus', corpus, '--method', 'trex', '--task', 'XA', '--min-blocks', '2', '--json'], env);
    assert.equal(e.code, 0, e.err);
    const report = JSON.parse(e.out) as { tasks: { method: string; recallAt1?: number; auc?: number }[] };
    assert.ok(JSON.stringify(report).includes('"trex"'));
    const a = fixture('x86_64', 'O2', 'records').stripped, bb = fixture('aarch64', 'O2', 'records').stripped;
    const d = run(['diff', a, bb, '--method', 'trex', '--json'], env);
    assert.equal(d.code, 0, d.err);
    const diff = JSON.parse(d.out) as { method: string; matches: { score: number; candidates: { score: number }[] }[] };
    assert.equal(diff.method, 'trex');
    assert.ok(diff.matches.length > 5);
    for (const m of diff.matches) {
      assert.ok(m.score >= -1.0001 && m.score <= 1.0001);
      for (let i = 1; i < m.candidates.length; i++) assert.ok(m.candidates[i - 1]!.score >= m.candidates[i]!.score, 'candidates best first');
    }
    // index stores each function's embedding; search ranks the database by cosine: the stripped copy of the query's own binary first.
    const db = join(work, 'trex.db');
    const x = fixture('x86_64', 'O2', 'records');
    const ix = run(['index', x.stripped, bb, '--db', db, '--method', 'trex', '--json'], env);
    assert.equal(ix.code, 0, ix.err);
    const s = run(['search', `${x.path}:compute_stats`, '--db', db, '--method', 'trex', '--top', '5', '--json'], env);
    assert.equal(s.code, 0, s.err);
    const q = JSON.parse(s.out) as { query: { address: number }; results: { file: string; address: number; score: number; evidence: { cosine: number }[] }[] };
    assert.equal(q.results.length, 5);
    assert.equal(q.results[0]!.file, x.stripped);
    assert.equal(q.results[0]!.address, q.query.address);
    assert.ok(Math.abs(q.results[0]!.score - 1) < 1e-5, `self-similarity ${q.results[0]!.score}`);
    assert.ok(Math.abs(q.results[0]!.evidence[0]!.cosine - 1) < 1e-4);
    for (let i = 1; i < q.results.length; i++) assert.ok(q.results[i - 1]!.score >= q.results[i]!.score);
    // A missing model is a one-line error, not a stack trace.
    const missing = run(['diff', a, bb, '--method', 'trex'], { SEMBLANCE_TREX_MODEL: join(work, 'nowhere') });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^semblance: .*no Trex model/);
    assert.equal(missing.err.trim().split('\n').length, 1);
  });
});
