/** Calling conventions of x86 Linux code: System V AMD64 and i386 cdecl. */
import type { CallingConvention } from '../spec.js';

/** System V AMD64: six integer argument registers, the rest on the stack above the return address. */
export const sysv64: CallingConvention = {
  args: ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'],
  stackArgs: 8,
  ret: 'rax',
  sp: 'rsp',
  returnAddress: 'stack',
};

/** i386 System V (cdecl): every argument on the stack, just above the return address. */
export const cdecl32: CallingConvention = {
  args: [],
  stackArgs: 4,
  ret: 'eax',
  sp: 'esp',
  returnAddress: 'stack',
};
