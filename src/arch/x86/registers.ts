/**
 * The x86 and x86-64 register files, each built from one table.
 *
 * - General registers are full slots (32-bit eax..edi, or 64-bit rax..r15); every narrower name
 *   (eax/ax/al/ah, r8d/r8w/r8b, spl/sil) is a byte range inside its slot, so overlap is computed.
 *   iced names the low byte of r8..r15 `r8l`; both spellings are accepted.
 * - `fs_base`/`gs_base` hold the segment bases that `fs:`/`gs:` memory operands add (TLS).
 * - Vector registers: the IR's widest value is 128 bits, so a vector register is a row of 128-bit
 *   slots: `xmmN` (bits 0..127), `ymmhN` (128..255, the upper half of ymmN) and `zmmhN_0`/`zmmhN_1`
 *   (256..511). See `vectorChunks`.
 * - x87 `st0..st7` are opaque 128-bit slots (the MMX `mm0..mm7` are their low 64 bits), `k0..k7`
 *   the AVX-512 mask registers, `es..gs` the 16-bit segment selectors.
 * - Flags: the six status flags and the direction flag, one bit each.
 */
import { RegisterFile } from '../../ir/registers.js';
import type { RegisterSpec } from '../../ir/registers.js';

export const FLAGS = ['CF', 'PF', 'AF', 'ZF', 'SF', 'OF', 'DF'] as const;
export type Flag = (typeof FLAGS)[number];

const LEGACY = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Full 64-bit name → its 32-bit, 16-bit and low-byte names (and the high byte where there is one). */
export interface GprNames { readonly q?: string; readonly d: string; readonly w: string; readonly b: readonly string[]; readonly h?: string }

function gprs(bits: 32 | 64): GprNames[] {
  const out: GprNames[] = LEGACY.map((x, i) => ({
    ...(bits === 64 ? { q: `r${x}` } : {}),
    d: `e${x}`, w: x,
    b: i < 4 ? [`${x[0]}l`] : bits === 64 ? [`${x}l`] : [],
    ...(i < 4 ? { h: `${x[0]}h` } : {}),
  }));
  if (bits === 64) for (let n = 8; n < 16; n++) out.push({ q: `r${n}`, d: `r${n}d`, w: `r${n}w`, b: [`r${n}b`, `r${n}l`] });
  return out;
}

function vectorNames(count: number) {
  return {
    xmm: range(count, (i) => `xmm${i}`),
    hi: range(count, (i) => [`ymmh${i}`, `zmmh${i}_0`, `zmmh${i}_1`]).flat(),
  };
}

function spec(bits: 32 | 64): RegisterSpec {
  const g = gprs(bits);
  const sub: Record<string, readonly [string, number, number]> = {};
  for (const r of g) {
    const full = r.q ?? r.d;
    if (r.q) sub[r.d] = [full, 0, 32];
    sub[r.w] = [full, 0, 16];
    for (const b of r.b) sub[b] = [full, 0, 8];
    if (r.h) sub[r.h] = [full, 1, 8];
  }
  const v = vectorNames(bits === 64 ? 32 : 8);
  return {
    full: [...g.map((r) => r.q ?? r.d), 'fs_base', 'gs_base'],
    slotWidth: bits,
    sub,
    wide: [
      { names: v.xmm, width: 128 },
      { names: v.hi, width: 128 },
      { names: range(8, (i) => `st${i}`), width: 128, sub: Object.fromEntries(range(8, (i) => [`mm${i}`, [`st${i}`, 0, 64] as const])) },
      { names: range(8, (i) => `k${i}`), width: 64 },
      { names: ['es', 'cs', 'ss', 'ds', 'fs', 'gs'], width: 16 },
    ],
    flags: FLAGS,
  };
}

export const x86Registers = new RegisterFile(spec(32));
export const x64Registers = new RegisterFile(spec(64));

/** For x86-64: every 32-bit general register name → its 64-bit slot (a 32-bit write zero-extends into it). */
export const ZERO_EXTENDING: ReadonlyMap<string, string> = new Map(gprs(64).map((r) => [r.d, r.q!]));

/**
 * The 128-bit slots that make up a vector register, low to high: xmmN → [xmmN],
 * ymmN → [xmmN, ymmhN], zmmN → [xmmN, ymmhN, zmmhN_0, zmmhN_1]. Undefined for other names.
 */
export function vectorChunks(name: string): string[] | undefined {
  const m = /^([xyz])mm(\d+)$/.exec(name);
  if (!m) return undefined;
  const n = m[2]!;
  const all = [`xmm${n}`, `ymmh${n}`, `zmmh${n}_0`, `zmmh${n}_1`];
  return all.slice(0, m[1] === 'x' ? 1 : m[1] === 'y' ? 2 : 4);
}
