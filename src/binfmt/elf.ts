import { readFileSync, statSync } from 'node:fs';
import { ByteReader } from '../util/bytes.js';
import { fileError, SemblanceError } from '../util/errors.js';
import type { Arch, ElfSymbol, Image, MappingSymbol, Section, Segment, SymbolBind, SymbolType } from './image.js';
import { readWord, SHT_NOBITS } from './image.js';

// ELF constants (System V gABI and the processor supplements) used below.
const EM_386 = 3, EM_MIPS = 8, EM_ARM = 40, EM_X86_64 = 62, EM_AARCH64 = 183;
const SHT_SYMTAB = 2, SHT_RELA = 4, SHT_DYNAMIC = 6, SHT_REL = 9, SHT_DYNSYM = 11;
const DT_NULL = 0, DT_PLTGOT = 3, DT_INIT = 12, DT_FINI = 13, DT_MIPS_LOCAL_GOTNO = 0x7000000a, DT_MIPS_SYMTABNO = 0x70000011, DT_MIPS_GOTSYM = 0x70000013;
/** Relocation types that fill a GOT slot with an imported symbol's address, per machine. */
const IMPORT_RELOCS: Record<number, readonly number[]> = {
  [EM_386]: [6, 7], // R_386_GLOB_DAT, R_386_JMP_SLOT
  [EM_X86_64]: [6, 7], // R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT
  [EM_ARM]: [21, 22], // R_ARM_GLOB_DAT, R_ARM_JUMP_SLOT
  [EM_AARCH64]: [1025, 1026], // R_AARCH64_GLOB_DAT, R_AARCH64_JUMP_SLOT
  [EM_MIPS]: [127], // R_MIPS_JUMP_SLOT (non-PIC .plt); the rest of MIPS imports come from the GOT layout
};
/** Relocation types that store a link-time address plus the load bias (R_*_RELATIVE, MIPS REL32 with no symbol). */
const RELATIVE_RELOCS: Record<number, number> = { [EM_386]: 8, [EM_X86_64]: 8, [EM_ARM]: 23, [EM_AARCH64]: 1027, [EM_MIPS]: 3 };
/** Far beyond any real binary; a count past this is corruption, not data. */
const MAX_TABLE_ENTRIES = 1 << 24;

/** Reads and parses an ELF file. Throws SemblanceError with a one-line message on any problem. */
export function loadElf(path: string): Image {
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw fileError('io', path, 'is a directory, not a file');
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof SemblanceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError('not-found', path, 'no such file');
    if (code === 'EACCES') throw fileError('io', path, 'permission denied');
    throw fileError('io', path, `cannot read (${code ?? String(e)})`);
  }
  return parseElf(bytes, path);
}

export function parseElf(bytes: Uint8Array, file: string): Image {
  if (bytes.length === 0) throw fileError('empty', file, 'empty file');
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw fileError('not-elf', file, 'not an ELF file (bad magic)');
  }
  if (bytes.length < 16) throw fileError('truncated', file, `truncated ELF header (${bytes.length} bytes)`);
  const cls = bytes[4], data = bytes[5];
  if (cls !== 1 && cls !== 2) throw fileError('corrupt', file, `invalid ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw fileError('corrupt', file, `invalid ELF data encoding ${data}`);
  const is64 = cls === 2;
  const r = new ByteReader(bytes, data === 1, file);
  const ehsize = is64 ? 64 : 52;
  if (bytes.length < ehsize) throw fileError('truncated', file, `truncated ELF header (${bytes.length} of ${ehsize} bytes)`);

  const elfType = r.u16(16);
  const machine = r.u16(18);
  const arch = archOf(machine, is64, data === 1, file);
  const W = is64 ? 8 : 4;
  const entry = r.word(24, is64, 'e_entry');
  const phoff = r.word(24 + W, is64, 'e_phoff');
  const shoff = r.word(24 + 2 * W, is64, 'e_shoff');
  const o = 24 + 3 * W + 4; // past e_flags
  const phentsize = r.u16(o + 2), phnumRaw = r.u16(o + 4);
  const shentsize = r.u16(o + 6), shnumRaw = r.u16(o + 8), shstrndxRaw = r.u16(o + 10);

  // Section headers (with extended numbering: e_shnum 0 / e_shstrndx 0xffff live in section 0).
  const shMin = is64 ? 64 : 40;
  let shnum = shnumRaw, shstrndx = shstrndxRaw;
  if (shoff !== 0) {
    if (shentsize < shMin) throw fileError('corrupt', file, `section header entry size ${shentsize} is smaller than ${shMin}`);
    r.check(shoff, shentsize, 'section header table');
    if (shnum === 0) shnum = r.word(shoff + (is64 ? 32 : 20), is64, 'extended section count');
    if (shstrndx === 0xffff) shstrndx = r.u32(shoff + (is64 ? 40 : 24), 'extended shstrndx');
    if (shnum > MAX_TABLE_ENTRIES) throw fileError('corrupt', file, `absurd section count ${shnum}`);
    r.check(shoff, shnum * shentsize, `section header table (${shnum} entries)`);
  } else shnum = 0;

  const rawSections: Omit<Section, 'name'>[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const b = shoff + i * shentsize;
    nameOffsets.push(r.u32(b));
    const type = r.u32(b + 4);
    const s = is64
      ? { index: i, type, flags: r.u64(b + 8), addr: r.u64(b + 16), offset: r.u64(b + 24), size: r.u64(b + 32), link: r.u32(b + 40), info: r.u32(b + 44), entsize: r.u64(b + 56) }
      : { index: i, type, flags: r.u32(b + 8), addr: r.u32(b + 12), offset: r.u32(b + 16), size: r.u32(b + 20), link: r.u32(b + 24), info: r.u32(b + 28), entsize: r.u32(b + 36) };
    if (i > 0 && type !== SHT_NOBITS && type !== 0 && (s.offset + s.size > bytes.length)) {
      throw fileError('truncated', file, `section ${i} (offset ${s.offset}, size ${s.size}) points past the end of the file (${bytes.length} bytes)`);
    }
    rawSections.push(s);
  }
  let strtab: Omit<Section, 'name'> | undefined;
  if (shnum > 0 && shstrndx !== 0) {
    if (shstrndx >= shnum) throw fileError('corrupt', file, `section name table index ${shstrndx} is out of range (${shnum} sections)`);
    strtab = rawSections[shstrndx];
  }
  const sections: Section[] = rawSections.map((s, i) => ({
    ...s,
    name: strtab && i > 0 ? r.cstring(strtab.offset + nameOffsets[i]!, strtab.offset + strtab.size, 'section name') : '',
  }));

  // Program headers.
  const segments: Segment[] = [];
  if (phoff !== 0 && phnumRaw > 0) {
    const phMin = is64 ? 56 : 32;
    if (phentsize < phMin) throw fileError('corrupt', file, `program header entry size ${phentsize} is smaller than ${phMin}`);
    r.check(phoff, phnumRaw * phentsize, `program header table (${phnumRaw} entries)`);
    for (let i = 0; i < phnumRaw; i++) {
      const b = phoff + i * phentsize;
      const seg = is64
        ? { type: r.u32(b), flags: r.u32(b + 4), offset: r.u64(b + 8), vaddr: r.u64(b + 16), filesz: r.u64(b + 32), memsz: r.u64(b + 40) }
        : { type: r.u32(b), offset: r.u32(b + 4), vaddr: r.u32(b + 8), filesz: r.u32(b + 16), memsz: r.u32(b + 20), flags: r.u32(b + 24) };
      if (seg.type === 1 && seg.offset + seg.filesz > bytes.length) {
        throw fileError('truncated', file, `segment ${i} (offset ${seg.offset}, size ${seg.filesz}) points past the end of the file (${bytes.length} bytes)`);
      }
      if (seg.type === 1 && seg.memsz < seg.filesz) throw fileError('corrupt', file, `segment ${i} has a memory size smaller than its file size`);
      segments.push(seg);
    }
  }

  const isArm = arch === 'arm' || arch === 'aarch64';
  const symbols: ElfSymbol[] = [];
  const dynamicSymbols: ElfSymbol[] = [];
  const mapping: MappingSymbol[] = [];
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    const table = readSymbols(r, is64, s, sections, arch, file);
    for (const sym of table) {
      if (isArm && sym.name.startsWith('$') && sym.type !== 'section') {
        const k = sym.name[1];
        if (k === 'a' || k === 't' || k === 'd' || k === 'x') mapping.push({ address: sym.address, kind: k });
        continue;
      }
      (s.type === SHT_SYMTAB ? symbols : dynamicSymbols).push(sym);
    }
  }
  mapping.sort((a, b) => a.address - b.address);

  // Imports: GOT slots filled by relocations against named symbols.
  // Pointers: slots a RELATIVE relocation fills with a link-time address (function pointers, main in _start's GOT).
  const importSlots = new Map<number, string>();
  const pointerSlots = new Map<number, number | undefined>();
  const importRelocs = IMPORT_RELOCS[machine] ?? [];
  const relativeReloc = RELATIVE_RELOCS[machine];
  for (const s of sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
    const symSec = sections[s.link];
    if (!symSec || (symSec.type !== SHT_DYNSYM && symSec.type !== SHT_SYMTAB)) continue;
    const syms = symSec.type === SHT_DYNSYM ? dynIndex(dynamicSymbols) : undefined;
    if (!syms) continue;
    const rela = s.type === SHT_RELA;
    const ent = rela ? (is64 ? 24 : 12) : (is64 ? 16 : 8);
    const count = Math.floor(s.size / ent);
    for (let i = 0; i < count; i++) {
      const b = s.offset + i * ent;
      const offset = r.word(b, is64, 'relocation offset');
      const info = r.word(b + W, is64, 'relocation info');
      const type = is64 ? info % 0x100000000 : info & 0xff;
      const symIdx = is64 ? Math.floor(info / 0x100000000) : info >>> 8;
      if (type === relativeReloc && symIdx === 0) {
        // RELA carries the address as its addend; REL leaves it in the slot (read once the image exists).
        pointerSlots.set(offset, rela ? r.word(b + 2 * W, is64, 'relocation addend') : undefined);
        continue;
      }
      if (!importRelocs.includes(type) || symIdx === 0) continue;
      const sym = syms.get(symIdx);
      if (sym && sym.name) importSlots.set(offset, sym.name);
    }
  }

  // Dynamic tags (MIPS GOT layout; DT_PLTGOT).
  const dyn = readDynamic(r, is64, sections);
  let mipsGp: number | undefined;
  if (machine === EM_MIPS) {
    const pltgot = dyn.get(DT_PLTGOT);
    const localGotno = dyn.get(DT_MIPS_LOCAL_GOTNO);
    const gotsym = dyn.get(DT_MIPS_GOTSYM);
    const symtabno = dyn.get(DT_MIPS_SYMTABNO) ?? dynamicSymbols.length;
    if (pltgot !== undefined) mipsGp = pltgot + 0x7ff0;
    const gpSym = symbols.find((x) => x.name === '_gp');
    if (gpSym) mipsGp = gpSym.address;
    if (pltgot !== undefined && localGotno !== undefined && gotsym !== undefined && symtabno <= MAX_TABLE_ENTRIES) {
      const byIndex = dynIndex(dynamicSymbols);
      for (let i = gotsym; i < symtabno; i++) {
        const sym = byIndex.get(i);
        if (sym && sym.name) importSlots.set(pltgot + 4 * (localGotno + i - gotsym), sym.name);
      }
    }
  }
  const gotPlt = sections.find((s) => s.name === '.got.plt') ?? sections.find((s) => s.name === '.got');

  // Undefined function symbols with a value name their stub (PLT entry or .MIPS.stubs entry).
  const importStubs = new Map<number, string>();
  for (const sym of dynamicSymbols) {
    if (sym.sectionIndex === 0 && sym.address !== 0 && sym.name && (sym.type === 'func' || sym.type === 'notype')) importStubs.set(sym.address, sym.name);
  }

  const pointers = new Map<number, number>();
  const initFini = [dyn.get(DT_INIT), dyn.get(DT_FINI)].filter((x): x is number => x !== undefined && x !== 0);
  const image: Image = {
    file, arch, bits: is64 ? 64 : 32, littleEndian: data === 1, entry: arch === 'arm' ? entry & ~1 : entry, elfType,
    sections, segments, symbols, dynamicSymbols, importSlots, importStubs, pointers, initFini, mappingSymbols: mapping,
    mipsGp, gotBase: gotPlt?.addr, bytes,
  };
  for (const [slot, value] of pointerSlots) {
    const v = value ?? readWord(image, slot, is64 ? 8 : 4);
    if (v !== undefined) pointers.set(slot, v);
  }
  return image;
}

function archOf(machine: number, is64: boolean, le: boolean, file: string): Arch {
  const want = (bits64: boolean, a: Arch): Arch => {
    if (bits64 !== is64) throw fileError('unsupported', file, `unsupported ELF: ${is64 ? '64' : '32'}-bit ${a}`);
    return a;
  };
  switch (machine) {
    case EM_386: return want(false, 'x86');
    case EM_X86_64: return want(true, 'x86_64');
    case EM_ARM: return want(false, 'arm');
    case EM_AARCH64: return want(true, 'aarch64');
    case EM_MIPS: return want(false, le ? 'mipsel' : 'mips');
    default: throw fileError('unsupported', file, `unsupported architecture (e_machine ${machine})`);
  }
}

/** GNU indirect functions are code (their resolver), listed as functions. */
const STT_GNU_IFUNC = 10;
const SYM_TYPES: SymbolType[] = ['notype', 'object', 'func', 'section', 'file'];
const SYM_BINDS: SymbolBind[] = ['local', 'global', 'weak'];

function readSymbols(r: ByteReader, is64: boolean, s: Section, sections: readonly Section[], arch: Arch, file: string): ElfSymbol[] {
  const ent = is64 ? 24 : 16;
  if (s.entsize !== 0 && s.entsize < ent) throw fileError('corrupt', file, `symbol table ${s.name} has entry size ${s.entsize}`);
  const step = s.entsize || ent;
  const count = Math.floor(s.size / step);
  if (count > MAX_TABLE_ENTRIES) throw fileError('corrupt', file, `absurd symbol count ${count} in ${s.name}`);
  const str = sections[s.link];
  if (!str || str.type === SHT_NOBITS) throw fileError('corrupt', file, `symbol table ${s.name} has no string table (link ${s.link})`);
  const out: ElfSymbol[] = [];
  for (let i = 1; i < count; i++) {
    const b = s.offset + i * step;
    let nameOff: number, value: number, size: number, info: number, shndx: number;
    if (is64) {
      nameOff = r.u32(b); info = r.u8(b + 4); shndx = r.u16(b + 6); value = r.u64(b + 8); size = r.u64(b + 16);
    } else {
      nameOff = r.u32(b); value = r.u32(b + 4); size = r.u32(b + 8); info = r.u8(b + 12); shndx = r.u16(b + 14);
    }
    if (nameOff >= str.size) throw fileError('corrupt', file, `symbol ${i} of ${s.name} has a name offset past its string table`);
    const name = r.cstring(str.offset + nameOff, str.offset + str.size, 'symbol name');
    const type = (info & 0xf) === STT_GNU_IFUNC ? 'func' : SYM_TYPES[info & 0xf] ?? 'other';
    const thumb = arch === 'arm' && type === 'func' && (value & 1) === 1;
    out.push({
      name, address: thumb ? value - 1 : value, size, type, bind: SYM_BINDS[info >> 4] ?? 'other', sectionIndex: shndx,
      source: s.type === SHT_SYMTAB ? 'symtab' : 'dynsym', thumb, index: i, ifunc: (info & 0xf) === STT_GNU_IFUNC,
    });
  }
  return out;
}

function dynIndex(syms: readonly ElfSymbol[]): Map<number, ElfSymbol> {
  const m = new Map<number, ElfSymbol>();
  for (const s of syms) m.set(s.index, s);
  return m;
}

function readDynamic(r: ByteReader, is64: boolean, sections: readonly Section[]): Map<number, number> {
  const out = new Map<number, number>();
  const d = sections.find((s) => s.type === SHT_DYNAMIC);
  if (!d) return out;
  const ent = is64 ? 16 : 8;
  const count = Math.min(Math.floor(d.size / ent), MAX_TABLE_ENTRIES);
  for (let i = 0; i < count; i++) {
    const b = d.offset + i * ent;
    const tag = is64 ? r.i64(b, 'dynamic tag') : r.i32(b, 'dynamic tag');
    if (tag === DT_NULL) break;
    const val = r.word(b + (is64 ? 8 : 4), is64, 'dynamic value');
    if (!out.has(tag)) out.set(tag, val);
  }
  return out;
}
