import type { ProjectRecipe } from '../recipe.js';

/**
 * LibTomCrypt with Debian's defines less the math back ends (LTM_DESC, GMP_DESC: libtommath and
 * libgmp are not in the cross sysroots), so the public-key code that needs them compiles to its
 * stubs. Every file under src/, as its makefile builds them, and the hashsum demo.
 */
export const libtomcrypt: ProjectRecipe = {
  name: 'libtomcrypt',
  sourcePackage: 'libtomcrypt',
  version: '1.18.2-6',
  cflags: ['-DLTC_SOURCE', '-I{src}/src/headers'],
  binaries: [
    { name: 'libtomcrypt.so', kind: 'shared', sources: ['src/**/*.c'] },
    { name: 'hashsum', kind: 'program', sources: ['demos/hashsum.c'], linkWith: ['libtomcrypt.so'] },
  ],
};
