/** x86 and x86-64: iced decoding, PLT stubs, GOT calls, and gcc/clang jump tables. */
import type { Image } from '../../binfmt/image.js';
import { isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { findBack, imm, mem, readTable, reg } from '../spec.js';
import { X86Decoder } from './decode.js';

/** 32-bit register names of the 64-bit ones, so `cmp eax` bounds `[rdx+rax*4]`. */
function same(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const norm = (r: string) => r.replace(/^[re]/, '').replace(/d$/, '');
  return a === b || norm(a) === norm(b);
}

/** Number of entries from the `cmp idx, N; ja default` guard before a table jump. */
export function switchBound(before: readonly Instruction[]): number | undefined {
  for (let i = before.length - 1; i >= 1 && i >= before.length - 16; i--) {
    const j = before[i]!;
    if (j.flow !== 'branch') continue;
    const c = before[i - 1]!;
    if (c.mnemonic !== 'cmp') continue;
    const n = imm(c.operands[1]);
    if (n === undefined || n < 0) continue;
    if (j.mnemonic === 'ja' || j.mnemonic === 'jbe') return n + 1;
    if (j.mnemonic === 'jae' || j.mnemonic === 'jb') return n;
  }
  return undefined;
}

function jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number): JumpTable | undefined {
  const valid = (t: number) => isExecutable(image, t);
  const count = Math.min(switchBound(before) ?? maxEntries, maxEntries);
  const word = image.bits === 64 ? 8 : 4;
  const direct = mem(branch.operands[0]);
  if (direct) {
    // jmp [T + idx*W]: absolute entries.
    if (direct.base || !direct.index || direct.scale !== word) return undefined;
    const t = direct.disp;
    return { table: t, targets: readTable(count, (i) => readWord(image, t + i * word, word as 4 | 8), valid) };
  }
  const target = reg(branch.operands[0]);
  if (!target) return undefined;
  const n = before.length;
  // Optional `add R, B` (entries relative to B), then the load of R from the table.
  const addAt = findBack(before, n, (i) => i.mnemonic === 'add' && same(reg(i.operands[0]), target) && reg(i.operands[1]) !== undefined, 6);
  const relTo = addAt >= 0 ? reg(before[addAt]!.operands[1]) : undefined;
  const loadAt = findBack(before, addAt >= 0 ? addAt : n, (i) => (i.mnemonic === 'movsxd' || i.mnemonic === 'mov') && same(reg(i.operands[0]), target) && mem(i.operands[1]) !== undefined, 8);
  if (loadAt < 0) return undefined;
  const m = mem(before[loadAt]!.operands[1])!;
  if (!m.index || (m.scale !== 4 && m.scale !== 8)) return undefined;
  const valueOf = (r: string | undefined): number | undefined => {
    if (!r) return undefined;
    if (image.arch === 'x86' && r === 'ebx') return image.gotBase; // i386 PIC code keeps the GOT in %ebx
    const at = findBack(before, loadAt, (i) => i.mnemonic === 'lea' && same(reg(i.operands[0]), r), 12);
    const lm = at >= 0 ? mem(before[at]!.operands[1]) : undefined;
    return lm && !lm.base && !lm.index ? lm.disp : undefined;
  };
  const baseValue = m.base ? valueOf(m.base) : 0;
  if (baseValue === undefined) return undefined;
  const table = baseValue + m.disp;
  const rel = relTo !== undefined ? valueOf(relTo) : 0;
  if (rel === undefined) return undefined;
  const size = m.scale as 4 | 8;
  const signed = before[loadAt]!.mnemonic === 'movsxd' || relTo !== undefined;
  const targets = readTable(count, (i) => {
    const e = readWord(image, table + i * size, size, signed);
    return e === undefined ? undefined : (rel + e) % 2 ** image.bits;
  }, valid);
  return { table, targets };
}

export const x86: ArchSpec = {
  arches: ['x86', 'x86_64'],
  createDecoder: async (image) => new X86Decoder(image),
  stubImport(stub, image) {
    // jmp [rip+slot] / jmp [slot] / jmp [ebx+off]; .plt.sec entries start with endbr.
    for (const i of stub.slice(0, 3)) {
      if (i.flow !== 'ijump') continue;
      const m = mem(i.operands[0]);
      if (!m || m.index) return undefined;
      if (!m.base) return { slot: m.disp };
      if (m.base === 'ebx' && image.gotBase !== undefined) return { slot: image.gotBase + m.disp };
      return undefined;
    }
    return undefined;
  },
  indirectSlot(_before, branch, image) {
    const m = mem(branch.operands[0]);
    if (!m || m.index) return undefined;
    if (!m.base) return m.disp;
    if (image.arch === 'x86' && m.base === 'ebx' && image.gotBase !== undefined) return image.gotBase + m.disp;
    return undefined;
  },
  jumpTable,
  // endbr64/endbr32; push rbp; mov rbp,rsp / push ebp; mov ebp,esp
  prologues: ['f30f1efa', 'f30f1efb', '554889e5', '5589e5'],
  alignment: 1,
};
