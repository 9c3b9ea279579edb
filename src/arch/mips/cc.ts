/** The o32 calling convention (System V MIPS ABI), the one gcc and clang use for MIPS32 Linux. */
import type { CallingConvention } from '../spec.js';

export const o32: CallingConvention = {
  args: ['a0', 'a1', 'a2', 'a3'],
  // The caller reserves a 16-byte home area for a0–a3; the fifth argument is at sp + 16.
  stackArgs: 16,
  ret: 'v0',
  sp: 'sp',
  returnAddress: 'ra',
  // PIC code computes gp from t9 (`lui gp, %hi(_gp_disp); addiu gp, gp, %lo(..); addu gp, gp, t9`).
  entryAddressIn: ['t9'],
};
