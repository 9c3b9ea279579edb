import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossCheck } from './support/objdump.js';
import { fixtures } from './support/fixtures.js';

/** One real Debian library per architecture: the cross toolchains' own libc. */
export const LIBRARIES: Record<string, string> = {
  x86: '/usr/i686-linux-gnu/lib/libc.so.6', x86_64: '/lib/x86_64-linux-gnu/libc.so.6', arm: '/usr/arm-linux-gnueabihf/lib/libc.so.6',
  aarch64: '/usr/aarch64-linux-gnu/lib/libc.so.6', mips: '/usr/mips-linux-gnu/lib/libc.so.6', mipsel: '/usr/mipsel-linux-gnu/lib/libc.so.6',
};

describe('decoders agree with objdump', () => {
  it('on every fixture: instruction boundaries and mnemonics, at least 99.9 %', async () => {
    for (const f of fixtures()) {
      const r = await crossCheck(f.path);
      assert.ok(r.instructions > 100);
      assert.equal(r.boundaryMismatches, 0, `${f.path}: ${r.examples.join('; ')}`);
      assert.ok(r.agree / r.instructions >= 0.999, `${f.path}: ${r.agree}/${r.instructions}: ${r.examples.join('; ')}`);
    }
  });

  for (const [arch, lib] of Object.entries(LIBRARIES)) {
    it(`on Debian's ${arch} libc (first 800 functions), at least 99.9 %`, { skip: !existsSync(lib) && `${lib} not installed` }, async () => {
      const r = await crossCheck(lib, 800);
      assert.ok(r.instructions > 10_000, `${lib}: only ${r.instructions} instructions`);
      assert.ok(r.agree / r.instructions >= 0.999, `${lib}: ${r.agree}/${r.instructions}: ${r.examples.slice(0, 5).join('; ')}`);
    });
  }
});
