/** What the loader knows about a binary, independent of its file format. Plain data. */
export type Arch = 'x86' | 'x86_64' | 'arm' | 'aarch64' | 'mips' | 'mipsel';
export const ARCHES: readonly Arch[] = ['x86', 'x86_64', 'arm', 'aarch64', 'mips', 'mipsel'];

export interface Section {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

export interface Segment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
}

export type SymbolType = 'func' | 'object' | 'notype' | 'section' | 'file' | 'other';
export type SymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  readonly name: string;
  /** Address with the Thumb bit cleared. */
  readonly address: number;
  readonly size: number;
  readonly type: SymbolType;
  readonly bind: SymbolBind;
  readonly sectionIndex: number;
  readonly source: 'symtab' | 'dynsym';
  /** ARM: the symbol's value had bit 0 set, so its code is Thumb. */
  readonly thumb: boolean;
  /** Index in its table (dynsym indices name MIPS GOT entries and stubs). */
  readonly index: number;
  /** A GNU indirect function: the code at `address` is its resolver, which returns the implementation chosen at load time. */
  readonly ifunc: boolean;
}

/** ARM mapping symbols `$a`, `$t`, `$d` (and AArch64 `$x`, `$d`): what kind of bytes follow. */
export interface MappingSymbol {
  readonly address: number;
  readonly kind: 'a' | 't' | 'd' | 'x';
}

export interface Image {
  readonly file: string;
  readonly arch: Arch;
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly entry: number;
  /** ET_EXEC, ET_DYN, ... */
  readonly elfType: number;
  readonly sections: readonly Section[];
  readonly segments: readonly Segment[];
  /** .symtab then .dynsym symbols, as found. */
  readonly symbols: readonly ElfSymbol[];
  readonly dynamicSymbols: readonly ElfSymbol[];
  /** GOT slot address → name of the imported symbol it will hold (JUMP_SLOT, GLOB_DAT, MIPS global GOT). */
  readonly importSlots: ReadonlyMap<number, string>;
  /** Slot address → link-time address stored there by a RELATIVE relocation (code and data pointers of PIC files). */
  readonly pointers: ReadonlyMap<number, number>;
  /** DT_INIT and DT_FINI: functions the dynamic loader calls, reached by no call in the file. */
  readonly initFini: readonly number[];
  /** Addresses that are themselves import stubs, known from the symbol table (undefined symbols with a value). */
  readonly importStubs: ReadonlyMap<number, string>;
  /** Sorted by address. */
  readonly mappingSymbols: readonly MappingSymbol[];
  /** Value of the MIPS global pointer ($gp) for code that uses the primary GOT. */
  readonly mipsGp: number | undefined;
  /** Address of the GOT that x86 PIC code addresses through %ebx (.got.plt, else .got). */
  readonly gotBase: number | undefined;
  readonly bytes: Uint8Array;
}

export const SHT_NOBITS = 8;
export const ET_EXEC = 2;
export const SHF_EXECINSTR = 0x4;
export const PT_LOAD = 1;

/** File offset of a virtual address inside a loaded segment (or section, for files without segments). */
export function fileOffsetOf(image: Image, addr: number, size = 1): number | undefined {
  for (const s of image.segments) {
    if (s.type === PT_LOAD && addr >= s.vaddr && addr + size <= s.vaddr + s.filesz) return s.offset + (addr - s.vaddr);
  }
  if (image.segments.length === 0) {
    for (const s of image.sections) {
      if (s.addr !== 0 && s.type !== SHT_NOBITS && addr >= s.addr && addr + size <= s.addr + s.size) return s.offset + (addr - s.addr);
    }
  }
  return undefined;
}

/** Bytes at a virtual address, or undefined when not backed by the file. */
export function readAt(image: Image, addr: number, size: number): Uint8Array | undefined {
  const off = fileOffsetOf(image, addr, size);
  return off === undefined ? undefined : image.bytes.subarray(off, off + size);
}

export function readWord(image: Image, addr: number, size: 1 | 2 | 4 | 8, signed = false): number | undefined {
  const b = readAt(image, addr, size);
  if (!b) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, size);
  const le = image.littleEndian;
  switch (size) {
    case 1: return signed ? v.getInt8(0) : v.getUint8(0);
    case 2: return signed ? v.getInt16(0, le) : v.getUint16(0, le);
    case 4: return signed ? v.getInt32(0, le) : v.getUint32(0, le);
    case 8: {
      const n = signed ? v.getBigInt64(0, le) : v.getBigUint64(0, le);
      return Number(n);
    }
  }
}

/** The section that contains an address, if any. */
export function sectionAt(image: Image, addr: number): Section | undefined {
  for (const s of image.sections) if (s.addr !== 0 && addr >= s.addr && addr < s.addr + s.size) return s;
  return undefined;
}

export function isExecutable(image: Image, addr: number): boolean {
  const s = sectionAt(image, addr);
  if (s) return (s.flags & SHF_EXECINSTR) !== 0;
  // With section headers, bytes outside every section (ELF header, program headers) are not code.
  if (image.sections.some((x) => x.addr !== 0)) return false;
  for (const seg of image.segments) if (seg.type === PT_LOAD && (seg.flags & 1) && addr >= seg.vaddr && addr < seg.vaddr + seg.filesz) return true;
  return false;
}

/** Kind of code at an address from ARM mapping symbols ('t' Thumb, 'a' ARM, 'd' data), undefined if none precede it. */
export function mappingAt(image: Image, addr: number): MappingSymbol['kind'] | undefined {
  const m = image.mappingSymbols;
  let lo = 0, hi = m.length - 1, found: MappingSymbol | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = m[mid]!;
    if (e.address <= addr) { found = e; lo = mid + 1; } else hi = mid - 1;
  }
  return found?.kind;
}
