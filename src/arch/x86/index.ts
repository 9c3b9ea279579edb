/** x86 and x86-64: iced decoding, PLT stubs, GOT calls, and gcc/clang jump tables. */
import type { Image } from '../../binfmt/image.js';
import { isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { findBack, imm, mem, readTable, reg, uniqueDefinition } from '../spec.js';
import { X86Decoder } from './decode.js';
import { createX86Lifter, isX86Arch } from './lift.js';

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

function jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number, all: readonly Instruction[]): JumpTable | undefined {
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
  // The load of R's entry, possibly widened afterwards (cdqe / movsxd r, r32).
  let loadAt = findBack(before, addAt >= 0 ? addAt : n, (i) => same(reg(i.operands[0]), target) && i.mnemonic !== 'cdqe', 8);
  let load = loadAt >= 0 ? before[loadAt] : undefined;
  if (!load || !mem(load.operands[1])) return undefined;
  const m = mem(load.operands[1])!;
  if (!m.index) return undefined;
  const leaValue = (i: Instruction) => {
    const lm = i.mnemonic === 'lea' ? mem(i.operands[1]) : undefined;
    return lm && !lm.base && !lm.index ? lm.disp : undefined;
  };
  const defOf = (r: string, from = loadAt) => findBack(before, from, (i) => same(reg(i.operands[0]), r) && i.mnemonic !== 'cmp' && i.mnemonic !== 'test', 12);
  const valueOf = (r: string | undefined, from = loadAt): number | undefined => {
    if (!r) return undefined;
    if (image.arch === 'x86' && r === 'ebx') return image.gotBase; // i386 PIC code keeps the GOT in %ebx
    const at = defOf(r, from);
    if (at >= 0) return leaValue(before[at]!);
    // Set up once before the loop that dispatches: every write of r in the function must agree.
    return uniqueDefinition(all, r, (i) => same(reg(i.operands[0]), r) && !['cmp', 'test', 'push', 'pop'].includes(i.mnemonic), leaValue);
  };
  // [table + idx*4], or (gcc -O0) [table + scaled] with scaled = lea [idx*4].
  let tableReg = m.base, size = m.scale;
  if (m.scale === 1 && m.base) {
    // The index scaled beforehand: `lea r, [idx*4]` or `shl r, 2`.
    const scaledOf = (r: string) => {
      const d = before[defOf(r)];
      if (d?.mnemonic === 'shl') { const k = imm(d.operands[1]); return k === 2 || k === 3 ? 1 << k : undefined; }
      const lm = d?.mnemonic === 'lea' ? mem(d.operands[1]) : undefined;
      return lm && !lm.base && lm.index ? lm.scale : undefined;
    };
    const si = scaledOf(m.index), sb = scaledOf(m.base);
    if (si) size = si; else if (sb) { size = sb; tableReg = m.index; }
  }
  if (size !== 4 && size !== 8) return undefined;
  let baseValue = tableReg ? valueOf(tableReg) : 0;
  let rel = relTo !== undefined ? valueOf(relTo, addAt) : 0;
  // i386 PIC: [gotreg + idx*4 - off] then add gotreg: a GOT-relative table, whatever register holds the GOT.
  if (image.arch === 'x86' && image.gotBase !== undefined && relTo !== undefined && same(relTo, tableReg) && baseValue === undefined) {
    baseValue = image.gotBase; rel = image.gotBase;
  }
  if (baseValue === undefined || rel === undefined) return undefined;
  // 32-bit addresses wrap; 64-bit ones stay far below 2^53 in user space, so no wrap is needed.
  const wrap = (x: number) => (image.bits === 32 ? x >>> 0 : x);
  const table = wrap(baseValue + m.disp);
  const signed = load.mnemonic === 'movsxd' || relTo !== undefined;
  const targets = readTable(count, (i) => {
    const e = readWord(image, table + i * size, size as 4 | 8, signed);
    return e === undefined ? undefined : wrap(rel! + e);
  }, valid);
  return { table, targets };
}

export const x86: ArchSpec = {
  arches: ['x86', 'x86_64'],
  createDecoder: async (image) => new X86Decoder(image),
  createLifter(arch) {
    if (!isX86Arch(arch)) throw new Error(`x86 lifter asked for ${arch}`);
    return createX86Lifter(arch);
  },
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
  codeReferences(insns, image) {
    const out: number[] = [];
    for (const i of insns) {
      const m = i.mnemonic === 'lea' ? mem(i.operands[1]) : undefined;
      if (!m || m.index) continue;
      if (!m.base) out.push(m.disp);
      else if (m.base === 'ebx' && image.gotBase !== undefined) out.push((image.gotBase + m.disp) >>> 0);
    }
    return out;
  },
  // endbr64/endbr32; push rbp; mov rbp,rsp / push ebp; mov ebp,esp
  prologues: ['f30f1efa', 'f30f1efb', '554889e5', '5589e5'],
  alignment: 1,
};
