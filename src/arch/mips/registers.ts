/**
 * The MIPS32 register file, as one table: the 31 storing general registers (`zero` is not a slot:
 * it reads 0 and writes to it are dropped, see lift.ts), hi/lo, the UserLocal register read by
 * `rdhwr $29` (the thread pointer), the FPU's f0–f31 (32 bits each: o32 with FR=0 keeps a double
 * in an even/odd pair) and the eight FP condition codes.
 *
 * Capstone names general registers by their ABI names (`$30` is `fp`, the same slot as `s8`);
 * every slot also answers to its numeric name `$n`.
 */
import { RegisterFile } from '../../ir/registers.js';

/** ABI names of $1..$31, in number order (index 0 is `zero`, which has no slot). */
export const GPR_NAMES = [
  'zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3',
  't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7',
  't8', 't9', 'k0', 'k1', 'gp', 'sp', 's8', 'ra',
] as const;

/** Other names Capstone or people use for a general register. */
const GPR_ALIASES: Readonly<Record<string, readonly string[]>> = { s8: ['fp'] };

export const FPR_NAMES = Array.from({ length: 32 }, (_, i) => `f${i}`);
export const FCC_NAMES = Array.from({ length: 8 }, (_, i) => `fcc${i}`);

export const mipsRegisters = new RegisterFile({
  full: [
    ...GPR_NAMES.slice(1).map((n, i) => [n, ...(GPR_ALIASES[n] ?? []), `$${i + 1}`]),
    'hi', 'lo',
    // UserLocal (hardware register 29): what `rdhwr $3, $29` reads, the TLS pointer.
    'ulr',
  ],
  slotWidth: 32,
  wide: [{ names: FPR_NAMES, width: 32 }],
  flags: FCC_NAMES,
});

/** Whether a register name (ABI or numeric) is the hard-wired zero register. */
export function isZeroRegister(name: string): boolean {
  return name === 'zero' || name === '$0' || name === '$zero';
}
