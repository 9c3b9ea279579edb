/**
 * The syntactic baseline's tokens: normalised mnemonic n-grams within basic blocks, operand
 * shapes, imported callees and a little CFG shape, counted into a bag (the FunctionSimSearch /
 * Catalog1 family of features). Reads instructions, block edges and import names only — never
 * the function's own name, its aliases, or names of callees inside the binary.
 */
import type { Instruction } from '../../arch/instruction.js';
import type { FunctionInfo } from '../../program/program.js';

/** Longest mnemonic n-gram. */
export const MAX_GRAM = 3;

/**
 * The mnemonic with operand details and encoding noise removed: control transfers become their
 * kind (`bcc`, `jmp`, `call`, `ret`) on every architecture; ARM condition and flag-setting
 * suffixes and Thumb width qualifiers are dropped. Undefined for instructions that carry no
 * meaning of their own (Thumb `it` blocks, `nop`).
 */
export function normaliseMnemonic(ins: Instruction): string | undefined {
  switch (ins.flow) {
    case 'branch': return 'bcc';
    case 'jump': return 'jmp';
    case 'call': case 'icall': return 'call';
    case 'ijump': return 'ijmp';
    case 'return': return 'ret';
    case 'trap': return 'trap';
    case 'seq': break;
  }
  let m = ins.mnemonic.toLowerCase().replace(/\.[wn]$/, '');
  if (m === 'nop' || /^it[te]{0,3}$/.test(m)) return undefined;
  if (ins.cond && m.length > ins.cond.length + 1 && m.endsWith(ins.cond)) m = m.slice(0, -ins.cond.length);
  if (ins.updatesFlags && m.length > 2 && m.endsWith('s')) m = m.slice(0, -1);
  return m;
}

/** `mov(r,m)`: the normalised mnemonic with the kinds of its operands. */
function shape(m: string, ins: Instruction): string {
  return `${m}(${ins.operands.map((o) => o.kind[0]).join(',')})`;
}

/** log2 bucket of a positive count, so sizes compare coarsely. */
function bucket(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** Every token of the function, with repetition (a bag). */
export function functionTokens(f: FunctionInfo): string[] {
  const out: string[] = [];
  for (const b of f.blocks) {
    const seq: string[] = [];
    for (const ins of b.instructions) {
      const m = normaliseMnemonic(ins);
      if (m === undefined) continue;
      seq.push(m);
      out.push('s:' + shape(m, ins));
    }
    for (let n = 1; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= seq.length; i++) out.push(`${n}:${seq.slice(i, i + n).join(' ')}`);
    }
    out.push(`succ:${Math.min(b.successors.length, 3)}`);
  }
  for (const c of f.calls) if (c.import && c.name) out.push('imp:' + c.name);
  out.push(`blocks:${bucket(f.blocks.length)}`);
  return out;
}
