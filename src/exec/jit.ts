/**
 * The concrete domain's fast path: a straight-line block of IR instructions (see call.ts) compiled
 * into ONE JavaScript function with `new Function`, instead of a closure per expression.
 *
 * It implements the same semantics as the generic interpreter (interpret.ts over concrete.ts):
 * - values are the concrete domain's canonical form: up to 32 bits a number in [0, 2^w), wider a
 *   number up to 2^53 - 1 or a BigInt above. Operations up to 32 bits are emitted inline as int
 *   arithmetic; wider ones call the concrete domain's own functions (V8 inlines them), so there is
 *   one definition of every operation;
 * - registers and flags live in JavaScript locals for the whole block (V8 keeps them in machine
 *   registers and drops writes that a later instruction of the block overwrites); they are
 *   written back to the state when the block exits, normally or by a fault;
 * - every instruction is still a parallel assignment: its expressions read the locals before
 *   any of its effects; controls are checked first, in order, and a taken trap stops it before
 *   any effect; guarded statements evaluate their operands only when the guard holds; `ite`
 *   evaluates only the side it picks;
 * - MIPS delay slots: a taken branch's transfer waits for the next instruction, whose own
 *   transfers are then ignored (its traps are not).
 * The caller decides eligibility (no unsupported instruction, no system call, no decode stop)
 * and the step limit (it runs a block only when all of its instructions fit in the budget).
 */
import type { CmpOp, Expr, IrInsn, Loc, Stmt } from '../ir/ir.js';
import type { RegisterFile } from '../ir/registers.js';
import { assertNever } from '../util/errors.js';
import type { Concrete } from './concrete.js';
import { canonOf, concrete } from './concrete.js';
import { subRegisterMerge, Transfer } from './interpret.js';
import type { ConcreteMemory } from './memory.js';

/** How a compiled block ended, beside the transfer it returns. */
export interface BlockExit {
  /** Instructions executed (for a fault: up to and including the faulting one). */
  n: number;
  /** The taken transfer's target. */
  target: Concrete;
  /** The reason of a taken trap. */
  trap: string;
}

export type BlockCode = (regs: Concrete[], flags: Concrete[], mem: ConcreteMemory, exit: BlockExit) => Transfer;

const MAX = Number.MAX_SAFE_INTEGER;
const TWO32 = 4294967296;

/** The concrete domain's operations, one function object per (operation, widths), shared by every block. */
const domainFns = new Map<string, unknown>();
function domainFn<F>(key: string, make: () => F): F {
  let f = domainFns.get(key) as F | undefined;
  if (!f) { f = make(); domainFns.set(key, f); }
  return f;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

const mask32 = (w: number) => (w === 32 ? 0xffffffff : 2 ** w - 1);
/** An int expression reduced to an unsigned w-bit number (w <= 32). */
const norm = (w: number, x: string) => (w === 32 ? `((${x}) >>> 0)` : `((${x}) & ${mask32(w)})`);
/** An unsigned w-bit number read as signed (w <= 32). */
const signed = (w: number, x: string) => (w === 32 ? `(${x} | 0)` : `((${x} << ${32 - w}) >> ${32 - w})`);
const bool = (c: string) => `((${c}) ? 1 : 0)`;

const TRANSFER: Record<'jump' | 'call' | 'ret', Transfer> = { jump: Transfer.Jump, call: Transfer.Call, ret: Transfer.Ret };
type Control = Extract<Stmt, { kind: 'jump' | 'call' | 'ret' | 'trap' }>;
const isControl = (s: Stmt): s is Control => s.kind === 'jump' || s.kind === 'call' || s.kind === 'ret' || s.kind === 'trap';

/** One instruction's effect, evaluated into temporaries before any is applied. */
type Effect =
  | { readonly kind: 'set'; readonly loc: Loc; readonly value: string; readonly guard: string | undefined }
  | { readonly kind: 'store'; readonly addr: string; readonly value: string; readonly width: number; readonly guard: string | undefined };

class BlockGen {
  private readonly lines: string[] = [];
  private readonly consts: unknown[] = [];
  private readonly constAt = new Map<unknown, string>();
  private readonly regs = new Set<number>();
  private readonly regsWritten = new Set<number>();
  private readonly flags = new Set<number>();
  private readonly flagsWritten = new Set<number>();
  /** Expressions already evaluated in the enclosing scopes of the current instruction. */
  private memo: Map<Expr, string>[] = [];
  private temps = 0;
  /** Temporaries known to hold numbers (every value up to 32 bits). */
  private readonly numbers = new Set<string>();

  constructor(private readonly rf: RegisterFile) {}

  private emit(line: string): void {
    this.lines.push(line);
  }
  private fresh(): string {
    return `t${this.temps++}`;
  }
  /** A name for a host value (a domain function, a BigInt) the generated code refers to. */
  private k(v: unknown): string {
    let name = this.constAt.get(v);
    if (!name) { name = `k${this.consts.length}`; this.consts.push(v); this.constAt.set(v, name); }
    return name;
  }
  /** Runs `f` in a nested scope (a branch that may not run): its temporaries stay inside. */
  private scoped(f: () => void): void {
    this.memo.push(new Map());
    f();
    this.memo.pop();
  }

  /** The value of `e` as a temporary or a literal. */
  private x(e: Expr): string {
    for (let i = this.memo.length - 1; i >= 0; i--) { const hit = this.memo[i]!.get(e); if (hit) return hit; }
    const code = this.build(e);
    let atom = code;
    if (!/^(?:t\d+|\d+n?|\(-\d+\))$/.test(code)) { atom = this.fresh(); this.emit(`const ${atom} = ${code};`); }
    if (e.width <= 32) this.numbers.add(atom);
    this.memo[this.memo.length - 1]!.set(e, atom);
    return atom;
  }

  private fn<F>(key: string, make: () => F): string {
    return this.k(domainFn(key, make));
  }

  /** A constant in the canonical form (a negative literal is parenthesised). */
  private literal(width: number, v: bigint): string {
    const c = width <= 32 ? Number(v) : canonOf(width)(v);
    return typeof c === 'bigint' ? `${c}n` : c < 0 ? `(${c})` : String(c);
  }

  /** Bits [lo, lo + w) of a `from`-bit value (`x` a temporary, literal or register local). */
  private extract(x: string, lo: number, w: number, from: number): string {
    if (lo === 0 && w === from) return x;
    if (from <= 32) {
      const shifted = lo === 0 ? x : `(${x} >>> ${lo})`;
      return lo + w === 32 ? shifted : `(${shifted} & ${mask32(w)})`;
    }
    const slow = (arg: string) => `${this.fn(`extract:${lo}:${w}:${from}`, () => concrete.extract(lo, w, from))}(${arg})`;
    if (w > 32) return slow(x);
    // The sign bit of a signed reading; else division by a power of two is an exact arithmetic
    // shift of a number, and & / >>> take it mod 2^32.
    if (from > 53 && w === 1 && lo === from - 1) return this.wide([x], [], `(${x} < 0 ? 1 : 0)`, slow(x));
    return this.wide([x], [], norm(w, lo === 0 ? x : `Math.floor(${x} / ${2 ** lo})`), slow(x));
  }

  /**
   * A wide (over 32 bits) operation: `fast` when every operand that may be a BigInt is a number
   * and `guards` hold, else the concrete domain's own function. `ranged`: `fast` is exact only
   * while it is a safe integer (the canonical form of a signed reading); `s` holds it.
   */
  private wide(args: readonly string[], guards: readonly string[], fast: string, slow: string, ranged = false): string {
    const conds = [...args.filter((a) => !/^(?:\d+|\(-\d+\))$/.test(a) && !this.numbers.has(a)).map((a) => `typeof ${a} === 'number'`), ...guards];
    if (ranged) conds.push(`Math.abs(s = ${fast}) <= ${MAX}`);
    return conds.length === 0 ? fast : `(${conds.join(' && ')} ? ${ranged ? 's' : fast} : ${slow})`;
  }

  private build(e: Expr): string {
    const w = e.width;
    switch (e.kind) {
      case 'const': return this.literal(w, e.value);
      case 'get': return this.read(e.loc);
      case 'load': {
        const a = this.x(e.addr);
        return w === 8 || w === 16 || w === 32 || w === 64 ? `M.load${w}(${a})` : `M.load(${a}, ${w})`;
      }
      case 'unop': {
        const x = this.x(e.x), op = e.op;
        if (w <= 32) {
          switch (op) {
            case 'not': return norm(w, `~${x}`);
            case 'neg': return norm(w, `-${x}`);
            case 'popcount': return `${this.k(popcount32)}(${x})`;
            case 'clz': return `(${x} === 0 ? ${w} : Math.clz32(${x}) - ${32 - w})`;
            case 'ctz': return `(${x} === 0 ? ${w} : 31 - Math.clz32(${x} & -${x}))`;
            case 'bswap': break;
            default: return assertNever(op);
          }
        }
        return `${this.fn(`unop:${e.op}:${w}`, () => concrete.unop(e.op, w))}(${x})`;
      }
      case 'binop': return this.binop(e);
      case 'cmp': {
        const a = this.x(e.a), b = this.x(e.b), cw = e.a.width, op = e.op;
        // Canonical values compare exactly with JavaScript's operators, numbers and BigInts alike.
        switch (op) {
          case 'eq': return bool(`${a} === ${b}`);
          case 'ne': return bool(`${a} !== ${b}`);
          // Signed readings (over 53 bits): unsigned, a negative number is above the others.
          case 'ult': return cw <= 53 ? bool(`${a} < ${b}`) : this.wide([a, b], [], bool(`(${a} < 0) === (${b} < 0) ? ${a} < ${b} : ${a} >= 0`), this.cmpSlow(op, cw, a, b));
          case 'ule': return cw <= 53 ? bool(`${a} <= ${b}`) : this.wide([a, b], [], bool(`(${a} < 0) === (${b} < 0) ? ${a} <= ${b} : ${a} >= 0`), this.cmpSlow(op, cw, a, b));
          case 'slt': return cw <= 32 ? bool(`${signed(cw, a)} < ${signed(cw, b)}`) : cw <= 53 ? this.cmpSlow(op, cw, a, b) : this.wide([a, b], [], bool(`${a} < ${b}`), this.cmpSlow(op, cw, a, b));
          case 'sle': return cw <= 32 ? bool(`${signed(cw, a)} <= ${signed(cw, b)}`) : cw <= 53 ? this.cmpSlow(op, cw, a, b) : this.wide([a, b], [], bool(`${a} <= ${b}`), this.cmpSlow(op, cw, a, b));
          default: return assertNever(op);
        }
      }
      case 'zext': {
        const x = this.x(e.x), from = e.x.width;
        // A negative signed reading is 2^from + x: a BigInt at the wider width.
        return from <= 53 || from === w ? x : this.wide([x], [`${x} >= 0`], x, `${this.fn(`zext:${from}:${w}`, () => concrete.zext(from, w))}(${x})`);
      }
      case 'sext': {
        const x = this.x(e.x), from = e.x.width;
        if (w <= 32) return norm(w, signed(from, x));
        const slow = `${this.fn(`sext:${from}:${w}`, () => concrete.sext(from, w))}(${x})`;
        if (w <= 53) return slow;
        // To a signed reading: a narrow value read as signed; a signed reading keeps its value.
        return from <= 53 ? `(${x} < ${2 ** (from - 1)} ? ${x} : ${x} - ${2 ** from})` : this.wide([x], [], x, slow);
      }
      case 'extract': return this.extract(this.x(e.x), e.lo, w, e.x.width);
      case 'concat': {
        const h = this.x(e.hi), l = this.x(e.lo);
        const lw = e.lo.width;
        if (w <= 32) return `(${h} * ${2 ** lw} + ${l})`;
        const slow = `${this.fn(`concat:${e.hi.width}:${lw}`, () => concrete.concat(e.hi.width, lw))}(${h}, ${l})`;
        if (lw > 53) return slow;
        // The result's sign is hi's top bit: over 53 bits, hi read as signed at its width.
        const hw = e.hi.width, hs = w > 53 && hw <= 53 ? `(${h} < ${2 ** (hw - 1)} ? ${h} : ${h} - ${2 ** hw})` : h;
        return this.wide([h, l], [], `${hs} * ${2 ** lw} + ${l}`, slow, true);
      }
      case 'ite': {
        // Only the chosen side is evaluated: a load on the other side could fault.
        const c = this.x(e.cond), t = this.fresh();
        this.emit(`let ${t};`);
        this.emit(`if (${c} !== 0) {`);
        this.scoped(() => this.emit(`${t} = ${this.x(e.then)};`));
        this.emit('} else {');
        this.scoped(() => this.emit(`${t} = ${this.x(e.else)};`));
        this.emit('}');
        return t;
      }
      case 'opaque': {
        const args = e.args.map((a) => this.x(a));
        return `${this.fn(`opaque:${e.name}:${w}`, () => concrete.opaque(e.name, w))}([${args.join(', ')}])`;
      }
      default: return assertNever(e);
    }
  }

  private cmpSlow(op: CmpOp, w: number, a: string, b: string): string {
    return `${this.fn(`cmp:${op}:${w}`, () => concrete.cmp(op, w))}(${a}, ${b})`;
  }

  /** Over 32 bits: inline arithmetic on signed readings (over 53 bits), else the domain's function. */
  private binopWide(e: Extract<Expr, { kind: 'binop' }>): string {
    const w = e.width, op = e.op;
    const a = this.x(e.a), b = this.x(e.b);
    const slow = `${this.fn(`binop:${op}:${w}`, () => concrete.binop(op, w))}(${a}, ${b})`;
    if (w <= 53) return slow;
    const amount = e.b.kind === 'const' && e.b.value < BigInt(w) ? Number(e.b.value) : undefined;
    const hi = (x: string) => `Math.floor(${x} / ${TWO32})`;
    // Halves of a safe integer: the high one in [-2^21, 2^21), so int32 bit operations are exact.
    const bitwise = (o: string) => this.wide([a, b], [], `(${hi(a)} ${o} ${hi(b)}) * ${TWO32} + ((${a} ${o} ${b}) >>> 0)`, slow, true);
    switch (op) {
      // Exact on signed readings while the result is a safe integer.
      case 'add': return this.wide([a, b], [], `${a} + ${b}`, slow, true);
      case 'sub': return this.wide([a, b], [], `${a} - ${b}`, slow, true);
      case 'mul': return this.wide([a, b], [], `${a} * ${b} + 0`, slow, true); // + 0: never -0
      case 'and': return /^\d+$/.test(b) && Number(b) < TWO32 ? this.wide([a], [], `((${a} & ${b}) >>> 0)`, slow) : bitwise('&');
      case 'or': return bitwise('|');
      case 'xor': return bitwise('^');
      case 'shl': return amount === undefined ? slow : this.wide([a], [], `${a} * ${2 ** amount}`, slow, true);
      // Unsigned, a negative a is 2^w + a, and 2^w / 2^amount is exact.
      case 'lshr': return amount === undefined ? slow
        : this.wide([a], [], `(${a} >= 0 ? Math.floor(${a} / ${2 ** amount}) : ${2 ** (w - amount)} + Math.floor(${a} / ${2 ** amount}))`, slow, true);
      case 'ashr': return amount === undefined ? slow : this.wide([a], [], `Math.floor(${a} / ${2 ** amount})`, slow);
      case 'rotl': case 'rotr': case 'udiv': case 'sdiv': case 'urem': case 'srem': return slow;
      default: return assertNever(op);
    }
  }

  private binop(e: Extract<Expr, { kind: 'binop' }>): string {
    const w = e.width;
    if (w > 32) return this.binopWide(e);
    const a = this.x(e.a), b = this.x(e.b);
    const amount = e.b.kind === 'const' ? Number(e.b.value) : undefined;
    switch (e.op) {
      case 'add': return norm(w, `${a} + ${b}`);
      case 'sub': return norm(w, `${a} - ${b}`);
      case 'mul': return norm(w, `Math.imul(${a}, ${b})`);
      // Operands are already in [0, 2^w): and/or/xor stay there (at 32 bits, as unsigned).
      case 'and': return w === 32 ? `((${a} & ${b}) >>> 0)` : `(${a} & ${b})`;
      case 'or': return w === 32 ? `((${a} | ${b}) >>> 0)` : `(${a} | ${b})`;
      case 'xor': return w === 32 ? `((${a} ^ ${b}) >>> 0)` : `(${a} ^ ${b})`;
      case 'shl':
        if (amount !== undefined) return amount >= w ? '0' : norm(w, `${a} << ${amount}`);
        return `(${b} >= ${w} ? 0 : ${norm(w, `${a} << ${b}`)})`;
      case 'lshr':
        if (amount !== undefined) return amount >= w ? '0' : `(${a} >>> ${amount})`;
        return `(${b} >= ${w} ? 0 : ${a} >>> ${b})`;
      case 'ashr':
        if (amount !== undefined) return norm(w, `${signed(w, a)} >> ${Math.min(amount, w - 1)}`);
        return norm(w, `${signed(w, a)} >> (${b} >= ${w} ? ${w - 1} : ${b})`);
      case 'udiv': return `(${b} === 0 ? 0 : Math.floor(${a} / ${b}))`;
      case 'urem': return `(${b} === 0 ? ${a} : ${a} % ${b})`;
      case 'rotl': case 'rotr': case 'sdiv': case 'srem':
        return `${this.fn(`binop:${e.op}:${w}`, () => concrete.binop(e.op, w))}(${a}, ${b})`;
      default: return assertNever(e.op);
    }
  }

  private read(loc: Loc): string {
    if (loc.space === 'flag') { this.flags.add(loc.offset); return `f${loc.offset}`; }
    const { slot, shift } = this.rf.slotOf(loc);
    this.regs.add(slot);
    return this.extract(`r${slot}`, shift, loc.width, this.rf.slots[slot]!.width);
  }

  /** The statement that writes `v` (a temporary or literal) to `loc`. */
  private write(loc: Loc, v: string): string {
    if (loc.space === 'flag') { this.flags.add(loc.offset); this.flagsWritten.add(loc.offset); return `f${loc.offset} = ${v};`; }
    const { slot, shift } = this.rf.slotOf(loc);
    this.regs.add(slot);
    this.regsWritten.add(slot);
    const r = `r${slot}`, full = this.rf.slots[slot]!.width, w = loc.width;
    if (shift === 0 && w === full) return `${r} = ${v};`;
    if (full <= 32) {
      const keep = (~(mask32(w) * 2 ** shift) >>> 0) & mask32(full);
      return `${r} = ${norm(full, `(${r} & ${keep}) | (${v} << ${shift})`)};`;
    }
    const slow = `${this.fn(`merge:${shift}:${w}:${full}`, () => subRegisterMerge(concrete, shift, w, full))}(${r}, ${v})`;
    if (shift + w > 32) return `${r} = ${slow};`;
    // Inside the low half of a wide number: keep the high part (r - (r >>> 0)), merge the low.
    const keep = (~(mask32(w) * 2 ** shift) >>> 0) | 0;
    return `${r} = ${this.wide([r, v], [], `${r} - (${r} >>> 0) + (((${r} & ${keep}) | (${v} << ${shift})) >>> 0)`, slow, true)};`;
  }

  /**
   * Instruction `i` of the block. `slot`: it is a delay slot, so a pending branch's transfer
   * (`pk`, `ptg`) wins over its own.
   */
  insn(i: number, insn: IrInsn, slot: boolean): void {
    this.memo = [new Map()];
    this.emit(`// ${insn.mnemonic.replace(/[^\w.]/g, '')} @0x${insn.address.toString(16)}`); // (no text from the binary in code)
    this.emit(`n = ${i + 1};`);
    const controls = insn.stmts.filter(isControl);
    let tk = '', tg = '';
    if (controls.length > 0) {
      tk = this.fresh(); tg = this.fresh();
      this.emit(`let ${tk} = 0, ${tg} = 0;`);
      let open = 0;
      for (const c of controls) {
        const take = () => {
          if (c.kind === 'trap') this.emit(`${tk} = ${Transfer.Trap}; X.trap = ${JSON.stringify(c.reason)};`);
          else this.emit(`${tg} = ${this.x(c.target)}; ${tk} = ${TRANSFER[c.kind]};`);
        };
        if (!c.guard) { this.scoped(take); break; }
        this.emit(`if (${this.x(c.guard)} !== 0) {`);
        this.scoped(take);
        this.emit('} else {');
        this.memo.push(new Map());
        open++;
      }
      for (; open > 0; open--) { this.memo.pop(); this.emit('}'); }
      if (controls.some((c) => c.kind === 'trap')) this.emit(`if (${tk} === ${Transfer.Trap}) { code = ${Transfer.Trap}; break body; }`);
    }
    const effects: Effect[] = [];
    for (const st of insn.stmts) {
      switch (st.kind) {
        case 'set': case 'store': {
          const g = st.guard ? this.x(st.guard) : undefined;
          const names = st.kind === 'set' ? [this.fresh()] : [this.fresh(), this.fresh()];
          const evaluate = () => {
            if (st.kind === 'store') { const a = this.x(st.addr); this.emit(`${names[0]} = ${a}; ${names[1]} = ${this.x(st.value)};`); }
            else this.emit(`${names[0]} = ${this.x(st.value)};`);
          };
          this.emit(`let ${names.join(', ')};`);
          if (g) { this.emit(`if (${g} !== 0) {`); this.scoped(evaluate); this.emit('}'); } else evaluate();
          effects.push(st.kind === 'set'
            ? { kind: 'set', loc: st.loc, value: names[0]!, guard: g }
            : { kind: 'store', addr: names[0]!, value: names[1]!, width: st.value.width, guard: g });
          break;
        }
        case 'jump': case 'call': case 'ret': case 'trap': case 'opaque': break;
        default: assertNever(st);
      }
    }
    // Registers and flags first, then memory, each in statement order (as interpret.ts does).
    const guarded = (g: string | undefined, s: string) => this.emit(g ? `if (${g} !== 0) ${s}` : s);
    for (const ef of effects) if (ef.kind === 'set') guarded(ef.guard, this.write(ef.loc, ef.value));
    for (const ef of effects) {
      if (ef.kind !== 'store') continue;
      const w = ef.width;
      guarded(ef.guard, w === 8 || w === 16 || w === 32 || w === 64 ? `M.store${w}(${ef.addr}, ${ef.value});` : `M.store(${ef.addr}, ${ef.value}, ${w});`);
    }
    if (controls.some((c) => c.kind !== 'trap')) {
      if (insn.delaySlot) this.emit(`if (${tk} !== 0) { pk = ${tk}; ptg = ${tg}; }`);
      else this.emit(`if (${tk} !== 0${slot ? ' && pk === 0' : ''}) { X.target = ${tg}; code = ${tk}; break body; }`);
    }
    if (slot) this.emit(`if (pk !== 0) { X.target = ptg; code = pk; break body; }`);
  }

  finish(): BlockCode {
    const regs = [...this.regs].sort((a, b) => a - b), flags = [...this.flags].sort((a, b) => a - b);
    const load = [...regs.map((r) => `r${r} = R[${r}]`), ...flags.map((f) => `f${f} = F[${f}]`)];
    const save = [...[...this.regsWritten].map((r) => `R[${r}] = r${r};`), ...[...this.flagsWritten].map((f) => `F[${f}] = f${f};`)];
    const src = [
      ...this.consts.map((_, i) => `const k${i} = K[${i}];`),
      'return function block(R, F, M, X) {',
      load.length ? `let ${load.join(', ')};` : '',
      'let n = 0, code = 0, pk = 0, ptg = 0, s = 0;',
      'try {',
      'body: {',
      ...this.lines,
      '}',
      '} finally {',
      ...save,
      'X.n = n;',
      '}',
      'return code;',
      '}',
    ].join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('K', src)(this.consts) as BlockCode;
  }
}

/**
 * Compiles a block. Its instructions must all be executable here: none `unsupported`, and a
 * delay-slot branch never last.
 */
export function compileBlock(insns: readonly IrInsn[], rf: RegisterFile): BlockCode {
  const g = new BlockGen(rf);
  insns.forEach((insn, i) => g.insn(i, insn, i > 0 && insns[i - 1]!.delaySlot === true && insns[i - 1]!.stmts.some(isControl)));
  return g.finish();
}
