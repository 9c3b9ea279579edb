/** AArch64: Capstone decoding, PLT stubs (adrp/ldr/br), and gcc/clang jump tables. */
import type { Image } from '../../binfmt/image.js';
import { isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { findBack, imm, loadedPointer, mem, readTable, reg, uniqueDefinition } from '../spec.js';
import { Aarch64Decoder } from './decode.js';
import { createAarch64Lifter } from './lift.js';

/** Value of `r` just before index `at`: adrp page (+ add lo12) or adr label. */
function addressIn(insns: readonly Instruction[], at: number, r: string, all: readonly Instruction[] = []): number | undefined {
  const def = findBack(insns, at, (i) => reg(i.operands[0]) === r && i.flow === 'seq' && !STORES.has(i.mnemonic), 12);
  if (def < 0) {
    // A base set up once before the dispatch loop: every write of r must compute the same address.
    return uniqueDefinition(all, r, (i) => reg(i.operands[0]) === r && i.flow === 'seq' && !STORES.has(i.mnemonic) && !(i.mnemonic === 'adrp' && all.some((j) => j.mnemonic === 'add' && reg(j.operands[0]) === r && reg(j.operands[1]) === r)),
      (i, k) => (i.mnemonic === 'adr' ? imm(i.operands[1]) : addressIn(all, k + 1, r)));
  }
  const d = insns[def]!;
  if (d.mnemonic === 'adr' || d.mnemonic === 'adrp') return imm(d.operands[1]);
  if (d.mnemonic === 'add' && reg(d.operands[1]) === r && imm(d.operands[2]) !== undefined) {
    const base = addressIn(insns, def, r, all);
    return base === undefined ? undefined : base + imm(d.operands[2])!;
  }
  return undefined;
}

function bound(before: readonly Instruction[]): number | undefined {
  for (let i = before.length - 1; i >= 1 && i >= before.length - 16; i--) {
    const b = before[i]!, c = before[i - 1]!;
    if (b.flow !== 'branch' || c.mnemonic !== 'cmp') continue;
    const n = imm(c.operands[1]);
    if (n === undefined) continue;
    if (b.mnemonic === 'b.hi' || b.mnemonic === 'b.ls') return n + 1;
    if (b.mnemonic === 'b.hs' || b.mnemonic === 'b.lo' || b.mnemonic === 'b.cs' || b.mnemonic === 'b.cc') return n;
  }
  return undefined;
}

const STORES = new Set(['str', 'strb', 'strh', 'stp', 'stur', 'sturb', 'sturh', 'cmp', 'tst', 'cmn']);

const LOADS: Record<string, { size: 1 | 2 | 4; signed: boolean }> = {
  ldrb: { size: 1, signed: false }, ldrh: { size: 2, signed: false }, ldr: { size: 4, signed: false },
  ldrsb: { size: 1, signed: true }, ldrsh: { size: 2, signed: true }, ldrsw: { size: 4, signed: true },
};

function jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number, all: readonly Instruction[]): JumpTable | undefined {
  const target = reg(branch.operands[0]);
  if (!target) return undefined;
  const n = before.length;
  // add Xt, Xbase, Wentry, sxtb/uxtb/lsl #k
  const addAt = findBack(before, n, (i) => i.mnemonic === 'add' && reg(i.operands[0]) === target, 6);
  if (addAt < 0) return undefined;
  const add = before[addAt]!;
  const baseReg = reg(add.operands[1]), entryOp = add.operands[2];
  if (!baseReg || entryOp?.kind !== 'reg') return undefined;
  const shift = entryOp.shift && typeof entryOp.shift.amount === 'number' ? entryOp.shift.amount : 0;
  const base = addressIn(before, addAt, baseReg, all);
  if (base === undefined) return undefined;
  const entryReg = entryOp.reg.replace(/^x/, 'w');
  const loadAt = findBack(before, addAt, (i) => LOADS[i.mnemonic] !== undefined && reg(i.operands[0])?.replace(/^x/, 'w') === entryReg, 8);
  if (loadAt < 0) return undefined;
  const load = before[loadAt]!;
  const m = mem(load.operands[1]);
  if (!m?.base) return undefined;
  const table = addressIn(before, loadAt, m.base, all);
  if (table === undefined) return undefined;
  const { size, signed } = LOADS[load.mnemonic]!;
  const sx = signed || /^sxt/.test(entryOp.extend ?? '');
  const count = Math.min(bound(before) ?? maxEntries, maxEntries);
  const targets = readTable(count, (i) => {
    const e = readWord(image, table + i * size, size, sx);
    return e === undefined ? undefined : base + e * 2 ** shift;
  }, (t) => isExecutable(image, t));
  return { table, targets };
}

export const aarch64: ArchSpec = {
  arches: ['aarch64'],
  codeReferences(insns, image) {
    // adrp+add gives an address; adrp+ldr reads a GOT slot holding one.
    const out: number[] = [];
    insns.forEach((i, k) => {
      const base = reg(i.operands[1]) ?? mem(i.operands[1])?.base;
      if (!base || !(i.mnemonic === 'add' || i.mnemonic === 'ldr') || reg(i.operands[0])?.startsWith('w')) return;
      const page = addressIn(insns, k, base);
      if (page === undefined) return;
      if (i.mnemonic === 'add') { const n = imm(i.operands[2]); if (n !== undefined) out.push(page + n); return; }
      const m = mem(i.operands[1])!;
      if (m.index) return;
      const p = loadedPointer(image, page + m.disp);
      if (p !== undefined) out.push(p);
    });
    return out;
  },
  createDecoder: (image) => Aarch64Decoder.create(image),
  createLifter: () => createAarch64Lifter(),
  stubImport(stub) {
    // adrp x16, page; ldr x17, [x16, #off]; add x16, x16, #off; br x17 (bti c may come first)
    const first = stub[0]?.mnemonic === 'bti' ? 1 : 0;
    const ldrAt = first + 1;
    if (stub[first]?.mnemonic !== 'adrp' || stub[ldrAt]?.mnemonic !== 'ldr' || mem(stub[ldrAt]!.operands[1])?.base === undefined) return undefined;
    const m = mem(stub[ldrAt]!.operands[1])!;
    const page = addressIn(stub, ldrAt, m.base!);
    return page === undefined ? undefined : { slot: page + m.disp };
  },
  indirectSlot(before, branch) {
    const r = reg(branch.operands[0]);
    const at = findBack(before, before.length, (i) => i.mnemonic === 'ldr' && reg(i.operands[0]) === r, 4);
    const m = at >= 0 ? mem(before[at]!.operands[1]) : undefined;
    if (!m?.base) return undefined;
    const page = addressIn(before, at, m.base);
    return page === undefined ? undefined : page + m.disp;
  },
  jumpTable,
  // paciasp; bti c; stp x29, x30, [sp, #-N]!
  prologues: ['3f2303d5', '5f2403d5'],
  alignment: 4,
};
