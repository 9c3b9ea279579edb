import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ArmDecoder } from '../src/arch/arm/decode.js';
import { createArmLifter } from '../src/arch/arm/lift.js';
import type { Image } from '../src/binfmt/image.js';
import { PT_LOAD } from '../src/binfmt/image.js';
import { printInsn } from '../src/ir/print.js';
import { fixtures } from './support/fixtures.js';
import { liftAll } from './support/lift.js';


const LIBC = '/usr/arm-linux-gnueabihf/lib/libc.so.6';

describe('ARM lifter', () => {
  it('lifts every instruction of the arm-thumb and arm-a32 fixtures', async () => {
    const paths = fixtures().filter((f) => f.target === 'arm-thumb' || f.target === 'arm-a32')
      .flatMap((f) => [f.path, ...((f as { static?: string }).static ? [(f as { static?: string }).static!] : [])]);
    assert.ok(paths.length >= 12, `only ${paths.length} ARM fixtures`);
    for (const p of paths) {
      const r = await liftAll(p);
      assert.ok(r.total > 200, `${p}: ${r.total} instructions`);
      assert.equal(r.counts.unsupported, 0, `${p}: ${[...r.unsupported].map(([m, n]) => `${m} ×${n}`).join(', ')}`);
    }
  });

  it("lifts at least 99.5 % of Debian's armhf libc exactly", { skip: !existsSync(LIBC) && `${LIBC} not installed` }, async () => {
    const r = await liftAll(LIBC);
    assert.ok(r.total > 250_000, `${LIBC}: only ${r.total} instructions`);
    assert.ok(r.counts.lifted / r.total >= 0.995, `${LIBC}: lifted ${r.counts.lifted}/${r.total}; unsupported: ${[...r.unsupported].slice(0, 10).join(', ')}`);
    assert.ok(r.counts.unsupported / r.total <= 0.0005, `${LIBC}: ${r.counts.unsupported} unsupported`);
  });
});

const BASE = 0x1000;

function imageOf(bytes: Uint8Array): Image {
  return {
    file: '<arm golden>', arch: 'arm', bits: 32, littleEndian: true, entry: BASE, elfType: 2,
    sections: [], segments: [{ type: PT_LOAD, flags: 5, offset: 0, vaddr: BASE, filesz: bytes.length, memsz: bytes.length }],
    symbols: [], dynamicSymbols: [], importSlots: new Map(), pointers: new Map(), initFini: [], importStubs: new Map(),
    mappingSymbols: [], mipsGp: undefined, gotBase: undefined, bytes,
  };
}

/**
 * Golden IR: little-endian instruction bytes at BASE (A32 or Thumb), decoded in order; the last
 * instruction's printed IR (head line, then statements) is checked. Earlier instructions set up
 * context (an `it`, or a nop that moves a Thumb literal load off a word boundary).
 */
const GOLDEN: readonly { readonly thumb: boolean; readonly hex: string; readonly ir: readonly string[] }[] = [
  // adds: C is the unsigned carry, V the signed overflow.
  { thumb: false, hex: '020091e0', ir: ['0x1000 adds', '  || r0 := (r1 + r2)', '  || n := (r1 + r2)[31:32]', '  || z := ((r1 + r2) eq 0:32)',
    '  || c := ((r1 + r2) ult r1)', '  || v := ((r1 ^ (r1 + r2)) & (r2 ^ (r1 + r2)))[31:32]'] },
  // adcs: the carry out of the 33-bit sum.
  { thumb: false, hex: '0200b1e0', ir: ['0x1000 adcs', '  || r0 := ((r1 + r2) + zext32(c))', '  || n := ((r1 + r2) + zext32(c))[31:32]',
    '  || z := (((r1 + r2) + zext32(c)) eq 0:32)', '  || c := ((zext33(r1) + zext33(r2)) + zext33(c))[32:33]',
    '  || v := ((r1 ^ ((r1 + r2) + zext32(c))) & (r2 ^ ((r1 + r2) + zext32(c))))[31:32]'] },
  // lsls by an immediate: C is the last bit shifted out; V unchanged.
  { thumb: false, hex: '8301b0e1', ir: ['0x1000 lsls', '  || r0 := (r3 << 3:32)', '  || n := (r3 << 3:32)[31:32]', '  || z := ((r3 << 3:32) eq 0:32)', '  || c := r3[29:30]'] },
  // lsls by a register: the low byte counts; a zero amount keeps C.
  { thumb: false, hex: '1102b0e1', ir: ['0x1000 lsls', '  || r0 := (r1 << zext32(r2[0:8]))', '  || n := (r1 << zext32(r2[0:8]))[31:32]',
    '  || z := ((r1 << zext32(r2[0:8])) eq 0:32)', '  || c := ((r2[0:8] eq 0:8) ? c : (zext33(r1) << zext33(r2[0:8]))[32:33])'] },
  // ands with a rotated immediate: C := bit 31 of the immediate; Thumb movs #imm8 keeps C.
  { thumb: false, hex: 'ff0411e2', ir: ['0x1000 ands', '  || r0 := (r1 & 0xff000000:32)', '  || n := (r1 & 0xff000000:32)[31:32]', '  || z := ((r1 & 0xff000000:32) eq 0:32)', '  || c := true'] },
  { thumb: true, hex: '0120', ir: ['0x1000 movs', '  || r0 := 1:32', '  || n := false', '  || z := false'] },
  { thumb: false, hex: '6100b0e1', ir: ['0x1000 rrxs', '  || r0 := ((r1 >>u 1:32) | (zext32(c) << 0x1f:32))', '  || n := ((r1 >>u 1:32) | (zext32(c) << 0x1f:32))[31:32]',
    '  || z := (((r1 >>u 1:32) | (zext32(c) << 0x1f:32)) eq 0:32)', '  || c := r1[0:1]'] },
  // Post-indexed and pre-indexed (writeback) loads.
  { thumb: false, hex: '040091e4', ir: ['0x1000 ldr', '  || r0 := mem32[r1]', '  || r1 := (r1 + 4:32)'] },
  { thumb: false, hex: '040031e5', ir: ['0x1000 ldr', '  || r0 := mem32[(r1 - 4:32)]', '  || r1 := (r1 - 4:32)'] },
  // Thumb literal load at 0x1002: Align(0x1006, 4) + 4.
  { thumb: true, hex: '00bf0148', ir: ['0x1002 ldr', '  || r0 := mem32[0x1008:32]'] },
  // pop {r4, pc} is a return to the loaded value (interworking), in both states.
  { thumb: true, hex: '10bd', ir: ['0x1000 pop', '  || r4 := mem32[sp]', '  || ret mem32[(sp + 4:32)]', '  || sp := (sp + 8:32)'] },
  { thumb: false, hex: '1080bde8', ir: ['0x1000 pop', '  || r4 := mem32[sp]', '  || ret mem32[(sp + 4:32)]', '  || sp := (sp + 8:32)'] },
  { thumb: false, hex: '10402de9', ir: ['0x1000 push', '  || mem32[(sp - 8:32)] := r4', '  || mem32[(sp - 4:32)] := lr', '  || sp := (sp - 8:32)'] },
  // IT block: movne inside `it ne` is guarded; A32 movne likewise.
  { thumb: true, hex: '18bf0120', ir: ['0x1002 movne', '  || if (z ^ true): r0 := 1:32'] },
  { thumb: false, hex: '0100a013', ir: ['0x1000 movne', '  || if (z ^ true): r0 := 1:32'] },
  { thumb: false, hex: '0a0000ba', ir: ['0x1000 blt', '  || if (n ne v): jump 0x1030:32'] },
  { thumb: false, hex: '920381e0', ir: ['0x1000 umull', '  || r0 := (zext64(r2) * zext64(r3))[0:32]', '  || r1 := (zext64(r2) * zext64(r3))[32:64]'] },
  // Calls: Thumb targets and return addresses carry bit 0; blx imm from Thumb goes to A32.
  { thumb: true, hex: '00f000f8', ir: ['0x1000 bl', '  || lr := 0x1005:32', '  || call 0x1005:32'] },
  { thumb: true, hex: '00f000e8', ir: ['0x1000 blx', '  || lr := 0x1005:32', '  || call 0x1004:32'] },
  { thumb: false, hex: 'feffffeb', ir: ['0x1000 bl', '  || lr := 0x1004:32', '  || call 0x1000:32'] },
  { thumb: true, hex: '7047', ir: ['0x1000 bx', '  || ret lr'] },
  { thumb: true, hex: '08b1', ir: ['0x1000 cbz', '  || if (r0 eq 0:32): jump 0x1007:32'] },
  { thumb: true, hex: '9746', ir: ['0x1000 mov', '  || jump (r2 | 1:32)'] },
  // tbb: the table follows the instruction (pc = address + 4, not aligned).
  { thumb: true, hex: 'dfe800f0', ir: ['0x1000 tbb', '  || jump ((0x1004:32 + (zext32(mem8[(0x1004:32 + r0)]) + zext32(mem8[(0x1004:32 + r0)]))) | 1:32)'] },
  // A32 switch: addls pc, pc, r2, lsl #2.
  { thumb: false, hex: '02f18f90', ir: ['0x1000 addls', '  || if ((c ^ true) | z): jump (0x1008:32 + (r2 << 2:32))'] },
  // strex always succeeds; mrc reads TPIDRURO; svc is an effect; udf traps.
  { thumb: false, hex: '912f80e1', ir: ['0x1000 strex', '  || mem32[r0] := r1', '  || r2 := 0:32'] },
  { thumb: false, hex: '700f1dee', ir: ['0x1000 mrc', '  || r0 := tpidruro'] },
  { thumb: false, hex: '000000ef', ir: ['0x1000 svc [opaque]', '  || opaque svc(0:32)'] },
  { thumb: true, hex: '00de', ir: ['0x1000 udf', '  || trap "udf"'] },
  // VFP: moves are exact, arithmetic opaque.
  { thumb: false, hex: '100a10ee', ir: ['0x1000 vmov', '  || r0 := s0'] },
  { thumb: false, hex: '010b30ee', ir: ['0x1000 vadd.f64 [opaque]', '  || d0 := opaque:vadd.f64:64(d0, d1)'] },
];

describe('ARM lifter golden IR', () => {
  const lifter = createArmLifter();
  for (const g of GOLDEN) {
    it(`${g.thumb ? 'T32' : 'A32'} ${g.hex}`, async () => {
      const bytes = Uint8Array.from(Buffer.from(g.hex, 'hex'));
      const decoder = await ArmDecoder.create(imageOf(bytes));
      let insn;
      for (let a = BASE; a < BASE + bytes.length; a += insn.size) {
        insn = decoder.decode(a, g.thumb);
        assert.ok(insn, `${g.hex}: no instruction at 0x${a.toString(16)}`);
      }
      const ir = lifter.lift(insn!);
      assert.deepEqual(printInsn(ir, (l) => lifter.registers.nameOf(l)), g.ir, `${insn!.mnemonic} ${insn!.text}`);
    });
  }
});
