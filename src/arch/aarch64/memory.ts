/**
 * AArch64 memory semantics: single and pair loads/stores of every width and signedness
 * (general and FP/SIMD registers, literal, unscaled, register-offset, pre/post-index),
 * acquire/release and exclusive forms (a store-exclusive always succeeds: status 0), LSE
 * atomics (cas*, ld<op>*, st<op>*, swp*), SIMD structure loads/stores, prefetch and cache
 * maintenance, and the MTE tag instructions (tags are opaque; data effects are exact).
 */
import type { Expr } from '../../ir/ir.js';
import {
  add, and, concat, constant, effect, eq, extract, ite, load, not, opaqueValue, or, set, sext, sgt, shl, slt, store, ugt, ult, xor, zext,
} from '../../ir/build.js';
import type { A64 } from './context.js';
import { ARRANGEMENT, Unsupported } from './context.js';
import type { Semantics, SemanticsTable } from './integer.js';

/** Access size in bits: fixed by the mnemonic, or the register's width. */
type Size = 8 | 16 | 32 | 'reg';

const bitsOf = (c: A64, size: Size, i: number) => (size === 'reg' ? c.width(i) : size);

/** ldr/ldur/ldar/ldxr… Rt, <address>: load, then zero- or sign-extend into Rt. */
function loadOne(size: Size, signed: boolean): Semantics {
  return (c) => {
    const w = c.width(0), bits = bitsOf(c, size, 0);
    const v = load(c.address(1), bits);
    c.setOp(0, signed ? sext(v, w) : zext(v, w));
  };
}

/** str/stur/stlr… Rt, <address>. */
function storeOne(size: Size): Semantics {
  return (c) => {
    const bits = bitsOf(c, size, 0);
    c.stmts.push(store(c.address(1), extract(c.reg(0), 0, bits)));
  };
}

/** stxr/stlxr Ws, Rt, <address>: the store always succeeds (Ws := 0). */
function storeExclusive(size: Size): Semantics {
  return (c) => {
    const bits = bitsOf(c, size, 1);
    c.stmts.push(store(c.address(2), extract(c.reg(1), 0, bits)));
    c.setOp(0, constant(32, 0));
  };
}

/** ldp/ldnp/ldxp/ldpsw Rt1, Rt2, <address>. */
function loadPair(signed32 = false): Semantics {
  return (c) => {
    const w = c.width(0), bits = signed32 ? 32 : w;
    const at = c.address(2);
    const ext = (v: Expr) => (signed32 ? sext(v, w) : v);
    c.setOp(0, ext(load(at, bits)));
    c.setOp(1, ext(load(add(at, constant(64, bits / 8)), bits)));
  };
}

/** stp/stnp Rt1, Rt2, <address>; stxp/stlxp Ws, Rt1, Rt2, <address> with `status`. */
function storePair(status = false): Semantics {
  return (c) => {
    const first = status ? 1 : 0;
    const bits = c.width(first);
    const at = c.address(first + 2);
    c.stmts.push(store(at, c.reg(first)), store(add(at, constant(64, bits / 8)), c.reg(first + 1)));
    if (status) c.setOp(0, constant(32, 0));
  };
}

// LSE atomics ----------------------------------------------------------------------------------

type Combine = (old: Expr, s: Expr) => Expr;
const ATOMIC_OPS: Readonly<Record<string, Combine>> = {
  add: (o, s) => add(o, s), clr: (o, s) => and(o, not(s)), eor: (o, s) => xor(o, s), set: (o, s) => or(o, s),
  smax: (o, s) => ite(sgt(o, s), o, s), smin: (o, s) => ite(slt(o, s), o, s),
  umax: (o, s) => ite(ugt(o, s), o, s), umin: (o, s) => ite(ult(o, s), o, s),
};

/** ld<op> Rs, Rt, [Xn]: [Xn] := op([Xn], Rs), Rt := old; st<op> Rs, [Xn] discards the old value; swp stores Rs. */
function atomic(f: Combine, size: Size, returnsOld: boolean): Semantics {
  return (c) => {
    const bits = bitsOf(c, size, 0);
    const at = c.address(returnsOld ? 2 : 1);
    const old = load(at, bits);
    c.stmts.push(store(at, f(old, extract(c.reg(0), 0, bits))));
    if (returnsOld) c.setOp(1, zext(old, c.width(1)));
  };
}

/** cas Rs, Rt, [Xn]: if [Xn] = Rs then [Xn] := Rt; Rs := old. */
function compareAndSwap(size: Size): Semantics {
  return (c) => {
    const bits = bitsOf(c, size, 0);
    const at = c.address(2);
    const old = load(at, bits);
    c.stmts.push(store(at, extract(c.reg(1), 0, bits), eq(old, extract(c.reg(0), 0, bits))));
    c.setOp(0, zext(old, c.width(0)));
  };
}

/** casp Rs, Rs+1, Rt, Rt+1, [Xn]: the pair compare-and-swap (first register at the lower address). */
const compareAndSwapPair: Semantics = (c) => {
  const w = c.width(0);
  const at = c.address(4);
  const old = load(at, 2 * w);
  c.stmts.push(store(at, concat(c.reg(3), c.reg(2)), eq(old, concat(c.reg(1), c.reg(0)))));
  c.setOp(0, extract(old, 0, w));
  c.setOp(1, extract(old, w, w));
};

// SIMD structures -----------------------------------------------------------------------------

/** The register operands before the memory operand (the `{v0.16b, v1.16b}` list). */
function structRegs(c: A64): number[] {
  const m = c.memIndex();
  return Array.from({ length: m }, (_, i) => i);
}

/**
 * ld1..ld4 / st1..st4 (multiple structures, single lane, ld1r..ld4r replicate). Element e of
 * register j sits at byte ((e * n) + j) * esize / 8 for ldN (n > 1), at j * regBytes + e *
 * esize / 8 for ld1 with several registers.
 */
function structure(n: number, kind: 'load' | 'store' | 'replicate'): Semantics {
  return (c) => {
    const regs = structRegs(c);
    const at = c.address(regs.length);
    const arr = ARRANGEMENT[c.regOp(regs[0]!).arrangement ?? ''];
    if (!arr) throw new Unsupported('structure arrangement');
    const { esize } = arr;
    const laneIdx = c.lane(regs[0]!);
    const elemAt = (k: number) => add(at, constant(64, (k * esize) / 8));
    if (laneIdx !== undefined) {
      // single structure to/from one lane of each register
      regs.forEach((r, j) => {
        const loc = c.laneLoc(c.regOp(r).reg, laneIdx, esize);
        if (kind === 'store') c.stmts.push(store(elemAt(j), c.reg(r)));
        else c.stmts.push(set(loc, load(elemAt(j), esize)));
      });
      return;
    }
    if (kind === 'replicate') {
      regs.forEach((r, j) => {
        const v = load(elemAt(j), esize);
        c.setOp(r, replicate(v, c.width(r) / esize));
      });
      return;
    }
    const count = c.width(regs[0]!) / esize;
    if (n === 1) {
      let off = 0;
      for (const r of regs) {
        const bits = c.width(r), p = add(at, constant(64, off / 8));
        if (kind === 'store') c.stmts.push(store(p, c.reg(r)));
        else c.setOp(r, load(p, bits));
        off += bits;
      }
      return;
    }
    regs.forEach((r, j) => {
      if (kind === 'store') {
        const v = c.reg(r);
        for (let e = 0; e < count; e++) c.stmts.push(store(elemAt(e * n + j), extract(v, e * esize, esize)));
        return;
      }
      let v: Expr | undefined;
      for (let e = 0; e < count; e++) { const x = load(elemAt(e * n + j), esize); v = v ? concat(x, v) : x; }
      c.setOp(r, v!);
    });
  };
}

export function replicate(v: Expr, count: number): Expr {
  let r = v;
  for (let i = 1; i < count; i++) r = concat(v, r);
  return r;
}

// System: prefetch, cache maintenance, MTE ------------------------------------------------------

const nothing: Semantics = () => {};

/** DC ZVA (Capstone's dc operation 206) zeroes a 64-byte block, the size DCZID_EL0 reports (4). */
const DC_ZVA = 206;
export const ZVA_BYTES = 64;
const dataCache: Semantics = (c) => {
  const o = c.op(0);
  if (o.kind !== 'other' || o.sysreg !== DC_ZVA) return; // clean/invalidate: no architectural data effect
  const base = and(c.reg(1), constant(64, ~BigInt(ZVA_BYTES - 1)));
  for (let k = 0; k < ZVA_BYTES; k += 16) c.stmts.push(store(add(base, constant(64, k)), constant(128, 0)));
};

/** Allocation tags are not modelled: a tag read is opaque, a tag write an effect. */
const TAG_LO = 56;
const loadTag: Semantics = (c) => {
  const at = c.address(1);
  const t = c.reg(0);
  c.setOp(0, concat(concat(extract(t, 60, 4), opaqueValue('ldg.tag', 4, [at])), extract(t, 0, TAG_LO)));
};
function storeTag(granules: number, zero: boolean, pairData = false): Semantics {
  return (c) => {
    const at = c.address(pairData ? 2 : 1);
    c.stmts.push(effect('mte.settag', [at, constant(8, granules)]));
    if (pairData) c.stmts.push(store(at, c.reg(0)), store(add(at, constant(64, 8)), c.reg(1)));
    if (zero) for (let k = 0; k < granules; k++) c.stmts.push(store(add(at, constant(64, 16 * k)), constant(128, 0)));
  };
}
const randomTag: Semantics = (c) => c.setOp(0, opaqueValue('irg', 64, c.ops.length > 2 ? [c.reg(1), c.reg(2)] : [c.reg(1)]));
const tagMask: Semantics = (c) => c.setOp(0, or(c.reg(2), shl(constant(64, 1), zext(extract(c.reg(1), TAG_LO, 4), 64))));
const tagArith: Semantics = (c) => c.setOp(0, opaqueValue(c.insn.mnemonic, 64, [c.reg(1), constant(64, c.imm(2)), constant(64, c.imm(3))]));

// The table ---------------------------------------------------------------------------------------

function table(): Record<string, Semantics> {
  const t: Record<string, Semantics> = {};
  const SIZES = { '': 'reg', b: 8, h: 16 } as const;
  const SIGNED = { sb: 8, sh: 16, sw: 32 } as const;
  for (const stem of ['ldr', 'ldur', 'ldtr', 'ldar', 'ldapr', 'ldapur', 'ldxr', 'ldaxr', 'ldlar']) {
    for (const [sfx, size] of Object.entries(SIZES)) t[stem + sfx] = loadOne(size, false);
    for (const [sfx, size] of Object.entries(SIGNED)) t[stem + sfx] = loadOne(size, true);
  }
  for (const stem of ['str', 'stur', 'sttr', 'stlr', 'stlur', 'stllr']) for (const [sfx, size] of Object.entries(SIZES)) t[stem + sfx] = storeOne(size);
  for (const stem of ['stxr', 'stlxr']) for (const [sfx, size] of Object.entries(SIZES)) t[stem + sfx] = storeExclusive(size);
  for (const m of ['ldp', 'ldnp', 'ldxp', 'ldaxp']) t[m] = loadPair();
  t.ldpsw = loadPair(true);
  for (const m of ['stp', 'stnp']) t[m] = storePair();
  for (const m of ['stxp', 'stlxp']) t[m] = storePair(true);
  for (const order of ['', 'a', 'l', 'al']) {
    for (const [sfx, size] of Object.entries(SIZES)) {
      for (const [name, f] of Object.entries(ATOMIC_OPS)) {
        t[`ld${name}${order}${sfx}`] = atomic(f, size, true);
        if (order === '' || order === 'l') t[`st${name}${order}${sfx}`] = atomic(f, size, false);
      }
      t[`swp${order}${sfx}`] = atomic((_o, s) => s, size, true);
      t[`cas${order}${sfx}`] = compareAndSwap(size);
    }
    t[`casp${order}`] = compareAndSwapPair;
  }
  for (const n of [1, 2, 3, 4]) {
    t[`ld${n}`] = structure(n, 'load');
    t[`st${n}`] = structure(n, 'store');
    t[`ld${n}r`] = structure(n, 'replicate');
  }
  Object.assign(t, {
    prfm: nothing, prfum: nothing, dc: dataCache, ic: nothing,
    ldg: loadTag, stg: storeTag(1, false), st2g: storeTag(2, false), stzg: storeTag(1, true), stz2g: storeTag(2, true), stgp: storeTag(1, false, true),
    irg: randomTag, gmi: tagMask, addg: tagArith, subg: tagArith,
  });
  return t;
}

export const MEMORY: SemanticsTable = table();
