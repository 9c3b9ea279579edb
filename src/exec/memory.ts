/**
 * Byte-addressed concrete memory in 4 KiB pages, with the architecture's endianness. Pages exist
 * only where something is mapped (file segments, the stack, TLS) or where the owner's `fill`
 * policy creates them (Trex micro-traces fill on first touch); anything else is a fault.
 */
import type { Concrete } from './concrete.js';
import type { Memory } from './domain.js';

export const PAGE = 4096;
const MAXN = BigInt(Number.MAX_SAFE_INTEGER);

export class MemoryFault extends Error {
  constructor(readonly address: number, readonly write: boolean) {
    super(`${write ? 'write to' : 'read from'} unmapped address 0x${address.toString(16)}`);
  }
}

export interface ConcreteMemoryOptions {
  readonly littleEndian: boolean;
  /** Called for a page nobody mapped; return its initial bytes, or undefined to fault. */
  readonly fill?: (pageBase: number) => Uint8Array | undefined;
  /** Upper bound on pages (the emulated program can never exhaust the host). */
  readonly maxPages?: number;
}

export class ConcreteMemory implements Memory<Concrete> {
  private readonly pages = new Map<number, Uint8Array>();
  private lastKey = -1;
  private lastPage: Uint8Array | undefined;
  readonly littleEndian: boolean;
  private readonly fill: ConcreteMemoryOptions['fill'];
  private readonly maxPages: number;

  constructor(opts: ConcreteMemoryOptions) {
    this.littleEndian = opts.littleEndian;
    this.fill = opts.fill;
    this.maxPages = opts.maxPages ?? 1 << 16;
  }

  /** Maps [start, start + size) zero-filled (existing pages keep their bytes). */
  map(start: number, size: number): void {
    for (let k = Math.floor(start / PAGE); k * PAGE < start + size; k++) if (!this.pages.has(k)) this.addPage(k, new Uint8Array(PAGE));
  }

  /** Writes bytes, mapping pages as needed (loading segments, placing arguments). */
  write(start: number, bytes: Uint8Array): void {
    this.map(start, bytes.length);
    for (let i = 0; i < bytes.length; i++) this.pageFor(start + i, true)[(start + i) % PAGE] = bytes[i]!;
  }

  read(start: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = this.pageFor(start + i, false)[(start + i) % PAGE]!;
    return out;
  }

  get pageCount(): number {
    return this.pages.size;
  }

  private addPage(key: number, bytes: Uint8Array): Uint8Array {
    if (this.pages.size >= this.maxPages) throw new MemoryFault(key * PAGE, true);
    this.pages.set(key, bytes);
    return bytes;
  }

  private pageFor(addr: number, write: boolean): Uint8Array {
    const key = Math.floor(addr / PAGE);
    if (key === this.lastKey) return this.lastPage!;
    let p = this.pages.get(key);
    if (!p) {
      const filled = this.fill?.(key * PAGE);
      if (!filled) throw new MemoryFault(addr, write);
      p = this.addPage(key, filled);
    }
    this.lastKey = key;
    this.lastPage = p;
    return p;
  }

  private address(a: Concrete): number {
    const n = typeof a === 'number' ? a : Number(a);
    if (!Number.isSafeInteger(n)) throw new MemoryFault(n, false);
    return n;
  }

  load(addr: Concrete, width: number): Concrete {
    const a = this.address(addr);
    const n = width >> 3;
    const off = a % PAGE;
    if (n <= 4 && off + n <= PAGE) {
      const p = this.pageFor(a, false);
      switch (n) {
        case 1: return p[off]!;
        case 2: return this.littleEndian ? p[off]! | (p[off + 1]! << 8) : (p[off]! << 8) | p[off + 1]!;
        case 4: return this.littleEndian
          ? (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) >>> 0
          : ((p[off]! << 24) | (p[off + 1]! << 16) | (p[off + 2]! << 8) | p[off + 3]!) >>> 0;
      }
    }
    if (n === 8 && off + 8 <= PAGE) {
      const p = this.pageFor(a, false);
      const w0 = (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) >>> 0;
      const w1 = (p[off + 4]! | (p[off + 5]! << 8) | (p[off + 6]! << 16) | (p[off + 7]! << 24)) >>> 0;
      const le = this.littleEndian;
      const lo = le ? w0 : ((w1 & 0xff) << 24 | (w1 & 0xff00) << 8 | (w1 >>> 8) & 0xff00 | w1 >>> 24) >>> 0;
      const hi = le ? w1 : ((w0 & 0xff) << 24 | (w0 & 0xff00) << 8 | (w0 >>> 8) & 0xff00 | w0 >>> 24) >>> 0;
      if (hi < 0x200000) return hi * 4294967296 + lo;
      return (BigInt(hi) << 32n) | BigInt(lo);
    }
    let v = 0n;
    for (let i = 0; i < n; i++) {
      const b = BigInt(this.pageFor(a + i, false)[(a + i) % PAGE]!);
      v |= this.littleEndian ? b << BigInt(8 * i) : b << BigInt(8 * (n - 1 - i));
    }
    return n <= 4 || v <= MAXN ? Number(v) : v;
  }

  store(addr: Concrete, value: Concrete, width: number): void {
    const a = this.address(addr);
    const n = width >> 3;
    const off = a % PAGE;
    if (typeof value === 'number' && n <= 4 && off + n <= PAGE) {
      const p = this.pageFor(a, true);
      if (this.littleEndian) for (let i = 0; i < n; i++) p[off + i] = (value >>> (8 * i)) & 0xff;
      else for (let i = 0; i < n; i++) p[off + i] = (value >>> (8 * (n - 1 - i))) & 0xff;
      return;
    }
    if (typeof value === 'number' && n === 8 && off + 8 <= PAGE) {
      const p = this.pageFor(a, true);
      const lo = value >>> 0, hi = Math.floor(value / 4294967296);
      for (let i = 0; i < 4; i++) {
        p[off + (this.littleEndian ? i : 7 - i)] = (lo >>> (8 * i)) & 0xff;
        p[off + (this.littleEndian ? 4 + i : 3 - i)] = (hi >>> (8 * i)) & 0xff;
      }
      return;
    }
    const v = typeof value === 'bigint' ? value : BigInt(value);
    for (let i = 0; i < n; i++) {
      const shift = BigInt(8 * (this.littleEndian ? i : n - 1 - i));
      this.pageFor(a + i, true)[(a + i) % PAGE] = Number((v >> shift) & 0xffn);
    }
  }
}
