/** ARM (A32 and Thumb-2): Capstone decoding, PLT stubs, tbb/tbh and `ldr pc` jump tables. */
import type { Image } from '../../binfmt/image.js';
import { isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { imm, mem, readTable } from '../spec.js';
import { ArmDecoder } from './decode.js';

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

export const arm: ArchSpec = {
  arches: ['arm'],
  createDecoder: (image) => ArmDecoder.create(image),
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
