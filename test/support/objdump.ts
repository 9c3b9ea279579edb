/**
 * Cross-check of Semblance's decoders against the matching cross binutils objdump: for every
 * function symbol with a size, instruction boundaries and (normalised) mnemonics must agree.
 */
import { execFileSync } from 'node:child_process';
import type { Arch } from '../../src/binfmt/image.js';
import { loadElf } from '../../src/binfmt/elf.js';
import { archSpec } from '../../src/arch/registry.js';
import { linearSweep } from '../../src/program/linear.js';
import type { Instruction } from '../../src/arch/instruction.js';

export const OBJDUMP: Record<Arch, string> = {
  x86: 'i686-linux-gnu-objdump', x86_64: 'x86_64-linux-gnu-objdump', arm: 'arm-linux-gnueabihf-objdump',
  aarch64: 'aarch64-linux-gnu-objdump', mips: 'mips-linux-gnu-objdump', mipsel: 'mipsel-linux-gnu-objdump',
};

interface ObjInsn { mnemonic: string }

function objdump(arch: Arch, file: string): Map<number, ObjInsn> {
  const args = ['-d', '-w', '--no-show-raw-insn'];
  if (arch === 'x86' || arch === 'x86_64') args.push('-M', 'intel');
  const text = execFileSync(OBJDUMP[arch], [...args, file], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const out = new Map<number, ObjInsn>();
  for (const line of text.split('\n')) {
    const m = /^\s+([0-9a-f]+):\t(.*)$/.exec(line);
    if (!m) continue;
    const body = m[2]!.trim();
    // Lines objdump itself cannot decode (`(bad)`, `<UNDEFINED>`, `<illegal>`) are not instructions.
    if (!body || body.startsWith('.') || body.startsWith('@') || body.startsWith('(bad)') || /UNDEFINED|illegal/.test(body)) continue;
    // objdump prints x86 prefixes as separate words (`rep stos`, `bnd jmp`, `lock cmpxchg`)
    const words = body.split(/\s+/);
    let k = 0;
    while (k < words.length - 1 && X86_PREFIXES.has(words[k]!)) k++;
    out.set(parseInt(m[1]!, 16), { mnemonic: words[k]! });
  }
  return out;
}

const X86_PREFIXES = new Set(['rep', 'repz', 'repe', 'repnz', 'repne', 'lock', 'bnd', 'notrack', 'data16', 'addr32', 'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'rex', 'rex.W', 'xacquire', 'xrelease']);

/** Spelling differences that are not disagreements about the instruction. */
export function normalise(arch: Arch, m: string): string {
  let s = m.toLowerCase();
  if (arch === 'x86' || arch === 'x86_64') {
    const words = s.split(/\s+/);
    s = words.filter((w, i) => i === words.length - 1 || !X86_PREFIXES.has(w)).join(' ');
    if (s === 'movabs') s = 'mov';
    s = s.replace(/^(stos|movs|lods|scas|cmps|ins|outs)[bwdq]$/, '$1');
  } else if (arch === 'arm') {
    s = s.replace(/\.(w|n)$/, '');
    s = s.replace(/lo$/, 'cc').replace(/hs$/, 'cs'); // condition-code synonyms
    const cond = /(eq|ne|cs|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)$/.exec(s);
    const base = cond && ARM_ALIASES[s.slice(0, -2)] ? s.slice(0, -2) : s;
    s = (ARM_ALIASES[base] ?? base) + (base === s ? '' : cond![1]);
    if (s === 'stmiacs' || s === 'stmia' ) s = s.replace('stmia', 'stm');
  } else if (arch === 'aarch64') {
    s = s.replace(/^b\.hs$/, 'b.cs').replace(/^b\.lo$/, 'b.cc');
    s = AARCH64_ALIASES[s] ?? s;
  } else if (arch === 'mips' || arch === 'mipsel') {
    s = MIPS_ALIASES[s] ?? s;
  }
  return s;
}

/** Standard assembler aliases: the same encoding, spelled two ways. */
const ARM_ALIASES: Record<string, string> = {
  push: 'stmdb', pop: 'ldmia', ldm: 'ldmia', stm: 'stmia', lsl: 'mov', lsr: 'mov', asr: 'mov', ror: 'mov', rrx: 'mov',
  lsls: 'movs', lsrs: 'movs', asrs: 'movs', rors: 'movs', negs: 'rsbs', neg: 'rsb', adr: 'add', nop: 'mov',
  stmib: 'stmib', stmia: 'stm', ldcl: 'ldfp', stcl: 'stfp', bxns: 'bx',
};
const MIPS_ALIASES: Record<string, string> = { rotr: 'ror', rotrv: 'rorv' };
const AARCH64_ALIASES: Record<string, string> = { ushll: 'uxtl', sshll: 'sxtl', ushll2: 'uxtl2', sshll2: 'sxtl2' };

/** MIPS `li` is `addiu`/`ori` from $zero: objdump prints the alias, Capstone the instruction. */
function ourMnemonic(i: Instruction): string {
  const src = i.operands[1];
  if ((i.mnemonic === 'addiu' || i.mnemonic === 'ori') && src?.kind === 'reg' && src.reg === 'zero' && i.operands[2]?.kind === 'imm') return 'li';
  // A32 single-register push/pop are str/ldr with sp write-back.
  if (!i.thumb && i.mnemonic === 'str' && /\[sp, #-4\]!$/.test(i.text)) return 'push';
  if (!i.thumb && i.mnemonic === 'ldr' && /\[sp\], #4$/.test(i.text)) return 'pop';
  return i.mnemonic;
}

export interface CrossCheck {
  readonly file: string;
  readonly arch: Arch;
  readonly functions: number;
  readonly instructions: number;
  readonly agree: number;
  readonly boundaryMismatches: number;
  readonly mnemonicMismatches: number;
  readonly examples: string[];
  readonly mismatchCounts: Map<string, number>;
}

export async function crossCheck(file: string, limitFunctions = Infinity): Promise<CrossCheck> {
  const image = loadElf(file);
  const decoder = await archSpec(image.arch).createDecoder(image);
  const ref = objdump(image.arch, file);
  const seen = new Set<number>();
  let functions = 0, instructions = 0, agree = 0, boundary = 0, mnem = 0;
  const examples: string[] = [];
  const mismatchCounts = new Map<string, number>();
  const syms = [...image.symbols, ...image.dynamicSymbols].filter((s) => s.type === 'func' && s.size > 0 && s.sectionIndex !== 0);
  for (const s of syms) {
    if (seen.has(s.address) || functions >= limitFunctions) continue;
    seen.add(s.address);
    functions++;
    const ours = linearSweep(image, decoder, s.address, s.address + s.size, s.thumb);
    const oursAt = new Map(ours.map((i) => [i.address, i]));
    for (const [a, r] of ref) {
      if (a < s.address || a >= s.address + s.size) continue;
      instructions++;
      const o = oursAt.get(a);
      if (!o) {
        boundary++;
        if (examples.length < 20) examples.push(`${s.name}+0x${(a - s.address).toString(16)}: objdump ${r.mnemonic}, no instruction here`);
        continue;
      }
      if (normalise(image.arch, ourMnemonic(o)) === normalise(image.arch, r.mnemonic)) agree++;
      else {
        mnem++;
        const key = `${o.mnemonic} / ${r.mnemonic}`;
        mismatchCounts.set(key, (mismatchCounts.get(key) ?? 0) + 1);
        if (examples.length < 20) examples.push(`${s.name}+0x${(a - s.address).toString(16)}: ours ${o.mnemonic} ${o.text}, objdump ${r.mnemonic}`);
      }
    }
  }
  return { file, arch: image.arch, functions, instructions, agree, boundaryMismatches: boundary, mnemonicMismatches: mnem, examples, mismatchCounts };
}
