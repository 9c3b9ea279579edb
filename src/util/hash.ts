/**
 * Small, fast, deterministic hashes for feature signatures: 32-bit integers in, a 52-bit safe
 * integer out, so signature sets are plain numbers (cheap to sort, store and intersect).
 */

/** Murmur3's finaliser: a good 32-bit mix. */
export function mix32(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A streaming hash with two independent 32-bit lanes. */
export class Hasher {
  private a = 0x9e3779b9;
  private b = 0x7f4a7c15;

  int(x: number): this {
    x |= 0;
    this.a = mix32((this.a ^ x) + Math.imul(this.b, 31));
    this.b = mix32((this.b + x) ^ Math.imul(this.a, 0x27d4eb2f));
    return this;
  }

  str(s: string): this {
    this.int(s.length);
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    return this;
  }

  /** The 52-bit result (a safe integer). */
  value(): number {
    return (this.a >>> 0) * 0x100000 + (this.b >>> 12);
  }
}

export const hashString = (s: string): number => new Hasher().str(s).value();

/** 32-bit FNV-1a over the UTF-16 code units of `s` (baseline tokens, RNG streams). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
