/**
 * AArch64 control flow and system instructions: branches, calls (x30 := return address, then
 * `call`), returns, compare/test-and-branch, traps, system calls, system registers, hints.
 *
 * Decisions, for a single-threaded user-mode model:
 * - Barriers (dmb/dsb/isb/sb/ssbb…), clrex, prefetch-like hints, nop/yield/wfe/bti have no
 *   effect and lift to no statements (status `lifted`).
 * - Pointer authentication (paciasp/autiasp/pacia/autia/xpaclri…) is modelled as absent: the
 *   pointer is unchanged, so these lift to no statements.
 * - `svc` is an `svc` effect (the interpreter stops there); `hvc`/`smc` likewise.
 * - `mrs` of DCZID_EL0 reads 4 (64-byte DC ZVA blocks, as qemu and common cores report); other
 *   unknown system registers read as an opaque value, unknown `msr`/`sys` writes are effects.
 */
import {
  bnot, call, concat, constant, effect, eq, extract, jump, opaqueValue, ret, trap, zext,
} from '../../ir/build.js';
import type { Expr } from '../../ir/ir.js';
import type { A64 } from './context.js';
import { Unsupported } from './context.js';
import type { Semantics, SemanticsTable } from './integer.js';

function target(c: A64): Expr {
  if (c.insn.target === undefined) throw new Unsupported('branch without target');
  return constant(64, c.insn.target);
}

const branch: Semantics = (c) => c.stmts.push(jump(target(c), c.insn.cond ? c.cond() : undefined));
const returnAddress = (c: A64) => c.setReg('x30', constant(64, c.insn.address + c.insn.size));
const callDirect: Semantics = (c) => { returnAddress(c); c.stmts.push(call(target(c))); };
const callIndirect: Semantics = (c) => { returnAddress(c); c.stmts.push(call(c.reg(0))); };
const jumpIndirect: Semantics = (c) => c.stmts.push(jump(c.reg(0)));
const returnTo: Semantics = (c) => c.stmts.push(ret(c.ops.length > 0 && c.op(0).kind === 'reg' ? c.reg(0) : c.getReg('x30')));

/** cbz/cbnz Rt, label. */
const compareBranch = (zero: boolean): Semantics => (c) => {
  const v = c.reg(0), z = eq(v, constant(v.width, 0));
  c.stmts.push(jump(target(c), zero ? z : bnot(z)));
};
/** tbz/tbnz Rt, #bit, label. */
const testBranch = (zero: boolean): Semantics => (c) => {
  const b = extract(c.reg(0), c.imm(1), 1);
  c.stmts.push(jump(target(c), zero ? bnot(b) : b));
};

const stop: Semantics = (c) => c.stmts.push(trap(`${c.insn.mnemonic} #${c.ops[0]?.kind === 'imm' ? c.ops[0].value : 0}`));
const system = (name: string): Semantics => (c) => c.stmts.push(effect(name, [constant(16, c.ops[0]?.kind === 'imm' ? c.ops[0].value : 0)]));
const nothing: Semantics = () => {};

// System registers (Capstone's arm64_sysreg numbers: op0:op1:CRn:CRm:op2).
const SYSREG = { tpidr_el0: 0xde82, nzcv: 0xda10, fpcr: 0xda20, fpsr: 0xda21, dczid_el0: 0xd807 } as const;
const SLOT_SYSREGS: Readonly<Record<number, string>> = { [SYSREG.tpidr_el0]: 'tpidr_el0', [SYSREG.fpcr]: 'fpcr', [SYSREG.fpsr]: 'fpsr' };

function sysreg(c: A64, i: number): number {
  const o = c.op(i);
  if (o.kind !== 'other' || o.sysreg === undefined) throw new Unsupported('system register operand');
  return o.sysreg;
}

const mrs: Semantics = (c) => {
  const r = sysreg(c, 1);
  const slot = SLOT_SYSREGS[r];
  if (slot) return c.setOp(0, c.getReg(slot));
  if (r === SYSREG.nzcv) {
    const nzcv = concat(concat(c.flag('N'), c.flag('Z')), concat(c.flag('C'), c.flag('V')));
    return c.setOp(0, zext(concat(nzcv, constant(28, 0)), 64));
  }
  if (r === SYSREG.dczid_el0) return c.setOp(0, constant(64, 4));
  c.setOp(0, opaqueValue(`mrs.${r.toString(16)}`, 64));
};

const msr: Semantics = (c) => {
  const o = c.op(0);
  if (o.kind !== 'other' || o.sysreg === undefined || c.op(1).kind !== 'reg') {
    c.stmts.push(effect('msr', c.ops.flatMap((x) => (x.kind === 'imm' ? [constant(16, x.value)] : []))));
    return;
  }
  const r = o.sysreg, v = c.reg(1);
  const slot = SLOT_SYSREGS[r];
  if (slot) return c.setReg(slot, v);
  if (r === SYSREG.nzcv) return c.setFlags(extract(v, 31, 1), extract(v, 30, 1), extract(v, 29, 1), extract(v, 28, 1));
  c.stmts.push(effect(`msr.${r.toString(16)}`, [v]));
};

/** Hints and barriers with no effect on a single-threaded, PAC-less model. */
const NO_EFFECT = [
  'nop', 'yield', 'wfe', 'wfi', 'sev', 'sevl', 'hint', 'bti', 'csdb', 'esb', 'psb', 'tsb', 'dgh', 'clrex',
  'dmb', 'dsb', 'isb', 'sb', 'ssbb', 'pssbb',
  'paciasp', 'autiasp', 'pacibsp', 'autibsp', 'paciaz', 'autiaz', 'pacibz', 'autibz', 'pacia1716', 'autia1716', 'pacib1716', 'autib1716', 'xpaclri',
  'pacia', 'autia', 'pacib', 'autib', 'pacda', 'autda', 'pacdb', 'autdb', 'paciza', 'autiza', 'pacizb', 'autizb', 'pacdza', 'autdza', 'pacdzb', 'autdzb',
  'xpaci', 'xpacd',
];

export const CONTROL: SemanticsTable = {
  b: branch, bl: callDirect,
  blr: callIndirect, blraa: callIndirect, blraaz: callIndirect, blrab: callIndirect, blrabz: callIndirect,
  br: jumpIndirect, braa: jumpIndirect, braaz: jumpIndirect, brab: jumpIndirect, brabz: jumpIndirect,
  ret: returnTo, retaa: returnTo, retab: returnTo,
  cbz: compareBranch(true), cbnz: compareBranch(false), tbz: testBranch(true), tbnz: testBranch(false),
  brk: stop, udf: stop, hlt: stop,
  svc: system('svc'), hvc: system('hvc'), smc: system('smc'),
  mrs, msr, sys: (c) => c.stmts.push(effect('sys')),
  ...Object.fromEntries(NO_EFFECT.map((m) => [m, nothing])),
};
