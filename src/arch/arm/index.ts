/** ARM (A32 and Thumb-2): Capstone decoding, PLT stubs, tbb/tbh and `ldr pc` jump tables. */
import type { Image } from '../../binfmt/image.js';
import { ET_EXEC, isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { imm, mem, readTable, reg } from '../spec.js';
import { ArmDecoder } from './decode.js';
import { createArmLifter } from './lift.js';

/** A32 modified immediate: 8 bits rotated right by twice the 4-bit rotation. */
function armImm(field: number): number {
  const rot = ((field >> 8) & 0xf) * 2, v = field & 0xff;
  return rot === 0 ? v : ((v >>> rot) | (v << (32 - rot))) >>> 0;
}
function word(i: Instruction, le: boolean): number {
  const b = i.bytes;
  return le ? (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 : ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

function bound(before: readonly Instruction[]): number | undefined {
  for (let i = before.length - 1; i >= 0 && i >= before.length - 8; i--) {
    const c = before[i]!;
    if (c.mnemonic !== 'cmp' && c.mnemonic !== 'cmp.w') continue;
    const n = imm(c.operands[1]);
    return n === undefined ? undefined : n + 1;
  }
  return undefined;
}

function jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number): JumpTable | undefined {
  const count = Math.min(bound(before) ?? maxEntries, maxEntries);
  const valid = (t: number) => isExecutable(image, t);
  // gcc -marm: `addls pc, pc, rX, lsl #2` into a table of `b` instructions (the default case comes just before it).
  if (!branch.thumb && reg(branch.operands[0]) === 'pc' && reg(branch.operands[1]) === 'pc' && branch.operands[2]?.kind === 'reg') {
    const table = branch.address + 8;
    return { table, targets: readTable(count, (i) => {
      const at = table + 4 * i, w = readWord(image, at, 4);
      // B<always>: cond 1110, bits 27..24 = 1010, signed 24-bit word offset from at + 8.
      if (w === undefined || (w >>> 24) !== 0xea) return undefined;
      return (at + 8 + (((w & 0xffffff) << 8) >> 6)) >>> 0;
    }, valid) };
  }
  // PIC Thumb (gcc -O0): `adr rT, table; ldr rO, [rT, rI, lsl #2]; add rT, rO; bx rT`, entries relative to the table.
  if (branch.mnemonic === 'bx' && reg(branch.operands[0]) !== 'lr') {
    const rt = reg(branch.operands[0]);
    const [add, ld, adr] = before.slice(-3).reverse();
    const lm = mem(ld?.operands[1]);
    if (add?.mnemonic === 'add' && reg(add.operands[0]) === rt && lm !== undefined && lm.base === rt && lm.index !== undefined && reg(add.operands[1]) === reg(ld!.operands[0])
      && adr?.mnemonic === 'adr' && reg(adr.operands[0]) === rt && imm(adr.operands[1]) !== undefined) {
      const table = ((adr.address + (adr.thumb ? 4 : 8)) & ~3) + imm(adr.operands[1])!;
      return { table, targets: readTable(count, (i) => { const e = readWord(image, table + 4 * i, 4); return e === undefined ? undefined : ((table + e) & ~1) >>> 0; }, valid) };
    }
    return undefined;
  }
  const m = mem(branch.operands[0]) ?? mem(branch.operands[1]);
  if (!m || m.base !== 'pc') return undefined;
  if (branch.mnemonic === 'tbb' || branch.mnemonic === 'tbh') {
    const size = branch.mnemonic === 'tbb' ? 1 : 2;
    const table = branch.address + 4;
    return { table, targets: readTable(count, (i) => { const e = readWord(image, table + i * size, size); return e === undefined ? undefined : table + 2 * e; }, valid) };
  }
  if (/^ldr/.test(branch.mnemonic) && m.index) {
    const table = branch.address + (branch.thumb ? 4 : 8);
    return { table, targets: readTable(count, (i) => readWord(image, table + i * 4, 4), (t) => valid(t & ~1)).map((t) => t & ~1) };
  }
  return undefined;
}

/**
 * Addresses taken through the literal pool: `ldr rX, [pc, #off]` then `add rX, pc` (PIC), or the
 * literal itself in position-dependent executables, or a GOT slot the literal indexes.
 */
function codeReferences(insns: readonly Instruction[], image: Image): number[] {
  const out: number[] = [];
  const pic = image.elfType !== ET_EXEC;
  insns.forEach((i, k) => {
    const m = i.mnemonic.startsWith('ldr') && i.mnemonic !== 'ldrd' ? mem(i.operands[1]) : undefined;
    const rx = reg(i.operands[0]);
    if (!m || m.base !== 'pc' || m.index || !rx) return;
    const v = readWord(image, ((i.address + (i.thumb ? 4 : 8)) & ~3) + m.disp, 4);
    if (v === undefined) return;
    if (!pic) { out.push(v); return; }
    for (const j of insns.slice(k + 1, k + 9)) {
      if (j.mnemonic === 'add' && reg(j.operands[0]) === rx && j.operands.some((o, n) => n > 0 && reg(o) === 'pc')) {
        out.push((v + j.address + (j.thumb ? 4 : 8)) >>> 0);
        return;
      }
      if (reg(j.operands[0]) === rx) break;
    }
    const p = image.gotBase === undefined ? undefined : image.pointers.get((image.gotBase + v) >>> 0);
    if (p !== undefined) out.push(p);
  });
  return out;
}

export const arm: ArchSpec = {
  arches: ['arm'],
  createDecoder: (image) => ArmDecoder.create(image),
  createLifter: () => createArmLifter(),
  codeReferences,
  stubImport(stub, image) {
    // add ip, pc, #A; add ip, ip, #B; ldr pc, [ip, #C]!  (a Thumb `bx pc; nop` may come first)
    const k = stub.findIndex((i) => !i.thumb);
    if (k < 0 || k + 2 >= stub.length) return undefined;
    {
      const [a, b, c] = [stub[k]!, stub[k + 1]!, stub[k + 2]!];
      const wa = word(a, image.littleEndian), wb = word(b, image.littleEndian), wc = word(c, image.littleEndian);
      if ((wa & 0x0ffff000) === 0x028fc000 && (wb & 0x0ffff000) === 0x028cc000 && (wc & 0x0ffff000) === 0x05bcf000) {
        return { slot: (a.address + 8 + armImm(wa & 0xfff) + armImm(wb & 0xfff) + (wc & 0xfff)) >>> 0 };
      }
    }
    return undefined;
  },
  indirectSlot: () => undefined,
  jumpTable,
  // A32 push {…, lr} (stmdb sp!, {…, lr}) and Thumb push {…, lr}, as little-endian bytes
  prologues: ['..402de9', '..b5'],
  alignment: 2,
};
