/**
 * Dead flag elimination over a straight-line run of instructions: a flag written and then
 * written again before anything reads it need not be computed. x86 arithmetic writes six flags
 * and most are overwritten unread, so this is most of the work the interpreter can skip. The
 * flags are all live at the end of the run (the next block may read them). Pure IR → IR.
 */
import { assertNever } from '../util/errors.js';
import type { Expr, IrInsn, Stmt } from './ir.js';

function flagsRead(e: Expr, out: Set<number>): void {
  switch (e.kind) {
    case 'const': return;
    case 'get': if (e.loc.space === 'flag') out.add(e.loc.offset); return;
    case 'load': flagsRead(e.addr, out); return;
    case 'unop': case 'zext': case 'sext': case 'extract': flagsRead(e.x, out); return;
    case 'binop': case 'cmp': flagsRead(e.a, out); flagsRead(e.b, out); return;
    case 'concat': flagsRead(e.hi, out); flagsRead(e.lo, out); return;
    case 'ite': flagsRead(e.cond, out); flagsRead(e.then, out); flagsRead(e.else, out); return;
    case 'opaque': for (const a of e.args) flagsRead(a, out); return;
    default: assertNever(e);
  }
}

function stmtReads(s: Stmt, out: Set<number>): void {
  switch (s.kind) {
    case 'set': flagsRead(s.value, out); if (s.guard) { flagsRead(s.guard, out); if (s.loc.space === 'flag') out.add(s.loc.offset); } return;
    case 'store': flagsRead(s.addr, out); flagsRead(s.value, out); if (s.guard) flagsRead(s.guard, out); return;
    case 'jump': case 'call': case 'ret': flagsRead(s.target, out); if (s.guard) flagsRead(s.guard, out); return;
    case 'trap': if (s.guard) flagsRead(s.guard, out); return;
    case 'opaque': for (const a of s.args) flagsRead(a, out); return;
    default: assertNever(s);
  }
}

export function dropDeadFlags(insns: readonly IrInsn[]): IrInsn[] {
  const out: IrInsn[] = new Array(insns.length);
  // Flags known dead at the current point (overwritten before any read); all live at the end.
  let dead = new Set<number>();
  for (let i = insns.length - 1; i >= 0; i--) {
    const insn = insns[i]!;
    const keep = insn.stmts.filter((s) => !(s.kind === 'set' && s.loc.space === 'flag' && !s.guard && dead.has(s.loc.offset)));
    out[i] = keep.length === insn.stmts.length ? insn : { ...insn, stmts: keep };
    const reads = new Set<number>();
    for (const s of keep) stmtReads(s, reads);
    const before = new Set(dead);
    for (const s of insn.stmts) if (s.kind === 'set' && s.loc.space === 'flag' && !s.guard) before.add(s.loc.offset);
    for (const f of reads) before.delete(f);
    dead = before;
  }
  return out;
}
