/**
 * A value domain: the arithmetic the one interpreter runs on (Ghidra's PcodeArithmetic). The
 * interpreter asks for an operation once per IR node, at compile time, and gets back a function
 * it calls on every execution, so width dispatch never happens on the hot path.
 */
import type { BinOp, CmpOp, UnOp } from '../ir/ir.js';

export interface Domain<V> {
  readonly name: string;
  constant(width: number, value: bigint): V;
  unop(op: UnOp, width: number): (x: V) => V;
  binop(op: BinOp, width: number): (a: V, b: V) => V;
  /** Result is a 1-bit value. */
  cmp(op: CmpOp, width: number): (a: V, b: V) => V;
  zext(from: number, to: number): (x: V) => V;
  sext(from: number, to: number): (x: V) => V;
  extract(lo: number, width: number, from: number): (x: V) => V;
  concat(hiWidth: number, loWidth: number): (hi: V, lo: V) => V;
  ite(width: number): (cond: V, then: V, otherwise: V) => V;
  opaque(name: string, width: number): (args: readonly V[]) => V;
  /** A 1-bit value's truth when the domain knows it (always, for concrete values). */
  truth(cond: V): boolean | undefined;
}

/** Where loads and stores go. Concrete memory holds bytes; symbolic memory makes loads inputs. */
export interface Memory<V> {
  load(addr: V, width: number): V;
  store(addr: V, value: V, width: number): void;
}
