/**
 * Semblance's IR: what one machine instruction does, as plain readonly data.
 *
 * - Locations are (space, offset, width): registers live in the `reg` space at byte offsets of
 *   the architecture's register file, so sub-registers overlap by offset (al/ax/eax/rax all start
 *   at rax's offset; ah starts one byte later). Flags live in the `flag` space, one bit each.
 * - Every expression has an explicit width in bits (1..128). Operands of a binary operation have
 *   the operation's width; shifts take their amount at the same width.
 * - One machine instruction is one group of parallel assignments (`IrInsn.stmts`): every
 *   expression reads the state before the instruction, then every effect happens at once.
 * - Control flow is explicit: at most one taken transfer per instruction (jump/call/ret, each
 *   with an optional guard); no taken transfer means fall through.
 * - What is not modelled (floating point, vectors, system instructions) is an explicit `opaque`
 *   expression or statement, counted by `semblance stats`, never silently dropped.
 *
 * docs/IR.md explains it with examples from every architecture.
 */

/** Bumped when lifted semantics change: stored with every function record. */
export const IR_VERSION = 'ir-1';

export type Space = 'reg' | 'flag';

export interface Loc {
  readonly space: Space;
  /** Byte offset in the register file (`reg`), or the flag's index (`flag`). */
  readonly offset: number;
  /** Width in bits. */
  readonly width: number;
}

export type UnOp =
  | 'not' // bitwise complement
  | 'neg' // two's complement negation
  | 'popcount' | 'clz' | 'ctz' // bit counts (result at the operand's width)
  | 'bswap'; // byte reversal (width a multiple of 16)

export type BinOp =
  | 'add' | 'sub' | 'mul' // modulo 2^width; commutative: add, mul
  | 'and' | 'or' | 'xor' // commutative, associative
  | 'shl' | 'lshr' | 'ashr' // amount >= width gives 0 (ashr: the sign fill)
  | 'rotl' | 'rotr' // amount taken modulo width
  | 'udiv' | 'sdiv' | 'urem' | 'srem'; // C semantics (truncating); division by zero gives 0 (udiv/sdiv) or the dividend (urem/srem); sdiv MIN/-1 gives MIN

export type CmpOp = 'eq' | 'ne' | 'ult' | 'ule' | 'slt' | 'sle';

export type Expr =
  | { readonly kind: 'const'; readonly width: number; readonly value: bigint }
  | { readonly kind: 'get'; readonly width: number; readonly loc: Loc }
  | { readonly kind: 'load'; readonly width: number; readonly addr: Expr }
  | { readonly kind: 'unop'; readonly width: number; readonly op: UnOp; readonly x: Expr }
  | { readonly kind: 'binop'; readonly width: number; readonly op: BinOp; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'cmp'; readonly width: 1; readonly op: CmpOp; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'zext' | 'sext'; readonly width: number; readonly x: Expr }
  /** Bits [lo, lo + width) of x. */
  | { readonly kind: 'extract'; readonly width: number; readonly lo: number; readonly x: Expr }
  /** hi's bits above lo's: width = hi.width + lo.width. */
  | { readonly kind: 'concat'; readonly width: number; readonly hi: Expr; readonly lo: Expr }
  | { readonly kind: 'ite'; readonly width: number; readonly cond: Expr; readonly then: Expr; readonly else: Expr }
  /** A value the IR does not model (an FP or vector result): deterministic in its name and inputs. */
  | { readonly kind: 'opaque'; readonly width: number; readonly name: string; readonly args: readonly Expr[] };

export type ExprKind = Expr['kind'];

export type Stmt =
  | { readonly kind: 'set'; readonly loc: Loc; readonly value: Expr; readonly guard?: Expr }
  | { readonly kind: 'store'; readonly addr: Expr; readonly value: Expr; readonly guard?: Expr }
  /** Transfer to `target`; `guard` makes it conditional (otherwise fall through). */
  | { readonly kind: 'jump'; readonly target: Expr; readonly guard?: Expr }
  /** A call: the return address is stored by the instruction's other effects (push, lr, ra). */
  | { readonly kind: 'call'; readonly target: Expr; readonly guard?: Expr }
  | { readonly kind: 'ret'; readonly target: Expr; readonly guard?: Expr }
  /** Execution cannot go on (ud2, brk, udf, a trap instruction whose condition holds). */
  | { readonly kind: 'trap'; readonly reason: string; readonly guard?: Expr }
  /** An effect the IR does not model (a system call, a barrier, a cache hint). */
  | { readonly kind: 'opaque'; readonly name: string; readonly args: readonly Expr[] };

export type StmtKind = Stmt['kind'];

/**
 * How completely an instruction's semantics are modelled:
 * `lifted` — exactly; `opaque` — its integer effects are exact but it computes values the IR
 * leaves opaque (FP, vector) or has an unmodelled effect; `unsupported` — the lifter does not
 * know it (the group is a single trap).
 */
export type LiftStatus = 'lifted' | 'opaque' | 'unsupported';

export interface IrInsn {
  readonly address: number;
  readonly size: number;
  readonly mnemonic: string;
  readonly status: LiftStatus;
  readonly stmts: readonly Stmt[];
  /** MIPS: the next instruction executes before this one's transfer takes effect. */
  readonly delaySlot?: boolean;
  /** ARM: the instruction executes in Thumb state (pc reads as address + 4, not + 8). */
  readonly thumb?: boolean;
}

/** Width-masking helpers shared by printers, domains and lifters. */
export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}
