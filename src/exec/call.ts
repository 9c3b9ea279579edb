/**
 * Calling a function of a binary in the concrete interpreter: the file's segments mapped into
 * memory, a stack, arguments placed by the architecture's calling convention, calls inside the
 * binary followed, and the integer return value read back when the function returns to the
 * sentinel return address. Imports, unsupported instructions, traps, system calls, faults and
 * the step limit end the call with an error in its result.
 */
import type { Arch, Image } from '../binfmt/image.js';
import { PT_LOAD } from '../binfmt/image.js';
import { loadElf } from '../binfmt/elf.js';
import type { Instruction } from '../arch/instruction.js';
import type { Lifter } from '../arch/spec.js';
import type { IrInsn } from '../ir/ir.js';
import { dropDeadFlags } from '../ir/liveness.js';
import { buildProgram } from '../program/build.js';
import { findFunction } from '../program/lookup.js';
import type { Program } from '../program/program.js';
import { SemblanceError } from '../util/errors.js';
import type { Concrete } from './concrete.js';
import { concrete, toAddress, toBigInt } from './concrete.js';
import type { CompiledInsn, State } from './interpret.js';
import { Compiler, Transfer } from './interpret.js';
import type { BlockCode, BlockExit } from './jit.js';
import { compileBlock } from './jit.js';
import type { Pages } from './memory.js';
import { ConcreteMemory, MemoryFault } from './memory.js';

export interface Executable {
  readonly image: Image;
  readonly program: Program;
  readonly lifter: Lifter;
  readonly compiler: Compiler<Concrete>;
  /** Import stubs whose symbol this binary defines itself (a shared library calling its own exports through the PLT): where they lead. */
  readonly selfImports: ReadonlyMap<number, { address: number; thumb: boolean }>;
  /** Straight-line blocks by start address (×2, + 1 for Thumb). */
  readonly blocks: Map<number, Block>;
  /** The file's loadable segments as memory pages, shared (copy on first touch) by every call. */
  readonly pages: Pages;
}

export interface CallOutcome {
  readonly args: bigint[];
  /** The return register as a signed integer of its width. */
  readonly returns?: bigint;
  readonly error?: string;
  readonly steps: number;
}

export interface CallOptions {
  readonly maxSteps?: number;
}

const WORD: Record<Arch, 32 | 64> = { x86: 32, x86_64: 64, arm: 32, aarch64: 64, mips: 32, mipsel: 32 };
const STACK_SIZE = 1 << 20;
const TLS_SIZE = 1 << 14;
/** Regions far from where linkers put code and data. */
const LAYOUT = {
  32: { stackTop: 0xbf000000, tls: 0xb0000000, sentinel: 0xfffff000 },
  64: { stackTop: 0x7ff000000000, tls: 0x7fe000000000, sentinel: 0xffff00000000 },
} as const;
/** Registers that hold the thread pointer, by whichever name an architecture's file uses. */
const THREAD_POINTERS = ['fs_base', 'tpidr_el0', 'tpidruro', 'ulr'];
/** Unmodelled effects that mean the code asks the kernel for something: the call cannot go on. */
const SYSTEM = /syscall|sysenter|svc|^int\b|^int\d/;

export async function openExecutable(path: string): Promise<Executable> {
  const image = loadElf(path);
  const program = await buildProgram(image);
  const lifter = program.spec.createLifter(image.arch);
  const byName = new Map<string, { address: number; thumb: boolean }>();
  for (const f of program.functions) for (const n of [f.name, ...f.aliases]) byName.set(n, { address: f.address, thumb: f.thumb });
  const selfImports = new Map<number, { address: number; thumb: boolean }>();
  for (const [stub, name] of program.imports) { const f = byName.get(name); if (f) selfImports.set(stub, f); }
  return { image, program, lifter, compiler: new Compiler(concrete, lifter.registers), selfImports, blocks: new Map(), pages: segmentPages(image) };
}

/** The file's loadable segments as pages, the base every run over this file copies on write. */
export function segmentPages(image: Image): Pages {
  const mem = new ConcreteMemory({ littleEndian: image.littleEndian });
  for (const s of image.segments) {
    if (s.type !== PT_LOAD || s.memsz === 0) continue;
    mem.map(s.vaddr, s.memsz);
    const n = Math.min(s.filesz, s.memsz, Math.max(0, image.bytes.length - s.offset));
    if (n > 0) mem.write(s.vaddr, image.bytes.subarray(s.offset, s.offset + n));
  }
  return mem.snapshot();
}

/** Parses one `3,-7,0,12` argument vector. */
export function parseArgs(text: string): bigint[] {
  if (text.trim() === '') return [];
  return text.split(',').map((t) => {
    const s = t.trim();
    if (!/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(s)) throw new SemblanceError('usage', `bad argument "${t}" in "${text}": expected comma-separated integers`);
    const neg = s.startsWith('-');
    const body = s.replace(/^[-+]/, '');
    const v = BigInt(body);
    return neg ? -v : v;
  });
}

export function callFunction(exe: Executable, func: string | number, args: readonly bigint[], opts: CallOptions = {}): CallOutcome {
  const { image, lifter, program } = exe;
  const fn = typeof func === 'number' ? findFunction(program, `0x${func.toString(16)}`) : findFunction(program, func);
  const word = WORD[image.arch];
  const layout = LAYOUT[word];
  const rf = lifter.registers, cc = lifter.cc;
  const mem = new ConcreteMemory({ littleEndian: image.littleEndian, base: exe.pages });
  mem.map(layout.stackTop - STACK_SIZE, STACK_SIZE);
  mem.map(layout.tls - TLS_SIZE / 2, TLS_SIZE);

  const regs: Concrete[] = rf.slots.map((s) => concrete.constant(s.width, 0n));
  const flags: Concrete[] = rf.flagNames.map(() => 0);
  const setReg = (name: string, v: bigint) => {
    const loc = rf.reg(name);
    const { slot, shift } = rf.slotOf(loc);
    if (shift !== 0 || loc.width !== rf.slots[slot]!.width) throw new Error(`${name} is not a full register`);
    regs[slot] = concrete.constant(loc.width, BigInt.asUintN(loc.width, v));
  };
  const wordBytes = word / 8;
  const asWord = (v: bigint) => concrete.constant(word, BigInt.asUintN(word, v));

  // Stack: arguments beyond the registers at sp + stackArgs; x86 pushes the return address below them.
  const base = layout.stackTop - 0x1000;
  const extra = args.slice(cc.args.length);
  let sp = base - 16 * Math.ceil((extra.length * wordBytes) / 16);
  extra.forEach((v, i) => mem.store(sp + cc.stackArgs + i * wordBytes - (cc.returnAddress === 'stack' ? wordBytes : 0), asWord(v), word));
  if (cc.returnAddress === 'stack') {
    sp -= wordBytes;
    mem.store(sp, asWord(BigInt(layout.sentinel)), word);
  } else setReg(cc.returnAddress, BigInt(layout.sentinel));
  setReg(cc.sp, BigInt(sp));
  args.slice(0, cc.args.length).forEach((v, i) => setReg(cc.args[i]!, v));
  const thumb = image.arch === 'arm' && fn.thumb;
  for (const r of cc.entryAddressIn ?? []) setReg(r, BigInt(fn.address));
  if (image.mipsGp !== undefined && rf.has('gp')) setReg('gp', BigInt(image.mipsGp));
  for (const r of THREAD_POINTERS) if (rf.has(r)) setReg(r, BigInt(layout.tls));

  const state: State<Concrete> = { regs, flags, mem, target: undefined, decide: (g) => g !== 0 };
  const result = run(exe, state, mem, fn.address, thumb, layout.sentinel, opts.maxSteps ?? 50_000_000);
  const a = [...args];
  if (result.error) return { args: a, error: result.error, steps: result.steps };
  const retLoc = rf.reg(cc.ret);
  const { slot } = rf.slotOf(retLoc);
  return { args: a, returns: BigInt.asIntN(retLoc.width, toBigInt(regs[slot]!)), steps: result.steps };
}

/**
 * A straight-line run of instructions ending at the first transfer (and its delay slot), run as
 * one compiled function (jit.ts) when it can be, else instruction by instruction through the
 * generic interpreter: near the step limit, and for blocks that end the call (an unsupported
 * instruction, a system call, an instruction that does not decode).
 */
interface Block {
  readonly insns: readonly IrInsn[];
  /** The generic interpreter's form, made on first need. */
  compiled?: readonly CompiledInsn<Concrete>[];
  /** The whole block as one function; undefined when it must go instruction by instruction. */
  readonly code: BlockCode | undefined;
  /** Why decoding stopped early, reported when execution gets there. */
  readonly stop?: string;
  /** Where the last instruction falls through to. */
  readonly next: number;
  /** The block run after this one last time, and where it starts (key as in `blocks`): most transfers go where they went before. */
  afterKey: number;
  after: Block | undefined;
}

const MAX_BLOCK = 64;

function blockAt(exe: Executable, pc: number, thumb: boolean): Block {
  const key = pc * 2 + (thumb ? 1 : 0);
  const hit = exe.blocks.get(key);
  if (hit) return hit;
  const { program, lifter } = exe;
  const ir: IrInsn[] = [];
  let stop: string | undefined;
  let a = pc;
  let pendingSlot = false;
  while (ir.length < MAX_BLOCK || pendingSlot) {
    const i: Instruction | undefined = program.decoder.decode(a, thumb);
    if (!i) { stop = `cannot decode the instruction at ${hexa(a)}`; break; }
    let x: IrInsn;
    try {
      x = lifter.lift(i);
    } catch (e) {
      stop = `cannot lift ${i.mnemonic} ${i.text} at ${hexa(a)}: ${(e as Error).message}`;
      break;
    }
    ir.push(x);
    a += i.size;
    if (pendingSlot) break;
    const transfers = x.status === 'unsupported' || x.stmts.some((st) => st.kind === 'jump' || st.kind === 'call' || st.kind === 'ret' || st.kind === 'trap');
    if (transfers && x.delaySlot) { pendingSlot = true; continue; }
    if (transfers || program.imports.has(a)) break;
  }
  const insns = dropDeadFlags(ir);
  const plain = !stop && insns.length > 0 && insns.every((x) => x.status !== 'unsupported' && !x.stmts.some((st) => st.kind === 'opaque' && SYSTEM.test(st.name)));
  const block: Block = { insns, code: plain ? compileBlock(insns, lifter.registers) : undefined, next: a, afterKey: -1, after: undefined, ...(stop ? { stop } : {}) };
  exe.blocks.set(key, block);
  return block;
}

const hexa = (a: number) => `0x${a.toString(16)}`;

function run(exe: Executable, s: State<Concrete>, mem: ConcreteMemory, start: number, startThumb: boolean, sentinel: number, maxSteps: number): { steps: number; error?: string } {
  const { program, image } = exe;
  const arm = image.arch === 'arm';
  let pc = start, thumb = startThumb, steps = 0;
  const exit: BlockExit = { n: 0, target: 0, trap: '' };
  /** A compiled block is running: a fault's step count is in `exit.n`. */
  let inBlock = false;
  let prev: Block | undefined;
  try {
    outer: while (steps < maxSteps) {
      if (pc === sentinel) return { steps };
      const key = pc * 2 + (thumb ? 1 : 0);
      let b: Block;
      // An import stub never starts a block, so a remembered successor needs no import check.
      if (prev && prev.afterKey === key) b = prev.after!;
      else {
        const imp = program.imports.get(pc);
        if (imp !== undefined) {
          // Without interposition the dynamic linker binds a stub to the binary's own definition.
          const own = exe.selfImports.get(pc);
          if (!own) return { steps, error: `call to import ${imp} at ${hexa(pc)}: imports are not emulated` };
          pc = own.address;
          thumb = own.thumb;
          continue;
        }
        b = blockAt(exe, pc, thumb);
        if (prev) { prev.afterKey = key; prev.after = b; }
      }
      prev = b;
      const n = b.insns.length;
      if (b.code && steps + n <= maxSteps) {
        inBlock = true;
        const t = b.code(s.regs, s.flags, mem, exit);
        inBlock = false;
        steps += exit.n;
        if (t === Transfer.Next) { pc = b.next; continue; }
        if (t === Transfer.Trap) return { steps, error: `trap at ${hexa(b.insns[exit.n - 1]!.address)}: ${exit.trap}` };
        let target = toAddress(exit.target);
        if (arm) { thumb = (target & 1) === 1; target = (target & ~1) >>> 0; }
        pc = target;
        continue;
      }
      const insns = b.compiled ??= b.insns.map((x) => exe.compiler.insn(x));
      for (let k = 0; k < n; k++) {
        if (steps >= maxSteps) { pc = insns[k]!.insn.address; break outer; }
        const c = insns[k]!;
        const at = c.insn.address;
        if (c.insn.status === 'unsupported') return { steps, error: `unsupported instruction ${c.insn.mnemonic} at ${hexa(at)}` };
        for (const e of c.effects) if (SYSTEM.test(e)) return { steps, error: `${e} at ${hexa(at)}: system calls are not emulated` };
        steps++;
        const t = c.run(s);
        if (t === Transfer.Next) continue;
        if (t === Transfer.Trap) return { steps, error: `trap at ${hexa(at)}: ${c.trapReason}` };
        let target = toAddress(s.target!);
        if (c.insn.delaySlot) {
          // The delay slot runs before the transfer takes effect.
          const d = insns[k + 1];
          if (!d) return { steps, error: b.stop ?? `no delay slot after ${hexa(at)}` };
          steps++;
          if (d.run(s) === Transfer.Trap) return { steps, error: `trap at ${hexa(d.insn.address)}: ${d.trapReason}` };
        }
        if (arm) { thumb = (target & 1) === 1; target = (target & ~1) >>> 0; }
        pc = target;
        continue outer;
      }
      if (b.stop) return { steps, error: b.stop };
      pc = b.next;
    }
    return { steps, error: `step limit of ${maxSteps} reached at ${hexa(pc)}` };
  } catch (e) {
    if (inBlock) steps += exit.n;
    if (e instanceof MemoryFault) return { steps, error: `${e.message} at ${hexa(pc)}` };
    throw e;
  }
}
