/**
 * The ARM (A32/Thumb-2) register file, as one table.
 *
 * - Core registers r0–r15 are 32-bit slots, under every name Capstone prints (`sb` = r9,
 *   `sl` = r10, `fp` = r11, `ip` = r12, `sp`, `lr`, `pc`). Reads of pc never reach the file: the
 *   lifter folds them to the instruction's address + 8 (A32) or + 4 (Thumb).
 * - `fpscr` and `tpidruro` (the user read-only thread register, CP15 c13/c0/3) are 32-bit slots.
 * - VFP/NEON: q0–q15 are 128-bit slots; d(2n) and d(2n+1) are q(n)'s low and high halves, and
 *   s(2n), s(2n+1) are d(n)'s halves (s0–s31 cover d0–d15), so every overlap is by offset, exactly
 *   as the architecture defines it.
 * - Flags: N, Z, C, V, Q and the four GE bits (set by the parallel add/subtract instructions,
 *   read by `sel`). ITSTATE is not modelled: Capstone gives every instruction inside an IT block
 *   its own condition.
 */
import type { RegisterSpec } from '../../ir/registers.js';
import { RegisterFile } from '../../ir/registers.js';

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

/** Core register names by number, first the canonical one, then Capstone's alias. */
export const CORE: readonly (readonly string[])[] = [
  ['r0'], ['r1'], ['r2'], ['r3'], ['r4'], ['r5'], ['r6'], ['r7'], ['r8'],
  ['r9', 'sb'], ['r10', 'sl'], ['r11', 'fp'], ['r12', 'ip'], ['sp', 'r13'], ['lr', 'r14'], ['pc', 'r15'],
];

/** Register number (0–15) of a core register name, or undefined. */
export const CORE_NUMBER: ReadonlyMap<string, number> = new Map(CORE.flatMap((names, i) => names.map((n) => [n, i] as const)));

export const FLAGS = ['n', 'z', 'c', 'v', 'q', 'ge0', 'ge1', 'ge2', 'ge3'] as const;
export type ArmFlag = (typeof FLAGS)[number];

const vfpSub: Record<string, readonly [string, number, number]> = {};
for (let d = 0; d < 32; d++) vfpSub[`d${d}`] = [`q${d >> 1}`, (d & 1) * 8, 64];
for (let s = 0; s < 32; s++) vfpSub[`s${s}`] = [`d${s >> 1}`, (s & 1) * 4, 32];

export const ARM_REGISTERS: RegisterSpec = {
  full: [...CORE, 'fpscr', 'tpidruro'],
  slotWidth: 32,
  wide: [{ names: range(16, (i) => `q${i}`), width: 128, sub: vfpSub }],
  flags: FLAGS,
};

export function armRegisterFile(): RegisterFile {
  return new RegisterFile(ARM_REGISTERS);
}
