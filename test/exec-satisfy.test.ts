/**
 * The propagation satisfier (src/exec/satisfy.ts): hand-built path constraints of the kinds
 * BinGo meets, unsatisfiable ones it must not claim, and random narrow constraints against an
 * oracle that tries every assignment. Every model it returns must satisfy its constraint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Concrete } from '../src/exec/concrete.js';
import { toBigInt } from '../src/exec/concrete.js';
import { satisfy } from '../src/exec/satisfy.js';
import type { Sym } from '../src/exec/symbolic.js';
import { SymbolicDomain, SymEvaluator, printSym, truncate } from '../src/exec/symbolic.js';
import type { BinOp, CmpOp } from '../src/ir/ir.js';

const holds = (c: Sym, inputs: readonly Sym[], m: readonly Concrete[]) => {
  const ev = new SymEvaluator([c], inputs);
  ev.run(m);
  return ev.value(c) === 1;
};

/** The model satisfy finds for `c`, checked by evaluation. */
function model(c: Sym, inputs: readonly Sym[]): bigint[] {
  const m = satisfy(c, inputs);
  assert.ok(m, `no model for ${printSym(c)}`);
  assert.equal(m.length, inputs.length);
  assert.ok(holds(c, inputs, m), `the model of ${printSym(c)} satisfies it`);
  return m.map((v, j) => toBigInt(v, inputs[j]!.width));
}

describe('propagation satisfier', () => {
  it('inverts equalities through add, sub, xor, not, neg, extensions and extracts', () => {
    const d = new SymbolicDomain();
    const x = d.input('r:x', 64), y = d.freshInput('mem', 64, [d.input('r:sp', 64)]), z = d.input('r:z', 32);
    const c = (n: bigint, w = 64) => d.const(w, n);
    // (x + 16) == mem[sp]: the later input takes the other side's value.
    const [mx, my] = model(d.mkCmp('eq', d.mkBinop('add', x, c(16n)), y), [x, y]);
    assert.equal(my, mx! + 16n);
    assert.deepEqual(model(d.mkCmp('eq', d.mkBinop('xor', z, c(0x55n, 32)), c(0x12n, 32)), [z]), [0x47n]);
    assert.deepEqual(model(d.mkCmp('eq', d.mkExtract(x, 0, 32), c(112n, 32)), [x]), [112n]);
    assert.deepEqual(model(d.mkCmp('eq', d.mkExtract(x, 8, 8), c(0xabn, 8)), [x]), [0xab00n]);
    model(d.mkCmp('eq', d.mkUnop('not', d.mkBinop('sub', c(5n), x)), c(77n)), [x]);
    model(d.mkCmp('eq', d.mkExt('sext', d.mkUnop('neg', z), 64), c(-3n)), [z, x]);
    model(d.mkCmp('eq', d.mkBinop('mul', z, c(12n, 32)), c(120n, 32)), [z]);
    model(d.mkCmp('eq', d.mkBinop('shl', z, c(4n, 32)), c(0x1230n, 32)), [z]);
    model(d.mkCmp('eq', d.mkConcat(z, d.mkExtract(x, 0, 32)), c(0x1234567887654321n)), [x, z]);
  });

  it('satisfies conjunctions, orderings, flag tests and divisions by constants', () => {
    const d = new SymbolicDomain();
    const p = d.input('r:r10', 64);
    const a = d.freshInput('mem', 32, [d.mkBinop('add', p, d.const(64, 8n))]), b = d.freshInput('mem', 32, [d.mkBinop('add', p, d.const(64, 48n))]);
    const r8 = d.input('r:r8', 64), m8 = d.freshInput('mem', 8, [p]);
    const k = (w: number, n: bigint) => d.const(w, n);
    assert.deepEqual(model(d.and1(d.mkCmp('eq', a, k(32, 42n)), d.mkCmp('eq', b, k(32, 1n))), [a, b]), [42n, 1n]);
    // (zext8(r8[0:32] != 112) | zext8(mem8 != 49)) == 0
    const flags = d.mkCmp('eq', d.mkBinop('or', d.mkExt('zext', d.mkCmp('ne', d.mkExtract(r8, 0, 32), k(32, 112n)), 8), d.mkExt('zext', d.mkCmp('ne', m8, k(8, 49n)), 8)), k(8, 0n));
    assert.deepEqual(model(flags, [r8, m8]), [112n, 49n]);
    // ((zext128(x) * 0xcccccccccccccccd)[64:128] >>u 5) == 1: x / 40 == 1 (the high half is 0.8x).
    const div = d.mkCmp('eq', d.mkBinop('lshr', d.mkExtract(d.mkBinop('mul', d.mkExt('zext', r8, 128), k(128, 0xcccccccccccccccdn)), 64, 64), k(64, 5n)), k(64, 1n));
    const [q] = model(div, [r8]);
    assert.equal(q! / 40n, 1n);
    const x = d.input('r:x', 32), y = d.input('r:y', 32);
    model(d.and1(d.mkCmp('ult', x, y), d.mkCmp('ult', y, k(32, 10n))), [x, y]);
    model(d.and1(d.mkCmp('slt', x, k(32, 0n)), d.mkCmp('ne', x, k(32, 0x80000000n))), [x]);
    // y <=s x and x != y: the inequality takes the value below, not the one above.
    model(d.and1(d.not1(d.mkCmp('slt', x, y)), d.mkCmp('ne', y, x)), [x, y]);
    // x != 0 and (x & 1) == 0: an even value other than 0.
    model(d.and1(d.mkCmp('ne', x, k(32, 0n)), d.mkCmp('eq', d.mkBinop('and', x, k(32, 1n)), k(32, 0n))), [x]);
    // (x == 3 | x == 5) & x != 3
    const [v] = model(d.and1(d.mkBinop('or', d.mkCmp('eq', x, k(32, 3n)), d.mkCmp('eq', x, k(32, 5n))), d.mkCmp('ne', x, k(32, 3n))), [x]);
    assert.equal(v, 5n);
    // A sign bit and an ite.
    model(d.and1(d.mkExtract(x, 31, 1), d.mkCmp('eq', d.mkIte(d.mkCmp('ult', y, k(32, 4n)), y, k(32, 9n)), k(32, 2n))), [x, y]);
  });

  it('never claims an unsatisfiable constraint', () => {
    const d = new SymbolicDomain();
    const x = d.input('r:x', 32), y = d.input('r:y', 32);
    const k = (n: bigint) => d.const(32, n);
    for (const c of [
      d.and1(d.mkCmp('eq', x, k(0x79b1n)), d.mkCmp('eq', x, k(0x1c4fn))),
      d.mkCmp('ult', x, k(0n)),
      d.and1(d.mkCmp('ult', x, y), d.mkCmp('ult', y, x)),
      d.and1(d.mkCmp('eq', d.mkBinop('and', x, k(1n)), k(1n)), d.mkCmp('eq', d.mkBinop('shl', x, k(31n)), k(0n))),
      // x - ((x + 8) & ~7) + 0x1740 >>u 3 is 0x2e7 for every x.
      d.mkCmp('ule', d.mkBinop('lshr', d.mkBinop('add', d.mkBinop('sub', x, d.mkBinop('and', d.mkBinop('add', x, k(8n)), k(0xfffffff8n))), k(0x1740n)), k(3n)), k(1n)),
      d.const(1, 0n),
    ]) assert.equal(satisfy(c, [x, y]), undefined, printSym(c));
  });

  it('reads structure and input order only: ids, names and creation order do not change the model', () => {
    const build = (d: SymbolicDomain, names: [string, string], junk: number) => {
      for (let i = 0; i < junk; i++) d.input(`r:junk${i}`, 32);
      const a = d.input(names[0], 32), b = d.input(names[1], 32);
      const c = d.and1(d.mkCmp('eq', d.mkBinop('add', a, d.const(32, 4n)), b), d.mkCmp('ult', d.const(32, 7n), b));
      return satisfy(c, [a, b]);
    };
    const first = build(new SymbolicDomain(), ['r:eax', 'r:ebx'], 0);
    assert.ok(first);
    assert.deepEqual(build(new SymbolicDomain(), ['r:x1', 'r:x0'], 17), first);
  });

  // Random constraints over two 4-bit inputs against an oracle trying all 256 assignments: a
  // model must satisfy, and most satisfiable constraints must get one.
  it('agrees with exhaustive search on random narrow constraints', () => {
    let seed = 0x2545f491;
    const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    const OPS: BinOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'lshr', 'ashr', 'udiv', 'urem'];
    const CMPS: CmpOp[] = ['eq', 'eq', 'ne', 'ult', 'ule', 'slt', 'sle'];
    let satisfiable = 0, found = 0;
    for (let trial = 0; trial < 400; trial++) {
      const d = new SymbolicDomain();
      const xs = [d.input('r:a', 4), d.input('r:b', 4)];
      const term = (depth: number): Sym => {
        const r = rnd(10);
        if (depth === 0 || r < 3) return r % 3 === 2 ? d.const(4, BigInt(rnd(16))) : xs[rnd(2)]!;
        if (r < 8) return d.mkBinop(OPS[rnd(OPS.length)]!, term(depth - 1), term(depth - 1));
        if (r === 8) return d.mkUnop(rnd(2) ? 'not' : 'neg', term(depth - 1));
        return d.mkExtract(d.mkConcat(term(depth - 1), term(depth - 1)), rnd(5), 4);
      };
      const atom = () => d.mkCmp(CMPS[rnd(CMPS.length)]!, term(2), term(2));
      let c = atom();
      for (let n = rnd(3); n > 0; n--) c = rnd(4) ? d.and1(c, atom()) : d.mkBinop('or', c, atom());
      let any = false;
      for (let v = 0; v < 256 && !any; v++) any = holds(c, xs, [truncate(BigInt(v & 15), 4), truncate(BigInt(v >> 4), 4)]);
      const m = satisfy(c, xs);
      if (m) assert.ok(holds(c, xs, m), `the model of ${printSym(c)} satisfies it`);
      if (any) { satisfiable++; if (m) found++; } else assert.equal(m, undefined, printSym(c));
    }
    assert.ok(satisfiable >= 100, `${satisfiable} satisfiable`);
    assert.ok(found >= 0.9 * satisfiable, `found models for ${found} of ${satisfiable} satisfiable constraints`);
  });
});
