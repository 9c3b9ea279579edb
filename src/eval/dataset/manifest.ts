/**
 * Ground truth of a variant, read from the debug copies: every function the project's own code
 * defines, with a key that names the same source function in every variant.
 *
 * A function is a FUNC symbol of the linked debug binary that (a) has a size, (b) lies in an
 * executable section other than the PLT, and (c) was defined by one of the project's object files
 * (so crt files, libc_nonshared and linker stubs drop out), less a few compiler helpers.
 * Local symbols are tied to their object through the STT_FILE symbol that precedes them in the
 * symbol table; globals by name. Several symbols at one address (aliases) are one function.
 *
 * Keys: `<project>:<binary>:<source name>`, where the source name drops gcc's clone suffixes
 * (`.constprop.0`, `.isra.0`, `.part.0`), so `f.isra.0` at O2 is the same function as `f` at O0.
 * A static function's key always ends in `@<source file>`: static names are the ones that repeat
 * within a binary, and adding the file only where a repeat is visible would change the key in
 * variants where inlining removed the other copy. Where a key still repeats (a function beside
 * its partial clone `f.part.0`), the clone's key uses its full symbol name.
 * `.cold` fragments are parts of another function and are not listed.
 */
import { basename } from 'node:path';
import { loadElf } from '../../binfmt/elf.js';
import type { ElfSymbol, Image } from '../../binfmt/image.js';
import { SHF_EXECINSTR } from '../../binfmt/image.js';
import { buildProgram } from '../../program/build.js';
import type { BinaryManifest, GroundTruthFunction } from '../corpus.js';
import type { CompiledBinary } from './compile.js';

/** Linker, crt and compiler-helper functions, never part of a project's own code. */
const NOT_PROJECT = /^(_start|_init|_fini|frame_dummy|register_tm_clones|deregister_tm_clones|__do_global_dtors_aux|__do_global_ctors_aux|__libc_csu_\w+|_dl_relocate_static_pie|call_weak_fn|__x86\.get_pc_thunk\.\w+|__stack_chk_fail_local)$/;
const STUB_SECTIONS = new Set(['.plt', '.plt.sec', '.plt.got', '.iplt', '.MIPS.stubs', '.plt.bnd']);
const CLONE_SUFFIX = /(\.(constprop|isra|part|localalias)(\.\d+)?)+$/;
const COLD = /\.cold(\.\d+)?$/;

/** gcc's clone suffixes removed: the name of the source function. */
export function sourceName(symbol: string): string {
  return symbol.replace(CLONE_SUFFIX, '');
}

interface Candidate {
  readonly symbol: ElfSymbol;
  readonly sourceFile: string | undefined;
  readonly isStatic: boolean;
}

/**
 * The functions of one linked binary. `paths` gives the manifest's relative paths of the debug
 * and stripped copies.
 */
export async function binaryManifest(project: string, bin: CompiledBinary, paths: { debug: string; stripped: string }): Promise<BinaryManifest> {
  const objects = bin.objects.map((o) => ({ source: o.source, image: loadElf(o.object) }));
  // What the project's objects define: locals by (object file name, symbol), globals by symbol.
  const globals = new Map<string, string[]>();
  const localsByBase = new Map<string, Map<string, string>>();
  for (const { source, image } of objects) {
    for (const s of image.symbols) {
      if (s.type !== 'func' || s.sectionIndex === 0) continue;
      if (s.bind === 'local') {
        const byName = localsByBase.get(basename(source)) ?? new Map<string, string>();
        byName.set(s.name, source);
        localsByBase.set(basename(source), byName);
      } else globals.set(s.name, [...(globals.get(s.name) ?? []), source]);
    }
  }

  const image = loadElf(bin.debug);
  // Where several objects define a global (each program's `main`), the one linked into this binary.
  const linkedFiles = new Set(image.symbols.filter((s) => s.type === 'file').map((s) => basename(s.name)));
  const definer = (name: string) => {
    const all = globals.get(name) ?? [];
    return all.find((src) => linkedFiles.has(basename(src))) ?? all[0];
  };
  const found: Candidate[] = [];
  let file: string | undefined;
  for (const s of image.symbols) {
    if (s.source !== 'symtab') continue;
    if (s.type === 'file') { file = s.name; continue; }
    if (s.type !== 'func' || s.size === 0 || s.sectionIndex === 0 || !inCode(image, s) || NOT_PROJECT.test(s.name) || COLD.test(s.name)) continue;
    // Hidden globals are local in the linked file but global in their object: they are not static.
    const staticFile = s.bind === 'local' && file !== undefined ? localsByBase.get(basename(file))?.get(s.name) : undefined;
    const sourceFile = staticFile ?? definer(s.name);
    if (sourceFile !== undefined) found.push({ symbol: s, sourceFile, isStatic: staticFile !== undefined });
  }

  const byAddress = new Map<number, Candidate>();
  for (const c of found) {
    const prev = byAddress.get(c.symbol.address);
    if (!prev || preferred(c.symbol, prev.symbol)) byAddress.set(c.symbol.address, c);
  }
  const chosen = [...byAddress.values()].sort((a, b) => a.symbol.address - b.symbol.address);
  const keys = assignKeys(project, basename(bin.debug), chosen.map((c) => ({ name: c.symbol.name, sourceFile: c.sourceFile, isStatic: c.isStatic })));

  const program = await buildProgram(image);
  const info = new Map(program.functions.map((f) => [f.address, f]));
  const functions: GroundTruthFunction[] = chosen.map((c, i) => {
    const f = info.get(c.symbol.address);
    return {
      key: keys[i]!, name: c.symbol.name, ...(c.sourceFile ? { sourceFile: c.sourceFile } : {}),
      address: c.symbol.address, size: c.symbol.size,
      blocks: f?.blocks.length ?? 0, instructions: f?.instructionCount ?? 0,
    };
  });
  return { name: basename(bin.debug), debug: paths.debug, stripped: paths.stripped, functions };
}

function inCode(image: Image, s: ElfSymbol): boolean {
  const sec = image.sections[s.sectionIndex];
  return sec !== undefined && (sec.flags & SHF_EXECINSTR) !== 0 && !STUB_SECTIONS.has(sec.name);
}

/** Of two symbols at one address: global before weak before local, then the name without a clone suffix, then the shorter, then alphabetical. */
function preferred(a: ElfSymbol, b: ElfSymbol): boolean {
  const rank = (s: ElfSymbol) => (s.bind === 'global' ? 0 : s.bind === 'weak' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) < rank(b);
  const clone = (s: ElfSymbol) => (sourceName(s.name) === s.name ? 0 : 1);
  if (clone(a) !== clone(b)) return clone(a) < clone(b);
  if (a.name.length !== b.name.length) return a.name.length < b.name.length;
  return a.name < b.name;
}

/** Keys unique within the binary, the same in every variant (see the file comment). */
export function assignKeys(project: string, binary: string, fns: readonly KeyInput[]): string[] {
  const at = (f: KeyInput) => (f.isStatic && f.sourceFile ? `@${f.sourceFile}` : '');
  const keys = fns.map((f) => `${sourceName(f.name)}${at(f)}`);
  for (let level = 1; level <= 2; level++) {
    const groups = new Map<string, number[]>();
    keys.forEach((k, i) => groups.set(k, [...(groups.get(k) ?? []), i]));
    const clashes = [...groups.values()].filter((g) => g.length > 1);
    if (clashes.length === 0) break;
    for (const g of clashes) {
      g.forEach((i, n) => {
        const f = fns[i]!;
        // A clone (`f.part.0`) beside its original keeps its full name; the original keeps the key.
        if (level === 1) { if (f.name !== sourceName(f.name)) keys[i] = `${f.name}${at(f)}`; } else keys[i] = `${keys[i]}#${n}`;
      });
    }
  }
  return keys.map((k) => `${project}:${binary}:${k}`);
}

export interface KeyInput {
  readonly name: string;
  readonly sourceFile: string | undefined;
  /** Defined `static` (local in its object file): the key always names the file. */
  readonly isStatic: boolean;
}
