/** AAPCS64: integer arguments in x0–x7, result in x0, return address in x30 (lr). */
import type { CallingConvention } from '../spec.js';

export const AAPCS64: CallingConvention = {
  args: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'],
  stackArgs: 0,
  ret: 'x0',
  sp: 'sp',
  returnAddress: 'x30',
};
