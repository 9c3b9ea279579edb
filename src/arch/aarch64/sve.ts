/**
 * SVE/SME: the scalable vector length is not fixed by the architecture, and z/p registers are
 * not in the register file, so SVE instructions are lifted opaquely (status `opaque`):
 * - a general-register destination (cntb, incd, addvl, lastb…) gets an opaque value of the
 *   general registers read;
 * - everything else (z/p writes, SVE loads and stores) is an `sve.<mnemonic>` effect whose
 *   arguments are the general registers read and the memory address;
 * - flag-setting forms (while*, ptest, predicate compares, `…s` predicate ops) set NZCV opaque.
 */
import type { Expr } from '../../ir/ir.js';
import { effect, extract, opaqueValue } from '../../ir/build.js';
import type { A64 } from './context.js';
import type { Semantics } from './integer.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const SCALABLE = new Set([...range(32).map((i) => `z${i}`), ...range(16).map((i) => `p${i}`), 'za', 'ffr']);
const PREDICATES = new Set(range(16).map((i) => `p${i}`));

/** Whether an instruction names scalable (SVE/SME) state. */
export function isScalable(c: A64): boolean {
  return VECTOR_LENGTH.test(c.insn.mnemonic) || c.ops.some((o) => o.kind === 'reg' && SCALABLE.has(o.reg));
}

/** Scalar instructions that read the vector length. */
const VECTOR_LENGTH = /^(cnt[bhwd]|(sq|uq)?(inc|dec)[bhwd]|addvl|addpl|rdvl|addsvl|addspl|rdsvl)$/;

const SETS_FLAGS = /^(while|ptest|cmp(eq|ne|hs|hi|ge|gt|le|lt|lo|ls)$|brk[ab]s$|brkpas$|brkpbs$|pfirst|pnext|ptrues$)/;
const ACCUMULATES = /^(inc|dec|sqinc|sqdec|uqinc|uqdec)[bhwdp]$/;

export const scalable: Semantics = (c) => {
  const m = c.insn.mnemonic;
  const first = c.ops[0];
  const generalDest = first?.kind === 'reg' && c.isGeneral(first.reg);
  const args: Expr[] = [];
  c.ops.forEach((o, i) => {
    if (o.kind === 'reg' && c.isGeneral(o.reg) && (i > 0 || !generalDest || ACCUMULATES.test(m))) args.push(c.reg(i));
    if (o.kind === 'mem') args.push(c.address(i));
  });
  if (generalDest) {
    c.setOp(0, opaqueValue(`sve.${m}`, c.width(0), args));
    return;
  }
  c.stmts.push(effect(`sve.${m}`, args));
  if (SETS_FLAGS.test(m) || (m.endsWith('s') && first?.kind === 'reg' && PREDICATES.has(first.reg))) {
    const f = opaqueValue(`sve.${m}.nzcv`, 4, args);
    c.setFlags(extract(f, 3, 1), extract(f, 2, 1), extract(f, 1, 1), extract(f, 0, 1));
  }
};
