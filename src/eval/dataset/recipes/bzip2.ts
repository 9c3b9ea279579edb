import type { ProjectRecipe } from '../recipe.js';

const LIB = ['blocksort', 'huffman', 'crctable', 'randtable', 'compress', 'decompress', 'bzlib'].map((f) => `${f}.c`);

/** bzip2 as its Makefile builds it (no configure): the shared library, bzip2 and bzip2recover. */
export const bzip2: ProjectRecipe = {
  name: 'bzip2',
  sourcePackage: 'bzip2',
  version: '1.0.8-5',
  cflags: ['-D_FILE_OFFSET_BITS=64', '-I{src}'],
  binaries: [
    { name: 'libbz2.so', kind: 'shared', sources: LIB },
    { name: 'bzip2', kind: 'program', sources: ['bzip2.c'], linkWith: ['libbz2.so'] },
    { name: 'bzip2recover', kind: 'program', sources: ['bzip2recover.c'] },
  ],
};
