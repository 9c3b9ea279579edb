/**
 * The ARM (A32 and Thumb-2) lifter: a decoded instruction → one parallel-assignment group.
 *
 * - The mnemonic is reduced to its operation (`addseq.w` → `add`, sets flags, condition `eq`)
 *   and looked up in semantics.ts's tables; operands are the decoder's typed operands.
 * - Conditional execution (A32 cond field, Thumb IT blocks) guards every statement with the
 *   condition on NZCV (`guardAll`); `it` itself has no effect.
 * - pc reads fold to constants (address + 8 in A32, + 4 in Thumb; aligned down to 4 for literal
 *   addressing); writes to pc are transfers whose target carries the Thumb state in bit 0.
 * - FP/NEON arithmetic gives opaque values (status `opaque`); data movement between core and
 *   VFP registers and memory is exact. Unknown mnemonics and operand forms lift as
 *   `unsupported` (a single trap); `lift` never throws.
 */
import type { Expr, IrInsn, Stmt } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { RegisterFile } from '../../ir/registers.js';
import type { Instruction } from '../instruction.js';
import type { Lifter } from '../spec.js';
import { AAPCS } from './cc.js';
import { ArmContext } from './context.js';
import { armRegisterFile } from './registers.js';
import type { Semantics } from './semantics.js';
import { EXACT, FLAG_SETTING, VECTOR_FALLBACK } from './semantics.js';

/** The condition codes as predicates on the flags. */
export function condition(rf: RegisterFile, cc: string): Expr | undefined {
  const f = (n: string) => B.get(rf.flag(n));
  const N = f('n'), Z = f('z'), C = f('c'), V = f('v');
  const ge = B.eq(N, V);
  switch (cc) {
    case 'eq': return Z;
    case 'ne': return B.bnot(Z);
    case 'hs': case 'cs': return C;
    case 'lo': case 'cc': return B.bnot(C);
    case 'mi': return N;
    case 'pl': return B.bnot(N);
    case 'vs': return V;
    case 'vc': return B.bnot(V);
    case 'hi': return B.band(C, B.bnot(Z));
    case 'ls': return B.bor(B.bnot(C), Z);
    case 'ge': return ge;
    case 'lt': return B.ne(N, V);
    case 'gt': return B.band(B.bnot(Z), ge);
    case 'le': return B.bor(Z, B.ne(N, V));
    case 'al': return B.TRUE;
    default: return undefined;
  }
}

interface Resolved {
  readonly name: string;
  readonly setsFlags: boolean;
  readonly dataType: string;
  readonly sem: Semantics | undefined;
}

/** `addseq.w` → add (s, cond eq); `vmovne.f64` → vmov (f64); `bls` (cond ls) → b. */
export function resolveMnemonic(insn: Instruction): Resolved {
  const dot = insn.mnemonic.indexOf('.');
  let head = dot < 0 ? insn.mnemonic : insn.mnemonic.slice(0, dot);
  const rest = dot < 0 ? '' : insn.mnemonic.slice(dot + 1);
  const dataType = rest === 'w' || rest === 'n' ? '' : rest;
  if (insn.cond && head.endsWith(insn.cond) && head.length > insn.cond.length) {
    const stripped = head.slice(0, -insn.cond.length);
    if (EXACT[stripped] || FLAG_SETTING[stripped] || stripped.startsWith('v') || (stripped.endsWith('s') && FLAG_SETTING[stripped.slice(0, -1)])) head = stripped;
  }
  const exact = EXACT[head] ?? FLAG_SETTING[head];
  if (exact) return { name: head, setsFlags: false, dataType, sem: exact };
  if (head.endsWith('s') && FLAG_SETTING[head.slice(0, -1)]) return { name: head.slice(0, -1), setsFlags: true, dataType, sem: FLAG_SETTING[head.slice(0, -1)] };
  if (head.startsWith('v')) return { name: head, setsFlags: false, dataType, sem: VECTOR_FALLBACK };
  return { name: head, setsFlags: false, dataType, sem: undefined };
}

export function createArmLifter(): Lifter {
  const registers = armRegisterFile();
  return {
    registers,
    cc: AAPCS,
    lift(insn: Instruction): IrInsn {
      const base = { address: insn.address, size: insn.size, mnemonic: insn.mnemonic, ...(insn.thumb ? { thumb: true } : {}) };
      const r = resolveMnemonic(insn);
      const unsupported = (why: string): IrInsn => ({ ...base, status: 'unsupported', stmts: [B.trap(`unsupported: ${insn.mnemonic}${why ? ` (${why})` : ''}`)] });
      if (!r.sem) return unsupported('');
      const guard = insn.cond ? condition(registers, insn.cond) : undefined;
      if (insn.cond && !guard) return unsupported(`condition ${insn.cond}`);
      try {
        const c = new ArmContext(insn, registers, r.name, r.setsFlags, r.dataType);
        r.sem(c);
        const stmts: Stmt[] = guard ? B.guardAll(c.stmts, guard) : c.stmts;
        return { ...base, status: c.status, stmts };
      } catch (e) {
        return unsupported(e instanceof Error ? e.message : String(e));
      }
    },
  };
}
