/** Text form of the IR, for `semblance show --ir`, docs and golden files. */
import { assertNever } from '../util/errors.js';
import type { Expr, IrInsn, Loc, Stmt } from './ir.js';

export type LocNamer = (loc: Loc) => string;

const defaultNamer: LocNamer = (l) => `${l.space}[${l.offset}]:${l.width}`;

const hex = (v: bigint) => (v < 10n ? v.toString() : `0x${v.toString(16)}`);

export function printExpr(e: Expr, name: LocNamer = defaultNamer): string {
  const p = (x: Expr) => printExpr(x, name);
  switch (e.kind) {
    case 'const': return e.width === 1 ? (e.value ? 'true' : 'false') : `${hex(e.value)}:${e.width}`;
    case 'get': return name(e.loc);
    case 'load': return `mem${e.width}[${p(e.addr)}]`;
    case 'unop': return `${e.op}(${p(e.x)})`;
    case 'binop': return `(${p(e.a)} ${BIN_SYMBOL[e.op]} ${p(e.b)})`;
    case 'cmp': return `(${p(e.a)} ${e.op} ${p(e.b)})`;
    case 'zext':
    case 'sext': return `${e.kind}${e.width}(${p(e.x)})`;
    case 'extract': return `${p(e.x)}[${e.lo}:${e.lo + e.width}]`;
    case 'concat': return `${p(e.hi)} ++ ${p(e.lo)}`;
    case 'ite': return `(${p(e.cond)} ? ${p(e.then)} : ${p(e.else)})`;
    case 'opaque': return `opaque:${e.name}:${e.width}(${e.args.map(p).join(', ')})`;
    default: return assertNever(e);
  }
}

const BIN_SYMBOL = {
  add: '+', sub: '-', mul: '*', and: '&', or: '|', xor: '^', shl: '<<', lshr: '>>u', ashr: '>>s',
  rotl: 'rotl', rotr: 'rotr', udiv: '/u', sdiv: '/s', urem: '%u', srem: '%s',
} as const;

export function printStmt(s: Stmt, name: LocNamer = defaultNamer): string {
  const p = (x: Expr) => printExpr(x, name);
  const g = s.kind !== 'opaque' && s.guard ? `if ${p(s.guard)}: ` : '';
  switch (s.kind) {
    case 'set': return `${g}${name(s.loc)} := ${p(s.value)}`;
    case 'store': return `${g}mem${s.value.width}[${p(s.addr)}] := ${p(s.value)}`;
    case 'jump': return `${g}jump ${p(s.target)}`;
    case 'call': return `${g}call ${p(s.target)}`;
    case 'ret': return `${g}ret ${p(s.target)}`;
    case 'trap': return `${g}trap "${s.reason}"`;
    case 'opaque': return `opaque ${s.name}(${s.args.map(p).join(', ')})`;
    default: return assertNever(s);
  }
}

/** One instruction: its statements, one per line, under the address (`||` marks parallel effects). */
export function printInsn(insn: IrInsn, name: LocNamer = defaultNamer): string[] {
  const head = `0x${insn.address.toString(16)} ${insn.mnemonic}${insn.status === 'lifted' ? '' : ` [${insn.status}]`}${insn.delaySlot ? ' [delay slot]' : ''}`;
  return [head, ...insn.stmts.map((s) => `  || ${printStmt(s, name)}`)];
}
