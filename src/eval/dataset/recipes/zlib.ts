import type { ProjectRecipe } from '../recipe.js';

const LIB = ['adler32', 'crc32', 'deflate', 'infback', 'inffast', 'inflate', 'inftrees', 'trees', 'zutil',
  'compress', 'uncompr', 'gzclose', 'gzlib', 'gzread', 'gzwrite'].map((f) => `${f}.c`);

/** zlib as its Makefile builds the shared library and the two test programs (no configure needed). */
export const zlib: ProjectRecipe = {
  name: 'zlib',
  sourcePackage: 'zlib',
  version: '1:1.2.13.dfsg-1',
  cflags: ['-D_LARGEFILE64_SOURCE=1', '-DHAVE_HIDDEN', '-I{src}'],
  binaries: [
    { name: 'libz.so', kind: 'shared', sources: LIB, ldflags: ['-Wl,--version-script,{src}/zlib.map'] },
    { name: 'minigzip', kind: 'program', sources: ['test/minigzip.c'], linkWith: ['libz.so'] },
    { name: 'example', kind: 'program', sources: ['test/example.c'], linkWith: ['libz.so'] },
  ],
};
