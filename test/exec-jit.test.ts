/**
 * The compiled block (src/exec/jit.ts) against the generic interpreter over the concrete domain
 * (src/exec/interpret.ts), which exec-domain.test.ts checks against the IR's reference semantics:
 * every operation at every interesting width, on operands from registers and from constants,
 * must leave the same registers; and the instruction-level rules (parallel assignment, traps
 * before effects, guards, lazy ite, delay slots, sub-register writes) hold in the compiled form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BinOp, CmpOp, Expr, IrInsn, Loc, Stmt, UnOp } from '../src/ir/ir.js';
import { mask } from '../src/ir/ir.js';
import { RegisterFile } from '../src/ir/registers.js';
import type { Concrete } from '../src/exec/concrete.js';
import { concrete } from '../src/exec/concrete.js';
import type { State } from '../src/exec/interpret.js';
import { Compiler, Transfer } from '../src/exec/interpret.js';
import type { BlockExit } from '../src/exec/jit.js';
import { compileBlock } from '../src/exec/jit.js';
import { ConcreteMemory, MemoryFault } from '../src/exec/memory.js';

const rf = new RegisterFile({
  full: ['a', 'b', 'c', 'd'], slotWidth: 64,
  sub: { eax: ['a', 0, 32], ax: ['a', 0, 16], al: ['a', 0, 8], ah: ['a', 1, 8] },
  wide: [{ names: ['v0', 'v1', 'v2'], width: 128 }],
  flags: ['z', 'c'],
});
const narrow = new RegisterFile({ full: ['p', 'q', 'r'], slotWidth: 32, sub: { pl: ['p', 0, 8], ph: ['p', 1, 8] }, flags: ['z'] });

const reg = (file: RegisterFile, name: string): Loc => file.reg(name);
const get = (loc: Loc): Expr => ({ kind: 'get', width: loc.width, loc });
const k = (width: number, value: bigint): Expr => ({ kind: 'const', width, value: BigInt.asUintN(width, value) });
const low = (x: Expr, width: number): Expr => (width === x.width ? x : { kind: 'extract', width, lo: 0, x });
const insn = (stmts: Stmt[], extra: Partial<IrInsn> = {}): IrInsn => ({ address: 0x1000, size: 4, mnemonic: 'test', status: 'lifted', stmts, ...extra });

function state(file: RegisterFile, regs: bigint[] = []): State<Concrete> {
  const mem = new ConcreteMemory({ littleEndian: true });
  mem.map(0x2000, 0x1000);
  return {
    regs: file.slots.map((s, i) => concrete.constant(s.width, BigInt.asUintN(s.width, regs[i] ?? 0n))),
    flags: file.flagNames.map(() => 0), mem, target: undefined, decide: (g) => g !== 0,
  };
}

/** Runs one block compiled and one instruction at a time through the generic interpreter; both must agree. */
function both(file: RegisterFile, insns: IrInsn[], regs: bigint[] = [], what = ''): { s: State<Concrete>; t: Transfer; exit: BlockExit } {
  const gs = state(file, regs), js = state(file, regs);
  const compiler = new Compiler(concrete, file);
  let gt = Transfer.Next;
  for (const x of insns) { gt = compiler.insn(x).run(gs); if (gt !== Transfer.Next) break; }
  const exit: BlockExit = { n: 0, target: 0, trap: '' };
  const jt = compileBlock(insns, file)(js.regs, js.flags, js.mem as ConcreteMemory, exit);
  assert.equal(jt, gt, `transfer ${what}`);
  assert.deepEqual(js.regs, gs.regs, `registers ${what}`);
  assert.deepEqual(js.flags, gs.flags, `flags ${what}`);
  if (jt !== Transfer.Next && jt !== Transfer.Trap) assert.equal(exit.target, gs.target, `target ${what}`);
  return { s: js, t: jt, exit };
}

const WIDTHS = [1, 8, 16, 31, 32, 33, 48, 64, 128];
const BIN: BinOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'lshr', 'ashr', 'rotl', 'rotr', 'udiv', 'sdiv', 'urem', 'srem'];
const CMP: CmpOp[] = ['eq', 'ne', 'ult', 'ule', 'slt', 'sle'];
const UN: UnOp[] = ['not', 'neg', 'popcount', 'clz', 'ctz', 'bswap'];

function values(w: number): bigint[] {
  const m = mask(w), T = 1n << 53n;
  const vs = [0n, 1n, 2n, 5n, m, m - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n, BigInt(w - 1), 0x9e3779b97f4a7c15f00dn, T - 1n, T, -T, -(T - 1n), 1n << 32n, -(1n << 32n)];
  return [...new Set(vs.map((v) => BigInt.asUintN(w, v)))];
}

describe('compiled blocks', () => {
  it('compute every operation like the generic interpreter, at every width, from registers and constants', () => {
    const v0 = reg(rf, 'v0'), v1 = reg(rf, 'v1'), out = reg(rf, 'v2');
    const widen = (e: Expr): Expr => (e.width === 128 ? e : { kind: 'zext', width: 128, x: e });
    const check = (make: (a: Expr, b: Expr) => Expr, w: number, bw = w) => {
      const vs = values(w), bs = values(bw);
      for (const a of vs) for (const b of bs) {
        for (const [x, y] of [[low(get(v0), w), low(get(v1), bw)], [k(w, a), k(bw, b)]] as const) {
          const e = make(x, y);
          both(rf, [insn([{ kind: 'set', loc: out, value: widen(e) }])], [0n, 0n, 0n, 0n, a, b], `${e.kind} ${'op' in e ? e.op : ''} ${w} ${bw} (${a}, ${b}) ${x.kind}`);
        }
      }
    };
    for (const w of WIDTHS) {
      for (const op of BIN) check((a, b) => ({ kind: 'binop', width: w, op, a, b }), w);
      for (const op of CMP) check((a, b) => ({ kind: 'cmp', width: 1, op, a, b }), w);
      for (const op of UN) if (op !== 'bswap' || w % 16 === 0) check((a) => ({ kind: 'unop', width: w, op, x: a }), w);
      for (const to of WIDTHS.filter((t) => t > w)) {
        check((a) => ({ kind: 'zext', width: to, x: a }), w);
        check((a) => ({ kind: 'sext', width: to, x: a }), w);
      }
      for (const lo of [0, 1, 31, 32, 52, 53, w - 1]) for (const ew of [1, 8, 32, 64]) {
        if (lo >= 0 && lo + ew <= w && !(lo === 0 && ew === w)) check((a) => ({ kind: 'extract', width: ew, lo, x: a }), w);
      }
      for (const lw of [1, 8, 32, 64]) if (w + lw <= 128) check((a, b) => ({ kind: 'concat', width: w + lw, hi: a, lo: b }), w, lw);
    }
  });

  it('write sub-registers into 64-bit and 32-bit slots', () => {
    for (const old of [0n, 0x1122334455667788n, -1n, -(1n << 53n) + 1n, (1n << 53n) - 1n]) {
      for (const [name, v] of [['al', 0xabn], ['ah', 0xcdn], ['ax', 0xbeefn], ['eax', 0xdeadbeefn]] as const) {
        const loc = reg(rf, name);
        both(rf, [insn([{ kind: 'set', loc, value: k(loc.width, v) }])], [old]);
        both(rf, [insn([{ kind: 'set', loc, value: low(get(reg(rf, 'b')), loc.width) }])], [old, -v]);
      }
    }
    for (const [name, v] of [['pl', 0x12n], ['ph', 0x34n]] as const) both(narrow, [insn([{ kind: 'set', loc: reg(narrow, name), value: k(8, v) }])], [0xffffffffn]);
  });

  it('assign in parallel: a swap reads both registers before either write', () => {
    const a = reg(rf, 'a'), b = reg(rf, 'b');
    const { s } = both(rf, [insn([{ kind: 'set', loc: a, value: get(b) }, { kind: 'set', loc: b, value: get(a) }])], [1n, 2n]);
    assert.deepEqual(s.regs.slice(0, 2), [2, 1]);
  });

  it('stop at a taken trap before any effect, and count the trapping instruction', () => {
    const a = reg(rf, 'a');
    const x = insn([{ kind: 'set', loc: a, value: k(64, 7n) }, { kind: 'trap', reason: 'divide error', guard: k(1, 1n) }]);
    const { s, t, exit } = both(rf, [insn([{ kind: 'set', loc: reg(rf, 'b'), value: k(64, 3n) }]), x], [5n]);
    assert.equal(t, Transfer.Trap);
    assert.equal(exit.n, 2);
    assert.equal(exit.trap, 'divide error');
    assert.deepEqual(s.regs.slice(0, 2), [5, 3]);
  });

  it('evaluate neither a failed guard\'s operands nor the side of an ite it does not pick', () => {
    const unmapped = k(64, 0x9000n), a = reg(rf, 'a');
    const load: Expr = { kind: 'load', width: 32, addr: unmapped };
    both(rf, [insn([{ kind: 'set', loc: a, value: { kind: 'zext', width: 64, x: load }, guard: k(1, 0n) }])], [4n]);
    both(rf, [insn([{ kind: 'store', addr: unmapped, value: k(32, 1n), guard: { kind: 'cmp', width: 1, op: 'eq', a: get(a), b: k(64, 9n) } }])], [4n]);
    const pick: Expr = { kind: 'ite', width: 64, cond: { kind: 'cmp', width: 1, op: 'ult', a: get(a), b: k(64, 9n) }, then: k(64, 1n), else: { kind: 'zext', width: 64, x: load } };
    const { s } = both(rf, [insn([{ kind: 'set', loc: a, value: pick }])], [4n]);
    assert.equal(s.regs[0], 1);
  });

  it('report a fault after writing back the instructions before it', () => {
    const mem = new ConcreteMemory({ littleEndian: true });
    const regs: Concrete[] = [0, 0, 0, 0, 0, 0, 0], exit: BlockExit = { n: 0, target: 0, trap: '' };
    const code = compileBlock([
      insn([{ kind: 'set', loc: reg(rf, 'a'), value: k(64, 1n) }]),
      insn([{ kind: 'set', loc: reg(rf, 'b'), value: { kind: 'load', width: 64, addr: k(64, 0x9000n) } }]),
    ], rf);
    assert.throws(() => code(regs, [0, 0], mem, exit), MemoryFault);
    assert.equal(exit.n, 2);
    assert.equal(regs[0], 1);
  });

  it('run a delay slot before a taken branch, and ignore the slot\'s own transfer', () => {
    const p = reg(narrow, 'p'), q = reg(narrow, 'q');
    const branch = insn([{ kind: 'jump', target: k(32, 0x4000n), guard: { kind: 'cmp', width: 1, op: 'eq', a: get(p), b: k(32, 1n) } }, { kind: 'set', loc: p, value: k(32, 5n) }], { delaySlot: true });
    const slot = insn([{ kind: 'set', loc: q, value: get(p) }, { kind: 'jump', target: k(32, 0x5000n) }], { address: 0x1004 });
    const exit: BlockExit = { n: 0, target: 0, trap: '' };
    const regs: Concrete[] = [1, 0, 0];
    assert.equal(compileBlock([branch, slot], narrow)(regs, [0], new ConcreteMemory({ littleEndian: true }), exit), Transfer.Jump);
    assert.deepEqual([exit.n, exit.target, regs[0], regs[1]], [2, 0x4000, 5, 5]);
    // Not taken: the slot runs as an ordinary instruction, its own jump included.
    regs.splice(0, 3, 2, 0, 0);
    assert.equal(compileBlock([branch, slot], narrow)(regs, [0], new ConcreteMemory({ littleEndian: true }), exit), Transfer.Jump);
    assert.deepEqual([exit.n, exit.target, regs[1]], [2, 0x5000, 5]);
  });
});
