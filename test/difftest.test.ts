/**
 * The fast differential test: a dozen representative suite functions × 5 vectors on every
 * target at O0 and O2, run under qemu-user and in our interpreter, must agree exactly. The full
 * run (all functions, all levels, more vectors) is `npm run difftest`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildSuite, compareConfig, describeConfig, type Interpreter, loadInterpreter, TARGETS } from '../scripts/difftest-lib.js';

const OPTS = ['O0', 'O2'];
/** One or two per category of test/difftest/funcs.h. */
const FUNCS = [
  'dt_add_wrap', 'dt_sdiv', 'dt_rotl', 'dt_clz_ctz', 'dt_sort_small', 'dt_struct_copy', 'dt_str_reverse_hash',
  'dt_switch_dense', 'dt_ackermann', 'dt_ll_udiv', 'dt_char_ext', 'dt_select_flags', 'dt_fnptr_table',
];

describe('interpreter agrees with qemu-user', () => {
  let interp: Interpreter | string = 'not loaded';
  before(async () => {
    buildSuite(undefined, OPTS);
    interp = await loadInterpreter();
  });

  for (const target of TARGETS) {
    for (const opt of OPTS) {
      it(`${target.name}-${opt}`, async (t) => {
        if (typeof interp === 'string') return t.skip(interp);
        const c = await compareConfig(target.name, opt, interp, { funcs: FUNCS, vectors: 5, seed: 1n, maxSteps: 1_000_000 });
        assert.ok(c.agree === c.total && !c.failure, describeConfig(c, 3, true).join('\n'));
      });
    }
  }
});
