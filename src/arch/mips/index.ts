/** MIPS32: Capstone decoding, .MIPS.stubs and PLT entries, and calls through the GOT. */
import type { Image } from '../../binfmt/image.js';
import { isExecutable, readWord } from '../../binfmt/image.js';
import type { Instruction } from '../instruction.js';
import type { ArchSpec, JumpTable } from '../spec.js';
import { findBack, imm, loadedPointer, mem, readTable, reg, uniqueDefinition } from '../spec.js';
import { MipsDecoder } from './decode.js';
import { mipsLifterFor } from './lift.js';

const writes = (r: string) => (i: Instruction) => reg(i.operands[0]) === r && i.flow === 'seq' && !i.mnemonic.startsWith('s');

/** Address held by `r` just before index `at`: `lui`/`addiu` pairs and GOT loads (`lw r, %got(x)(gp)`). */
function addressIn(insns: readonly Instruction[], at: number, r: string, image: Image, all: readonly Instruction[], depth = 0): number | undefined {
  if (depth > 4) return undefined;
  const k = findBack(insns, at, writes(r), 24);
  const valueOf = (i: Instruction, idx: number, list: readonly Instruction[]): number | undefined => {
    const m = mem(i.operands[1]);
    if (i.mnemonic === 'lw' && m?.base === 'gp' && image.mipsGp !== undefined) return loadedPointer(image, (image.mipsGp + m.disp) >>> 0);
    if (i.mnemonic === 'lui') { const n = imm(i.operands[1]); return n === undefined ? undefined : (n << 16) >>> 0; }
    if (i.mnemonic === 'addiu' && imm(i.operands[2]) !== undefined) {
      const base = addressIn(list, idx, reg(i.operands[1]) ?? '', image, all, depth + 1);
      return base === undefined ? undefined : (base + imm(i.operands[2])!) >>> 0;
    }
    return undefined;
  };
  if (k >= 0) return valueOf(insns[k]!, k, insns);
  // A base set up once before the dispatch loop.
  return uniqueDefinition(all, r, writes(r), (i, idx) => valueOf(i, idx, all));
}

/** gcc's MIPS switch: `sltiu t, i, N; beqz t, default; sll i, i, 2; addu a, base, i; lw e, 0(a); [addu e, e, gp;] jr e`. */
function jumpTable(before: readonly Instruction[], branch: Instruction, image: Image, maxEntries: number, all: readonly Instruction[]): JumpTable | undefined {
  const rt = reg(branch.operands[0]);
  if (branch.mnemonic !== 'jr' || !rt || rt === 'ra') return undefined;
  let k = findBack(before, before.length, writes(rt));
  let i = before[k];
  let gpRelative = false;
  if (i?.mnemonic === 'addu' && (reg(i.operands[1]) === 'gp' || reg(i.operands[2]) === 'gp')) {
    gpRelative = true;
    const re = reg(i.operands[1]) === 'gp' ? reg(i.operands[2])! : reg(i.operands[1])!;
    k = findBack(before, k, writes(re));
    i = before[k];
  }
  const m = i?.mnemonic === 'lw' ? mem(i.operands[1]) : undefined;
  if (!m?.base) return undefined;
  const ka = findBack(before, k, writes(m.base));
  const sum = before[ka];
  if (sum?.mnemonic !== 'addu') return undefined;
  let table: number | undefined;
  for (const r of [reg(sum.operands[1]), reg(sum.operands[2])]) if (r && table === undefined) table = addressIn(before, ka, r, image, all);
  if (table === undefined) return undefined;
  table = (table + m.disp) >>> 0;
  const bound = before.slice(-16).reverse().find((x) => x.mnemonic === 'sltiu');
  const count = Math.min(imm(bound?.operands[2]) ?? maxEntries, maxEntries);
  const gp = image.mipsGp ?? 0;
  return {
    table,
    targets: readTable(count, (n) => { const e = readWord(image, table! + 4 * n, 4); return e === undefined ? undefined : gpRelative ? (e + gp) >>> 0 : e; }, (t) => isExecutable(image, t) && (t & 3) === 0),
  };
}

export const mips: ArchSpec = {
  arches: ['mips', 'mipsel'],
  createDecoder: (image) => MipsDecoder.create(image),
  createLifter: mipsLifterFor,
  codeReferences(insns, image) {
    // `lw rX, %got(f)(gp)` loads an address (global entry) or a page that `addiu rY, rX, %lo(f)` completes.
    const out: number[] = [];
    insns.forEach((i, k) => {
      const m = i.mnemonic === 'lw' ? mem(i.operands[1]) : undefined;
      const rx = reg(i.operands[0]);
      if (m?.base !== 'gp' || image.mipsGp === undefined || !rx) return;
      const p = loadedPointer(image, (image.mipsGp + m.disp) >>> 0);
      if (p === undefined) return;
      out.push(p);
      for (const j of insns.slice(k + 1, k + 9)) {
        if (j.mnemonic === 'addiu' && reg(j.operands[1]) === rx && imm(j.operands[2]) !== undefined) { out.push((p + imm(j.operands[2])!) >>> 0); break; }
        if (reg(j.operands[0]) === rx) break;
      }
    });
    return out;
  },
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
  jumpTable,
  // addiu sp, sp, -N (big and little endian) and lui gp, N (PIC prologue)
  prologues: ['27bd....', '....bd27', '3c1c....', '....1c3c'],
  alignment: 4,
};
