import { gnuProject } from './gnu.js';

/** GNU findutils: find, xargs, locate and frcode. */
export const findutils = gnuProject({
  name: 'findutils',
  version: '4.9.0-4',
  programs: { find: 'find/find', xargs: 'xargs/xargs', locate: 'locate/locate', frcode: 'locate/frcode' },
  make: [['-C', 'gl'], ['-C', 'lib'], ['-C', 'find'], ['-C', 'xargs'], ['-C', 'locate']],
});
