/**
 * Partial traces (BinGo §2.3–2.4): acyclic paths of 1..k basic blocks through a function's CFG,
 * each executed by the one interpreter in the symbolic domain from a pre-state of inputs to a
 * post-state of expressions, with the path constraint the branches between its blocks impose.
 */
import type { Instruction } from '../../arch/instruction.js';
import type { Lifter } from '../../arch/spec.js';
import type { CompiledInsn, State } from '../../exec/interpret.js';
import { Compiler, Transfer } from '../../exec/interpret.js';
import type { Sym } from '../../exec/symbolic.js';
import { SymbolicDomain, SymbolicMemory } from '../../exec/symbolic.js';
import type { BasicBlock, FunctionInfo, Program } from '../../program/program.js';
import { isCompilerNoise } from './noise.js';

export interface TraceOutput {
  /** Where the value went: `reg:<name>` or `store`, for evidence only (never hashed). */
  readonly where: string;
  readonly value: Sym;
}

export interface PartialTrace {
  /** Start addresses of its blocks, in order. */
  readonly blocks: readonly number[];
  readonly instructions: number;
  /** Instructions marked compiler-made (noise.ts). */
  readonly noise: number;
  readonly outputs: readonly TraceOutput[];
  /** Conjunction (1 bit) of the branch decisions that keep execution on this path. */
  readonly constraint: Sym;
  /** Library calls made on the path, by imported name (named effects). */
  readonly calls: readonly string[];
}

export interface TraceOptions {
  /** Longest path, in blocks (BinGo: 3). */
  readonly k: number;
  /** Most traces per function (paths are enumerated from each block in address order). */
  readonly maxTraces: number;
}

export const DEFAULT_TRACE_OPTIONS: TraceOptions = { k: 3, maxTraces: 400 };

/** Acyclic paths of 1..k blocks, starting from every block, breadth within the bound. */
export function enumeratePaths(f: FunctionInfo, opts: TraceOptions): number[][] {
  const inside = new Set(f.blocks.map((b) => b.address));
  const succ = new Map(f.blocks.map((b) => [b.address, b.successors.filter((s) => inside.has(s))]));
  const out: number[][] = [];
  for (let len = 1; len <= opts.k && out.length < opts.maxTraces; len++) {
    const grow = (path: number[]): void => {
      if (out.length >= opts.maxTraces) return;
      if (path.length === len) { out.push(path); return; }
      for (const s of succ.get(path[path.length - 1]!) ?? []) if (!path.includes(s)) grow([...path, s]);
    };
    for (const b of f.blocks) grow([b.address]);
  }
  return out;
}

interface PreparedInsn {
  readonly compiled: CompiledInsn<Sym>;
  /** The import a call instruction reaches, when it reaches one. */
  readonly callee: string | undefined;
  /** Compiler-made (noise.ts). */
  readonly noise: boolean;
}

/** Symbolic execution of one function's partial traces; one hash-consing domain per function. */
export class TraceExecutor {
  readonly domain = new SymbolicDomain();
  private readonly compiler: Compiler<Sym>;
  private readonly compiled = new Map<number, PreparedInsn>();
  private readonly blocks: Map<number, BasicBlock>;
  private readonly excluded: Set<number>;
  private readonly codeRanges: [number, number][];
  private readonly initialRegs: Sym[];
  private readonly initialFlags: Sym[];
  private readonly retSlot: number;
  private readonly spSlot: number;

  constructor(private readonly program: Program, private readonly lifter: Lifter, private readonly f: FunctionInfo) {
    const d = this.domain, rf = lifter.registers, cc = lifter.cc;
    this.compiler = new Compiler(d, rf);
    this.blocks = new Map(f.blocks.map((b) => [b.address, b]));
    this.initialRegs = rf.slots.map((s) => d.input(`r:${s.name}`, s.width));
    this.initialFlags = rf.flagNames.map((n) => d.input(`f:${n}`, 1));
    const slotOf = (name: string) => rf.slotOf(rf.reg(name)).slot;
    this.spSlot = slotOf(cc.sp);
    this.retSlot = slotOf(cc.ret);
    // Outputs that are bookkeeping, not semantics: the stack pointer, the program counter, the return address.
    this.excluded = new Set([this.spSlot]);
    if (cc.returnAddress !== 'stack') this.excluded.add(slotOf(cc.returnAddress));
    for (const n of ['pc', 'rip', 'eip']) if (rf.has(n)) this.excluded.add(slotOf(n));
    this.codeRanges = program.image.segments.filter((s) => s.memsz > 0).map((s) => [s.vaddr, s.vaddr + s.memsz]);
  }

  /** An instruction compiled once per function, with the facts every trace through it needs. */
  private insn(i: Instruction): PreparedInsn {
    let p = this.compiled.get(i.address);
    if (!p) {
      const site = i.flow === 'call' || i.flow === 'icall' ? this.f.calls.find((c) => c.address === i.address) : undefined;
      const callee = site?.import && site.name ? site.name : undefined;
      p = { compiled: this.compiler.insn(this.lifter.lift(i)), callee, noise: isCompilerNoise(this.program.arch, i, callee) };
      this.compiled.set(i.address, p);
    }
    return p;
  }

  /** Executes one path; undefined when it cannot be followed (unsupported code, a CFG mismatch). */
  run(path: readonly number[]): PartialTrace | undefined {
    const d = this.domain;
    const mem = new SymbolicMemory(d);
    const state: State<Sym> = { regs: [...this.initialRegs], flags: [...this.initialFlags], mem, target: undefined, decide: () => false };
    let constraint: Sym = d.const(1, 1n);
    let instructions = 0, noise = 0;
    const calls: string[] = [];
    const arm = this.program.arch === 'arm';
    for (let bi = 0; bi < path.length; bi++) {
      const block = this.blocks.get(path[bi]!);
      if (!block) return undefined;
      const want = path[bi + 1];
      const insns = block.instructions;
      const n = insns.length;
      // The instruction that ends the block (the one before a MIPS delay slot).
      const ctl = n >= 2 && insns[n - 2]!.delaySlot ? n - 2 : n - 1;
      const last = insns[n - 1]!;
      const fallthrough = last.address + last.size;
      for (let k = 0; k < n; k++) {
        const i = insns[k]!;
        const { compiled: c, callee, noise: marked } = this.insn(i);
        if (c.insn.status === 'unsupported') return undefined;
        instructions++;
        if (marked) noise++;
        const isCtl = k === ctl && bi < path.length - 1;
        let decided: { t: Transfer; asked: Sym[]; picked: number } | undefined;
        // Attempt a: the a-th undecided guard holds, the others do not (a = 0: none holds).
        for (let a = 0; ; a++) {
          // Only a block's last transfer may need another attempt, so only it snapshots the state.
          const snap = isCtl ? { regs: [...state.regs], flags: [...state.flags], mem: mem.snapshot() } : undefined;
          const asked: Sym[] = [];
          state.decide = (g) => { const t = d.truth(g); if (t !== undefined) return t; asked.push(g); return asked.length === a; };
          const t = c.run(state);
          if (t === Transfer.Trap) return undefined;
          if (!isCtl || t === Transfer.Call) { decided = { t, asked, picked: a }; break; }
          const tgt = state.target;
          const next = t === Transfer.Next ? fallthrough : tgt && tgt.kind === 'const' ? (arm ? Number(tgt.value) & ~1 : Number(tgt.value)) : undefined;
          if (next === want) { decided = { t, asked, picked: a }; break; }
          if (next === undefined && tgt && want !== undefined) {
            // An indirect jump (a jump table): the path constrains its target.
            const addr = arm ? d.mkBinop('and', tgt, d.const(tgt.width, ~1n)) : tgt; // Thumb targets carry bit 0
            constraint = d.and1(constraint, d.mkCmp('eq', addr, d.const(tgt.width, BigInt(want))));
            decided = { t, asked, picked: a };
            break;
          }
          state.regs.splice(0, snap!.regs.length, ...snap!.regs);
          state.flags.splice(0, snap!.flags.length, ...snap!.flags);
          mem.restore(snap!.mem);
          if (a >= asked.length) return undefined; // no decision reaches the next block
        }
        // The last block's own branch is free: the trace ends before it takes effect.
        const free = k === ctl && bi === path.length - 1;
        if (!free) decided.asked.forEach((g, idx) => { constraint = d.and1(constraint, idx + 1 === decided!.picked ? g : d.not1(g)); });
        if (decided.t === Transfer.Call) {
          // The callee is not followed: its result is an input named by what it is.
          const name = callee ?? 'call';
          if (callee) calls.push(callee);
          const w = this.initialRegs[this.retSlot]!.width;
          state.regs[this.retSlot] = d.freshInput(`call:${name}`, w);
          if (this.lifter.cc.returnAddress === 'stack') {
            // The callee's return pops the address the call pushed.
            const sp = state.regs[this.spSlot]!;
            state.regs[this.spSlot] = d.mkBinop('add', sp, d.const(sp.width, BigInt(sp.width / 8)));
          }
        }
      }
    }
    return { blocks: path, instructions, noise, outputs: this.outputs(state, mem), constraint, calls };
  }

  private outputs(state: State<Sym>, mem: SymbolicMemory): TraceOutput[] {
    const out: TraceOutput[] = [];
    const slots = this.lifter.registers.slots;
    const keep = (v: Sym) => v.kind !== 'input' && !(v.kind === 'const' && this.isAddress(v.value));
    state.regs.forEach((v, i) => {
      if (v === this.initialRegs[i] || this.excluded.has(i) || !keep(v)) return;
      out.push({ where: `reg:${slots[i]!.name}`, value: v });
    });
    for (const st of mem.stores) if (keep(st.value)) out.push({ where: 'store', value: st.value });
    return out;
  }

  private isAddress(v: bigint): boolean {
    if (v < 0x1000n) return false;
    const n = Number(v);
    return this.codeRanges.some(([lo, hi]) => n >= lo && n < hi);
  }
}
