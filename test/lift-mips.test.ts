import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MipsDecoder } from '../src/arch/mips/decode.js';
import { createMipsLifter } from '../src/arch/mips/lift.js';
import type { Image } from '../src/binfmt/image.js';
import { PT_LOAD } from '../src/binfmt/image.js';
import { printInsn } from '../src/ir/print.js';
import { fixtures } from './support/fixtures.js';
import { liftAll } from './support/lift.js';

type MipsArch = 'mips' | 'mipsel';


describe('MIPS lifter', () => {
  it('lifts every instruction of the mips and mipsel fixtures', async () => {
    const paths = fixtures().filter((f) => f.arch === 'mips' || f.arch === 'mipsel')
      .flatMap((f) => [f.path, ...((f as { static?: string }).static ? [(f as { static?: string }).static!] : [])]);
    assert.ok(paths.length >= 12, `only ${paths.length} MIPS fixtures`);
    for (const p of paths) {
      const r = await liftAll(p);
      assert.ok(r.total > 500, `${p}: ${r.total} instructions`);
      assert.equal(r.counts.unsupported, 0, `${p}: ${[...r.unsupported].map(([m, n]) => `${m} ×${n}`).join(', ')}`);
    }
  });

  for (const [arch, lib] of [['mips', '/usr/mips-linux-gnu/lib/libc.so.6'], ['mipsel', '/usr/mipsel-linux-gnu/lib/libc.so.6']] as const) {
    it(`lifts at least 99.5 % of Debian's ${arch} libc exactly`, { skip: !existsSync(lib) && `${lib} not installed` }, async () => {
      const r = await liftAll(lib);
      assert.ok(r.total > 300_000, `${lib}: only ${r.total} instructions`);
      const lifted = r.counts.lifted / r.total;
      assert.ok(lifted >= 0.995, `${lib}: lifted ${r.counts.lifted}/${r.total}; unsupported: ${[...r.unsupported].slice(0, 10).join(', ')}`);
      assert.ok(r.counts.unsupported / r.total <= 0.001, `${lib}: ${r.counts.unsupported} unsupported`);
    });
  }
});

/** A one-instruction-per-word image for decoding hand-written encodings. */
function imageOf(arch: MipsArch, base: number, words: readonly number[]): Image {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, arch === 'mipsel'));
  return {
    file: `<${arch} golden>`, arch, bits: 32, littleEndian: arch === 'mipsel', entry: base, elfType: 2,
    sections: [], segments: [{ type: PT_LOAD, flags: 5, offset: 0, vaddr: base, filesz: bytes.length, memsz: bytes.length }],
    symbols: [], dynamicSymbols: [], importSlots: new Map(), pointers: new Map(), initFini: [], importStubs: new Map(),
    mappingSymbols: [], mipsGp: undefined, gotBase: undefined, bytes,
  };
}

/**
 * Golden IR, one case per instruction word: the arches it applies to, and the printed IR
 * (head line then statements). Each word sits at BASE.
 */
const BASE = 0x1000;
const BOTH = ['mips', 'mipsel'] as const;
const GOLDEN: readonly { readonly arches: readonly MipsArch[]; readonly word: number; readonly ir: readonly string[] }[] = [
  // lwl/lwr: k = addr & 3; big endian shifts by k bytes, little endian by 3 - k.
  { arches: ['mips'], word: 0x88490000, ir: ['0x1000 lwl', '  || t1 := ((mem32[(v0 & 0xfffffffc:32)] << ((v0 & 3:32) << 3:32)) | (t1 & not((0xffffffff:32 << ((v0 & 3:32) << 3:32)))))'] },
  { arches: ['mipsel'], word: 0x88490000, ir: ['0x1000 lwl', '  || t1 := ((mem32[(v0 & 0xfffffffc:32)] << ((3:32 - (v0 & 3:32)) << 3:32)) | (t1 & not((0xffffffff:32 << ((3:32 - (v0 & 3:32)) << 3:32)))))'] },
  { arches: ['mips'], word: 0x98490003, ir: ['0x1000 lwr', '  || t1 := ((mem32[((v0 + 3:32) & 0xfffffffc:32)] >>u ((3:32 - ((v0 + 3:32) & 3:32)) << 3:32)) | (t1 & not((0xffffffff:32 >>u ((3:32 - ((v0 + 3:32) & 3:32)) << 3:32)))))'] },
  { arches: ['mipsel'], word: 0x98490003, ir: ['0x1000 lwr', '  || t1 := ((mem32[((v0 + 3:32) & 0xfffffffc:32)] >>u ((3:32 - (3:32 - ((v0 + 3:32) & 3:32))) << 3:32)) | (t1 & not((0xffffffff:32 >>u ((3:32 - (3:32 - ((v0 + 3:32) & 3:32))) << 3:32)))))'] },
  // swl: big endian stores rt's high bytes upward from addr, little endian downward.
  { arches: ['mips'], word: 0xa84b0000, ir: ['0x1000 swl',
    '  || mem8[v0] := t3[24:32]',
    '  || if ((v0 & 3:32) ule 2:32): mem8[(v0 + 1:32)] := t3[16:24]',
    '  || if ((v0 & 3:32) ule 1:32): mem8[(v0 + 2:32)] := t3[8:16]',
    '  || if ((v0 & 3:32) ule 0:32): mem8[(v0 + 3:32)] := t3[0:8]'] },
  { arches: ['mipsel'], word: 0xa84b0000, ir: ['0x1000 swl',
    '  || mem8[v0] := t3[24:32]',
    '  || if (1:32 ule (v0 & 3:32)): mem8[(v0 - 1:32)] := t3[16:24]',
    '  || if (2:32 ule (v0 & 3:32)): mem8[(v0 - 2:32)] := t3[8:16]',
    '  || if (3:32 ule (v0 & 3:32)): mem8[(v0 - 3:32)] := t3[0:8]'] },
  // multu a2, t2; mfhi v1
  { arches: BOTH, word: 0x00ca0019, ir: ['0x1000 multu', '  || hi := (zext64(a2) * zext64(t2))[32:64]', '  || lo := (zext64(a2) * zext64(t2))[0:32]'] },
  { arches: BOTH, word: 0x00001810, ir: ['0x1000 mfhi', '  || v1 := hi'] },
  // divu v1, a3: division by zero gives lo = dividend, hi = 0 (qemu).
  { arches: BOTH, word: 0x0067001b, ir: ['0x1000 divu', '  || lo := ((a3 eq 0:32) ? v1 : (v1 /u a3))', '  || hi := ((a3 eq 0:32) ? 0:32 : (v1 %u a3))'] },
  // movn a3, s0, s0
  { arches: BOTH, word: 0x0210380b, ir: ['0x1000 movn', '  || if (s0 ne 0:32): a3 := s0'] },
  // ext a0, a0, 8, 8; ins v1, v0, 15, 1
  { arches: BOTH, word: 0x7c843a00, ir: ['0x1000 ext', '  || a0 := zext32(a0[8:16])'] },
  { arches: BOTH, word: 0x7c437bc4, ir: ['0x1000 ins', '  || v1 := ((v1 & 0xffff7fff:32) | ((v0 << 0xf:32) & 0x8000:32))'] },
  // bnez v1, +0x1c: a delay-slot transfer.
  { arches: BOTH, word: 0x14600006, ir: ['0x1000 bnez [delay slot]', '  || if (v1 ne 0:32): jump 0x101c:32'] },
  // sltiu s0, s0, 0xffff: the immediate is sign-extended, then compared unsigned.
  { arches: BOTH, word: 0x2e10ffff, ir: ['0x1000 sltiu', '  || s0 := zext32((s0 ult 0xffffffff:32))'] },
  // andi v0, v0, 0xffff: zero-extended.
  { arches: BOTH, word: 0x3042ffff, ir: ['0x1000 andi', '  || v0 := (v0 & 0xffff:32)'] },
  // addiu sp, sp, -32
  { arches: BOTH, word: 0x27bdffe0, ir: ['0x1000 addiu', '  || sp := (sp + 0xffffffe0:32)'] },
  // jalr t9; jalr s0, t9; jr ra; jr t9; bal
  { arches: BOTH, word: 0x0320f809, ir: ['0x1000 jalr [delay slot]', '  || ra := 0x1008:32', '  || call t9'] },
  { arches: BOTH, word: 0x03208009, ir: ['0x1000 jalr [delay slot]', '  || s0 := 0x1008:32', '  || call t9'] },
  { arches: BOTH, word: 0x03e00008, ir: ['0x1000 jr [delay slot]', '  || ret ra'] },
  { arches: BOTH, word: 0x03200008, ir: ['0x1000 jr [delay slot]', '  || jump t9'] },
  { arches: BOTH, word: 0x04110001, ir: ['0x1000 bal [delay slot]', '  || ra := 0x1008:32', '  || call 0x1008:32'] },
  // rdhwr v1, $29 reads UserLocal; sc writes 1; teq a3, zero traps.
  { arches: BOTH, word: 0x7c03e83b, ir: ['0x1000 rdhwr', '  || v1 := ulr'] },
  { arches: BOTH, word: 0xe2212bf4, ir: ['0x1000 sc', '  || mem32[(s1 + 0x2bf4:32)] := at', '  || at := 1:32'] },
  { arches: BOTH, word: 0x00e001f4, ir: ['0x1000 teq', '  || if (a3 eq 0:32): trap "teq"'] },
  // add v0, a0, a1 traps on signed overflow and then writes nothing.
  { arches: BOTH, word: 0x00851020, ir: ['0x1000 add', '  || if ((a0 ^ (a0 + a1)) & (a1 ^ (a0 + a1)))[31:32]: trap "integer overflow"', '  || if (((a0 ^ (a0 + a1)) & (a1 ^ (a0 + a1)))[31:32] ^ true): v0 := (a0 + a1)'] },
  // FPU, o32 FR=0: a double in the pair f2 (low word), f3 (high word).
  { arches: BOTH, word: 0xd7a20000, ir: ['0x1000 ldc1', '  || f2 := mem64[sp][0:32]', '  || f3 := mem64[sp][32:64]'] },
  { arches: BOTH, word: 0x44e40000, ir: ['0x1000 mthc1', '  || f1 := a0'] },
  { arches: BOTH, word: 0x46200000, ir: ['0x1000 add.d [opaque]', '  || f0 := opaque:add.d:64(f1 ++ f0, f1 ++ f0)[0:32]', '  || f1 := opaque:add.d:64(f1 ++ f0, f1 ++ f0)[32:64]'] },
  // writes to zero are dropped
  { arches: BOTH, word: 0x00000000, ir: ['0x1000 nop'] },
  { arches: BOTH, word: 0x24000005, ir: ['0x1000 addiu'] },
  // beql (branch-likely) is not lifted: its annulled delay slot has no IR form yet.
  { arches: BOTH, word: 0x50850003, ir: ['0x1000 beql [unsupported]', '  || trap "unsupported: beql"'] },
];

describe('MIPS lifter golden IR', () => {
  for (const arch of BOTH) {
    it(`on ${arch}`, async () => {
      const cases = GOLDEN.filter((g) => g.arches.includes(arch));
      const decoder = await MipsDecoder.create(imageOf(arch, BASE, cases.map((c) => c.word)));
      // Each case decodes at its own address: re-home it at BASE so targets read the same.
      const lifter = createMipsLifter(arch);
      cases.forEach((c, k) => {
        const insn = decoder.decode(BASE + 4 * k);
        assert.ok(insn, `0x${c.word.toString(16)} does not decode`);
        const rehomed = { ...insn, address: BASE, ...(insn.target !== undefined ? { target: insn.target - 4 * k } : {}) };
        const ir = lifter.lift(rehomed);
        assert.deepEqual(printInsn(ir, (l) => lifter.registers.nameOf(l)), c.ir, `${arch} 0x${c.word.toString(16).padStart(8, '0')} ${insn.mnemonic} ${insn.text}`);
      });
    });
  }
});
