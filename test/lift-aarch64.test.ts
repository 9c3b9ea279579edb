import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Aarch64Decoder } from '../src/arch/aarch64/decode.js';
import { createAarch64Lifter, liftAarch64 } from '../src/arch/aarch64/lift.js';
import { loadElf } from '../src/binfmt/elf.js';
import type { Image } from '../src/binfmt/image.js';
import { PT_LOAD } from '../src/binfmt/image.js';
import { printInsn } from '../src/ir/print.js';
import { buildProgram } from '../src/program/build.js';
import { fixtures } from './support/fixtures.js';

/** Lifts every instruction of every function: counts by status and why instructions are unsupported. */
async function liftAll(path: string) {
  const program = await buildProgram(loadElf(path));
  const counts = { lifted: 0, opaque: 0, unsupported: 0 };
  const unsupported = new Map<string, number>();
  for (const f of program.functions) for (const b of f.blocks) for (const i of b.instructions) {
    const { ir, reason } = liftAarch64(i);
    counts[ir.status]++;
    if (reason) {
      const why = `${i.mnemonic} ${i.text} (${reason})`;
      unsupported.set(why, (unsupported.get(why) ?? 0) + 1);
    }
  }
  return { counts, total: counts.lifted + counts.opaque + counts.unsupported, unsupported };
}

const show = (m: Map<string, number>) => [...m].slice(0, 10).map(([w, n]) => `${w} ×${n}`).join('; ');

describe('AArch64 lifter', () => {
  it('lifts every instruction of the aarch64 fixtures (vm.static included)', async () => {
    const paths = fixtures().filter((f) => f.arch === 'aarch64')
      .flatMap((f) => [f.path, ...((f as { static?: string }).static ? [(f as { static?: string }).static!] : [])]);
    assert.ok(paths.length >= 7, `only ${paths.length} aarch64 fixtures`);
    for (const p of paths) {
      const r = await liftAll(p);
      assert.ok(r.total > 400, `${p}: ${r.total} instructions`);
      assert.equal(r.counts.unsupported, 0, `${p}: ${show(r.unsupported)}`);
    }
  });

  const libc = '/usr/aarch64-linux-gnu/lib/libc.so.6';
  it("lifts at least 99.5 % of Debian's aarch64 libc exactly", { skip: !existsSync(libc) && `${libc} not installed` }, async () => {
    const r = await liftAll(libc);
    assert.ok(r.total > 200_000, `${libc}: only ${r.total} instructions`);
    assert.ok(r.counts.lifted / r.total >= 0.995, `${libc}: lifted ${r.counts.lifted}/${r.total}; unsupported: ${show(r.unsupported)}`);
    assert.ok(r.counts.unsupported / r.total <= 0.0005, `${libc}: ${r.counts.unsupported} unsupported: ${show(r.unsupported)}`);
  });

  it('reads xzr as 0, drops writes to it, and names x30 both x30 and lr', () => {
    const lifter = createAarch64Lifter();
    assert.deepEqual(lifter.registers.reg('lr'), lifter.registers.reg('x30'));
    assert.deepEqual(lifter.registers.reg('fp'), lifter.registers.reg('x29'));
    assert.ok(!lifter.registers.has('xzr'));
    assert.equal(lifter.cc.returnAddress, 'x30');
  });
});

/** A one-instruction-per-word little-endian image for decoding hand-written encodings. */
function imageOf(base: number, words: readonly number[]): Image {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return {
    file: '<aarch64 golden>', arch: 'aarch64', bits: 64, littleEndian: true, entry: base, elfType: 2,
    sections: [], segments: [{ type: PT_LOAD, flags: 5, offset: 0, vaddr: base, filesz: bytes.length, memsz: bytes.length }],
    symbols: [], dynamicSymbols: [], importSlots: new Map(), pointers: new Map(), initFini: [], importStubs: new Map(),
    mappingSymbols: [], mipsGp: undefined, gotBase: undefined, bytes,
  };
}

/** Golden IR, one case per instruction word (each lifted as if at BASE): the printed IR. */
const BASE = 0x1000;
const GOLDEN: readonly { readonly word: number; readonly ir: readonly string[] }[] = [
  // 0x71000c20 subs w0, w1, #3
  { word: 0x71000c20, ir: ['0x1000 subs', '  || x0 := zext64((w1 - 3:32))', '  || N := (w1 - 3:32)[31:32]', '  || Z := ((w1 - 3:32) eq 0:32)', '  || C := (3:32 ule w1)', '  || V := ((w1 ^ 3:32) & (w1 ^ (w1 - 3:32)))[31:32]'] },
  // 0xfa451804 ccmp x0, #5, #4, ne
  { word: 0xfa451804, ir: ['0x1000 ccmp', '  || N := ((Z ^ true) ? (x0 - 5:64)[63:64] : false)', '  || Z := ((Z ^ true) ? ((x0 - 5:64) eq 0:64) : true)', '  || C := ((Z ^ true) ? (5:64 ule x0) : false)', '  || V := ((Z ^ true) ? ((x0 ^ 5:64) & (x0 ^ (x0 - 5:64)))[63:64] : false)'] },
  // 0xa8c17bfd ldp x29, x30, [sp], #0x10
  { word: 0xa8c17bfd, ir: ['0x1000 ldp', '  || sp := (sp + 0x10:64)', '  || x29 := mem64[sp]', '  || x30 := mem64[(sp + 8:64)]'] },
  // 0xd370f8b3 ubfx x19, x5, #0x30, #0xf
  { word: 0xd370f8b3, ir: ['0x1000 ubfx', '  || x19 := zext64(x5[48:63])'] },
  // 0x1a82c420 csinc w0, w1, w2, gt
  { word: 0x1a82c420, ir: ['0x1000 csinc', '  || x0 := zext64((((Z ^ true) & (N eq V)) ? w1 : (w2 + 1:32)))'] },
  // 0x8b22c820 add x0, x1, w2, sxtw #2
  { word: 0x8b22c820, ir: ['0x1000 add', '  || x0 := (x1 + (sext64(w2) << 2:64))'] },
  // 0x1a9f17e6 cset w6, eq
  { word: 0x1a9f17e6, ir: ['0x1000 cset', '  || x6 := zext64((Z ? 1:32 : 0:32))'] },
  // 0xa9be7bfd stp x29, x30, [sp, #-0x20]!
  { word: 0xa9be7bfd, ir: ['0x1000 stp', '  || sp := (sp + 0xffffffffffffffe0:64)', '  || mem64[(sp + 0xffffffffffffffe0:64)] := x29', '  || mem64[((sp + 0xffffffffffffffe0:64) + 8:64)] := x30'] },
  // 0x38dffc20 ldrsb w0, [x1, #-1]!
  { word: 0x38dffc20, ir: ['0x1000 ldrsb', '  || x1 := (x1 + 0xffffffffffffffff:64)', '  || x0 := zext64(sext32(mem8[(x1 + 0xffffffffffffffff:64)]))'] },
  // 0x94000404 bl #0x2034
  { word: 0x94000404, ir: ['0x1000 bl', '  || x30 := 0x1004:64', '  || call 0x2010:64'] },
  // 0xd63f03c0 blr x30
  { word: 0xd63f03c0, ir: ['0x1000 blr', '  || x30 := 0x1004:64', '  || call x30'] },
  // 0xd65f03c0 ret 
  { word: 0xd65f03c0, ir: ['0x1000 ret', '  || ret x30'] },
  // 0xd53bd040 mrs x0, tpidr_el0
  { word: 0xd53bd040, ir: ['0x1000 mrs', '  || x0 := tpidr_el0'] },
  // 0xc8117c41 stxr w17, x1, [x2]
  { word: 0xc8117c41, ir: ['0x1000 stxr', '  || mem64[x2] := x1', '  || x17 := 0:64'] },
  // 0x88a07c41 cas w0, w1, [x2]
  { word: 0x88a07c41, ir: ['0x1000 cas', '  || if (mem32[x2] eq w0): mem32[x2] := w1', '  || x0 := zext64(mem32[x2])'] },
  // 0xf2fffee8 movk x8, #0xfff7, lsl #48
  { word: 0xf2fffee8, ir: ['0x1000 movk', '  || x8 := ((x8 & 0xffffffffffff:64) | 0xfff7000000000000:64)'] },
  // 0x12800020 mov w0, #-2
  { word: 0x12800020, ir: ['0x1000 mov', '  || x0 := 0xfffffffe:64'] },
  // 0x6b570fff cmp wzr, w23, lsr #3
  { word: 0x6b570fff, ir: ['0x1000 cmp', '  || N := (0:32 - (w23 >>u 3:32))[31:32]', '  || Z := ((0:32 - (w23 >>u 3:32)) eq 0:32)', '  || C := ((w23 >>u 3:32) ule 0:32)', '  || V := ((0:32 ^ (w23 >>u 3:32)) & (0:32 ^ (0:32 - (w23 >>u 3:32))))[31:32]'] },
  // 0x0e0f3c20 umov w0, v1.b[7]
  { word: 0x0e0f3c20, ir: ['0x1000 umov', '  || x0 := zext64(v1[56:64])'] },
  // 0x0e205800 cnt v0.8b, v0.8b
  { word: 0x0e205800, ir: ['0x1000 cnt', '  || v0 := zext128(popcount(v0[56:64]) ++ popcount(v0[48:56]) ++ popcount(v0[40:48]) ++ popcount(v0[32:40]) ++ popcount(v0[24:32]) ++ popcount(v0[16:24]) ++ popcount(v0[8:16]) ++ popcount(v0[0:8]))'] },
  // 0x0e31b800 addv b0, v0.8b
  { word: 0x0e31b800, ir: ['0x1000 addv', '  || v0 := zext128((((((((v0[0:8] + v0[8:16]) + v0[16:24]) + v0[24:32]) + v0[32:40]) + v0[40:48]) + v0[48:56]) + v0[56:64]))'] },
  // 0x9e670000 fmov d0, x0
  { word: 0x9e670000, ir: ['0x1000 fmov', '  || v0 := zext128(x0)'] },
  // 0x1e260000 fmov w0, s0
  { word: 0x1e260000, ir: ['0x1000 fmov', '  || x0 := zext64(s0)'] },
  // 0x37188080 tbnz w0, #3, #0x206c
  { word: 0x37188080, ir: ['0x1000 tbnz', '  || if w0[3:4]: jump 0x2010:64'] },
  // 0x5400808d b.le #0x2070
  { word: 0x5400808d, ir: ['0x1000 b.le', '  || if (Z | (N ne V)): jump 0x2010:64'] },
  // 0xd5033bbf dmb ish
  { word: 0xd5033bbf, ir: ['0x1000 dmb'] },
  // 0xd4000001 svc #0
  { word: 0xd4000001, ir: ['0x1000 svc [opaque]', '  || opaque svc(0:16)'] },
  // 0xd4207d00 brk #0x3e8
  { word: 0xd4207d00, ir: ['0x1000 brk', '  || trap "brk #1000"'] },
  // 0xd69f03e0 eret 
  { word: 0xd69f03e0, ir: ['0x1000 eret [unsupported]', '  || trap "unsupported: eret"'] },
  // 0x1e622820 fadd d0, d1, d2
  { word: 0x1e622820, ir: ['0x1000 fadd [opaque]', '  || v0 := zext128(opaque:fadd:64(d1, d2))'] },
  // 0x3dc00400 ldr q0, [x0, #0x10]
  { word: 0x3dc00400, ir: ['0x1000 ldr', '  || v0 := mem128[(x0 + 0x10:64)]'] },
  // 0x1ac22020 lsl w0, w1, w2
  { word: 0x1ac22020, ir: ['0x1000 lsl', '  || x0 := zext64((w1 << (w2 & 0x1f:32)))'] },
];

describe('AArch64 lifter golden IR', () => {
  it('matches every case', async () => {
    const decoder = await Aarch64Decoder.create(imageOf(BASE, GOLDEN.map((c) => c.word)));
    const lifter = createAarch64Lifter();
    GOLDEN.forEach((c, k) => {
      const insn = decoder.decode(BASE + 4 * k);
      assert.ok(insn, `0x${c.word.toString(16)} does not decode`);
      const rehomed = { ...insn, address: BASE, ...(insn.target !== undefined ? { target: insn.target - 4 * k } : {}) };
      const ir = lifter.lift(rehomed);
      assert.deepEqual(printInsn(ir, (l) => lifter.registers.nameOf(l)), c.ir, `0x${c.word.toString(16).padStart(8, '0')} ${insn.mnemonic} ${insn.text}`);
    });
  });
});
