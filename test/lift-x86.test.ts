/**
 * The x86/x86-64 lifter: every instruction of the fixtures lifts, Debian's libc lifts almost
 * completely, and tricky semantics are pinned by golden IR (one line of data per case:
 * architecture, instruction bytes, expected printed IR). Exact behaviour is proven separately
 * by the differential suite (scripts/difftest.ts) against qemu-user.
 */
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X86Decoder } from '../src/arch/x86/decode.js';
import { createX86Lifter } from '../src/arch/x86/lift.js';
import type { Image } from '../src/binfmt/image.js';
import type { IrInsn } from '../src/ir/ir.js';
import { printInsn } from '../src/ir/print.js';
import { fixtures } from './support/fixtures.js';
import { liftAll } from './support/lift.js';

type X86 = 'x86' | 'x86_64';
const lifters = { x86: createX86Lifter('x86'), x86_64: createX86Lifter('x86_64') };

/** Decodes one instruction from hex bytes at 0x1000. */
function liftHex(arch: X86, hex: string): { ir: IrInsn; text: string } {
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  const image = { arch, bits: arch === 'x86' ? 32 : 64, bytes, segments: [{ type: 1, flags: 5, offset: 0, vaddr: 0x1000, filesz: bytes.length, memsz: bytes.length }], sections: [] } as unknown as Image;
  const insn = new X86Decoder(image).decode(0x1000);
  assert.ok(insn, `${hex} does not decode`);
  const l = lifters[arch];
  const ir = l.lift(insn);
  return { ir, text: printInsn(ir, (x) => l.registers.nameOf(x)).join('\n') };
}


describe('x86 lifter', () => {
  it('lifts every instruction of every x86 and x86-64 fixture', async () => {
    const targets = fixtures().filter((f) => f.target === 'x86' || f.target === 'x86_64');
    assert.ok(targets.length >= 4);
    const paths = targets.map((f) => [f.path, f.arch] as const);
    for (const f of targets) if (existsSync(`${f.path}.static`)) paths.push([`${f.path}.static`, f.arch]);
    for (const [path, arch] of paths) {
      const r = await liftAll(path);
      assert.equal(r.arch, arch);
      assert.ok(r.total > 100, path);
      assert.deepEqual([...r.unsupported], [], `${path}: unsupported instructions`);
    }
  });

  const LIBC: Record<X86, string> = { x86: '/usr/i686-linux-gnu/lib/libc.so.6', x86_64: '/lib/x86_64-linux-gnu/libc.so.6' };
  for (const [arch, lib] of Object.entries(LIBC) as [X86, string][]) {
    it(`lifts at least 99.5 % of Debian's ${arch} libc`, { skip: !existsSync(lib) && `${lib} not installed` }, async () => {
      const r = await liftAll(lib);
      assert.equal(r.arch, arch);
      const bad = [...r.unsupported.values()].reduce((a, b) => a + b, 0);
      assert.ok(r.total > 100_000, `${lib}: only ${r.total} instructions`);
      assert.ok((r.total - bad) / r.total >= 0.995, `${lib}: ${bad}/${r.total} unsupported: ${[...r.unsupported].slice(0, 10).join('; ')}`);
    });
  }

  it('never throws, whatever the bytes', () => {
    // Every one- and two-byte opcode with a register ModRM and an immediate's worth of bytes after it.
    for (const arch of ['x86', 'x86_64'] as const) {
      for (let a = 0; a < 256; a++) for (const tail of ['c0000000000000000000', '0f', '00112233445566778899']) {
        const bytes = Uint8Array.from(Buffer.from(a.toString(16).padStart(2, '0') + tail, 'hex'));
        const image = { arch, bits: arch === 'x86' ? 32 : 64, bytes, segments: [{ type: 1, flags: 5, offset: 0, vaddr: 0x1000, filesz: bytes.length, memsz: bytes.length }], sections: [] } as unknown as Image;
        const insn = new X86Decoder(image).decode(0x1000);
        if (insn) lifters[arch].lift(insn);
      }
    }
  });

  // Golden IR: [architecture, instruction bytes, expected printed IR].
  const GOLDEN: readonly (readonly [X86, string, string])[] = [
    ['x86_64', '4829d8', `0x1000 sub
  || CF := (rax ult rbx)
  || OF := ((rax ^ rbx) & (rax ^ (rax - rbx)))[63:64]
  || AF := ((rax ^ rbx) ^ (rax - rbx))[4:5]
  || ZF := ((rax - rbx) eq 0:64)
  || SF := (rax - rbx)[63:64]
  || PF := (popcount((rax - rbx)[0:8])[0:1] ^ true)
  || rax := (rax - rbx)`],
    ['x86_64', '48d3e0', `0x1000 shl
  || rax := (rax << zext64((cl & 0x3f:8)))
  || if ((cl & 0x3f:8) ne 0:8): CF := (rax << (zext64((cl & 0x3f:8)) - 1:64))[63:64]
  || if ((cl & 0x3f:8) ne 0:8): OF := ((rax << zext64((cl & 0x3f:8)))[63:64] ^ (rax << (zext64((cl & 0x3f:8)) - 1:64))[63:64])
  || if ((cl & 0x3f:8) ne 0:8): AF := false
  || if ((cl & 0x3f:8) ne 0:8): ZF := ((rax << zext64((cl & 0x3f:8))) eq 0:64)
  || if ((cl & 0x3f:8) ne 0:8): SF := (rax << zext64((cl & 0x3f:8)))[63:64]
  || if ((cl & 0x3f:8) ne 0:8): PF := (popcount((rax << zext64((cl & 0x3f:8)))[0:8])[0:1] ^ true)`],
    ['x86_64', '48f7f1', `0x1000 div
  || if ((rcx eq 0:64) | ((rdx ++ rax /u zext128(rcx))[64:128] ne 0:64)): trap "divide error"
  || rax := (rdx ++ rax /u zext128(rcx))[0:64]
  || rdx := (rdx ++ rax %u zext128(rcx))[0:64]`],
    ['x86_64', 'f3aa', `0x1000 rep stosb
  || if (rcx ne 0:64): mem8[rdi] := al
  || if (rcx ne 0:64): rdi := (rdi + (DF ? 0xffffffffffffffff:64 : 1:64))
  || if (rcx ne 0:64): rcx := (rcx - 1:64)
  || if ((rcx ne 0:64) & ((rcx - 1:64) ne 0:64)): jump 0x1000:64`],
    ['x86_64', '0f4cc1', `0x1000 cmovl
  || rax := zext64(((SF ^ OF) ? ecx : eax))`],
    ['x86_64', '0f92c0', `0x1000 setb
  || al := zext8(CF)`],
    ['x86_64', '89c8', `0x1000 mov
  || rax := zext64(ecx)`],
    ['x86_64', '88cc', `0x1000 mov
  || ah := cl`],
    ['x86_64', '48b8efcdab8967452301', `0x1000 mov
  || rax := 0x123456789abcdef:64`],
    ['x86_64', '488d0500100000', `0x1000 lea
  || rax := 0x2007:64`],
    ['x86_64', '64488b042528000000', `0x1000 mov
  || rax := mem64[(fs_base + 0x28:64)]`],
    ['x86_64', 'e8fb0f0000', `0x1000 call
  || mem64[(rsp - 8:64)] := 0x1005:64
  || rsp := (rsp - 8:64)
  || call 0x2000:64`],
    ['x86_64', 'c21000', `0x1000 ret
  || ret mem64[rsp]
  || rsp := (rsp + 0x18:64)`],
    ['x86_64', '486bc107', `0x1000 imul
  || rax := (sext128(rcx) * 7:128)[0:64]
  || CF := ((sext128(rcx) * 7:128) ne sext128((sext128(rcx) * 7:128)[0:64]))
  || OF := ((sext128(rcx) * 7:128) ne sext128((sext128(rcx) * 7:128)[0:64]))
  || AF := false
  || ZF := ((sext128(rcx) * 7:128)[0:64] eq 0:64)
  || SF := (sext128(rcx) * 7:128)[0:64][63:64]
  || PF := (popcount((sext128(rcx) * 7:128)[0:64][0:8])[0:1] ^ true)`],
    ['x86_64', 'f7f9', `0x1000 idiv
  || if ((ecx eq 0:32) | ((edx ++ eax /s sext64(ecx)) ne sext64((edx ++ eax /s sext64(ecx))[0:32]))): trap "divide error"
  || rax := zext64((edx ++ eax /s sext64(ecx))[0:32])
  || rdx := zext64((edx ++ eax %s sext64(ecx))[0:32])`],
    ['x86_64', 'd1f8', `0x1000 sar
  || rax := zext64((eax >>s 1:32))
  || CF := eax[0:1]
  || OF := false
  || AF := false
  || ZF := ((eax >>s 1:32) eq 0:32)
  || SF := (eax >>s 1:32)[31:32]
  || PF := (popcount((eax >>s 1:32)[0:8])[0:1] ^ true)`],
    ['x86_64', '660f6cc1', `0x1000 punpcklqdq
  || xmm0 := xmm1[0:64] ++ xmm0[0:64]`],
    ['x86_64', '0f05', `0x1000 syscall [opaque]
  || opaque syscall(rax, rdi, rsi, rdx, r10, r8, r9)
  || rax := opaque:syscall.rax:64(rax, rdi, rsi, rdx, r10, r8, r9)
  || rcx := opaque:syscall.rcx:64(rax, rdi, rsi, rdx, r10, r8, r9)
  || r11 := opaque:syscall.r11:64(rax, rdi, rsi, rdx, r10, r8, r9)`],
    ['x86_64', 'f20f58c1', `0x1000 addsd [opaque]
  || xmm0 := opaque:addsd.0:128(xmm0, xmm1)`],
    ['x86_64', '0f0b', `0x1000 ud2
  || trap "ud2"`],
    ['x86_64', 'ec', `0x1000 in [unsupported]
  || trap "unsupported: in"`],
    ['x86', '55', `0x1000 push
  || mem32[(esp - 4:32)] := ebp
  || esp := (esp - 4:32)`],
    ['x86', '99', `0x1000 cdq
  || edx := (eax >>s 0x1f:32)`],
    ['x86', '19c0', `0x1000 sbb
  || CF := (CF ? (eax ule eax) : (eax ult eax))
  || OF := ((eax ^ eax) & (eax ^ ((eax - eax) - zext32(CF))))[31:32]
  || AF := ((eax ^ eax) ^ ((eax - eax) - zext32(CF)))[4:5]
  || ZF := (((eax - eax) - zext32(CF)) eq 0:32)
  || SF := ((eax - eax) - zext32(CF))[31:32]
  || PF := (popcount(((eax - eax) - zext32(CF))[0:8])[0:1] ^ true)
  || eax := ((eax - eax) - zext32(CF))`],
    ['x86', '41', `0x1000 inc
  || OF := ((ecx ^ (ecx + 1:32)) & (1:32 ^ (ecx + 1:32)))[31:32]
  || AF := ((ecx ^ 1:32) ^ (ecx + 1:32))[4:5]
  || ZF := ((ecx + 1:32) eq 0:32)
  || SF := (ecx + 1:32)[31:32]
  || PF := (popcount((ecx + 1:32)[0:8])[0:1] ^ true)
  || ecx := (ecx + 1:32)`],
    ['x86', 'c9', `0x1000 leave
  || esp := (ebp + 4:32)
  || ebp := mem32[ebp]`],
    ['x86', 'cd80', `0x1000 int [opaque]
  || opaque int80(eax, ebx, ecx, edx, esi, edi, ebp)
  || eax := opaque:int80.eax:32(eax, ebx, ecx, edx, esi, edi, ebp)`],
    ['x86', 'f3a5', `0x1000 rep movsd
  || if (ecx ne 0:32): mem32[edi] := mem32[esi]
  || if (ecx ne 0:32): esi := (esi + (DF ? 0xfffffffc:32 : 4:32))
  || if (ecx ne 0:32): edi := (edi + (DF ? 0xfffffffc:32 : 4:32))
  || if (ecx ne 0:32): ecx := (ecx - 1:32)
  || if ((ecx ne 0:32) & ((ecx - 1:32) ne 0:32)): jump 0x1000:32`],
  ];
  for (const [arch, hex, expected] of GOLDEN) {
    it(`${arch} ${hex} → ${expected.split('\n')[0]!.replace(/^0x1000 /, '')}`, () => {
      assert.equal(liftHex(arch, hex).text, expected);
    });
  }
});
