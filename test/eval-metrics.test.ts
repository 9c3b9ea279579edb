import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areaUnder, aucRoc, mrrAt, rankOfTrue, recallAt, rocCurve } from '../src/eval/metrics.js';
import { parseTask, variantsAllowed } from '../src/eval/tasks.js';
import { Rng } from '../src/util/random.js';

describe('ranking metrics', () => {
  it('rank ties pessimistically: a negative scoring the same as the true match ranks ahead of it', () => {
    assert.equal(rankOfTrue(0.5, [0.4, 0.1]), 1);
    assert.equal(rankOfTrue(0.5, [0.5]), 2);
    assert.equal(rankOfTrue(0.5, [0.5, 0.5, 0.2, 0.9]), 4);
    assert.equal(rankOfTrue(1, []), 1);
    // A true match scoring NaN ranks last; a NaN negative never outranks anything.
    assert.equal(rankOfTrue(NaN, [0.1, 0.2]), 3);
    assert.equal(rankOfTrue(0.1, [NaN, NaN]), 1);
  });

  it('an all-ties pool puts the true match last, so Recall@1 is 0 however good the method looks', () => {
    const ranks = [0, 1, 2].map(() => rankOfTrue(0.7, new Array<number>(100).fill(0.7)));
    assert.deepEqual(ranks, [101, 101, 101]);
    assert.equal(recallAt(ranks, 1), 0);
    assert.equal(mrrAt(ranks, 10), 0);
  });

  it('Recall@K counts ranks up to K; MRR@10 counts 1/rank and 0 beyond rank 10', () => {
    const ranks = [1, 2, 10, 11, 101];
    assert.equal(recallAt(ranks, 1), 0.2);
    assert.equal(recallAt(ranks, 10), 0.6);
    assert.equal(recallAt(ranks, 100), 0.8);
    assert.ok(Math.abs(mrrAt(ranks, 10) - (1 + 1 / 2 + 1 / 10) / 5) < 1e-12);
    assert.ok(Math.abs(mrrAt(ranks, 11) - (1 + 1 / 2 + 1 / 10 + 1 / 11) / 5) < 1e-12);
    assert.ok(Number.isNaN(recallAt([], 1)) && Number.isNaN(mrrAt([], 10)));
  });
});

describe('AUC-ROC (Mann–Whitney, ties as half)', () => {
  it('is 1 for a perfect scorer, 0 for an inverted one and 0.5 when everything ties', () => {
    assert.equal(aucRoc([0.9, 0.8, 0.7], [0.3, 0.2, 0.1]), 1);
    assert.equal(aucRoc([0.3, 0.2, 0.1], [0.9, 0.8, 0.7]), 0);
    assert.equal(aucRoc([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), 0.5);
    assert.ok(Number.isNaN(aucRoc([], [0.1])));
  });

  it('matches a hand count on a mixed case with a tie', () => {
    // 0.9 beats 0.7, 0.4, 0.1 (3); 0.6 beats 0.4, 0.1 (2); 0.4 ties 0.4 (½) and beats 0.1 (1): 6.5 of 9.
    assert.ok(Math.abs(aucRoc([0.9, 0.6, 0.4], [0.7, 0.4, 0.1]) - 6.5 / 9) < 1e-12);
    // Unbalanced sides still count every pair once: 1 beats 0 (1) and ties 1 (½) → 0.75.
    assert.equal(aucRoc([1], [0, 1]), 0.75);
  });

  it('has a ROC curve from (0,0) to (1,1) whose area is the AUC, ties included', () => {
    const cases: [number[], number[]][] = [
      [[0.9, 0.6, 0.4], [0.7, 0.4, 0.1]], [[0.5, 0.5], [0.5, 0.5]], [[1, 0.2, 0.2, 0.3], [0.2, 0.1, 0.9]],
    ];
    for (const [p, n] of cases) {
      const c = rocCurve(p, n);
      assert.deepEqual(c[0], { fpr: 0, tpr: 0 });
      assert.deepEqual(c.at(-1), { fpr: 1, tpr: 1 });
      assert.ok(Math.abs(areaUnder(c) - aucRoc(p, n)) < 1e-12);
    }
  });
});

describe('tasks', () => {
  const v = (arch: string, compiler: 'gcc' | 'clang', opt: 'O0' | 'O2' | 'O3') => ({ id: `p/${compiler}-${arch}-${opt}`, project: 'p', arch: arch as 'x86', compiler, opt });
  it('allow exactly the variant pairs BENCHMARKS.md §2 describes', () => {
    const q = v('x86', 'gcc', 'O0');
    const cases: [ReturnType<typeof v>, Record<string, boolean>][] = [
      [v('x86', 'gcc', 'O0'), { XO: false, XC: false, XA: false, 'XA+XO': false, XM: false }],
      [v('x86', 'gcc', 'O2'), { XO: true, XC: false, XA: false, 'XA+XO': false, XM: true }],
      [v('x86', 'clang', 'O2'), { XO: false, XC: true, XA: false, 'XA+XO': false, XM: true }],
      [v('x86', 'clang', 'O0'), { XO: false, XC: false, XA: false, 'XA+XO': false, XM: true }],
      [v('mips', 'gcc', 'O0'), { XO: false, XC: false, XA: true, 'XA+XO': false, XM: true }],
      [v('mips', 'gcc', 'O3'), { XO: false, XC: false, XA: false, 'XA+XO': true, XM: true }],
      [v('mips', 'clang', 'O3'), { XO: false, XC: false, XA: false, 'XA+XO': false, XM: true }],
    ];
    for (const [c, want] of cases) {
      for (const [task, ok] of Object.entries(want)) assert.equal(variantsAllowed(task as 'XO', q, c), ok, `${task}: ${q.id} vs ${c.id}`);
    }
  });

  it('parse ranking and whole-binary tasks and refuse others', () => {
    assert.equal(parseTask('XA+XO').kind, 'ranking');
    assert.deepEqual([parseTask('O2-O3')].map((t) => t.kind === 'binary' && [t.from, t.to]), [['O2', 'O3']]);
    for (const bad of ['xo', 'O2-O2', 'O4-O3', '']) assert.throws(() => parseTask(bad), /unknown task/);
  });
});

describe('Rng', () => {
  it('is reproducible per seed and stream, and uniform enough', () => {
    const a = new Rng(7, 'XO'), b = new Rng(7, 'XO'), c = new Rng(7, 'XA'), d = new Rng(8, 'XO');
    const xs = Array.from({ length: 20 }, () => a.next());
    assert.deepEqual(Array.from({ length: 20 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 20 }, () => c.next()), xs);
    assert.notDeepEqual(Array.from({ length: 20 }, () => d.next()), xs);
    const counts = new Array<number>(10).fill(0);
    const r = new Rng(1);
    for (let i = 0; i < 10_000; i++) counts[r.below(10)]!++;
    for (const n of counts) assert.ok(n > 850 && n < 1150, `bucket ${n}`);
    assert.deepEqual(new Rng(3).shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5]);
  });
});
