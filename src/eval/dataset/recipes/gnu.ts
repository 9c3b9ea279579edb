import type { ProjectRecipe } from '../recipe.js';

/**
 * A GNU (gnulib) project built by its own configure and make: its programs, each statically
 * linked with the project's gnulib archive. Debian's patches touch autotools inputs (m4 files for
 * loongarch, gettext macros), which would make `make` re-run aclocal, autoconf and automake (not
 * installed); the prepare step touches the shipped outputs, in the order autotools makes them,
 * so they are newer than every input and are used as they are.
 */
const TOUCH_OUTPUTS = 'touch aclocal.m4 && touch configure && find . -name Makefile.in -exec touch {} + '
  + "&& find . '(' -name config.hin -o -name config.h.in ')' -exec touch {} +";

export function gnuProject(p: { name: string; version: string; programs: Record<string, string>; make: string[][] }): ProjectRecipe {
  return {
    name: p.name,
    sourcePackage: p.name,
    version: p.version,
    cflags: [],
    prepare: [['sh', '-c', TOUCH_OUTPUTS]],
    configure: { args: ['--disable-nls'], make: p.make },
    binaries: Object.entries(p.programs).map(([name, built]) => ({ name, kind: 'program' as const, sources: [], built })),
  };
}
