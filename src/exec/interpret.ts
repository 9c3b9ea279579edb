/**
 * The one interpreter, generic over the value domain (DESIGN.md §5). An instruction's IR is
 * compiled once per domain into closures; running it evaluates every expression on the state
 * before the instruction, then applies all effects (parallel assignment), then reports the
 * transfer it takes. Concrete runs (exec, Trex micro-traces) and symbolic runs (BinGo partial
 * traces) both go through `compileInsn`.
 */
import type { Expr, IrInsn, Loc, Stmt } from '../ir/ir.js';
import type { RegisterFile } from '../ir/registers.js';
import { assertNever } from '../util/errors.js';
import type { Domain, Memory } from './domain.js';

export interface State<V> {
  /** One value per register-file slot, at the slot's width. */
  readonly regs: V[];
  /** One 1-bit value per flag. */
  readonly flags: V[];
  readonly mem: Memory<V>;
  /** Decides a guard: concrete runs ask the domain, symbolic runs follow their chosen path. */
  decide(guard: V): boolean;
  /** Target of the transfer the last instruction took. */
  target: V | undefined;
}

/** What an instruction did with control. */
export const enum Transfer { Next = 0, Jump = 1, Call = 2, Ret = 3, Trap = 4 }

export interface CompiledInsn<V> {
  readonly insn: IrInsn;
  /** Runs the instruction on `s`: effects applied, transfer returned (target in `s.target`). */
  run(s: State<V>): Transfer;
  /** The reason of the trap the last `run` returned. */
  trapReason: string;
  /** Unmodelled effects (system calls, barriers) this instruction performs. */
  readonly effects: readonly string[];
}

type Ev<V> = (s: State<V>) => V;

/** A function merging a `width`-bit value at bit `shift` into a `full`-bit slot value (a sub-register write). */
export function subRegisterMerge<V>(d: Domain<V>, shift: number, width: number, full: number): (old: V, v: V) => V {
  const top = shift + width, hiW = full - top;
  const hi = hiW > 0 ? d.extract(top, hiW, full) : undefined;
  const lo = shift > 0 ? d.extract(0, shift, full) : undefined;
  const c1 = hi ? d.concat(hiW, width) : undefined;
  const c2 = lo ? d.concat(full - shift, shift) : undefined;
  return (old, v) => {
    let x = c1 ? c1(hi!(old), v) : v;
    if (c2) x = c2(x, lo!(old));
    return x;
  };
}

export class Compiler<V> {
  constructor(private readonly d: Domain<V>, private readonly rf: RegisterFile) {}

  /** A function reading a location. */
  reader(loc: Loc): Ev<V> {
    if (loc.space === 'flag') { const i = loc.offset; return (s) => s.flags[i]!; }
    const { slot, shift } = this.rf.slotOf(loc);
    const full = this.rf.slots[slot]!.width;
    if (shift === 0 && loc.width === full) return (s) => s.regs[slot]!;
    const ex = this.d.extract(shift, loc.width, full);
    return (s) => ex(s.regs[slot]!);
  }

  /** A function merging a new value for `loc` into the old slot value. */
  private writer(loc: Loc): { slot: number; flag: boolean; merge: ((old: V, v: V) => V) | undefined } {
    if (loc.space === 'flag') return { slot: loc.offset, flag: true, merge: undefined };
    const { slot, shift } = this.rf.slotOf(loc);
    const full = this.rf.slots[slot]!.width;
    if (shift === 0 && loc.width === full) return { slot, flag: false, merge: undefined };
    return { slot, flag: false, merge: subRegisterMerge(this.d, shift, loc.width, full) };
  }

  expr(e: Expr): Ev<V> {
    const d = this.d;
    switch (e.kind) {
      case 'const': { const v = d.constant(e.width, e.value); return () => v; }
      case 'get': return this.reader(e.loc);
      case 'load': { const a = this.expr(e.addr), w = e.width; return (s) => s.mem.load(a(s), w); }
      case 'unop': { const f = d.unop(e.op, e.width), x = this.expr(e.x); return (s) => f(x(s)); }
      case 'binop': { const f = d.binop(e.op, e.width), a = this.expr(e.a), b = this.expr(e.b); return (s) => f(a(s), b(s)); }
      case 'cmp': { const f = d.cmp(e.op, e.a.width), a = this.expr(e.a), b = this.expr(e.b); return (s) => f(a(s), b(s)); }
      case 'zext': { const f = d.zext(e.x.width, e.width), x = this.expr(e.x); return (s) => f(x(s)); }
      case 'sext': { const f = d.sext(e.x.width, e.width), x = this.expr(e.x); return (s) => f(x(s)); }
      case 'extract': { const f = d.extract(e.lo, e.width, e.x.width), x = this.expr(e.x); return (s) => f(x(s)); }
      case 'concat': { const f = d.concat(e.hi.width, e.lo.width), h = this.expr(e.hi), l = this.expr(e.lo); return (s) => f(h(s), l(s)); }
      case 'ite': {
        const c = this.expr(e.cond), t = this.expr(e.then), o = this.expr(e.else);
        const f = d.ite(e.width);
        // Concrete conditions pick one side without evaluating the other (a load there could fault).
        return (s) => { const cv = c(s); const k = d.truth(cv); return k === undefined ? f(cv, t(s), o(s)) : k ? t(s) : o(s); };
      }
      case 'opaque': { const f = d.opaque(e.name, e.width), args = e.args.map((a) => this.expr(a)); return (s) => f(args.map((a) => a(s))); }
      default: return assertNever(e);
    }
  }

  insn(insn: IrInsn): CompiledInsn<V> {
    const d = this.d;
    type Write = { slot: number; flag: boolean; merge: ((old: V, v: V) => V) | undefined; value: Ev<V>; guard: Ev<V> | undefined; ite: (c: V, t: V, e: V) => V; read: Ev<V> };
    type StoreOp = { addr: Ev<V>; value: Ev<V>; width: number; guard: Ev<V> | undefined; ite: (c: V, t: V, e: V) => V };
    type ControlOp = { kind: Transfer; target: Ev<V> | undefined; guard: Ev<V> | undefined; reason: string };
    const writes: Write[] = [], stores: StoreOp[] = [], controls: ControlOp[] = [], effects: string[] = [];
    const g = (s: Stmt) => (s.kind !== 'opaque' && s.guard ? this.expr(s.guard) : undefined);
    for (const st of insn.stmts) {
      switch (st.kind) {
        case 'set': {
          // Named fields, not a spread: a spread made slow dictionary objects, costly to build here and to read in `run`.
          const { slot, flag, merge } = this.writer(st.loc);
          writes.push({ slot, flag, merge, value: this.expr(st.value), guard: g(st), ite: d.ite(st.loc.width), read: this.reader(st.loc) });
          break;
        }
        case 'store': stores.push({ addr: this.expr(st.addr), value: this.expr(st.value), width: st.value.width, guard: g(st), ite: d.ite(st.value.width) }); break;
        case 'jump': controls.push({ kind: Transfer.Jump, target: this.expr(st.target), guard: g(st), reason: '' }); break;
        case 'call': controls.push({ kind: Transfer.Call, target: this.expr(st.target), guard: g(st), reason: '' }); break;
        case 'ret': controls.push({ kind: Transfer.Ret, target: this.expr(st.target), guard: g(st), reason: '' }); break;
        case 'trap': controls.push({ kind: Transfer.Trap, target: undefined, guard: g(st), reason: st.reason }); break;
        case 'opaque': effects.push(st.name); break;
        default: assertNever(st);
      }
    }
    const nw = writes.length, ns = stores.length, nc = controls.length;
    const wv: V[] = new Array(nw), sa: V[] = new Array(ns), sv: V[] = new Array(ns);
    const sg: (boolean | undefined)[] = new Array(ns);
    const compiled: CompiledInsn<V> = {
      insn, effects, trapReason: '',
      run(s) {
        // Traps come first: a guarded trap (x86 divide by zero) must stop before any effect.
        let taken: ControlOp | undefined;
        let target: V | undefined;
        for (let i = 0; i < nc; i++) {
          const c = controls[i]!;
          if (c.guard && !s.decide(c.guard(s))) continue;
          taken = c;
          if (c.target) target = c.target(s);
          break;
        }
        if (taken?.kind === Transfer.Trap) { compiled.trapReason = taken.reason; return Transfer.Trap; }
        // Evaluate everything on the pre-state, then apply.
        // A guard the domain decides comes first: operands of a statement that does not happen are
        // not evaluated (a load there could fault).
        for (let i = 0; i < nw; i++) {
          const w = writes[i]!;
          if (!w.guard) { wv[i] = w.value(s); continue; }
          const gv = w.guard(s), k = d.truth(gv);
          wv[i] = k === undefined ? w.ite(gv, w.value(s), w.read(s)) : k ? w.value(s) : w.read(s);
        }
        for (let i = 0; i < ns; i++) {
          const st = stores[i]!;
          const gv = st.guard ? st.guard(s) : undefined;
          const k = gv === undefined ? true : d.truth(gv);
          sg[i] = k !== false;
          if (k === false) continue;
          sa[i] = st.addr(s);
          const v = st.value(s);
          sv[i] = k === undefined ? st.ite(gv!, v, s.mem.load(sa[i]!, st.width)) : v;
        }
        for (let i = 0; i < nw; i++) {
          const w = writes[i]!;
          if (w.flag) s.flags[w.slot] = wv[i]!;
          else s.regs[w.slot] = w.merge ? w.merge(s.regs[w.slot]!, wv[i]!) : wv[i]!;
        }
        for (let i = 0; i < ns; i++) if (sg[i]) s.mem.store(sa[i]!, sv[i]!, stores[i]!.width);
        s.target = target;
        return taken ? taken.kind : Transfer.Next;
      },
    };
    return compiled;
  }
}
