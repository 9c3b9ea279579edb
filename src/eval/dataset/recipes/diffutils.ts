import { gnuProject } from './gnu.js';

/** GNU diffutils: diff, cmp, diff3 and sdiff. */
export const diffutils = gnuProject({
  name: 'diffutils',
  version: '1:3.8-4',
  programs: { diff: 'src/diff', cmp: 'src/cmp', diff3: 'src/diff3', sdiff: 'src/sdiff' },
  make: [['-C', 'lib'], ['-C', 'src']],
});
