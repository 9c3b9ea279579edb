/**
 * The Python trainer's own checks (python/trex/selftest.py) on synthetic data: a resumed run
 * equals an uninterrupted one bit for bit, the code-only ablation drops the value loss, both
 * fine-tuning losses and no-pretraining train, export and embed agree, padding changes nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { PYTHON, TRAINER } from '../src/model/trainer.js';

test('python/trex/selftest.py passes', () => {
  const r = spawnSync(PYTHON, [join(TRAINER, '..', 'selftest.py')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /selftest passed/);
});
