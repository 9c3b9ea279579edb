/**
 * Micro-traces (SEEDS.md §1.1): each function run on its own by the concrete interpreter from a
 * random state, recording every token's value the first time its instruction executes.
 * - Registers start random (full width) except the stack and frame pointers, which point into
 *   one fixed stack; MIPS `gp`/`t9` get what the ABI puts there so PIC code finds its GOT.
 * - Memory comes from the file's segments; any other page is mapped on first touch and filled
 *   with random bytes (a load from it reads a random value), up to a bound.
 * - Calls are skipped (forced execution: the return register gets a random value); branches
 *   inside the function are followed; leaving it (return, tail jump) ends the trace; a step
 *   bound stops loops; a trap, a fault or an unliftable instruction is stepped over.
 * The code sequence is the function's static instructions in address order, so all traces of a
 * function and its static form share one code sequence and differ only in values; instructions
 * a trace never reaches keep `##`. Deterministic for a seed: the only randomness is `Rng`.
 */
import type { Instruction } from '../../arch/instruction.js';
import type { Lifter } from '../../arch/spec.js';
import type { Concrete } from '../../exec/concrete.js';
import { concrete, toAddress, toBigInt } from '../../exec/concrete.js';
import type { CompiledInsn, State } from '../../exec/interpret.js';
import { Compiler, Transfer } from '../../exec/interpret.js';
import type { Pages } from '../../exec/memory.js';
import { ConcreteMemory, PAGE } from '../../exec/memory.js';
import { segmentPages } from '../../exec/call.js';
import type { FunctionInfo, Program } from '../../program/program.js';
import { Rng } from '../../util/random.js';
import type { CodeToken, TrexArch } from './tokens.js';
import { instructionTokens, trexArch } from './tokens.js';

/** A function's code sequence and the values of its tokens: statically and in each micro-trace. */
export interface TrexFunction {
  readonly arch: TrexArch;
  /** Per instruction (address order), its tokens. */
  readonly instructions: readonly (readonly CodeToken[])[];
  /** Per micro-trace, per instruction, per token: the value as an unsigned 64-bit integer, or undefined for `##`. */
  readonly traces: readonly (readonly (readonly (bigint | undefined)[])[])[];
}

export interface MicroTraceOptions {
  /** Traces per function (the seed's 3). */
  readonly traces: number;
  /** Steps per trace. */
  readonly maxSteps: number;
  /** Pages a trace may map on demand (4 KiB each). */
  readonly maxPages: number;
}

export const DEFAULT_MICROTRACE: MicroTraceOptions = { traces: 3, maxSteps: 4096, maxPages: 256 };

const LAYOUT = { 32: { sp: 0xbeff0000, fp: 0xbeff0400 }, 64: { sp: 0x7ffeff000000, fp: 0x7ffeff000400 } } as const;
/** Each architecture's frame pointer (Thumb code uses r7, A32 r11). */
const FRAME_POINTER: Record<string, readonly string[]> = { x86: ['ebp'], x86_64: ['rbp'], arm: ['r11', 'r7'], aarch64: ['x29'], mips: ['fp'], mipsel: ['fp'] };

/** Tokens of every instruction of a function, in address order, and the instructions themselves. */
export function functionCode(program: Program, fn: FunctionInfo): { insns: Instruction[]; tokens: CodeToken[][] } {
  const byAddress = new Map<number, Instruction>();
  for (const b of fn.blocks) for (const i of b.instructions) byAddress.set(i.address, i);
  const insns = [...byAddress.values()].sort((a, b) => a.address - b.address);
  const end = insns.length ? Math.max(fn.address + fn.size, insns[insns.length - 1]!.address + insns[insns.length - 1]!.size) : fn.address;
  return { insns, tokens: insns.map((i) => instructionTokens(i, program.arch, fn.address, end)) };
}

/** Static values only: what the code itself says (immediates, in-function targets). */
export function staticFunction(program: Program, fn: FunctionInfo): TrexFunction {
  const { tokens } = functionCode(program, fn);
  return { arch: trexArch(program.arch), instructions: tokens, traces: [tokens.map((ts) => ts.map((t) => (t.value.kind === 'literal' ? t.value.value : undefined)))] };
}

export class MicroTracer {
  private readonly lifter: Lifter;
  private readonly compiler: Compiler<Concrete>;
  private readonly pages: Pages;
  private readonly readers = new Map<string, ((s: State<Concrete>) => bigint) | null>();
  private readonly word: 32 | 64;

  constructor(private readonly program: Program, private readonly opts: MicroTraceOptions = DEFAULT_MICROTRACE) {
    this.lifter = program.spec.createLifter(program.arch);
    this.compiler = new Compiler(concrete, this.lifter.registers);
    this.pages = segmentPages(program.image);
    this.word = program.arch === 'x86_64' || program.arch === 'aarch64' ? 64 : 32;
  }

  /** The function's micro-traces for `seed` (the static values are not included). */
  trace(fn: FunctionInfo, seed: number): TrexFunction {
    const { insns, tokens } = functionCode(this.program, fn);
    const index = new Map<number, number>();
    insns.forEach((i, k) => index.set(i.address, k));
    const compiled: (CompiledInsn<Concrete> | null | undefined)[] = new Array(insns.length);
    const code = (k: number): CompiledInsn<Concrete> | null => {
      let c = compiled[k];
      if (c === undefined) {
        try {
          const ir = this.lifter.lift(insns[k]!);
          c = ir.status === 'unsupported' ? null : this.compiler.insn(ir);
        } catch {
          c = null;
        }
        compiled[k] = c;
      }
      return c;
    };
    const traces: (bigint | undefined)[][][] = [];
    for (let t = 0; t < this.opts.traces; t++) traces.push(this.run(fn, insns, tokens, index, code, new Rng(seed, `microtrace:${fn.address}:${t}`)));
    return { arch: trexArch(this.program.arch), instructions: tokens, traces };
  }

  private run(fn: FunctionInfo, insns: Instruction[], tokens: CodeToken[][], index: Map<number, number>, code: (k: number) => CompiledInsn<Concrete> | null, rng: Rng): (bigint | undefined)[][] {
    const rf = this.lifter.registers, cc = this.lifter.cc;
    const random64 = () => (BigInt(rng.next()) << 32n) | BigInt(rng.next());
    const randomOf = (width: number) => {
      let v = 0n;
      for (let b = 0; b < width; b += 32) v = (v << 32n) | BigInt(rng.next());
      return BigInt.asUintN(width, v);
    };
    const regs = rf.slots.map((s) => concrete.constant(s.width, randomOf(s.width)));
    const flags = rf.flagNames.map(() => rng.below(2));
    const set = (name: string, v: bigint) => {
      if (!rf.has(name)) return;
      const { slot } = rf.slotOf(rf.reg(name));
      regs[slot] = concrete.constant(rf.slots[slot]!.width, BigInt.asUintN(rf.slots[slot]!.width, v));
    };
    const layout = LAYOUT[this.word];
    set(cc.sp, BigInt(layout.sp));
    for (const r of FRAME_POINTER[this.program.arch] ?? []) set(r, BigInt(layout.fp));
    for (const r of cc.entryAddressIn ?? []) set(r, BigInt(fn.address));
    if (this.program.image.mipsGp !== undefined) set('gp', BigInt(this.program.image.mipsGp));

    const fill = (): Uint8Array => {
      const page = new Uint8Array(PAGE);
      const words = new Uint32Array(page.buffer);
      for (let i = 0; i < words.length; i++) words[i] = rng.next();
      return page;
    };
    const mem = new ConcreteMemory({ littleEndian: this.program.image.littleEndian, base: this.pages, fill, maxPages: this.opts.maxPages + this.pages.size });
    const state: State<Concrete> = { regs, flags, mem, target: undefined, decide: (g) => g !== 0 };
    const values: (bigint | undefined)[][] = tokens.map((ts) => ts.map(() => undefined));
    const seen = new Uint8Array(insns.length);
    const record = (k: number) => {
      if (seen[k]) return;
      seen[k] = 1;
      const ts = tokens[k]!, vs = values[k]!;
      for (let j = 0; j < ts.length; j++) {
        const src = ts[j]!.value;
        if (src.kind === 'literal') vs[j] = src.value;
        else if (src.kind === 'reg') vs[j] = this.reader(src.reg)?.(state);
      }
    };
    /** Runs instruction k; returns the transfer, or undefined when it could not run (stepped over). */
    const exec = (k: number): Transfer | undefined => {
      record(k);
      const c = code(k);
      if (!c) return undefined;
      try {
        return c.run(state);
      } catch {
        return undefined;
      }
    };
    const arm = this.program.arch === 'arm';
    let k = index.get(fn.address);
    for (let steps = 0; k !== undefined && steps < this.opts.maxSteps; steps++) {
      const insn = insns[k]!;
      const next = insn.address + insn.size;
      const slot = insn.delaySlot ? index.get(next) : undefined;
      const after = slot !== undefined ? insns[slot]!.address + insns[slot]!.size : next;
      if (insn.flow === 'call' || insn.flow === 'icall') {
        // Forced execution: the callee is not run; its result is unknown, so random.
        record(k);
        if (slot !== undefined) exec(slot);
        set(cc.ret, random64());
        k = index.get(after);
        continue;
      }
      const t = exec(k);
      if (t === undefined || t === Transfer.Next) { k = index.get(next); continue; }
      if (t === Transfer.Ret || t === Transfer.Trap) break;
      if (slot !== undefined) exec(slot);
      if (t === Transfer.Call) { set(cc.ret, random64()); k = index.get(after); continue; }
      let target = toAddress(state.target!);
      if (arm) target = (target & ~1) >>> 0;
      const inside = index.get(target);
      if (inside !== undefined) k = inside;
      else if (insn.flow === 'branch') k = index.get(after); // a conditional exit is skipped
      else break; // a tail jump leaves the function
    }
    return values;
  }

  /** Reads a register as an unsigned 64-bit value (wider registers: their low 64 bits); null for names the file lacks. */
  private reader(name: string): ((s: State<Concrete>) => bigint) | undefined {
    let r = this.readers.get(name);
    if (r === undefined) {
      const rf = this.lifter.registers;
      if (!rf.has(name)) r = null;
      else {
        const loc = rf.reg(name);
        const read = this.compiler.reader(loc);
        r = (s) => BigInt.asUintN(64, toBigInt(read(s), loc.width));
      }
      this.readers.set(name, r);
    }
    return r ?? undefined;
  }
}
