/**
 * Dead flag elimination over a straight-line run of instructions: a flag written and then
 * written again before anything reads it need not be computed. x86 arithmetic writes six flags
 * and most are overwritten unread, so this is most of the work the interpreter can skip. The
 * flags are all live at the end of the run (the next block may read them). Pure IR → IR.
 */
import type { Expr, IrInsn, Stmt } from './ir.js';
import { children, stmtExprs } from './walk.js';

function flagsRead(e: Expr, out: Set<number>): void {
  if (e.kind === 'get' && e.loc.space === 'flag') out.add(e.loc.offset);
  for (const c of children(e)) flagsRead(c, out);
}

function stmtReads(s: Stmt, out: Set<number>): void {
  for (const e of stmtExprs(s)) flagsRead(e, out);
  // A guarded flag write keeps the old value when the guard fails: it reads the flag.
  if (s.kind === 'set' && s.guard && s.loc.space === 'flag') out.add(s.loc.offset);
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
