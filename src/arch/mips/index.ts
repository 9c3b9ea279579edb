/** MIPS32: Capstone decoding, .MIPS.stubs and PLT entries, and calls through the GOT. */
import type { ArchSpec } from '../spec.js';
import { findBack, imm, mem, reg } from '../spec.js';
import { MipsDecoder } from './decode.js';

export const mips: ArchSpec = {
  arches: ['mips', 'mipsel'],
  createDecoder: (image) => MipsDecoder.create(image),
  stubImport(stub, image) {
    // .MIPS.stubs: lw t9, -0x7ff0(gp); move t7, ra; jalr t9; li t8, <dynsym index>
    if (stub.some((i) => i.mnemonic === 'jalr') && stub[0]?.mnemonic === 'lw' && mem(stub[0].operands[1])?.base === 'gp') {
      let index: number | undefined;
      for (const i of stub.slice(0, 6)) {
        if (reg(i.operands[0]) !== 't8') continue;
        if (i.mnemonic === 'lui') index = (imm(i.operands[1]) ?? 0) * 0x10000;
        else if (i.mnemonic === 'ori' || i.mnemonic === 'addiu') index = (reg(i.operands[1]) === 't8' ? index ?? 0 : 0) + (imm(i.operands[2]) ?? 0);
        else if (i.mnemonic === 'li') index = imm(i.operands[1]);
      }
      const sym = index === undefined ? undefined : image.dynamicSymbols.find((s) => s.index === index);
      return sym ? { name: sym.name } : undefined;
    }
    // PLT entry: lui t7, %hi(slot); lw t9, %lo(slot)(t7); jr t9; addiu t8, t7, %lo(slot)
    const lui = stub[0], lw = stub[1];
    if (lui?.mnemonic === 'lui' && lw?.mnemonic === 'lw' && mem(lw.operands[1])?.base === reg(lui.operands[0])) {
      return { slot: ((imm(lui.operands[1]) ?? 0) * 0x10000 + mem(lw.operands[1])!.disp) >>> 0 };
    }
    return undefined;
  },
  indirectSlot(before, branch, image) {
    // lw t9, off(gp) ... jalr t9: a call through the GOT entry at gp+off.
    // gcc -O0 loads into another register first: lw v0, off(gp); move t9, v0.
    let r = reg(branch.operands[branch.operands.length - 1]);
    let at = before.length;
    for (let hops = 0; hops < 3 && r; hops++) {
      const reg0 = r;
      at = findBack(before, at, (i) => reg(i.operands[0]) === reg0 && i.mnemonic !== 'nop', 12);
      if (at < 0 || before[at]!.mnemonic !== 'move') break;
      r = reg(before[at]!.operands[1]);
    }
    const m = at >= 0 && before[at]!.mnemonic === 'lw' ? mem(before[at]!.operands[1]) : undefined;
    if (!m || m.base !== 'gp' || image.mipsGp === undefined) return undefined;
    return (image.mipsGp + m.disp) >>> 0;
  },
  jumpTable: () => undefined,
  // addiu sp, sp, -N (big and little endian) and lui gp, N (PIC prologue)
  prologues: ['27bd....', '....bd27', '3c1c....', '....1c3c'],
  alignment: 4,
};
