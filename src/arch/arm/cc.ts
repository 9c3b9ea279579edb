/** AAPCS (the ARM EABI procedure call standard): r0–r3 carry the first four words, r0 the result. */
import type { CallingConvention } from '../spec.js';

export const AAPCS: CallingConvention = {
  args: ['r0', 'r1', 'r2', 'r3'],
  stackArgs: 0,
  ret: 'r0',
  sp: 'sp',
  returnAddress: 'lr',
};
