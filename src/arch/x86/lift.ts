/**
 * The x86/x86-64 lifter: strips the prefixes iced writes into the mnemonic, then binds the
 * mnemonic to its semantics: integer.ts (exact), vector.ts (exact SSE/AVX integer moves and lane
 * operations), opaque.ts (x87, FP, other vector and system instructions: exact effects on
 * locations, opaque values). An unknown mnemonic or form is `unsupported`: a single trap.
 */
import type { Arch } from '../../binfmt/image.js';
import type { IrInsn } from '../../ir/ir.js';
import * as B from '../../ir/build.js';
import type { Instruction } from '../instruction.js';
import type { Lifter } from '../spec.js';
import { cdecl32, sysv64 } from './cc.js';
import type { Machine, Prefixes } from './context.js';
import { Ctx } from './context.js';
import type { Sem } from './integer.js';
import { INTEGER } from './integer.js';
import { liftOpaque } from './opaque.js';
import { x64Registers, x86Registers } from './registers.js';
import { VECTOR, isEvex } from './vector.js';

const PREFIXES = new Set(['rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'notrack', 'bnd', 'xacquire', 'xrelease', 'data16', 'addr32']);

/** Other instructions without vector operands whose values the IR leaves opaque. */
const OPAQUE = new Set([
  'crc32', 'pdep', 'pext', 'ldmxcsr', 'stmxcsr', 'vldmxcsr', 'vstmxcsr', 'fxsave', 'fxsave64', 'fxrstor', 'fxrstor64',
  'xsave', 'xsave64', 'xsavec', 'xsavec64', 'xsaveopt', 'xsaveopt64', 'xrstor', 'xrstor64', 'xsaves', 'xrstors',
  'clflush', 'clflushopt', 'clwb', 'rdpid', 'rdfsbase', 'rdgsbase', 'wrfsbase', 'wrgsbase', 'rdsspd', 'rdsspq', 'incsspd', 'incsspq',
  'xbegin', 'xend', 'xabort', 'xtest', 'rdpkru', 'wrpkru', 'emms', 'femms', 'rdpmc', 'serialize', 'umonitor', 'umwait', 'tpause',
]);

const VECTOR_REG = /^(?:[xyz]mm\d+|mm\d|st\d|k\d)$/;

function prefixesOf(words: readonly string[]): Prefixes {
  let rep: Prefixes['rep'];
  let lock = false;
  for (const w of words) {
    if (w === 'rep') rep = 'rep';
    else if (w === 'repe' || w === 'repz') rep = 'repe';
    else if (w === 'repne' || w === 'repnz') rep = 'repne';
    else if (w === 'lock') lock = true;
  }
  return { ...(rep ? { rep } : {}), lock };
}

function semanticsOf(c: Ctx): Sem | undefined {
  const name = c.mnemonic;
  const ops = c.insn.operands;
  const vectorRegs = ops.flatMap((o) => (o.kind === 'reg' && VECTOR_REG.test(o.reg) ? [o.reg] : []));
  if (vectorRegs.length > 0 || name.startsWith('v') || name.startsWith('f') || name.startsWith('k')) {
    const exact = !vectorRegs.some((r) => !/^[xy]mm(?:\d|1[0-5])$/.test(r)) && !isEvex(c.insn.bytes, c.m.bits);
    const sem = exact ? (VECTOR[name] ?? (name.startsWith('v') ? VECTOR[name.slice(1)] : undefined)) : undefined;
    if (sem) return sem;
    // A string movsd/cmpsd has no vector operand; an SSE one does.
    if (vectorRegs.length === 0 && INTEGER[name]) return INTEGER[name];
    return liftOpaque;
  }
  return INTEGER[name] ?? (OPAQUE.has(name) ? liftOpaque : undefined);
}

export function createX86Lifter(arch: 'x86' | 'x86_64'): Lifter {
  const bits = arch === 'x86_64' ? 64 : 32;
  const m: Machine = {
    bits, registers: bits === 64 ? x64Registers : x86Registers, cc: bits === 64 ? sysv64 : cdecl32,
    sp: bits === 64 ? 'rsp' : 'esp', bp: bits === 64 ? 'rbp' : 'ebp', vectorCount: bits === 64 ? 32 : 8,
  };
  return {
    registers: m.registers,
    cc: m.cc,
    lift(insn: Instruction): IrInsn {
      const words = insn.mnemonic.split(' ');
      const mnemonic = words.filter((w) => !PREFIXES.has(w)).join(' ') || words[words.length - 1]!;
      const base = { address: insn.address, size: insn.size, mnemonic: insn.mnemonic };
      const c = new Ctx(m, insn, mnemonic, prefixesOf(words));
      let why = '';
      try {
        const sem = semanticsOf(c);
        if (sem) {
          sem(c);
          return { ...base, status: c.status, stmts: c.stmts };
        }
      } catch (e) {
        // A form the semantics do not model (or a lifter bug): unsupported, with the reason.
        why = ` (${e instanceof Error ? e.message : String(e)})`;
      }
      return { ...base, status: 'unsupported', stmts: [B.trap(`unsupported: ${insn.mnemonic}${why}`)] };
    },
  };
}

export function isX86Arch(arch: Arch): arch is 'x86' | 'x86_64' {
  return arch === 'x86' || arch === 'x86_64';
}
