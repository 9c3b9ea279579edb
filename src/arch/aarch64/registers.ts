/**
 * The AArch64 register file: x0–x30 (x29 = fp, x30 = lr) with their w halves, sp/wsp,
 * tpidr_el0 and the FP control registers as 64-bit slots; v0–v31 as 128-bit slots with their
 * q/d/s/h/b scalar views (all at byte 0: little-endian lane 0). xzr/wzr are not registers
 * here: the lifter reads them as 0 and drops writes to them. Flags are N, Z, C, V.
 */
import type { RegisterSpec } from '../../ir/registers.js';
import { RegisterFile } from '../../ir/registers.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const gpr = (i: number): string | readonly string[] => (i === 29 ? ['x29', 'fp'] : i === 30 ? ['x30', 'lr'] : `x${i}`);

/** FP/SIMD scalar views of v<i>: [prefix, width in bits]. */
export const SCALAR_VIEWS = [['q', 128], ['d', 64], ['s', 32], ['h', 16], ['b', 8]] as const;

export const AARCH64_REGISTERS: RegisterSpec = {
  full: [...range(31).map(gpr), ['sp'], ['tpidr_el0'], ['fpcr'], ['fpsr']],
  slotWidth: 64,
  sub: {
    ...Object.fromEntries(range(31).map((i) => [`w${i}`, [`x${i}`, 0, 32] as const])),
    wsp: ['sp', 0, 32],
  },
  wide: [{
    names: range(32).map((i) => `v${i}`),
    width: 128,
    sub: Object.fromEntries(range(32).flatMap((i) => SCALAR_VIEWS.map(([p, w]) => [`${p}${i}`, [`v${i}`, 0, w] as const]))),
  }],
  flags: ['N', 'Z', 'C', 'V'],
};

export const aarch64Registers = new RegisterFile(AARCH64_REGISTERS);
