import type { ElfSymbol, Image } from '../binfmt/image.js';
import { isExecutable, mappingAt, readAt, sectionAt } from '../binfmt/image.js';
import type { Decoder, Instruction } from '../arch/instruction.js';
import { archSpec } from '../arch/registry.js';
import type { ArchSpec, JumpTable } from '../arch/spec.js';
import type { BasicBlock, CallSite, FunctionInfo, FunctionSource, Program } from './program.js';

/** Sections that hold import stubs, not functions. */
const STUB_SECTIONS = new Set(['.plt', '.plt.sec', '.plt.got', '.iplt', '.MIPS.stubs', '.plt.bnd']);
/** Imports that never return: a call to one ends its block. */
const NO_RETURN = new Set([
  'abort', 'exit', '_exit', '_Exit', 'quick_exit', '__stack_chk_fail', '__stack_chk_fail_local', '__assert_fail', '__assert_perror_fail',
  '__fortify_fail', '__chk_fail', 'longjmp', 'siglongjmp', '__longjmp_chk', 'err', 'errx', 'verr', 'verrx', 'pthread_exit',
  '__cxa_throw', '__cxa_rethrow', '_Unwind_Resume', '__libc_fatal', '__cxa_bad_cast', '__cxa_bad_typeid', '__gxx_personality_v0_noreturn',
  '__ubsan_handle_builtin_unreachable', 'thrd_exit', '__libc_start_main',
]);
const MAX_FUNCTION_INSTRUCTIONS = 200_000;
const MAX_TABLE_ENTRIES = 4096;

export interface BuildOptions {
  /** Look for functions beyond the symbols: entry point, call targets, prologues (default: when stripped). */
  readonly discover?: boolean;
  /**
   * Known function start addresses (say, from a debug copy's symbols) to build as functions when
   * neither the symbols nor discovery found them. They are added last, so they never change the
   * functions found otherwise; on ARM each takes the mode of the nearest function before it.
   */
  readonly starts?: readonly number[];
}

export async function buildProgram(image: Image, options: BuildOptions = {}): Promise<Program> {
  const spec = archSpec(image.arch);
  const decoder = await spec.createDecoder(image);
  const imports = findImportStubs(image, spec, decoder);
  const builder = new ProgramBuilder(image, spec, decoder, imports);
  return builder.build(options);
}

/** Resolves every import stub to its name by decoding the stub sections. */
function findImportStubs(image: Image, spec: ArchSpec, decoder: Decoder): Map<number, string> {
  const out = new Map<number, string>(image.importStubs);
  const thumbPlt = image.arch === 'arm';
  for (const s of image.sections) {
    if (!STUB_SECTIONS.has(s.name) || s.addr === 0) continue;
    const step = image.arch === 'x86' || image.arch === 'x86_64' ? 8 : 4;
    for (let a = s.addr; a < s.addr + s.size; a += step) {
      if (out.has(a)) continue;
      const stub: Instruction[] = [];
      let p = a;
      for (let k = 0; k < 5 && p < s.addr + s.size; k++) {
        // ARM PLT entries may open with a Thumb `bx pc; nop` pair before the A32 body.
        const thumb = thumbPlt && k === 0 && mappingAt(image, a) === 't';
        const i = decoder.decode(p, thumb);
        if (!i) break;
        stub.push(i);
        p += i.size;
      }
      const r = spec.stubImport(stub, image);
      if (!r) continue;
      const name = 'name' in r ? r.name : image.importSlots.get(r.slot);
      if (name) out.set(a, name);
    }
  }
  return out;
}

interface Seed {
  address: number;
  names: string[];
  size: number;
  thumb: boolean;
  source: FunctionSource;
  resolver?: true;
}

class ProgramBuilder {
  private readonly seeds = new Map<number, Seed>();
  private readonly cache = new Map<number, Instruction | null>();

  constructor(
    private readonly image: Image,
    private readonly spec: ArchSpec,
    private readonly decoder: Decoder,
    private readonly imports: Map<number, string>,
  ) {}

  build(options: BuildOptions): Program {
    const image = this.image;
    this.seedFromSymbols();
    const stripped = !image.symbols.some((s) => s.type === 'func' && s.sectionIndex !== 0);
    const discover = options.discover ?? stripped;
    if (discover && this.isCode(image.entry) && !this.seeds.has(image.entry)) this.addSeed(image.entry, this.entryThumb(), 'entry', []);
    const done = new Map<number, FunctionInfo>();
    // Recursive descent: build seeds, and (when discovering) add the targets of their direct calls.
    const queue = [...this.seeds.keys()];
    // Code pointers stored in data (init/fini arrays, function-pointer tables, main's GOT slot).
    if (discover) for (const p of image.pointers.values()) this.seedPointer(p, 'pointer', queue);
    if (discover) for (const p of image.initFini) this.seedPointer(p, 'entry', queue);
    const runQueue = () => {
      while (queue.length > 0) {
        const a = queue.shift()!;
        if (done.has(a)) continue;
        const f = this.buildFunction(this.seeds.get(a)!);
        done.set(a, f);
        if (!discover) continue;
        // Addresses taken in code: main handed to __libc_start_main by _start, comparators passed to qsort.
        const insns = f.blocks.flatMap((b) => b.instructions);
        for (const ref of this.spec.codeReferences(insns, image)) this.seedPointer(ref, f.address === image.entry ? 'entry' : 'pointer', queue);
        for (const c of f.calls) {
          if (c.target === undefined || c.import || this.seeds.has(c.target) || !this.isCode(c.target)) continue;
          this.addSeed(c.target, this.callThumb(f, c), 'call', []);
          queue.push(c.target);
        }
      }
    };
    runQueue();
    if (discover) {
      for (const a of this.prologueCandidates(done)) {
        if (this.seeds.has(a)) continue;
        this.addSeed(a, image.arch === 'arm' && this.spec.alignment === 2 && (a & 2) !== 0, 'prologue', []);
        queue.push(a);
      }
      runQueue();
    }
    this.seedStarts(options.starts ?? [], done, queue);
    runQueue();
    const functions = [...done.values()].sort((x, y) => x.address - y.address);
    return { image, arch: image.arch, spec: this.spec, decoder: this.decoder, functions, imports: this.imports };
  }

  private seedStarts(starts: readonly number[], done: Map<number, FunctionInfo>, queue: number[]): void {
    const known = [...done.values()].sort((x, y) => x.address - y.address);
    for (const a of starts) {
      if (this.seeds.has(a) || !this.isCode(a)) continue;
      let before: FunctionInfo | undefined;
      for (const f of known) { if (f.address > a) break; before = f; }
      this.addSeed(a, this.image.arch === 'arm' && (before ? before.thumb : this.entryThumb()), 'known', []);
      queue.push(a);
    }
  }

  /** Seeds a function at a code address taken as data (ARM: the low bit selects Thumb). */
  private seedPointer(value: number, source: FunctionSource, queue: number[]): void {
    const thumb = this.image.arch === 'arm' && (value & 1) === 1;
    const target = this.image.arch === 'arm' ? value & ~1 : value;
    if (this.seeds.has(target) || !this.isCode(target) || target === 0) return;
    if (this.image.arch === 'arm' && !thumb && (target & 3) !== 0) return;
    this.addSeed(target, thumb, source, []);
    queue.push(target);
  }

  private isCode(a: number): boolean {
    const s = sectionAt(this.image, a);
    return isExecutable(this.image, a) && !(s && STUB_SECTIONS.has(s.name)) && !this.imports.has(a);
  }

  private entryThumb(): boolean {
    if (this.image.arch !== 'arm') return false;
    const m = mappingAt(this.image, this.image.entry);
    return m === 't';
  }

  private callThumb(f: FunctionInfo, c: CallSite): boolean {
    if (this.image.arch !== 'arm') return false;
    const m = mappingAt(this.image, c.target!);
    if (m === 't' || m === 'a') return m === 't';
    const call = f.blocks.flatMap((b) => b.instructions).find((i) => i.address === c.address);
    return call?.targetThumb ?? f.thumb;
  }

  private addSeed(address: number, thumb: boolean, source: FunctionSource, names: string[], size = 0): void {
    this.seeds.set(address, { address, names, size, thumb, source });
  }

  private seedFromSymbols(): void {
    const syms: ElfSymbol[] = [...this.image.symbols, ...this.image.dynamicSymbols];
    for (const s of syms) {
      if (s.type !== 'func' || s.sectionIndex === 0 || !s.name || !this.isCode(s.address)) continue;
      let seed = this.seeds.get(s.address);
      if (!seed) {
        this.addSeed(s.address, s.thumb, s.source, [s.name], s.size);
        seed = this.seeds.get(s.address)!;
      } else {
        if (!seed.names.includes(s.name)) seed.names.push(s.name);
        if (seed.size === 0) seed.size = s.size;
      }
      if (s.ifunc) seed.resolver = true;
    }
    // Prefer a global, unadorned name as the function's name; the rest are aliases.
    const globals = new Set(syms.filter((s) => s.bind !== 'local').map((s) => s.name));
    const rank = (n: string) => (globals.has(n) ? 0 : 2) + (n.startsWith('_') ? 1 : 0);
    for (const seed of this.seeds.values()) seed.names.sort((a, b) => rank(a) - rank(b) || a.length - b.length || (a < b ? -1 : 1));
  }

  private decodeAt(a: number, thumb: boolean): Instruction | undefined {
    let i = this.cache.get(a);
    if (i === undefined) {
      i = this.decoder.decode(a, thumb) ?? null;
      this.cache.set(a, i);
    }
    return i ?? undefined;
  }

  private modeAt(a: number, fallback: boolean): boolean {
    if (this.image.arch !== 'arm') return false;
    const m = mappingAt(this.image, a);
    return m === 't' ? true : m === 'a' ? false : fallback;
  }

  private buildFunction(seed: Seed): FunctionInfo {
    const { address: start, thumb } = seed;
    const end = seed.size > 0 ? start + seed.size : Infinity;
    const insns = new Map<number, Instruction>();
    const prev = new Map<number, number>();
    const leaders = new Set<number>([start]);
    const edges = new Map<number, number[]>(); // terminator address → successor addresses
    const calls: CallSite[] = [];
    const tables: JumpTable[] = [];
    const unresolved: number[] = [];
    const work: number[] = [start];
    const inside = (a: number) => a >= start && a < end && (a === start || !this.seeds.has(a) || this.seeds.get(a)!.address === start) && this.isCode(a);
    let budget = MAX_FUNCTION_INSTRUCTIONS;

    const callName = (target: number | undefined): { name?: string; import: boolean } => {
      if (target === undefined) return { import: false };
      const imp = this.imports.get(target);
      if (imp) return { name: imp, import: true };
      const f = this.seeds.get(target);
      return f?.names[0] ? { name: f.names[0], import: false } : { import: false };
    };

    const pendingJumps: { ins: Instruction; last: number; next: number }[] = [];
    const resolveJumps = () => {
      const all = [...insns.values()].sort((x, y) => x.address - y.address);
      for (const { ins, last, next } of pendingJumps.splice(0)) {
        const a = ins.address;
        const before = this.before(insns, prev, a);
        const succ: number[] = [];
        const table = this.spec.jumpTable(before, ins, this.image, MAX_TABLE_ENTRIES, all);
        const targets = table?.targets.filter((t) => inside(t)) ?? [];
        if (table && targets.length > 0) {
          tables.push(table);
          for (const t of new Set(targets)) succ.push(t);
        } else {
          const slot = this.spec.indirectSlot(before, ins, this.image);
          const name = slot === undefined ? undefined : this.image.importSlots.get(slot);
          if (name) calls.push({ address: a, name, import: true, tail: true });
          else unresolved.push(a);
        }
        if (ins.conditional && inside(next)) succ.push(next);
        edges.set(last, succ);
        for (const t of succ) {
          leaders.add(t);
          if (!prev.has(t)) prev.set(t, last);
          if (!insns.has(t)) work.push(t);
        }
      }
    };
    while ((work.length > 0 || pendingJumps.length > 0) && budget > 0) {
      if (work.length === 0) { resolveJumps(); continue; }
      let a = work.pop()!;
      while (budget-- > 0) {
        if (insns.has(a)) { leaders.add(a); break; }
        const ins = this.decodeAt(a, this.modeAt(a, thumb));
        if (!ins) break;
        insns.set(a, ins);
        let next = a + ins.size;
        let last = ins;
        if (ins.delaySlot) {
          const ds = this.decodeAt(next, this.modeAt(next, thumb));
          if (ds) { insns.set(next, ds); prev.set(next, a); next += ds.size; last = ds; }
        }
        const succ: number[] = [];
        const fall = () => { if (inside(next)) succ.push(next); };
        let stop = true;
        switch (ins.flow) {
          case 'seq':
            stop = false;
            break;
          case 'call': {
            const info = callName(ins.target);
            calls.push({ address: a, ...(ins.target !== undefined ? { target: ins.target } : {}), ...info, tail: false });
            if (info.name && NO_RETURN.has(info.name)) break;
            stop = false;
            break;
          }
          case 'icall': {
            const slot = this.spec.indirectSlot(this.before(insns, prev, a), ins, this.image);
            const name = slot === undefined ? undefined : this.image.importSlots.get(slot);
            calls.push({ address: a, ...(name ? { name } : {}), import: name !== undefined, tail: false });
            if (name && NO_RETURN.has(name)) break;
            stop = false;
            break;
          }
          case 'jump':
          case 'branch': {
            const t = ins.target;
            if (t !== undefined && t !== start && !inside(t) ) {
              // A jump out of the function: a tail call (to an import stub or another function).
              calls.push({ address: a, target: t, ...callName(t), tail: true });
            } else if (t !== undefined) succ.push(t);
            if (ins.flow === 'branch') fall();
            break;
          }
          case 'ijump':
            // Resolved once the rest of the function is decoded (table bases are often set up
            // on a path the depth-first walk has not reached yet).
            pendingJumps.push({ ins, last: last.address, next });
            break;
          case 'return':
          case 'trap':
            if (ins.conditional) fall();
            break;
        }
        if (ins.flow === 'ijump') break;
        if (!stop) {
          if (!inside(next)) { edges.set(last.address, []); break; }
          prev.set(next, last.address);
          a = next;
          continue;
        }
        edges.set(last.address, succ);
        for (const s of succ) {
          leaders.add(s);
          // The first path to reach a block is the one analyses look back along (switch guards).
          if (!prev.has(s)) prev.set(s, last.address);
          if (!insns.has(s)) work.push(s);
        }
        break;
      }
    }
    // Calls whose block continues need a leader after them only if something jumps there; blocks
    // are maximal runs between leaders and terminators.
    const blocks: BasicBlock[] = [];
    const sortedLeaders = [...leaders].filter((l) => insns.has(l)).sort((x, y) => x - y);
    let count = 0;
    for (const l of sortedLeaders) {
      const list: Instruction[] = [];
      let a = l;
      let successors: number[] = [];
      for (;;) {
        const ins = insns.get(a);
        if (!ins) break;
        list.push(ins);
        const next = a + ins.size;
        const e = edges.get(a);
        if (e) { successors = e; break; }
        if (leaders.has(next) && insns.has(next)) { successors = [next]; break; }
        if (!insns.has(next)) break;
        a = next;
      }
      count += list.length;
      blocks.push({ address: l, instructions: list, successors: [...new Set(successors)].filter((s) => insns.has(s)) });
    }
    let extent = start;
    for (const [a, i] of insns) extent = Math.max(extent, a + i.size);
    return {
      name: seed.names[0] ?? `sub_${start.toString(16)}`, aliases: seed.names.slice(1), address: start,
      size: seed.size > 0 ? seed.size : extent - start, thumb, source: seed.source, ...(seed.resolver ? { resolver: true as const } : {}), blocks, calls, jumpTables: tables,
      unresolvedJumps: unresolved, instructionCount: count,
    };
  }

  /** Up to 24 instructions that run just before `a`, following fall-through predecessors. */
  private before(insns: Map<number, Instruction>, prev: Map<number, number>, a: number): Instruction[] {
    const out: Instruction[] = [];
    let p = prev.get(a);
    while (p !== undefined && out.length < 24) {
      const i = insns.get(p);
      if (!i) break;
      out.push(i);
      p = prev.get(p);
    }
    return out.reverse();
  }

  /** Aligned addresses in executable gaps between known functions whose bytes look like a prologue. */
  private prologueCandidates(done: Map<number, FunctionInfo>): number[] {
    const covered: [number, number][] = [...done.values()].map((f) => [f.address, f.address + f.size]);
    covered.sort((x, y) => x[0] - y[0]);
    const isCovered = (a: number) => {
      let lo = 0, hi = covered.length - 1;
      while (lo <= hi) {
        const m = (lo + hi) >> 1;
        const [s, e] = covered[m]!;
        if (a < s) hi = m - 1; else if (a >= e) lo = m + 1; else return true;
      }
      return false;
    };
    const patterns = this.spec.prologues.map((p) => new RegExp('^' + p));
    const width = Math.max(0, ...this.spec.prologues.map((p) => p.length / 2));
    // x86 functions need not be aligned (gcc -O0, -Os); its prologue patterns are distinctive enough to scan every byte of a gap.
    const align = this.spec.alignment;
    const out: number[] = [];
    for (const s of this.image.sections) {
      if ((s.flags & 4) === 0 || s.addr === 0 || STUB_SECTIONS.has(s.name) || s.type === 8) continue;
      for (let a = s.addr + ((align - (s.addr % align)) % align); a + width <= s.addr + s.size; a += align) {
        if (isCovered(a)) continue;
        if (this.image.arch === 'arm' && mappingAt(this.image, a) === 'd') continue;
        const b = readAt(this.image, a, width);
        if (!b) continue;
        let h = '';
        for (const x of b) h += x.toString(16).padStart(2, '0');
        if (patterns.some((p) => p.test(h))) out.push(a);
      }
    }
    return out;
  }
}
