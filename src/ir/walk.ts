/** Generic traversal of IR expressions and statements, so passes never repeat the per-kind walk. */
import { assertNever } from '../util/errors.js';
import type { Expr, LiftStatus, Stmt } from './ir.js';

/** The direct operands of an expression. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'const': case 'get': return [];
    case 'load': return [e.addr];
    case 'unop': case 'zext': case 'sext': case 'extract': return [e.x];
    case 'binop': case 'cmp': return [e.a, e.b];
    case 'concat': return [e.hi, e.lo];
    case 'ite': return [e.cond, e.then, e.else];
    case 'opaque': return e.args;
    default: return assertNever(e);
  }
}

/** Every expression a statement reads, its guard included. */
export function stmtExprs(s: Stmt): readonly Expr[] {
  switch (s.kind) {
    case 'set': return s.guard ? [s.value, s.guard] : [s.value];
    case 'store': return s.guard ? [s.addr, s.value, s.guard] : [s.addr, s.value];
    case 'jump': case 'call': case 'ret': return s.guard ? [s.target, s.guard] : [s.target];
    case 'trap': return s.guard ? [s.guard] : [];
    case 'opaque': return s.args;
    default: return assertNever(s);
  }
}

/** Whether `pred` holds for `e` or any expression inside it. */
export function someExpr(e: Expr, pred: (x: Expr) => boolean): boolean {
  return pred(e) || children(e).some((c) => someExpr(c, pred));
}

/** `opaque` when an instruction's statements contain an opaque effect or value, else `lifted`. */
export function statusOf(stmts: readonly Stmt[]): LiftStatus {
  const opaque = (x: Expr) => x.kind === 'opaque';
  return stmts.some((s) => s.kind === 'opaque' || stmtExprs(s).some((e) => someExpr(e, opaque))) ? 'opaque' : 'lifted';
}
