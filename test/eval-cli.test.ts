import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCorpus } from '../src/eval/load.js';
import { writeReport } from '../src/eval/report.js';
import { DEFAULTS, runEval, type RankingSummary } from '../src/eval/run.js';
import { parseTask } from '../src/eval/tasks.js';
import type { SimilarityMethod } from '../src/features/method.js';
import { baseline } from '../src/features/baseline/index.js';
import { makeFixtureCorpus } from './support/corpus.js';

const CLI = 'dist/src/cli/main.js';
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Enough of XML to catch a broken SVG: one root <svg>, every tag closed in order, no stray '<' or '&'. */
function assertWellFormedSvg(text: string, file: string): void {
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, file);
  const stack: string[] = [];
  const body = text.replace(/<([/]?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, (_m, close: string, name: string, _a: string, self: string) => {
    if (close) assert.equal(stack.pop(), name, `${file}: </${name}> closes the wrong element`);
    else if (!self) stack.push(name);
    return '';
  });
  assert.deepEqual(stack, [], `${file}: unclosed ${stack.join(', ')}`);
  assert.doesNotMatch(body, /<|&(?!amp;|lt;|gt;|quot;)/, `${file}: stray markup`);
  assert.equal(text.trim().endsWith('</svg>'), true);
}

/** Every pair scores the same: the pessimistic tie policy must give it nothing. */
const constant: SimilarityMethod<number> = {
  name: 'constant', version: '1',
  async analyse(_p, fs) { return fs.map(() => 0); },
  scorer() { return { score: () => 0.5 }; },
  encode: (f) => f, decode: (j) => j as number,
};

let corpus = '';
before(async () => { corpus = await makeFixtureCorpus(); });

describe('semblance eval on the fixture corpus', () => {
  it('prints the documented JSON with metrics in [0, 1]; the same seed gives the same output', () => {
    const r = run('eval', '--corpus', corpus, '--task', 'XA', '--method', 'baseline', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    for (const k of ['task', 'method', 'queries', 'recall1', 'mrr10', 'auc', 'pool', 'seed', 'recall1At10k', 'timings']) assert.ok(k in j, k);
    assert.equal(j.task, 'XA');
    assert.equal(j.method, 'baseline');
    assert.ok(j.queries > 0);
    for (const k of ['recall1', 'mrr10', 'auc']) assert.ok(j[k] >= 0 && j[k] <= 1, `${k} = ${j[k]}`);
    assert.ok(j.recall1 <= j.mrr10);
    assert.equal(j.pool.size, 100);
    assert.equal(j.seed, DEFAULTS.seed);
    assert.equal(j.recall1At10k, null);
    assert.match(j.recall1At10kSkipped, /candidates/);
    assert.equal(j.aucPairs.positive, j.aucPairs.negative);
    assert.match(r.err, /\[1\/\d+\]/, 'progress goes to stderr');

    const strip = (s: string) => JSON.stringify((JSON.parse(s) as { timings?: unknown }[]).map(({ timings: _t, ...rest }) => rest));
    const a = run('eval', '--corpus', corpus, '--task', 'XO,XA+XO,XM,O0-O2,XC', '--seed', '42', '--method', 'baseline', '--json');
    const b = run('eval', '--corpus', corpus, '--task', 'XO,XA+XO,XM,O0-O2,XC', '--seed', '42', '--method', 'baseline', '--json');
    assert.equal(a.code, 0, a.err);
    assert.equal(strip(a.out), strip(b.out));
    const all = JSON.parse(a.out) as { task: string; queries: number; seed: number }[];
    assert.deepEqual(all.map((x) => x.task), ['XO', 'XA+XO', 'XM', 'O0-O2', 'XC']);
    assert.ok(all.every((x) => x.seed === 42));
    // The fixtures are gcc only: no XC pair exists, and that is reported rather than failed.
    assert.equal(all[4]!.queries, 0);
    assert.ok(all[3]!.queries > 0);
  });

  it('writes a report with tables and well-formed SVG curves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'semblance-report-'));
    const r = run('eval', '--corpus', corpus, '--task', 'XA,XM,O0-O2', '--method', 'baseline', '--report', dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Recall@1/);
    for (const f of ['index.html', 'report.md', 'results.json', 'roc-XA.svg', 'recall-at-k-XA.svg', 'roc-XM.svg', 'recall-at-k-XM.svg']) assert.ok(existsSync(join(dir, f)), f);
    for (const f of ['roc-XA.svg', 'recall-at-k-XA.svg', 'roc-XM.svg', 'recall-at-k-XM.svg']) assertWellFormedSvg(readFileSync(join(dir, f), 'utf8'), f);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.match(md, /\| baseline \| \d+ \|/);
    assert.match(md, /pessimistic/);
    assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /<img src="roc-XA.svg"/);
  });

  it('gives a method whose scores all tie nothing (pessimistic ties), AUC 0.5, and puts methods side by side', async () => {
    const loaded = loadCorpus(corpus);
    const results = await runEval(loaded, { ...DEFAULTS, tasks: ['XA', 'O0-O2'].map(parseTask), methods: [baseline, constant], bigPool: 50 });
    const xa = results.filter((r) => r.summary.task === 'XA').map((r) => r.summary as RankingSummary);
    assert.deepEqual(xa.map((s) => s.method), ['baseline', 'constant']);
    const [b, c] = xa as [RankingSummary, RankingSummary];
    assert.equal(b.queries, c.queries, 'both methods see the same queries');
    assert.deepEqual(c.pool, { size: 100, min: 100, mean: 100 });
    assert.equal(c.recall1, 0);
    assert.equal(c.mrr10, 0);
    assert.equal(c.auc, 0.5);
    // A small big pool exercises the database-search path: 50 negatives exist for every XA query.
    assert.equal(c.recall1At10k, 0);
    assert.ok(b.recall1At10k !== null && b.recall1At10k >= b.recall1!);
    const p1 = results.find((r) => r.summary.task === 'O0-O2' && r.summary.method === 'constant')!.summary;
    assert.ok(p1.kind === 'binary' && p1.queries > 0 && p1.precision1 === 0);
    const dir = mkdtempSync(join(tmpdir(), 'semblance-report-'));
    writeReport(dir, results, { corpus, variants: loaded.variants.length, failedVariants: 0, seed: DEFAULTS.seed, minBlocks: 5, pool: 100, bigPool: 50 }, new Map());
    const svg = readFileSync(join(dir, 'roc-XA.svg'), 'utf8');
    assertWellFormedSvg(svg, 'roc-XA.svg');
    assert.match(svg, /baseline/);
    assert.match(svg, /constant/);
  });

  it('drops functions shorter than --min-blocks', () => {
    const few = JSON.parse(run('eval', '--corpus', corpus, '--task', 'XM', '--min-blocks', '12', '--method', 'baseline', '--json').out);
    const many = JSON.parse(run('eval', '--corpus', corpus, '--task', 'XM', '--min-blocks', '1', '--method', 'baseline', '--json').out);
    assert.ok(few.functions.eligible < many.functions.eligible);
    assert.ok(few.queries < many.queries);
  });
});

describe('semblance eval: bad input', () => {
  it('answers with one line and exit 1 (input) or 2 (usage)', () => {
    const cases: [string[], number, RegExp][] = [
      [['eval', '--corpus', '/nonexistent/corpus', '--task', 'XO'], 1, /no such corpus directory/],
      [['eval', '--corpus', corpus, '--method', 'nope'], 2, /unknown method 'nope' \(known: .*baseline/],
      [['eval', '--corpus', corpus, '--task', 'XQ'], 2, /unknown task 'XQ'/],
      [['eval', '--task', 'XO'], 2, /--corpus DIR is required/],
      [['eval', '--corpus', corpus, '--seed', 'x'], 2, /--seed must be an integer/],
      [['eval', '--corpus', corpus, '--pool', '5'], 2, /unknown option --pool/],
    ];
    const bad = mkdtempSync(join(tmpdir(), 'semblance-bad-'));
    writeFileSync(join(bad, 'file'), '');
    cases.push([['eval', '--corpus', corpus, '--task', 'XA', '--method', 'baseline', '--report', join(bad, 'file')], 1, /file: EEXIST/]);
    writeFileSync(join(bad, 'corpus.json'), '{"version": 1, "variants": [');
    cases.push([['eval', '--corpus', bad], 1, /corpus\.json: not valid JSON/]);
    const empty = mkdtempSync(join(tmpdir(), 'semblance-empty-'));
    cases.push([['eval', '--corpus', empty], 1, /corpus\.json: no such file/]);
    for (const [args, code, message] of cases) {
      const r = run(...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      // The error is one line, the last; only a failure after the analysis follows progress lines.
      assert.match(r.err, args.includes('--report') ? /\nsemblance: [^\n]+\n$/ : /^semblance: [^\n]+\n$/, args.join(' '));
      assert.match(r.err, message);
      assert.equal(r.out, '');
    }
  });
});
