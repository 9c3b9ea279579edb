/**
 * Byte-addressed concrete memory in 4 KiB pages, with the architecture's endianness. Pages exist
 * only where something is mapped (file segments, the stack, TLS) or where the owner's `fill`
 * policy creates them (Trex micro-traces fill on first touch); anything else is a fault.
 *
 * Many calls run on one binary, so the file's pages can be shared: a memory made over a `base`
 * (another memory's `snapshot()`) copies a base page the first time it touches it and never
 * writes the base. Lookups go through a small direct-mapped page cache, so code that alternates
 * between the stack and data pages does not miss.
 */
import type { Concrete } from './concrete.js';
import { canonOf, toAddress } from './concrete.js';
import type { Memory } from './domain.js';

export const PAGE = 4096;
const TWO32 = 4294967296;
/** Entries of the direct-mapped page cache (a power of two). */
const CACHE = 64;

export class MemoryFault extends Error {
  constructor(readonly address: number, readonly write: boolean) {
    super(`${write ? 'write to' : 'read from'} unmapped address 0x${address.toString(16)}`);
  }
}

/** Pages by page number (address / PAGE); never written once shared as a base. */
export type Pages = ReadonlyMap<number, Uint8Array>;

export interface ConcreteMemoryOptions {
  readonly littleEndian: boolean;
  /** Called for a page nobody mapped; return its initial bytes, or undefined to fault. */
  readonly fill?: (pageBase: number) => Uint8Array | undefined;
  /** Upper bound on pages (the emulated program can never exhaust the host). */
  readonly maxPages?: number;
  /** Initial contents, copied page by page on first touch (see `snapshot`). */
  readonly base?: Pages;
}

const bswap32 = (w: number) => ((w & 0xff) << 24 | (w & 0xff00) << 8 | (w >>> 8) & 0xff00 | w >>> 24) >>> 0;

export class ConcreteMemory implements Memory<Concrete> {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly cacheKeys = new Float64Array(CACHE).fill(-1);
  private readonly cachePages: Uint8Array[] = new Array<Uint8Array>(CACHE);
  readonly littleEndian: boolean;
  private readonly fill: ConcreteMemoryOptions['fill'];
  private readonly maxPages: number;
  private readonly base: Pages | undefined;
  /** Base pages not copied yet. */
  private baseLeft: number;

  constructor(opts: ConcreteMemoryOptions) {
    this.littleEndian = opts.littleEndian;
    this.fill = opts.fill;
    this.maxPages = opts.maxPages ?? 1 << 16;
    this.base = opts.base;
    this.baseLeft = opts.base?.size ?? 0;
  }

  /** This memory's pages as a base for others; write nothing here afterwards. */
  snapshot(): Pages {
    if (this.base) throw new Error('snapshot of a memory that has a base');
    return new Map(this.pages);
  }

  private has(key: number): boolean {
    return this.pages.has(key) || (this.base?.has(key) ?? false);
  }

  /** Maps [start, start + size) zero-filled (existing pages keep their bytes). */
  map(start: number, size: number): void {
    for (let k = Math.floor(start / PAGE); k * PAGE < start + size; k++) if (!this.has(k)) this.addPage(k, new Uint8Array(PAGE));
  }

  /** Writes bytes, mapping pages as needed (loading segments, placing arguments). */
  write(start: number, bytes: Uint8Array): void {
    this.map(start, bytes.length);
    for (let i = 0; i < bytes.length;) {
      const a = start + i, off = a % PAGE, n = Math.min(PAGE - off, bytes.length - i);
      this.page(a, true).set(bytes.subarray(i, i + n), off);
      i += n;
    }
  }

  read(start: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = this.page(start + i, false)[(start + i) % PAGE]!;
    return out;
  }

  get pageCount(): number {
    return this.pages.size + this.baseLeft;
  }

  private addPage(key: number, bytes: Uint8Array): Uint8Array {
    if (this.pageCount >= this.maxPages) throw new MemoryFault(key * PAGE, true);
    this.pages.set(key, bytes);
    return bytes;
  }

  /** The page holding `addr`, created from the base or the fill policy on first touch. */
  private page(addr: number, write: boolean): Uint8Array {
    const key = Math.floor(addr / PAGE);
    const i = key & (CACHE - 1);
    if (this.cacheKeys[i] === key) return this.cachePages[i]!;
    let p = this.pages.get(key);
    if (!p) {
      const b = this.base?.get(key);
      if (b) {
        p = b.slice();
        this.pages.set(key, p);
        this.baseLeft--;
      } else {
        const filled = this.fill?.(key * PAGE);
        if (!filled) throw new MemoryFault(addr, write);
        p = this.addPage(key, filled);
      }
    }
    this.cacheKeys[i] = key;
    this.cachePages[i] = p;
    return p;
  }

  private address(a: Concrete, write: boolean): number {
    // A BigInt or a negative 64-bit word (a signed reading) is beyond any page.
    if (typeof a === 'number' && a >= 0) return a;
    throw new MemoryFault(toAddress(a), write);
  }

  /** A byte-wise read of n bytes (any alignment, across pages). */
  private slowLoad(a: number, n: number): Concrete {
    let v = 0n;
    for (let i = 0; i < n; i++) {
      const b = BigInt(this.page(a + i, false)[(a + i) % PAGE]!);
      v |= this.littleEndian ? b << BigInt(8 * i) : b << BigInt(8 * (n - 1 - i));
    }
    return canonOf(8 * n)(v);
  }

  private slowStore(a: number, value: Concrete, n: number): void {
    const v = typeof value === 'bigint' ? value : BigInt(value);
    for (let i = 0; i < n; i++) {
      const shift = BigInt(8 * (this.littleEndian ? i : n - 1 - i));
      this.page(a + i, true)[(a + i) % PAGE] = Number((v >> shift) & 0xffn);
    }
  }

  load8(addr: Concrete): number {
    const a = this.address(addr, false);
    return this.page(a, false)[a & (PAGE - 1)]!;
  }

  load16(addr: Concrete): number {
    const a = this.address(addr, false), off = a & (PAGE - 1);
    if (off > PAGE - 2) return this.slowLoad(a, 2) as number;
    const p = this.page(a, false);
    return this.littleEndian ? p[off]! | (p[off + 1]! << 8) : (p[off]! << 8) | p[off + 1]!;
  }

  load32(addr: Concrete): number {
    const a = this.address(addr, false), off = a & (PAGE - 1);
    if (off > PAGE - 4) return this.slowLoad(a, 4) as number;
    const p = this.page(a, false);
    return this.littleEndian
      ? (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) >>> 0
      : ((p[off]! << 24) | (p[off + 1]! << 16) | (p[off + 2]! << 8) | p[off + 3]!) >>> 0;
  }

  load64(addr: Concrete): Concrete {
    const a = this.address(addr, false), off = a & (PAGE - 1);
    if (off > PAGE - 8) return this.slowLoad(a, 8);
    const p = this.page(a, false);
    const w0 = (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) >>> 0;
    const w1 = (p[off + 4]! | (p[off + 5]! << 8) | (p[off + 6]! << 16) | (p[off + 7]! << 24)) >>> 0;
    const le = this.littleEndian;
    const lo = le ? w0 : bswap32(w1);
    const hi = le ? w1 : bswap32(w0);
    // The canonical 64-bit form: the signed reading while it is a safe integer.
    if (hi < 0x200000) return hi * TWO32 + lo;
    if (hi >= 0xffe00000 && (hi > 0xffe00000 || lo > 0)) return (hi - TWO32) * TWO32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  store8(addr: Concrete, value: Concrete): void {
    const a = this.address(addr, true);
    if (typeof value !== 'number') return this.slowStore(a, value, 1);
    this.page(a, true)[a & (PAGE - 1)] = value;
  }

  store16(addr: Concrete, value: Concrete): void {
    const a = this.address(addr, true), off = a & (PAGE - 1);
    if (typeof value !== 'number' || off > PAGE - 2) return this.slowStore(a, value, 2);
    const p = this.page(a, true);
    if (this.littleEndian) { p[off] = value; p[off + 1] = value >>> 8; } else { p[off] = value >>> 8; p[off + 1] = value; }
  }

  store32(addr: Concrete, value: Concrete): void {
    const a = this.address(addr, true), off = a & (PAGE - 1);
    if (typeof value !== 'number' || off > PAGE - 4) return this.slowStore(a, value, 4);
    const p = this.page(a, true);
    if (this.littleEndian) { p[off] = value; p[off + 1] = value >>> 8; p[off + 2] = value >>> 16; p[off + 3] = value >>> 24; }
    else { p[off] = value >>> 24; p[off + 1] = value >>> 16; p[off + 2] = value >>> 8; p[off + 3] = value; }
  }

  store64(addr: Concrete, value: Concrete): void {
    const a = this.address(addr, true), off = a & (PAGE - 1);
    if (typeof value !== 'number' || off > PAGE - 8) return this.slowStore(a, value, 8);
    const p = this.page(a, true);
    const lo = value >>> 0, hi = Math.floor(value / TWO32);
    if (this.littleEndian) {
      p[off] = lo; p[off + 1] = lo >>> 8; p[off + 2] = lo >>> 16; p[off + 3] = lo >>> 24;
      p[off + 4] = hi; p[off + 5] = hi >>> 8; p[off + 6] = hi >>> 16; p[off + 7] = hi >>> 24;
    } else {
      p[off] = hi >>> 24; p[off + 1] = hi >>> 16; p[off + 2] = hi >>> 8; p[off + 3] = hi;
      p[off + 4] = lo >>> 24; p[off + 5] = lo >>> 16; p[off + 6] = lo >>> 8; p[off + 7] = lo;
    }
  }

  load(addr: Concrete, width: number): Concrete {
    switch (width) {
      case 8: return this.load8(addr);
      case 16: return this.load16(addr);
      case 32: return this.load32(addr);
      case 64: return this.load64(addr);
      default: return this.slowLoad(this.address(addr, false), width >> 3);
    }
  }

  store(addr: Concrete, value: Concrete, width: number): void {
    switch (width) {
      case 8: return this.store8(addr, value);
      case 16: return this.store16(addr, value);
      case 32: return this.store32(addr, value);
      case 64: return this.store64(addr, value);
      default: return this.slowStore(this.address(addr, true), value, width >> 3);
    }
  }
}
