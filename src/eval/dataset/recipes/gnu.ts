import type { ProjectRecipe } from '../recipe.js';

/**
 * A GNU (gnulib) project built by its own configure and make: its programs, each statically
 * linked with the project's gnulib archive. Debian's patches touch autotools inputs (m4 files for
 * loongarch, gettext macros), which would make `make` re-run aclocal, autoconf and automake (not
 * installed); the prepare step dates those inputs back to 2000 so the shipped configure and
 * Makefile.in files are used as they are.
 */
export function gnuProject(p: { name: string; version: string; programs: Record<string, string>; make: string[][] }): ProjectRecipe {
  return {
    name: p.name,
    sourcePackage: p.name,
    version: p.version,
    cflags: [],
    prepare: [['find', '.', '(', '-name', '*.m4', '-o', '-name', 'configure.ac', '-o', '-name', 'Makefile.am', '-o', '-name', '*.mk', ')',
      '-exec', 'touch', '-d', '2000-01-01', '{}', '+']],
    configure: { args: ['--disable-nls'], make: p.make },
    binaries: Object.entries(p.programs).map(([name, built]) => ({ name, kind: 'program' as const, sources: [], built })),
  };
}
