import assert from 'node:assert/strict';
import { describe, it, after } from 'node:test';
import { loadElf } from '../src/binfmt/elf.js';
import { buildProgram } from '../src/program/build.js';
import type { FunctionInfo, Program } from '../src/program/program.js';
import { Compiler } from '../src/exec/interpret.js';
import type { State } from '../src/exec/interpret.js';
import { concrete, toBigInt } from '../src/exec/concrete.js';
import type { Concrete } from '../src/exec/concrete.js';
import { SymbolicDomain, SymbolicMemory, SymEvaluator, truncate } from '../src/exec/symbolic.js';
import type { Sym } from '../src/exec/symbolic.js';
import { PathSolver } from '../src/exec/solver.js';
import { BingoMethod, DEFAULT_BINGO, containment, idfWeights } from '../src/features/bingo/method.js';
import type { BingoModel } from '../src/features/bingo/method.js';
import { canonicalInputs, signTrace } from '../src/features/bingo/samples.js';
import type { PartialTrace } from '../src/features/bingo/traces.js';
import { DEFAULT_TRACE_OPTIONS, TraceExecutor, enumeratePaths } from '../src/features/bingo/traces.js';
import { fixture } from './support/fixtures.js';
import { someExpr, stmtExprs } from '../src/ir/walk.js';

const TARGETS = ['x86', 'x86_64', 'arm-thumb', 'arm-a32', 'aarch64', 'mips', 'mipsel'];
const load = async (path: string) => buildProgram(loadElf(path));
const named = (p: Program) => p.functions.filter((f) => f.blocks.length > 0 && f.source === 'symtab' && !f.name.startsWith('_') && !/tm_clones|frame_dummy/.test(f.name));

describe('symbolic domain', () => {
  it('hash-conses and simplifies', () => {
    const d = new SymbolicDomain();
    const x = d.input('r:a', 32), y = d.input('r:b', 32);
    assert.equal(d.mkBinop('add', x, y), d.mkBinop('add', y, x), 'commutative operands are ordered');
    assert.equal(d.mkBinop('add', x, d.const(32, 0n)), x);
    assert.equal(d.mkBinop('xor', x, x).kind, 'const');
    assert.equal(d.mkBinop('add', d.mkBinop('add', x, d.const(32, 3n)), d.const(32, 4n)), d.mkBinop('add', x, d.const(32, 7n)));
    assert.equal(d.mkExtract(d.mkExt('zext', x, 64), 0, 32), x);
    assert.equal(d.mkIte(d.const(1, 1n), x, y), x);
    const c = d.mkBinop('mul', d.const(8, 200n), d.const(8, 3n));
    assert.ok(c.kind === 'const' && c.value === (600n & 0xffn));
  });

  // Every instruction of register-only blocks, run symbolically then evaluated on a concrete
  // pre-state, must give what the concrete domain gives on that state: one semantics, two domains.
  for (const t of TARGETS) {
    it(`agrees with the concrete domain on ${t} blocks`, async () => {
      const programs = await Promise.all(['records', 'vm', 'words'].map((n) => load(fixture(t, 'O2', n).path)));
      const p = programs[0]!;
      const lifter = p.spec.createLifter(p.arch);
      const rf = lifter.registers;
      const symC = new Compiler(new SymbolicDomain(), rf);
      const d = (symC as unknown as { d: SymbolicDomain }).d;
      const conC = new Compiler(concrete, rf);
      let checked = 0;
      for (const f of programs.flatMap((x) => x.functions)) for (const b of f.blocks) {
        const ir = b.instructions.map((i) => lifter.lift(i));
        if (ir.some((x) => x.status !== 'lifted' || x.stmts.some((s) => s.kind !== 'set'))) continue;
        if (ir.some((x) => x.stmts.some((st) => stmtExprs(st).some((e) => someExpr(e, (y) => y.kind === 'load'))))) continue;
        const regs0 = rf.slots.map((s) => d.input(`r:${s.name}`, s.width));
        const flags0 = rf.flagNames.map((n) => d.input(`f:${n}`, 1));
        const ss: State<Sym> = { regs: [...regs0], flags: [...flags0], mem: new SymbolicMemory(d), decide: () => false, target: undefined };
        for (const x of ir) symC.insn(x).run(ss);
        for (let seed = 1; seed <= 3; seed++) {
          const rnd = (w: number, k: number) => truncate(BigInt(Math.imul(seed * 7919 + k, 2654435761) | 0) * BigInt(seed * 1000003 + k), w);
          const regs: Concrete[] = rf.slots.map((s, k) => rnd(s.width, k));
          const flags: Concrete[] = rf.flagNames.map((_, k) => (seed + k) & 1);
          const inputs = [...regs0, ...flags0];
          const ev = new SymEvaluator([...ss.regs, ...ss.flags], inputs);
          ev.run([...regs, ...flags]);
          const cs: State<Concrete> = { regs: [...regs], flags: [...flags], mem: { load: () => { throw new Error('load'); }, store: () => { throw new Error('store'); } }, decide: (g) => g !== 0, target: undefined };
          for (const x of ir) conC.insn(x).run(cs);
          ss.regs.forEach((s, k) => assert.equal(toBigInt(ev.value(s)), toBigInt(cs.regs[k]!), `${t} block ${b.address.toString(16)} ${rf.slots[k]!.name}`));
          ss.flags.forEach((s, k) => assert.equal(toBigInt(ev.value(s)), toBigInt(cs.flags[k]!), `${t} block ${b.address.toString(16)} flag ${rf.flagNames[k]}`));
        }
        checked++;
      }
      assert.ok(checked >= 10, `only ${checked} register-only blocks checked`);
    });
  }
});

describe('path solver (Z3)', () => {
  const solver = new PathSolver(2000);
  after(() => solver.close());
  it('proves contradictory constraints infeasible and finds satisfying models', async () => {
    const d = new SymbolicDomain();
    const x = d.input('r:x', 32), y = d.input('r:y', 32);
    const bad = d.and1(d.mkCmp('eq', x, d.const(32, 1n)), d.mkCmp('eq', x, d.const(32, 2n)));
    assert.equal((await solver.solve(bad, [x])).status, 'unsat');
    const c = d.and1(d.mkCmp('eq', d.mkBinop('mul', x, d.const(32, 3n)), d.const(32, 12345n)), d.mkCmp('ult', y, x));
    const r = await solver.solve(c, [x, y], 3);
    assert.equal(r.status, 'sat');
    assert.ok(r.models.length >= 1 && r.models.length <= 3);
    const ev = new SymEvaluator([c], [x, y]);
    for (const m of r.models) {
      ev.run(m.map((v) => truncate(v, 32)));
      assert.equal(ev.value(c), 1, `model ${m} satisfies the constraint`);
    }
    const again = await solver.solve(c, [x, y], 3);
    assert.deepEqual(again.models, r.models);
    assert.ok(solver.stats.cacheHits >= 1, 'the second query is answered from the cache');
  });

  // One long-lived Z3 context answered these differently after different earlier questions.
  it('answers each question alike whatever was asked before', async () => {
    const d = new SymbolicDomain();
    const x = d.input('r:x', 32), y = d.input('r:y', 32), z = d.input('r:z', 64);
    const k = (w: number, v: bigint) => d.const(w, v);
    const questions = [
      d.and1(d.mkCmp('eq', d.mkBinop('add', d.mkBinop('mul', x, k(32, 3n)), y), k(32, 12345n)), d.mkCmp('ult', y, x)),
      d.and1(d.mkCmp('eq', d.mkBinop('xor', x, y), k(32, 0x55n)), d.mkCmp('ult', k(32, 100n), x)),
      d.mkCmp('eq', d.mkBinop('add', d.mkExt('zext', x, 64), z), k(64, 0x123456789n)),
      d.and1(d.mkCmp('slt', x, y), d.mkCmp('eq', d.mkBinop('and', y, k(32, 0xff00n)), k(32, 0x1200n))),
      d.mkCmp('ult', d.mkBinop('mul', x, y), k(32, 7n)),
      d.and1(d.mkCmp('ne', d.mkBinop('urem', x, k(32, 7n)), k(32, 0n)), d.mkCmp('eq', d.mkExtract(z, 32, 32), x)),
    ];
    const ask = async (order: number[]) => {
      const s = new PathSolver(2000);
      try {
        const out: (readonly bigint[] | undefined)[] = [];
        for (const i of order) out[i] = (await s.solve(questions[i]!, [x, y, z], 1)).models[0];
        return out;
      } finally { await s.close(); }
    };
    const first = await ask([0, 1, 2, 3, 4, 5]);
    assert.ok(first.every((m) => m !== undefined));
    assert.deepEqual(await ask([5, 4, 3, 2, 1, 0]), first);
    assert.deepEqual(await ask([3, 1, 5, 0, 2, 4]), first);
  });
});

describe('BinGo signatures', () => {
  const plain = new BingoMethod({ ...DEFAULT_BINGO, inline: false });
  after(() => plain.close());

  it('getters of different fields differ; the same field through another register does not', async () => {
    // return p->f: the output is a load, a fresh input whatever the offset, so only the field tells.
    const getter = async (reg: string, offset: bigint, width = 32, base = reg) => {
      const d = new SymbolicDomain();
      const mem = new SymbolicMemory(d);
      const p = d.input(`r:${base}`, 64);
      const value = d.mkExt('zext', mem.load(offset ? d.mkBinop('add', p, d.const(64, offset)) : p, width), 64);
      const trace: PartialTrace = { blocks: [0], instructions: 2, noise: 1, outputs: [{ where: `reg:${reg}`, value }], constraint: d.const(1, 1n), calls: [] };
      const v = await signTrace(trace, undefined);
      assert.equal(v.status, 'ok');
      return v.status === 'ok' ? v.signatures.map((x) => x.hash).sort() : [];
    };
    assert.deepEqual(await getter('rdi', 8n), await getter('x0', 8n), 'x86-64 and AArch64 read the same field');
    assert.notDeepEqual(await getter('rdi', 8n), await getter('rdi', 16n), 'another field');
    assert.notDeepEqual(await getter('rdi', 0n), await getter('rdi', 8n), 'the first field');
    assert.notDeepEqual(await getter('rdi', 8n, 32), await getter('rdi', 8n, 16), 'another width');
    // Frame slots (spills, stack arguments) depend on the compiler: no field signature for them.
    assert.deepEqual(await getter('rdi', 8n, 32, 'rsp'), await getter('rdi', 24n, 32, 'rsp'));
  });

  it('a model survives encode → JSON → decode, evidence included (stored as one string, read on demand)', async () => {
    const p = await load(fixture('aarch64', 'O2', 'records').path);
    const models = await plain.analyse(p, named(p));
    for (const m of models) {
      const stored = JSON.parse(JSON.stringify(plain.encode(m))) as { evidence: unknown };
      assert.equal(typeof stored.evidence, 'string');
      const back = plain.decode(stored);
      assert.deepEqual(back.sigs, m.sigs);
      assert.deepEqual([...back.evidence], [...m.evidence]);
      // Records written before evidence became a string still decode.
      const older = plain.decode({ ...stored, evidence: JSON.parse(stored.evidence as string) as unknown });
      assert.deepEqual([...older.evidence], [...m.evidence]);
    }
  });

  it('input order is canonical: a - b and the same with inputs renamed give one order', () => {
    const d = new SymbolicDomain();
    const a = d.input('r:eax', 32), b = d.input('r:ebx', 32), c = d.input('r:x1', 32), e = d.input('r:x0', 32);
    const i1 = canonicalInputs([d.mkBinop('sub', a, b)], d.const(1, 1n));
    const i2 = canonicalInputs([d.mkBinop('sub', c, e)], d.const(1, 1n));
    const names = (xs: Sym[]) => xs.map((x) => (x.kind === 'input' ? x.name : '?'));
    assert.deepEqual(names(i1), ['r:eax', 'r:ebx']);
    assert.deepEqual(names(i2), ['r:x1', 'r:x0']);
  });

  it('enumerates acyclic paths of 1..3 blocks within the bound', async () => {
    const p = await load(fixture('x86_64', 'O0', 'records').path);
    const f = named(p).find((x) => x.blocks.length >= 4)!;
    const paths = enumeratePaths(f, { k: 3, maxTraces: 1000 });
    assert.ok(paths.some((x) => x.length === 1) && paths.some((x) => x.length === 3));
    for (const path of paths) assert.equal(new Set(path).size, path.length, 'acyclic');
    assert.equal(paths.filter((x) => x.length === 1).length, f.blocks.length);
    assert.ok(enumeratePaths(f, { k: 3, maxTraces: 5 }).length <= 5);
  });

  // Prefix sharing only saves work: every trace, operand order included, and every signature are
  // those of running each path from scratch (delay slots, adc chains and call results included).
  it('shares path prefixes without changing a trace or a signature', async () => {
    const shape = structureNumbers();
    const view = (t: PartialTrace | undefined) => t && { ...t, outputs: t.outputs.map((o) => [o.where, shape(o.value)]), constraint: shape(t.constraint) };
    const attempt = (run: () => PartialTrace | undefined) => { try { return run(); } catch { return undefined; } };
    let traces = 0;
    for (const [t, opt, name] of [['x86', 'O0', 'records'], ['x86', 'O2', 'words'], ['mips', 'O2', 'vm'], ['arm-thumb', 'O2', 'words']] as const) {
      const p = await load(fixture(t, opt, name).path);
      const lifter = p.spec.createLifter(p.arch);
      for (const f of p.functions.filter((x) => x.blocks.length > 0)) {
        const shared = new TraceExecutor(p, lifter, f), scratch = new TraceExecutor(p, lifter, f, false);
        for (const path of enumeratePaths(f, DEFAULT_TRACE_OPTIONS)) {
          const a = attempt(() => shared.run(path)), b = attempt(() => scratch.run(path));
          const where = `${t}-${opt}/${name} ${f.name} ${path.map((x) => x.toString(16))}`;
          assert.deepEqual(view(a), view(b), where);
          if (a && b) { assert.deepEqual(await signTrace(a, undefined), await signTrace(b, undefined), where); traces++; }
        }
      }
    }
    assert.ok(traces > 1000, `${traces} traces compared`);
  });

  it('names never feed similarity: a binary and its stripped copy give the same signatures', async () => {
    const fx = fixture('aarch64', 'O2', 'records');
    const a = await load(fx.path), s = await load(fx.stripped);
    const byAddr = new Map(s.functions.map((f) => [f.address, f]));
    // Discovery in the stripped copy may miss a function; compare those it finds.
    const fs = named(a).filter((f) => byAddr.has(f.address));
    assert.ok(fs.length >= 5);
    const mine = await plain.analyse(a, fs);
    const theirs = await plain.analyse(s, fs.map((f) => byAddr.get(f.address)!));
    mine.forEach((m, i) => assert.deepEqual(m.sigs, theirs[i]!.sigs, fs[i]!.name));
  });

  it('prunes compiler-made traces and counts what it drops', async () => {
    const p = await load(fixture('x86_64', 'O0', 'records').path);
    const models = await plain.analyse(p, named(p));
    const total = models.reduce((n, m) => n + m.counts.noise, 0);
    assert.ok(total > 0, 'O0 prologues and epilogues are dropped');
    for (const m of models) assert.equal(m.counts.traces, m.counts.kept + m.counts.noise + m.counts.infeasible + m.counts.failed);
  });

  it('keeps the traces of a function that is all compiler code rather than leave it no model', async () => {
    // At -O2 on i386, words' qsort comparator is a few instructions, half of them frame and return.
    const p = await load(fixture('x86', 'O2', 'words').path);
    const fs = p.functions.filter((f) => !f.resolver);
    const models = await plain.analyse(p, fs);
    const cmp = models[fs.findIndex((f) => f.name === 'cmp_text')]!;
    assert.ok(cmp.sigs.length > 0 && cmp.counts.kept > 0, 'cmp_text has signatures');
    models.forEach((m, i) => {
      const executed = m.counts.traces - m.counts.failed;
      assert.ok(executed === 0 || m.counts.noise < executed, `${fs[i]!.name}: not every executed trace is pruned`);
    });
  });

  // The cross-architecture claim, measured: over every pair of targets, the true counterpart of a
  // function ranks first (by containment) far more often than chance.
  it('matches functions across architectures better than chance', async () => {
    const models = new Map<string, { names: string[]; m: BingoModel[] }>();
    for (const t of ['x86_64', 'aarch64', 'arm-thumb', 'mips']) {
      const p = await load(fixture(t, 'O2', 'records').path);
      const fs = named(p);
      models.set(t, { names: fs.map((f) => f.name), m: await plain.analyse(p, fs) });
    }
    let hits = 0, queries = 0, pool = 0;
    for (const [ta, A] of models) for (const [tb, B] of models) {
      if (ta === tb) continue;
      A.names.forEach((n, i) => {
        const j = B.names.indexOf(n);
        if (j < 0) return;
        const scores = B.m.map((t) => containment(A.m[i]!.sigs, t.sigs));
        const best = Math.max(...scores);
        queries++; pool += B.m.length;
        if (scores[j] === best && scores.filter((s) => s === best).length === 1) hits++;
      });
    }
    const chance = queries / (pool / queries);
    assert.ok(queries >= 50, `${queries} queries`);
    assert.ok(hits >= 3 * chance && hits / queries >= 0.3, `precision@1 ${hits}/${queries} (chance ≈ ${(chance / queries).toFixed(2)})`);
  });

  it('IDF weights make rare signatures count more', () => {
    const m = (sigs: number[]): BingoModel => ({ sigs, evidence: new Map(), counts: { traces: 0, kept: 0, noise: 0, infeasible: 0, failed: 0, solved: 0, satisfied: 0 }, inlined: [] });
    const pop = [m([1, 2]), m([1, 3]), m([1, 4]), m([1, 5])];
    const w = idfWeights(pop);
    assert.ok(w(2) > w(1));
    assert.equal(containment([1, 2], [1, 9]), 0.5);
    assert.ok(containment([1, 2], [1, 9], w) < 0.5, 'sharing only the common signature scores lower with IDF');
    assert.ok(containment([1, 2], [2, 9], w) > 0.5);
  });

  it('inlines small callees by BinGo\'s rules', async () => {
    const inl = new BingoMethod(DEFAULT_BINGO);
    try {
      const p = await load(fixture('x86_64', 'O0', 'records').path);
      const models = await inl.analyse(p, named(p));
      const withInline = models.filter((m) => m.inlined.length > 0);
      assert.ok(withInline.length > 0, 'some function inlines a callee');
      for (const m of withInline) assert.ok([...m.evidence.values()].some((e) => e.inlinedFrom !== undefined));
    } finally { await inl.close(); }
  });
});

// Signatures must compare across binaries and databases, so a function's signatures may not
// depend on what was analysed before it: its solver-derived samples (propagation or Z3) must be
// functions of its constraints alone. Functions whose traces reach Z3 and propagation, analysed
// in a batch in one order, in the reverse order, and each alone (fresh methods, fresh programs).
// With one long-lived Z3 context, these functions' signatures differed between the orders.
describe('BinGo signatures do not depend on analysis order', () => {
  it('gives each function the same signatures in any order, in a batch or alone', async () => {
    const libc = ['__udivmoddi4', '__aeabi_uldivmod', 'getenv', 'qsort_r'];
    const sets: { path: string; pick: (p: Program) => FunctionInfo[] }[] = [
      { path: fixture('arm-thumb', 'O2', 'vm').static!, pick: (p) => p.functions.filter((f) => libc.includes(f.name)) },
      { path: fixture('mips', 'O2', 'words').path, pick: named },
    ];
    const analyse = async (order: 'forward' | 'reverse' | 'alone') => {
      const batches: { path: string; fs: (p: Program) => FunctionInfo[] }[] = [];
      for (const set of order === 'reverse' ? [...sets].reverse() : sets) {
        if (order === 'forward') batches.push({ path: set.path, fs: set.pick });
        else if (order === 'reverse') batches.push({ path: set.path, fs: (p) => set.pick(p).reverse() });
        else for (const a of set.pick(await load(set.path)).map((f) => f.address)) batches.push({ path: set.path, fs: (p) => p.functions.filter((f) => f.address === a) });
      }
      // One method for a whole ordered run (its Z3 sees every question in turn), one per function alone.
      const out = new Map<string, BingoModel>();
      let m = new BingoMethod(DEFAULT_BINGO);
      try {
        for (const b of batches) {
          if (order === 'alone') { await m.close(); m = new BingoMethod(DEFAULT_BINGO); }
          const p = await load(b.path);
          const fs = b.fs(p);
          (await m.analyse(p, fs)).forEach((model, i) => out.set(`${b.path} ${fs[i]!.name}`, model));
        }
      } finally { await m.close(); }
      return out;
    };
    const forward = await analyse('forward');
    const total = (k: 'solved' | 'satisfied') => [...forward.values()].reduce((n, m) => n + m.counts[k], 0);
    assert.ok(total('solved') >= 3, `${total('solved')} traces sampled by Z3`);
    assert.ok(total('satisfied') >= 50, `${total('satisfied')} traces sampled by propagation`);
    for (const [order, other] of [['reverse', await analyse('reverse')], ['alone', await analyse('alone')]] as const) {
      assert.equal(other.size, forward.size);
      for (const [name, m] of forward) assert.deepEqual(other.get(name)?.sigs, m.sigs, `${name}, forward and ${order}`);
    }
  });
});

/** Numbers expressions by structure, operand order included, alike across domains (fresh inputs by name, without their counter). */
function structureNumbers(): (s: Sym) => number {
  const byKey = new Map<string, number>();
  const memo = new Map<Sym, number>();
  const num = (s: Sym): number => {
    let n = memo.get(s);
    if (n !== undefined) return n;
    const head = s.kind === 'const' ? `${s.value}`
      : s.kind === 'input' || s.kind === 'opaque' ? s.name.replace(/#\d+$/, '')
        : s.kind === 'unop' || s.kind === 'binop' || s.kind === 'cmp' ? s.op : s.kind === 'extract' ? `${s.lo}` : '';
    const key = `${s.kind}${s.width}:${head}(${s.kind === 'const' ? '' : s.args.map(num).join(',')})`;
    n = byKey.get(key);
    if (n === undefined) byKey.set(key, n = byKey.size);
    memo.set(s, n);
    return n;
  };
  return num;
}
