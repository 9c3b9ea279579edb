/**
 * AArch64 integer semantics, grouped by category (arithmetic, logical, moves, shifts, bit
 * fields, bit manipulation, conditional select/compare, multiply/divide, address generation).
 * Each meaning is written once and bound to its mnemonics (Capstone's alias spellings
 * included: cmp, tst, mov, lsl #, ubfx, cset, cinc…) by the table at the end.
 */
import type { Expr } from '../../ir/ir.js';
import {
  add, and, ashr, concat, constant, eq, extract, ite, lshr, mul, neg, not, or, rotr, sdiv, sext, shl, sub, udiv, unop, xor, zext,
} from '../../ir/build.js';
import type { A64 } from './context.js';
import { addFlags, addWithCarry, subFlags, Unsupported } from './context.js';

export type Semantics = (c: A64) => void;
export type SemanticsTable = Readonly<Record<string, Semantics>>;

const zero = (w: number) => constant(w, 0);
const bswap = (x: Expr) => unop('bswap', x);

// Arithmetic ---------------------------------------------------------------------------------

/** add/sub/adds/subs Rd, Rn, <imm | shifted | extended register>; cmp/cmn when `dest` is false. */
function addSub(op: 'add' | 'sub', flags: boolean, dest = true): Semantics {
  return (c) => {
    const first = dest ? 1 : 0;
    const w = c.width(dest ? 0 : first);
    const a = c.src(first, w), b = c.src(first + 1, w);
    const r = op === 'add' ? add(a, b) : sub(a, b);
    if (dest) c.setOp(0, r);
    if (flags) c.setFlags(...(op === 'add' ? addFlags : subFlags)(a, b, r));
  };
}

/** neg/negs Rd, <shifted register>: 0 - operand. */
function negate(flags: boolean): Semantics {
  return (c) => {
    const w = c.width(0);
    const a = zero(w), b = c.src(1, w), r = sub(a, b);
    c.setOp(0, r);
    if (flags) c.setFlags(...subFlags(a, b, r));
  };
}

/** adc/adcs/sbc/sbcs (and ngc/ngcs with `negated`): a + b + C or a + ~b + C. */
function withCarry(op: 'add' | 'sub', flags: boolean, negated = false): Semantics {
  return (c) => {
    const w = c.width(0);
    const a = negated ? zero(w) : c.src(1, w);
    const b = c.src(negated ? 1 : 2, w);
    const { r, flags: f } = addWithCarry(a, op === 'add' ? b : not(b), c.flag('C'));
    c.setOp(0, r);
    if (flags) c.setFlags(...f);
  };
}

// Logical ------------------------------------------------------------------------------------

type Logic = (a: Expr, b: Expr) => Expr;
const LOGIC = {
  and: (a, b) => and(a, b), orr: (a, b) => or(a, b), eor: (a, b) => xor(a, b),
  bic: (a, b) => and(a, not(b)), orn: (a, b) => or(a, not(b)), eon: (a, b) => xor(a, not(b)),
} satisfies Record<string, Logic>;

function logical(f: Logic, flags: boolean, dest = true): Semantics {
  return (c) => {
    const first = dest ? 1 : 0;
    const w = c.width(dest ? 0 : first);
    const r = f(c.src(first, w), c.src(first + 1, w));
    if (dest) c.setOp(0, r);
    if (flags) c.setFlags(extract(r, w - 1, 1), eq(r, zero(w)), constant(1, 0), constant(1, 0));
  };
}

/** mvn Rd, <shifted register>. */
const mvn: Semantics = (c) => c.setOp(0, not(c.src(1, c.width(0))));

// Moves --------------------------------------------------------------------------------------

/** mov between general registers or of an immediate (movz/movn/orr aliases: Capstone gives the value). */
export const movGeneral: Semantics = (c) => c.setOp(0, c.src(1, c.width(0)));

function moveWide(kind: 'z' | 'n' | 'k'): Semantics {
  return (c) => {
    const w = c.width(0), o = c.immOp(1);
    const s = o.shift ? Number(o.shift.amount) : 0;
    const v = constant(w, BigInt(o.value) << BigInt(s));
    if (kind === 'z') c.setOp(0, v);
    else if (kind === 'n') c.setOp(0, not(v));
    else c.setOp(0, or(and(c.reg(0), constant(w, ~(0xffffn << BigInt(s)))), v));
  };
}

// Shifts -------------------------------------------------------------------------------------

type ShiftOp = (a: Expr, b: Expr) => Expr;
/** lsl/lsr/asr/ror by an immediate, or by a register taken modulo the width (lslv…). */
function shift(f: ShiftOp): Semantics {
  return (c) => {
    const w = c.width(0), a = c.reg(1), o = c.op(2);
    const amount = o.kind === 'imm' ? constant(w, o.value) : and(c.reg(2), constant(w, w - 1));
    c.setOp(0, f(a, amount));
  };
}

// Bit fields ---------------------------------------------------------------------------------

type Field = 'ubfx' | 'sbfx' | 'ubfiz' | 'sbfiz' | 'bfi' | 'bfxil' | 'bfc';

/** Replaces bits [lo, lo + part.width) of `d` with `part`. */
function insertBits(d: Expr, lo: number, part: Expr): Expr {
  const hi = lo + part.width;
  let r = part;
  if (lo > 0) r = concat(r, extract(d, 0, lo));
  if (hi < d.width) r = concat(extract(d, hi, d.width - hi), r);
  return r;
}

function bitfield(c: A64, kind: Field, lsb: number, width: number): void {
  const w = c.width(0);
  if (lsb < 0 || width < 1 || lsb + width > w) throw new Unsupported(`bit field ${lsb}+${width}`);
  const n = () => { const v = c.reg(1); return v.width > w ? extract(v, 0, w) : v; };
  switch (kind) {
    case 'ubfx': return c.setOp(0, zext(extract(n(), lsb, width), w));
    case 'sbfx': return c.setOp(0, sext(extract(n(), lsb, width), w));
    case 'ubfiz': return c.setOp(0, shl(zext(extract(n(), 0, width), w), constant(w, lsb)));
    case 'sbfiz': return c.setOp(0, shl(sext(extract(n(), 0, width), w), constant(w, lsb)));
    case 'bfi': return c.setOp(0, insertBits(c.reg(0), lsb, extract(n(), 0, width)));
    case 'bfxil': return c.setOp(0, insertBits(c.reg(0), 0, extract(n(), lsb, width)));
    case 'bfc': return c.setOp(0, insertBits(c.reg(0), lsb, zero(width)));
  }
}

/** ubfx Rd, Rn, #lsb, #width (and the other lsb/width aliases). */
const field = (kind: Field): Semantics => (c) => (kind === 'bfc' ? bitfield(c, kind, c.imm(1), c.imm(2)) : bitfield(c, kind, c.imm(2), c.imm(3)));

/** The raw forms: ubfm/sbfm/bfm Rd, Rn, #immr, #imms. */
function bitfieldMove(extractKind: Field, insertKind: Field): Semantics {
  return (c) => {
    const w = c.width(0), immr = c.imm(2), imms = c.imm(3);
    if (imms >= immr) bitfield(c, extractKind, immr, imms - immr + 1);
    else bitfield(c, insertKind, w - immr, imms + 1);
  };
}

/** uxtb/uxth/sxtb/sxth/sxtw Rd, Rn: the low `bits` of Rn, extended to Rd's width. */
function extendReg(bits: number, signed: boolean): Semantics {
  return (c) => {
    const w = c.width(0), part = extract(c.reg(1), 0, bits);
    c.setOp(0, signed ? sext(part, w) : zext(part, w));
  };
}

/** extr Rd, Rn, Rm, #lsb: bits [lsb, lsb + width) of Rn:Rm. */
const extr: Semantics = (c) => {
  const w = c.width(0);
  c.setOp(0, extract(concat(c.reg(1), c.reg(2)), c.imm(3), w));
};

// Bit manipulation ---------------------------------------------------------------------------

/** Reverses the bytes inside every `chunk`-bit piece. */
export function revChunks(x: Expr, chunk: number): Expr {
  if (chunk === x.width) return bswap(x);
  let r: Expr | undefined;
  for (let lo = 0; lo < x.width; lo += chunk) {
    const piece = bswap(extract(x, lo, chunk));
    r = r ? concat(piece, r) : piece;
  }
  return r!;
}

/** Bit reversal: reverse the bits inside each byte (three mask-and-swap steps), then the bytes. */
export function reverseBits(x: Expr): Expr {
  const w = x.width;
  const rep = (byte: bigint) => { let m = 0n; for (let i = 0; i < w / 8; i++) m = (m << 8n) | byte; return constant(w, m); };
  let v = x;
  for (const [s, m] of [[1, 0x55n], [2, 0x33n], [4, 0x0fn]] as const) {
    const k = constant(w, s), mask = rep(m);
    v = or(and(lshr(v, k), mask), shl(and(v, mask), k));
  }
  return w === 8 ? v : bswap(v);
}

const unary = (f: (x: Expr) => Expr): Semantics => (c) => c.setOp(0, f(c.reg(1)));
const cls = (x: Expr) => sub(unop('clz', xor(x, ashr(x, constant(x.width, 1)))), constant(x.width, 1));

// Conditional select and compare -------------------------------------------------------------

type Else = (m: Expr) => Expr;
/** csel/csinc/csinv/csneg Rd, Rn, Rm, cond: cond ? Rn : f(Rm). */
const select = (f: Else): Semantics => (c) => c.setOp(0, ite(c.cond(), c.reg(1), f(c.reg(2))));
/** cinc/cinv/cneg Rd, Rn, cond: cond ? f(Rn) : Rn. */
const condUnary = (f: Else): Semantics => (c) => { const n = c.reg(1); c.setOp(0, ite(c.cond(), f(n), n)); };
/** cset/csetm Rd, cond. */
const condSet = (all: boolean): Semantics => (c) => { const w = c.width(0); c.setOp(0, ite(c.cond(), constant(w, all ? -1 : 1), zero(w))); };

/** ccmp/ccmn Rn, <Rm | #imm5>, #nzcv, cond: flags of the comparison if cond holds, else nzcv. */
function condCompare(op: 'add' | 'sub'): Semantics {
  return (c) => {
    const w = c.width(0), a = c.src(0, w), b = c.src(1, w), nzcv = c.imm(2), cond = c.cond();
    const flags = op === 'add' ? addFlags(a, b, add(a, b)) : subFlags(a, b, sub(a, b));
    const bit = (i: number) => constant(1, (nzcv >> i) & 1);
    c.setFlags(ite(cond, flags[0], bit(3)), ite(cond, flags[1], bit(2)), ite(cond, flags[2], bit(1)), ite(cond, flags[3], bit(0)));
  };
}

// Multiply and divide ------------------------------------------------------------------------

/** madd/msub/mul/mneg Rd, Rn, Rm[, Ra]. */
function multiply(kind: 'madd' | 'msub' | 'mul' | 'mneg'): Semantics {
  return (c) => {
    const p = mul(c.reg(1), c.reg(2));
    c.setOp(0, kind === 'mul' ? p : kind === 'mneg' ? neg(p) : kind === 'madd' ? add(c.reg(3), p) : sub(c.reg(3), p));
  };
}

/** smull/umull/smaddl/umaddl/smsubl/umsubl/smnegl/umnegl Xd, Wn, Wm[, Xa]: 32×32→64. */
function multiplyLong(signed: boolean, kind: 'madd' | 'msub' | 'mul' | 'mneg'): Semantics {
  return (c) => {
    const x = (v: Expr) => (signed ? sext(v, 64) : zext(v, 64));
    const p = mul(x(c.reg(1)), x(c.reg(2)));
    c.setOp(0, kind === 'mul' ? p : kind === 'mneg' ? neg(p) : kind === 'madd' ? add(c.reg(3), p) : sub(c.reg(3), p));
  };
}

/** smulh/umulh Xd, Xn, Xm: the high 64 bits of the 128-bit product. */
function multiplyHigh(signed: boolean): Semantics {
  return (c) => {
    const x = (v: Expr) => (signed ? sext(v, 128) : zext(v, 128));
    c.setOp(0, extract(mul(x(c.reg(1)), x(c.reg(2))), 64, 64));
  };
}

const divide = (f: (a: Expr, b: Expr) => Expr): Semantics => (c) => c.setOp(0, f(c.reg(1), c.reg(2)));

// Address generation ---------------------------------------------------------------------------

/** adr/adrp: Capstone resolves the label (adrp: its 4 KiB page) to an address. */
const addressOf: Semantics = (c) => c.setOp(0, constant(64, c.imm(1)));

export const INTEGER: SemanticsTable = {
  add: addSub('add', false), adds: addSub('add', true), sub: addSub('sub', false), subs: addSub('sub', true),
  cmn: addSub('add', true, false), cmp: addSub('sub', true, false),
  neg: negate(false), negs: negate(true),
  adc: withCarry('add', false), adcs: withCarry('add', true), sbc: withCarry('sub', false), sbcs: withCarry('sub', true),
  ngc: withCarry('sub', false, true), ngcs: withCarry('sub', true, true),

  and: logical(LOGIC.and, false), orr: logical(LOGIC.orr, false), eor: logical(LOGIC.eor, false),
  bic: logical(LOGIC.bic, false), orn: logical(LOGIC.orn, false), eon: logical(LOGIC.eon, false),
  ands: logical(LOGIC.and, true), bics: logical(LOGIC.bic, true), tst: logical(LOGIC.and, true, false),
  mvn,

  movz: moveWide('z'), movn: moveWide('n'), movk: moveWide('k'),

  lsl: shift(shl), lsr: shift(lshr), asr: shift(ashr), ror: shift(rotr),
  lslv: shift(shl), lsrv: shift(lshr), asrv: shift(ashr), rorv: shift(rotr),

  ubfx: field('ubfx'), sbfx: field('sbfx'), ubfiz: field('ubfiz'), sbfiz: field('sbfiz'),
  bfi: field('bfi'), bfxil: field('bfxil'), bfc: field('bfc'),
  ubfm: bitfieldMove('ubfx', 'ubfiz'), sbfm: bitfieldMove('sbfx', 'sbfiz'), bfm: bitfieldMove('bfxil', 'bfi'),
  uxtb: extendReg(8, false), uxth: extendReg(16, false), sxtb: extendReg(8, true), sxth: extendReg(16, true), sxtw: extendReg(32, true),
  extr,

  clz: unary((x) => unop('clz', x)), cls: unary(cls), rbit: unary(reverseBits),
  rev: unary(bswap), rev64: unary(bswap), rev16: unary((x) => revChunks(x, 16)), rev32: unary((x) => revChunks(x, 32)),
  cnt: unary((x) => unop('popcount', x)), ctz: unary((x) => unop('ctz', x)),

  csel: select((m) => m), csinc: select((m) => add(m, constant(m.width, 1))), csinv: select(not), csneg: select(neg),
  cinc: condUnary((n) => add(n, constant(n.width, 1))), cinv: condUnary(not), cneg: condUnary(neg),
  cset: condSet(false), csetm: condSet(true),
  ccmp: condCompare('sub'), ccmn: condCompare('add'),

  mul: multiply('mul'), madd: multiply('madd'), msub: multiply('msub'), mneg: multiply('mneg'),
  smull: multiplyLong(true, 'mul'), umull: multiplyLong(false, 'mul'), smaddl: multiplyLong(true, 'madd'), umaddl: multiplyLong(false, 'madd'),
  smsubl: multiplyLong(true, 'msub'), umsubl: multiplyLong(false, 'msub'), smnegl: multiplyLong(true, 'mneg'), umnegl: multiplyLong(false, 'mneg'),
  smulh: multiplyHigh(true), umulh: multiplyHigh(false),
  sdiv: divide(sdiv), udiv: divide(udiv),

  adr: addressOf, adrp: addressOf,
};
