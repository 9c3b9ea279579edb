import { gnuProject } from './gnu.js';

/** Twenty GNU coreutils programs (all of them share libcoreutils.a; more cost little but link time). */
const PROGRAMS = ['ls', 'cat', 'cp', 'mv', 'rm', 'ln', 'mkdir', 'chmod', 'sort', 'uniq', 'wc', 'head', 'tail', 'cut', 'tr', 'od',
  'dd', 'du', 'date', 'expr'];

export const coreutils = gnuProject({
  name: 'coreutils',
  version: '9.1-1',
  programs: Object.fromEntries(PROGRAMS.map((p) => [p, `src/${p}`])),
  // Naming programs skips automake's BUILT_SOURCES (gnulib's replacement headers): make them first.
  make: [['--eval=.SECONDEXPANSION:', '--eval=semblance-built-sources: $$(BUILT_SOURCES)', 'semblance-built-sources'], PROGRAMS.map((p) => `src/${p}`)],
});
