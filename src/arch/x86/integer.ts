/**
 * Integer semantics of x86 and x86-64, each written once and bound to mnemonics by the tables
 * at the end, grouped by category (Remill's DEF_SEM/DEF_ISEL). Flags follow the Intel manual;
 * flags it leaves undefined follow qemu (AF = 0 after logic, shifts and multiplies; SF/ZF/PF of
 * a multiply from the low half) or stay unchanged (bt*, bsf/bsr, tzcnt/lzcnt, div).
 */
import type { Expr } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { Ctx } from './context.js';
import { Unsupported } from './context.js';

export type Sem = (c: Ctx) => void;
export type SemTable = Readonly<Record<string, Sem>>;

const { add, sub, and, or, xor, not, eq, ne, ult, ule, ite, msb, bit, zext, sext, extract, concat, constant, k } = B;

// ---------------------------------------------------------------- flags

/** PF: set when the low byte of the result has an even number of one bits. */
export const parity = (res: Expr): Expr => B.bnot(bit(B.unop('popcount', B.trunc(res, 8)), 0));

export function resultFlags(c: Ctx, res: Expr, guard?: Expr): void {
  c.setFlag('ZF', eq(res, k(res, 0)), guard);
  c.setFlag('SF', msb(res), guard);
  c.setFlag('PF', parity(res), guard);
}
const af = (a: Expr, b: Expr, res: Expr) => bit(xor(xor(a, b), res), 4);

/** Flags of res = a + b (+ carry-in). `cf` false: CF unchanged (inc). */
function addFlags(c: Ctx, a: Expr, b: Expr, res: Expr, cin?: Expr, cf = true): void {
  if (cf) c.setFlag('CF', cin ? ite(cin, ule(res, a), ult(res, a)) : ult(res, a));
  c.setFlag('OF', msb(and(xor(a, res), xor(b, res))));
  c.setFlag('AF', af(a, b, res));
  resultFlags(c, res);
}
/** Flags of res = a - b (- borrow-in), for sub, sbb, cmp, neg, dec, cmps, scas. */
export function subFlags(c: Ctx, a: Expr, b: Expr, res: Expr, bin?: Expr, cf = true, guard?: Expr): void {
  if (cf) c.setFlag('CF', bin ? ite(bin, ule(a, b), ult(a, b)) : ult(a, b), guard);
  c.setFlag('OF', msb(and(xor(a, b), xor(a, res))), guard);
  c.setFlag('AF', af(a, b, res), guard);
  resultFlags(c, res, guard);
}
export function logicFlags(c: Ctx, res: Expr): void {
  c.setFlag('CF', B.FALSE);
  c.setFlag('OF', B.FALSE);
  c.setFlag('AF', B.FALSE);
  resultFlags(c, res);
}

/** The condition of a cc suffix (jcc, setcc, cmovcc), from the flags. */
export function condition(c: Ctx, cc: string): Expr {
  const f = (n: Parameters<Ctx['flag']>[0]) => c.flag(n);
  const lt = () => xor(f('SF'), f('OF'));
  switch (cc) {
    case 'o': return f('OF');
    case 'no': return B.bnot(f('OF'));
    case 'b': case 'c': case 'nae': return f('CF');
    case 'ae': case 'nb': case 'nc': return B.bnot(f('CF'));
    case 'e': case 'z': return f('ZF');
    case 'ne': case 'nz': return B.bnot(f('ZF'));
    case 'be': case 'na': return or(f('CF'), f('ZF'));
    case 'a': case 'nbe': return B.bnot(or(f('CF'), f('ZF')));
    case 's': return f('SF');
    case 'ns': return B.bnot(f('SF'));
    case 'p': case 'pe': return f('PF');
    case 'np': case 'po': return B.bnot(f('PF'));
    case 'l': case 'nge': return lt();
    case 'ge': case 'nl': return B.bnot(lt());
    case 'le': case 'ng': return or(f('ZF'), lt());
    case 'g': case 'nle': return B.bnot(or(f('ZF'), lt()));
    default: throw new Unsupported(`condition ${cc}`);
  }
}
export const CONDITION_CODES = ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe', 's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle'];

/** Builds a value of `width` bits from 1-bit values at given positions and constant one bits. */
function packBits(width: number, bits: readonly (readonly [number, Expr])[], ones = 0): Expr {
  let v = constant(width, ones);
  for (const [pos, b] of bits) v = or(v, B.shl(zext(b, width), constant(width, pos)));
  return v;
}
const FLAG_BITS = [[0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF']] as const;

// ---------------------------------------------------------------- arithmetic and logic

type Binary = 'add' | 'adc' | 'sub' | 'sbb' | 'cmp' | 'and' | 'or' | 'xor' | 'test';
function binary(op: Binary): Sem {
  return (c) => {
    const w = c.width(0);
    const a = c.read(0, w), b = c.read(1, w);
    let res: Expr;
    switch (op) {
      case 'add': res = add(a, b); addFlags(c, a, b, res); break;
      case 'adc': { const cin = c.flag('CF'); res = add(add(a, b), zext(cin, w)); addFlags(c, a, b, res, cin); break; }
      case 'sub': case 'cmp': res = sub(a, b); subFlags(c, a, b, res); break;
      case 'sbb': { const bin = c.flag('CF'); res = sub(sub(a, b), zext(bin, w)); subFlags(c, a, b, res, bin); break; }
      case 'and': case 'test': res = and(a, b); logicFlags(c, res); break;
      case 'or': res = or(a, b); logicFlags(c, res); break;
      case 'xor': res = xor(a, b); logicFlags(c, res); break;
    }
    if (op !== 'cmp' && op !== 'test') c.write(0, res);
  };
}

function unary(op: 'inc' | 'dec' | 'neg' | 'not'): Sem {
  return (c) => {
    const a = c.read(0);
    const one = k(a, 1), zero = k(a, 0);
    switch (op) {
      case 'inc': { const r = add(a, one); addFlags(c, a, one, r, undefined, false); c.write(0, r); return; }
      case 'dec': { const r = sub(a, one); subFlags(c, a, one, r, undefined, false); c.write(0, r); return; }
      case 'neg': { const r = B.neg(a); subFlags(c, zero, a, r); c.write(0, r); return; }
      case 'not': c.write(0, not(a)); return;
    }
  };
}

/** adcx/adox: add with carry through CF or OF only. */
function addCarry(f: 'CF' | 'OF'): Sem {
  return (c) => {
    const w = c.width(0), a = c.read(0, w), b = c.read(1, w), cin = c.flag(f);
    const r = add(add(a, b), zext(cin, w));
    c.setFlag(f, ite(cin, ule(r, a), ult(r, a)));
    c.write(0, r);
  };
}

// ---------------------------------------------------------------- multiply and divide

function mul1(signed: boolean): Sem {
  return (c) => {
    const w = c.width(0), src = c.read(0, w), acc = c.get(c.acc(w));
    const ext = signed ? sext : zext;
    const p = B.mul(ext(acc, 2 * w), ext(src, 2 * w));
    const lo = B.trunc(p, w), hi = extract(p, w, w);
    const over = signed ? ne(p, sext(lo, 2 * w)) : ne(hi, k(hi, 0));
    if (w === 8) c.setReg('ax', p);
    else { c.setReg(c.acc(w), lo); c.setReg(c.data(w), hi); }
    c.setFlag('CF', over); c.setFlag('OF', over); c.setFlag('AF', B.FALSE);
    resultFlags(c, lo);
  };
}

/** imul with one, two or three operands. */
const imul: Sem = (c) => {
  if (c.count === 1) return mul1(true)(c);
  const w = c.width(0);
  const a = c.count === 3 ? c.read(1, w) : c.read(0, w), b = c.read(c.count === 3 ? 2 : 1, w);
  const p = B.mul(sext(a, 2 * w), sext(b, 2 * w)), lo = B.trunc(p, w);
  const over = ne(p, sext(lo, 2 * w));
  c.write(0, lo);
  c.setFlag('CF', over); c.setFlag('OF', over); c.setFlag('AF', B.FALSE);
  resultFlags(c, lo);
};

/** div/idiv: (rdx:rax) / src; a zero divisor or a quotient that does not fit traps (#DE). Flags unchanged. */
function div(signed: boolean): Sem {
  return (c) => {
    const w = c.width(0), src = c.read(0, w);
    const dividend = w === 8 ? c.get('ax') : concat(c.get(c.data(w)), c.get(c.acc(w)));
    const d = signed ? sext(src, 2 * w) : zext(src, 2 * w);
    const q = signed ? B.sdiv(dividend, d) : B.udiv(dividend, d);
    const r = signed ? B.srem(dividend, d) : B.urem(dividend, d);
    const ql = B.trunc(q, w), rl = B.trunc(r, w);
    const overflow = signed ? ne(q, sext(ql, 2 * w)) : ne(extract(q, w, w), constant(w, 0));
    c.emit(B.trap('divide error', or(eq(src, k(src, 0)), overflow)));
    if (w === 8) c.setReg('ax', concat(rl, ql));
    else { c.setReg(c.acc(w), ql); c.setReg(c.data(w), rl); }
  };
}

/** mulx: hi:lo = rdx * src, no flags (BMI2). */
const mulx: Sem = (c) => {
  const w = c.width(0);
  const p = B.mul(zext(c.get(c.data(w)), 2 * w), zext(c.read(2, w), 2 * w));
  const hi = c.regName(0), lo = c.regName(1);
  if (hi !== lo) c.setReg(lo, B.trunc(p, w));
  c.setReg(hi, extract(p, w, w));
};

// ---------------------------------------------------------------- shifts and rotates

/** The masked shift count (5 bits, 6 for 64-bit operands) as an 8-bit value. */
function shiftCount(c: Ctx, i: number, w: number): Expr {
  return and(c.read(i, 8), constant(8, w === 64 ? 0x3f : 0x1f));
}

type ShiftOp = 'shl' | 'shr' | 'sar' | 'rol' | 'ror' | 'rcl' | 'rcr';
function shift(op: ShiftOp): Sem {
  return (c) => {
    const w = c.width(0), a = c.read(0, w);
    const n8 = c.count > 1 ? shiftCount(c, 1, w) : constant(8, 1);
    const n = zext(n8, w), nz = ne(n8, constant(8, 0)), one = k(a, 1);
    let res: Expr, cf: Expr, of: Expr;
    switch (op) {
      case 'shl': { res = B.shl(a, n); cf = msb(B.shl(a, sub(n, one))); of = xor(msb(res), cf); break; }
      case 'shr': { res = B.lshr(a, n); const last = B.lshr(a, sub(n, one)); cf = bit(last, 0); of = msb(xor(last, res)); break; }
      case 'sar': { res = B.ashr(a, n); cf = bit(B.ashr(a, sub(n, one)), 0); of = B.FALSE; break; }
      case 'rol': case 'ror': {
        res = op === 'rol' ? B.rotl(a, n) : B.rotr(a, n);
        cf = op === 'rol' ? bit(res, 0) : msb(res);
        of = op === 'rol' ? xor(msb(res), cf) : xor(msb(res), bit(res, w - 2));
        c.write(0, res);
        c.setFlag('CF', cf, nz); c.setFlag('OF', of, nz);
        return;
      }
      case 'rcl': case 'rcr': {
        // Rotate the (w+1)-bit value CF:a; the IR's rotate takes the amount modulo w+1 (9, 17, 33, 65).
        const x = concat(c.flag('CF'), a), m = zext(n8, w + 1);
        const r = op === 'rcl' ? B.rotl(x, m) : B.rotr(x, m);
        res = B.trunc(r, w); cf = msb(r);
        of = op === 'rcl' ? xor(msb(res), cf) : xor(msb(res), bit(res, w - 2));
        const moves = w < 32 ? ne(B.urem(zext(n8, 16), constant(16, w + 1)), constant(16, 0)) : nz;
        c.write(0, res);
        c.setFlag('CF', cf, moves); c.setFlag('OF', of, moves);
        return;
      }
    }
    c.write(0, res);
    c.setFlag('CF', cf, nz); c.setFlag('OF', of, nz); c.setFlag('AF', B.FALSE, nz);
    resultFlags(c, res, nz);
  };
}

/** shld/shrd dst, src, count: shift dst, filling from src (through the 2w-bit concatenation). */
function shiftDouble(left: boolean): Sem {
  return (c) => {
    const w = c.width(0), a = c.read(0, w), s = c.read(1, w);
    const n8 = shiftCount(c, 2, w), nz = ne(n8, constant(8, 0));
    const n = zext(n8, 2 * w), one = constant(2 * w, 1);
    let res: Expr, cf: Expr, of: Expr;
    if (left) {
      const x = concat(a, s);
      res = extract(B.shl(x, n), w, w);
      cf = msb(B.shl(x, sub(n, one)));
      of = xor(msb(res), cf);
    } else {
      const x = concat(s, a);
      res = B.trunc(B.lshr(x, n), w);
      const last = B.trunc(B.lshr(x, sub(n, one)), w);
      cf = bit(last, 0);
      of = msb(xor(last, res));
    }
    c.write(0, res);
    c.setFlag('CF', cf, nz); c.setFlag('OF', of, nz); c.setFlag('AF', B.FALSE, nz);
    resultFlags(c, res, nz);
  };
}

/** BMI2 shifts without flags: sarx/shlx/shrx dst, src, count (count masked); rorx by immediate. */
function shiftNoFlags(op: 'ashr' | 'shl' | 'lshr' | 'rotr'): Sem {
  return (c) => {
    const w = c.width(0), a = c.read(1, w);
    const n = op === 'rotr' ? c.read(2, w) : and(c.read(2, w), constant(w, w - 1));
    c.write(0, B.binop(op, a, n));
  };
}

// ---------------------------------------------------------------- bit operations

function bitTest(op: 'bt' | 'bts' | 'btr' | 'btc'): Sem {
  return (c) => {
    const w = c.width(0);
    let a: Expr, idx: Expr, put: (v: Expr) => void;
    if (c.isMem(0) && !c.isImm(1)) {
      // A register bit offset reaches outside the operand: address + (offset >> log2 w) * (w/8).
      const off = c.read(1, w);
      const words = B.shl(B.ashr(off, constant(w, Math.log2(w))), constant(w, Math.log2(w / 8)));
      const ea = add(c.addr(c.mem(0)), w < c.word ? sext(words, c.word) : B.trunc(words, c.word));
      a = B.load(ea, w);
      idx = and(off, constant(w, w - 1));
      put = (v) => c.emit(B.store(ea, v));
    } else {
      a = c.read(0, w);
      idx = and(c.isImm(1) ? constant(w, c.immValue(1)) : c.read(1, w), constant(w, w - 1));
      put = (v) => c.write(0, v);
    }
    const m = B.shl(k(a, 1), idx);
    c.setFlag('CF', bit(B.lshr(a, idx), 0));
    if (op === 'bts') put(or(a, m));
    if (op === 'btr') put(and(a, not(m)));
    if (op === 'btc') put(xor(a, m));
  };
}

/** bsf/bsr: index of the lowest/highest set bit; a zero source sets ZF and leaves the destination. */
function bitScan(reverse: boolean): Sem {
  return (c) => {
    const w = c.width(0), s = c.read(1, w), z = eq(s, k(s, 0));
    const idx = reverse ? sub(k(s, w - 1), B.unop('clz', s)) : B.unop('ctz', s);
    c.write(0, ite(z, c.read(0, w), idx));
    c.setFlag('ZF', z);
  };
}

/** tzcnt/lzcnt (count, w for zero; CF = source zero, ZF = result zero) and popcnt. */
function bitCount(op: 'ctz' | 'clz' | 'popcount'): Sem {
  return (c) => {
    const w = c.width(0), s = c.read(1, w), r = B.unop(op, s), z = eq(s, k(s, 0));
    c.write(0, r);
    if (op === 'popcount') {
      for (const f of ['CF', 'OF', 'SF', 'AF', 'PF'] as const) c.setFlag(f, B.FALSE);
      c.setFlag('ZF', z);
    } else {
      c.setFlag('CF', z);
      c.setFlag('ZF', eq(r, k(r, 0)));
    }
  };
}

/** BMI1 andn/blsi/blsr/blsmsk/bzhi/bextr: SF, ZF from the result, OF = 0, CF as documented. */
function bmi(op: 'andn' | 'blsi' | 'blsr' | 'blsmsk' | 'bzhi' | 'bextr'): Sem {
  return (c) => {
    const w = c.width(0);
    let res: Expr, cf: Expr = B.FALSE;
    switch (op) {
      case 'andn': res = and(not(c.read(1, w)), c.read(2, w)); break;
      case 'blsi': { const s = c.read(1, w); res = and(s, B.neg(s)); cf = ne(s, k(s, 0)); break; }
      case 'blsr': { const s = c.read(1, w); res = and(s, sub(s, k(s, 1))); cf = eq(s, k(s, 0)); break; }
      case 'blsmsk': { const s = c.read(1, w); res = xor(s, sub(s, k(s, 1))); cf = eq(s, k(s, 0)); break; }
      case 'bzhi': {
        const s = c.read(1, w), n = zext(B.trunc(c.read(2, w), 8), w);
        const inRange = ult(n, constant(w, w));
        res = ite(inRange, and(s, sub(B.shl(k(s, 1), n), k(s, 1))), s);
        cf = B.bnot(inRange);
        break;
      }
      case 'bextr': {
        const s = c.read(1, w), ctl = c.read(2, w);
        const start = zext(B.trunc(ctl, 8), w), len = zext(extract(ctl, 8, 8), w);
        const shifted = B.lshr(s, start);
        res = ite(ult(len, constant(w, w)), and(shifted, sub(B.shl(k(s, 1), len), k(s, 1))), shifted);
        break;
      }
    }
    c.write(0, res);
    c.setFlag('ZF', eq(res, k(res, 0)));
    c.setFlag('SF', msb(res));
    c.setFlag('OF', B.FALSE);
    c.setFlag('CF', cf);
  };
}

const bswap: Sem = (c) => {
  const a = c.read(0);
  c.write(0, a.width === 16 ? k(a, 0) : B.unop('bswap', a));
};

// ---------------------------------------------------------------- data movement

const mov: Sem = (c) => {
  const w = c.width(0);
  if (c.isImm(1)) return c.write(0, c.read(1, w));
  const v = c.read(1);
  // Segment registers are 16 bits wide; moving one to a wider register zero-extends.
  c.write(0, v.width === w ? v : v.width < w ? zext(v, w) : B.trunc(v, w));
};
const movExtend = (signed: boolean): Sem => (c) => {
  const w = c.width(0), v = c.read(1);
  c.write(0, signed ? sext(v, w) : zext(v, w));
};
/** movbe: a load or store with the bytes reversed. */
const movbe: Sem = (c) => c.write(0, B.unop('bswap', c.read(1, c.width(0))));
const lea: Sem = (c) => {
  const w = c.width(0), a = c.effective(c.mem(1));
  c.write(0, a.width === w ? a : a.width > w ? B.trunc(a, w) : zext(a, w));
};
const xchg: Sem = (c) => {
  if (c.count === 0) return; // 66 90: iced's `xchg ax, ax` is the operand-less nopw
  const w = c.width(0), a = c.read(0, w), b = c.read(1, w);
  const o0 = c.op(0), o1 = c.op(1);
  if (o0.kind === 'reg' && o1.kind === 'reg' && o0.reg === o1.reg) return c.write(0, a);
  c.write(0, b);
  c.write(1, a);
};
const xadd: Sem = (c) => {
  const w = c.width(0), a = c.read(0, w), b = c.read(1, w), r = add(a, b);
  addFlags(c, a, b, r);
  const o0 = c.op(0), o1 = c.op(1);
  c.write(0, r);
  if (!(o0.kind === 'reg' && o1.kind === 'reg' && o0.reg === o1.reg)) c.write(1, a);
};
const cmpxchg: Sem = (c) => {
  const w = c.width(0), dst = c.read(0, w), src = c.read(1, w), acc = c.get(c.acc(w));
  const same = eq(acc, dst);
  subFlags(c, acc, dst, sub(acc, dst));
  if (c.isMem(0)) c.emit(B.store(c.addr(c.mem(0)), ite(same, src, dst)));
  else c.write(0, src, same);
  c.setReg(c.acc(w), dst, B.bnot(same));
};
/** cmpxchg8b/cmpxchg16b: compare edx:eax (rdx:rax) with memory, store ecx:ebx (rcx:rbx) if equal. */
const cmpxchgDouble: Sem = (c) => {
  const m = c.mem(0), w = (m.size ?? (c.word === 64 ? 16 : 8)) * 4;
  const r = (n: string) => c.get(w === 64 ? `r${n}` : `e${n}`);
  const a = c.addr(m), old = B.load(a, 2 * w);
  const same = eq(old, concat(r('dx'), r('ax')));
  c.emit(B.store(a, ite(same, concat(r('cx'), r('bx')), old)));
  c.setReg(w === 64 ? 'rax' : 'eax', B.trunc(old, w), B.bnot(same));
  c.setReg(w === 64 ? 'rdx' : 'edx', extract(old, w, w), B.bnot(same));
  c.setFlag('ZF', same);
};
const cmov = (cc: string): Sem => (c) => {
  const w = c.width(0);
  c.write(0, ite(condition(c, cc), c.read(1, w), c.read(0, w)));
};
const setcc = (cc: string): Sem => (c) => c.write(0, zext(condition(c, cc), 8));
const xlat: Sem = (c) => {
  const base = c.word === 64 ? 'rbx' : 'ebx';
  c.setReg('al', B.load(add(c.get(base), zext(c.get('al'), c.word)), 8));
};

// Sign extensions of the accumulator.
const extendAcc = (from: number, to: number): Sem => (c) => c.setReg(c.acc(to), sext(c.get(c.acc(from)), to));
const extendInto = (w: number): Sem => (c) => c.setReg(w === 16 ? 'dx' : c.data(w), B.ashr(c.get(c.acc(w)), constant(w, w - 1)));

// ---------------------------------------------------------------- stack

function pushValue(c: Ctx, v: Expr): void {
  const sp = c.get(c.m.sp), n = c.wordConst(v.width / 8);
  c.emit(B.store(sub(sp, n), v));
  c.setReg(c.m.sp, sub(sp, n));
}
const push: Sem = (c) => {
  let v: Expr;
  if (c.isImm(0)) v = c.read(0, c.word);
  else {
    v = c.read(0);
    if (v.width === 16 && c.isReg(0) && ['es', 'cs', 'ss', 'ds', 'fs', 'gs'].includes(c.regName(0))) v = zext(v, c.word);
  }
  pushValue(c, v);
};
const pop: Sem = (c) => {
  const w = c.width(0), sp = c.get(c.m.sp), v = B.load(sp, w);
  const o = c.op(0);
  if (o.kind === 'reg' && c.loc(o.reg).offset === c.loc(c.m.sp).offset) return c.write(0, v);
  // A memory destination addressed through the stack pointer uses its incremented value.
  if (o.kind === 'mem' && (o.base === c.m.sp || o.index === c.m.sp)) {
    if (o.index === c.m.sp) throw new Unsupported('pop through a scaled stack pointer');
    c.emit(B.store(c.addr(o, w / 8), v));
  } else c.write(0, v);
  c.setReg(c.m.sp, add(sp, c.wordConst(w / 8)));
};
const leave: Sem = (c) => {
  const bp = c.get(c.m.bp);
  c.setReg(c.m.sp, add(bp, c.wordConst(c.word / 8)));
  c.setReg(c.m.bp, B.load(bp, c.word));
};
const enter: Sem = (c) => {
  if (c.immValue(1) !== 0n) throw new Unsupported('enter with a nesting level');
  const sp = c.get(c.m.sp), W = c.wordConst(c.word / 8), frame = sub(sp, W);
  c.emit(B.store(frame, c.get(c.m.bp)));
  c.setReg(c.m.bp, frame);
  c.setReg(c.m.sp, sub(frame, c.wordConst(c.immValue(0))));
};
const pushf: Sem = (c) => {
  const bits = [...FLAG_BITS, [10, 'DF'], [11, 'OF']] as const;
  pushValue(c, packBits(c.word, bits.map(([p, f]) => [p, c.flag(f)] as const), 0x202));
};
const popf: Sem = (c) => {
  const sp = c.get(c.m.sp), v = B.load(sp, c.word);
  for (const [p, f] of [...FLAG_BITS, [10, 'DF'], [11, 'OF']] as const) c.setFlag(f, bit(v, p));
  c.setReg(c.m.sp, add(sp, c.wordConst(c.word / 8)));
};
const lahf: Sem = (c) => c.setReg('ah', packBits(8, FLAG_BITS.map(([p, f]) => [p, c.flag(f)] as const), 2));
const sahf: Sem = (c) => {
  const ah = c.get('ah');
  for (const [p, f] of FLAG_BITS) c.setFlag(f, bit(ah, p));
};

// ---------------------------------------------------------------- control flow

function target(c: Ctx): Expr {
  const o = c.op(0);
  if (o.kind === 'imm') return c.wordConst(c.insn.target ?? o.value);
  return c.read(0, c.word);
}
const jmp: Sem = (c) => c.emit(B.jump(target(c)));
const jcc = (cc: string): Sem => (c) => c.emit(B.jump(target(c), condition(c, cc)));
const call: Sem = (c) => {
  const t = target(c);
  pushValue(c, c.next());
  c.emit(B.call(t));
};
const ret: Sem = (c) => {
  const sp = c.get(c.m.sp);
  const pop = c.word / 8 + (c.count > 0 ? Number(c.immValue(0)) : 0);
  c.emit(B.ret(B.load(sp, c.word)));
  c.setReg(c.m.sp, add(sp, c.wordConst(pop)));
};
/** jcxz/jecxz/jrcxz: jump when the counter is zero. */
const jcxz = (w: number): Sem => (c) => c.emit(B.jump(target(c), eq(c.get(c.counter(w)), constant(w, 0))));
/** loop/loope/loopne: decrement the counter (no flags), jump while it is not zero (and ZF agrees). */
const loop = (z?: boolean): Sem => (c) => {
  const cx = c.counter(c.word), n = sub(c.get(cx), c.wordConst(1));
  c.setReg(cx, n);
  let g = ne(n, c.wordConst(0));
  if (z !== undefined) g = and(g, z ? c.flag('ZF') : B.bnot(c.flag('ZF')));
  c.emit(B.jump(target(c), g));
};

// ---------------------------------------------------------------- string instructions

/**
 * One iteration of a string instruction. With a rep prefix, an instruction whose counter is zero
 * does nothing; otherwise it does one iteration, decrements the counter and jumps back to itself
 * while the counter is not zero (and, for repe/repne, while ZF agrees).
 */
function string(op: 'movs' | 'stos' | 'lods' | 'cmps' | 'scas', size: number): Sem {
  return (c) => {
    const w = size * 8;
    const index = (suffix: string) => {
      for (const o of c.insn.operands) if (o.kind === 'mem' && o.base?.endsWith(suffix)) return o.base;
      return c.word === 64 ? `r${suffix}` : `e${suffix}`;
    };
    const di = index('di'), si = index('si');
    const aw = c.loc(di).width;
    const cx = c.counter(aw);
    const rep = c.prefixes.rep !== undefined;
    const active = rep ? ne(c.get(cx), constant(aw, 0)) : undefined;
    const step = ite(c.flag('DF'), constant(aw, -size), constant(aw, size));
    const at = (r: string) => zext(c.get(r), c.word);
    const advance = (r: string) => c.setReg(r, add(c.get(r), step), active);
    let zf: Expr | undefined;
    switch (op) {
      case 'movs': c.emit(B.store(at(di), B.load(at(si), w), active)); advance(si); advance(di); break;
      case 'stos': c.emit(B.store(at(di), c.get(c.acc(w)), active)); advance(di); break;
      case 'lods': c.setReg(c.acc(w), B.load(at(si), w), active); advance(si); break;
      case 'cmps': case 'scas': {
        const a = op === 'cmps' ? B.load(at(si), w) : c.get(c.acc(w)), b = B.load(at(di), w);
        const r = sub(a, b);
        subFlags(c, a, b, r, undefined, true, active);
        zf = eq(a, b);
        if (op === 'cmps') advance(si);
        advance(di);
        break;
      }
    }
    if (!rep || !active) return;
    const left = sub(c.get(cx), constant(aw, 1));
    c.setReg(cx, left, active);
    let again = and(active, ne(left, constant(aw, 0)));
    if (zf && c.prefixes.rep === 'repe') again = and(again, zf);
    if (zf && c.prefixes.rep === 'repne') again = and(again, B.bnot(zf));
    c.emit(B.jump(c.self(), again));
  };
}

// ---------------------------------------------------------------- flags and system

const flagOp = (f: 'CF' | 'DF', v: boolean | 'flip'): Sem => (c) => c.setFlag(f, v === 'flip' ? B.bnot(c.flag(f)) : B.bool(v));
const nothing: Sem = () => {};
const halt = (reason: string): Sem => (c) => c.emit(B.trap(reason));

/** An instruction that talks to the machine: an opaque effect, with each register it writes opaque. */
function system(name: string, reads: (c: Ctx) => string[], writes: (c: Ctx) => string[]): Sem {
  return (c) => {
    const args = reads(c).map((r) => c.get(r));
    c.emit(B.effect(name, args));
    for (const r of writes(c)) c.setReg(r, B.opaqueValue(`${name}.${r}`, c.loc(r).width, args));
    c.status = 'opaque';
  };
}
const w64 = (c: Ctx, q: string[], d: string[]) => (c.word === 64 ? q : d);
const syscall = system('syscall', (c) => w64(c, ['rax', 'rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'], ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp']), (c) => w64(c, ['rax', 'rcx', 'r11'], ['eax']));
const int80 = system('int80', () => ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'], () => ['eax']);
const interrupt: Sem = (c) => {
  if (c.immValue(0) === 0x80n) return int80(c);
  c.emit(B.trap(`int ${c.immValue(0)}`));
};
const rdrand = (name: string): Sem => (c) => {
  const w = c.width(0);
  c.emit(B.effect(name));
  c.write(0, B.opaqueValue(name, w));
  c.setFlag('CF', B.opaqueValue(`${name}.CF`, 1));
  for (const f of ['OF', 'SF', 'ZF', 'AF', 'PF'] as const) c.setFlag(f, B.FALSE);
  c.status = 'opaque';
};

// ---------------------------------------------------------------- tables

const each = <T extends string>(names: readonly T[], sem: (n: T) => Sem): Record<string, Sem> => Object.fromEntries(names.map((n) => [n, sem(n)]));

const ARITHMETIC: SemTable = {
  ...each(['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test'] as const, binary),
  ...each(['inc', 'dec', 'neg', 'not'] as const, unary),
  adcx: addCarry('CF'), adox: addCarry('OF'),
  mul: mul1(false), imul, div: div(false), idiv: div(true), mulx,
};
const SHIFTS: SemTable = {
  ...each(['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr'] as const, shift),
  sal: shift('shl'),
  shld: shiftDouble(true), shrd: shiftDouble(false),
  sarx: shiftNoFlags('ashr'), shlx: shiftNoFlags('shl'), shrx: shiftNoFlags('lshr'), rorx: shiftNoFlags('rotr'),
};
const BITS: SemTable = {
  ...each(['bt', 'bts', 'btr', 'btc'] as const, bitTest),
  bsf: bitScan(false), bsr: bitScan(true),
  tzcnt: bitCount('ctz'), lzcnt: bitCount('clz'), popcnt: bitCount('popcount'),
  ...each(['andn', 'blsi', 'blsr', 'blsmsk', 'bzhi', 'bextr'] as const, bmi),
  bswap,
};
const DATA_MOVEMENT: SemTable = {
  mov, movnti: mov, movzx: movExtend(false), movsx: movExtend(true), movsxd: movExtend(true), movbe, lea,
  xchg, xadd, cmpxchg, cmpxchg8b: cmpxchgDouble, cmpxchg16b: cmpxchgDouble, xlatb: xlat, xlat,
  cbw: extendAcc(8, 16), cwde: extendAcc(16, 32), cdqe: extendAcc(32, 64),
  cwd: extendInto(16), cdq: extendInto(32), cqo: extendInto(64),
  ...Object.fromEntries(CONDITION_CODES.flatMap((cc) => [[`cmov${cc}`, cmov(cc)], [`set${cc}`, setcc(cc)]])),
};
const STACK: SemTable = {
  push, pop, leave, enter,
  pushf: pushf, pushfd: pushf, pushfq: pushf, popf: popf, popfd: popf, popfq: popf, lahf, sahf,
};
const CONTROL: SemTable = {
  jmp, call, ret, ...Object.fromEntries(CONDITION_CODES.map((cc) => [`j${cc}`, jcc(cc)])),
  jcxz: jcxz(16), jecxz: jcxz(32), jrcxz: jcxz(64), loop: loop(), loope: loop(true), loopz: loop(true), loopne: loop(false), loopnz: loop(false),
};
const STRINGS: SemTable = Object.fromEntries((['movs', 'stos', 'lods', 'cmps', 'scas'] as const).flatMap((op) =>
  ([['b', 1], ['w', 2], ['d', 4], ['q', 8]] as const).map(([s, n]) => [`${op}${s}`, string(op, n)])));
const FLAGS_AND_SYSTEM: SemTable = {
  clc: flagOp('CF', false), stc: flagOp('CF', true), cmc: flagOp('CF', 'flip'), cld: flagOp('DF', false), std: flagOp('DF', true),
  nop: nothing, pause: nothing, endbr64: nothing, endbr32: nothing, lfence: nothing, mfence: nothing, sfence: nothing,
  prefetch: nothing, prefetchw: nothing, prefetchnta: nothing, prefetcht0: nothing, prefetcht1: nothing, prefetcht2: nothing, prefetchwt1: nothing,
  hlt: halt('hlt'), ud2: halt('ud2'), ud0: halt('ud0'), ud1: halt('ud1'), int3: halt('int3'), int1: halt('int1'), into: halt('into'),
  int: interrupt, syscall, sysenter: int80,
  cpuid: system('cpuid', (c) => ['eax', 'ecx'], () => ['eax', 'ebx', 'ecx', 'edx']),
  rdtsc: system('rdtsc', () => [], () => ['eax', 'edx']),
  rdtscp: system('rdtscp', () => [], () => ['eax', 'edx', 'ecx']),
  xgetbv: system('xgetbv', () => ['ecx'], () => ['eax', 'edx']),
  rdrand: rdrand('rdrand'), rdseed: rdrand('rdseed'),
};

/** Every integer instruction, by mnemonic (without prefixes). */
export const INTEGER: SemTable = { ...ARITHMETIC, ...SHIFTS, ...BITS, ...DATA_MOVEMENT, ...STACK, ...CONTROL, ...STRINGS, ...FLAGS_AND_SYSTEM };
