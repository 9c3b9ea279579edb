/**
 * Partial traces (BinGo §2.3–2.4): acyclic paths of 1..k basic blocks through a function's CFG,
 * each executed by the one interpreter in the symbolic domain from a pre-state of inputs to a
 * post-state of expressions, with the path constraint the branches between its blocks impose.
 */
import type { Instruction } from '../../arch/instruction.js';
import type { Lifter } from '../../arch/spec.js';
import type { CompiledInsn, State } from '../../exec/interpret.js';
import { Compiler, Transfer } from '../../exec/interpret.js';
import type { FreshScope, Sym } from '../../exec/symbolic.js';
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

/**
 * The symbolic state partway along a path, and what the path has gathered so far. A memoised
 * one is never changed: each path continuing from it runs on its own `fork`.
 */
interface Walk extends State<Sym> {
  readonly mem: SymbolicMemory;
  constraint: Sym;
  instructions: number;
  noise: number;
  readonly calls: string[];
}

const fork = (w: Walk): Walk => ({
  regs: [...w.regs], flags: [...w.flags], mem: w.mem.clone(), target: undefined, decide: w.decide,
  constraint: w.constraint, instructions: w.instructions, noise: w.noise, calls: [...w.calls],
});

/** A state and the scope its expressions over fresh inputs were hash-consed in. */
interface Scoped { readonly walk: Walk | undefined; readonly scope: FreshScope | undefined }

/**
 * A path, stopped before its last block's control transfer (undefined walk: it cannot be
 * followed), with the paths extending it.
 */
interface PrefixNode extends Scoped {
  readonly parent: PrefixNode | undefined;
  /** Its last block's address. */
  readonly block: number;
  /**
   * The state its extensions continue from: the same as `walk` unless its own run ordered some
   * operands by that run (SymbolicDomain.runOrdered); then made again as a later run makes it.
   */
  extended: Scoped | undefined;
  readonly next: Map<number, PrefixNode>;
}

/**
 * Symbolic execution of one function's partial traces; one hash-consing domain per function.
 * A path shares the work of its prefix: the state before the prefix's last branch is kept, so a
 * 3-block path costs one block (and the branch into it) on top of its 2-block prefix. The traces
 * are those of running every path from scratch (`sharePrefixes` false, the tests' reference).
 */
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
  /** The guards the running instruction asked about, and which of them holds (0: none); see `exec`. */
  private readonly asked: Sym[] = [];
  private attempt = 0;
  private readonly decide = (g: Sym): boolean => {
    const t = this.domain.truth(g);
    if (t !== undefined) return t;
    this.asked.push(g);
    return this.asked.length === this.attempt;
  };
  /** Prefix states by block address, path by path; the root holds the empty path's (the pre-state). */
  private readonly prefixes: PrefixNode;

  constructor(private readonly program: Program, private readonly lifter: Lifter, private readonly f: FunctionInfo,
    private readonly sharePrefixes = true) {
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
    const pre: Walk = {
      regs: [...this.initialRegs], flags: [...this.initialFlags], mem: new SymbolicMemory(d), target: undefined, decide: this.decide,
      constraint: d.const(1, 1n), instructions: 0, noise: 0, calls: [],
    };
    this.prefixes = { walk: pre, scope: undefined, parent: undefined, block: -1, extended: undefined, next: new Map() };
    this.prefixes.extended = this.prefixes;
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

  /**
   * Executes one path; undefined when it cannot be followed (unsupported code, a CFG mismatch).
   * The states of its prefixes are reused from earlier runs (and kept for later ones).
   */
  run(path: readonly number[]): PartialTrace | undefined {
    this.domain.beginRun();
    const pre = this.prefix(path);
    const block = this.blocks.get(path[path.length - 1]!);
    if (!pre?.walk || !block) return undefined;
    // A scope of its own: what the free branch makes over the path's fresh inputs, a path
    // continuing from here makes again (with its steered branch), in its own order.
    this.domain.enter(this.domain.newScope(pre.scope));
    const w = fork(pre.walk);
    // The last block's own branch is free: the trace ends before it takes effect.
    if (!this.exec(w, block, controlIndex(block), block.instructions.length, undefined)) return undefined;
    return { blocks: path, instructions: w.instructions, noise: w.noise, outputs: this.outputs(w), constraint: w.constraint, calls: w.calls };
  }

  /**
   * The path's node, made from its prefix's state the first time (each block once, whatever
   * the number of paths through it), then kept (a failure too).
   */
  private prefix(path: readonly number[]): PrefixNode | undefined {
    const d = this.domain;
    // From scratch: a root of its own, so nothing made by an earlier run is found.
    let node = this.sharePrefixes ? this.prefixes : { ...this.prefixes, next: new Map<number, PrefixNode>() };
    for (let at = 0; at < path.length && node.walk; at++) {
      let child = node.next.get(path[at]!);
      if (!child) {
        const from = this.extension(node);
        const scope = d.newScope(from.scope);
        d.enter(scope);
        d.runOrdered = false;
        const walk = from.walk && this.extend(from.walk, node.block, path[at]!);
        // Within one run a prefix's state is what its extensions continue from.
        const extended = d.runOrdered && this.sharePrefixes ? undefined : { walk, scope };
        child = { walk, scope, parent: node, block: path[at]!, extended, next: new Map() };
        node.next.set(path[at]!, child);
      }
      node = child;
    }
    return node;
  }

  /** The state a node's extensions continue from (`PrefixNode.extended`). */
  private extension(node: PrefixNode): Scoped {
    if (node.extended) return node.extended;
    const d = this.domain;
    const from = this.extension(node.parent!);
    const scope = d.newScope(from.scope);
    d.enter(scope);
    const walk = from.walk && d.asLaterRun(() => this.extend(from.walk!, node.parent!.block, node.block));
    return node.extended = { walk, scope };
  }

  /** A state continued into `block`: the previous block's branch steered there, then the block up to its own branch. */
  private extend(from: Walk, prevBlock: number, to: number): Walk | undefined {
    const block = this.blocks.get(to);
    if (!block) return undefined;
    const w = fork(from);
    try {
      const prev = this.blocks.get(prevBlock);
      if (prev && !this.exec(w, prev, controlIndex(prev), prev.instructions.length, to)) return undefined;
      return this.exec(w, block, 0, controlIndex(block), undefined) ? w : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs instructions [from, to) of a block on `w`. The block's control transfer (when in range)
   * is steered toward `next`, or left free when `next` is undefined (the path's last block).
   * False when the path cannot be followed.
   */
  private exec(w: Walk, block: BasicBlock, from: number, to: number, next: number | undefined): boolean {
    const d = this.domain;
    const insns = block.instructions;
    const n = insns.length;
    const ctl = controlIndex(block);
    const last = insns[n - 1]!;
    const fallthrough = last.address + last.size;
    const arm = this.program.arch === 'arm';
    for (let k = from; k < to; k++) {
      const i = insns[k]!;
      const { compiled: c, callee, noise: marked } = this.insn(i);
      if (c.insn.status === 'unsupported') return false;
      w.instructions++;
      if (marked) w.noise++;
      const isCtl = k === ctl && next !== undefined;
      const asked = this.asked;
      let t: Transfer;
      // Attempt a: the a-th undecided guard holds, the others do not (a = 0: none holds).
      let a = 0;
      for (; ; a++) {
        // Only a block's last transfer may need another attempt, so only it snapshots the state.
        const snap = isCtl ? { regs: [...w.regs], flags: [...w.flags], mem: w.mem.snapshot() } : undefined;
        asked.length = 0;
        this.attempt = a;
        t = c.run(w);
        if (t === Transfer.Trap) return false;
        if (!isCtl || t === Transfer.Call) break;
        const tgt = w.target;
        const reached = t === Transfer.Next ? fallthrough : tgt && tgt.kind === 'const' ? (arm ? Number(tgt.value) & ~1 : Number(tgt.value)) : undefined;
        if (reached === next) break;
        if (reached === undefined && tgt) {
          // An indirect jump (a jump table): the path constrains its target.
          const addr = arm ? d.mkBinop('and', tgt, d.const(tgt.width, ~1n)) : tgt; // Thumb targets carry bit 0
          w.constraint = d.and1(w.constraint, d.mkCmp('eq', addr, d.const(tgt.width, BigInt(next))));
          break;
        }
        w.regs.splice(0, snap!.regs.length, ...snap!.regs);
        w.flags.splice(0, snap!.flags.length, ...snap!.flags);
        w.mem.restore(snap!.mem);
        if (a >= asked.length) return false; // no decision reaches the next block
      }
      const free = k === ctl && next === undefined;
      if (!free) for (let idx = 0; idx < asked.length; idx++) w.constraint = d.and1(w.constraint, idx + 1 === a ? asked[idx]! : d.not1(asked[idx]!));
      if (t === Transfer.Call) {
        // The callee is not followed: its result is an input named by what it is.
        const name = callee ?? 'call';
        if (callee) w.calls.push(callee);
        const width = this.initialRegs[this.retSlot]!.width;
        w.regs[this.retSlot] = d.freshInput(`call:${name}`, width);
        if (this.lifter.cc.returnAddress === 'stack') {
          // The callee's return pops the address the call pushed.
          const sp = w.regs[this.spSlot]!;
          w.regs[this.spSlot] = d.mkBinop('add', sp, d.const(sp.width, BigInt(sp.width / 8)));
        }
      }
    }
    return true;
  }

  private outputs(w: Walk): TraceOutput[] {
    const out: TraceOutput[] = [];
    const slots = this.lifter.registers.slots;
    const keep = (v: Sym) => v.kind !== 'input' && !(v.kind === 'const' && this.isAddress(v.value));
    w.regs.forEach((v, i) => {
      if (v === this.initialRegs[i] || this.excluded.has(i) || !keep(v)) return;
      out.push({ where: `reg:${slots[i]!.name}`, value: v });
    });
    for (const st of w.mem.stores) if (keep(st.value)) out.push({ where: 'store', value: st.value });
    return out;
  }

  private isAddress(v: bigint): boolean {
    if (v < 0x1000n) return false;
    const n = Number(v);
    return this.codeRanges.some(([lo, hi]) => n >= lo && n < hi);
  }
}

/** The instruction that ends a block (the one before a MIPS delay slot). */
function controlIndex(block: BasicBlock): number {
  const insns = block.instructions, n = insns.length;
  return n >= 2 && insns[n - 2]!.delaySlot ? n - 2 : n - 1;
}
