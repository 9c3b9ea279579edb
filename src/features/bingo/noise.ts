/**
 * Compiler-made code (BinGo §2.5): prologues and epilogues, stack-protector checks, PIC/GOT
 * address computation and alignment padding. Instructions are only marked: removing them would
 * change a trace's semantics, so a trace is dropped whole when marked code is half of it or more.
 */
import type { Arch } from '../../binfmt/image.js';
import type { Instruction, Operand } from '../../arch/instruction.js';
import { assertNever } from '../../util/errors.js';

/** Imports whose calls exist only for the compiler's checks. */
const COMPILER_CALLS = new Set(['__stack_chk_fail', '__stack_chk_fail_local', '__x86.get_pc_thunk.bx', '__x86.get_pc_thunk.ax',
  '__x86.get_pc_thunk.cx', '__x86.get_pc_thunk.dx', '__x86.get_pc_thunk.si', '__x86.get_pc_thunk.di', '__x86.get_pc_thunk.bp']);

const reg = (o: Operand | undefined): string | undefined => (o?.kind === 'reg' ? o.reg.toLowerCase() : undefined);
const isImm = (o: Operand | undefined) => o?.kind === 'imm';
const memBase = (o: Operand | undefined): string | undefined => (o?.kind === 'mem' ? o.base?.toLowerCase() : undefined);

const X86_SP = new Set(['esp', 'rsp']);
const X86_FP = new Set(['ebp', 'rbp']);
const X86_SAVED = new Set(['ebx', 'esi', 'edi', 'ebp', 'rbx', 'rbp', 'r12', 'r13', 'r14', 'r15']);
const ARM_FRAME = new Set(['sp', 'r7', 'r11', 'fp', 'ip', 'r12']);
const A64_FRAME = new Set(['sp', 'x29', 'x30', 'fp', 'lr']);
const MIPS_FRAME = new Set(['sp', 'fp', 's8', 'ra', '$sp', '$fp', '$ra', '$s8']);
const MIPS_GP = new Set(['gp', '$gp', 't9', '$t9', '$25', '$28']);

/**
 * Whether `insn` is compiler-made. `callee` is the import an instruction calls, when it calls
 * one (the stack-protector failure path is recognised by it).
 */
export function isCompilerNoise(arch: Arch, insn: Instruction, callee?: string): boolean {
  const m = insn.mnemonic.toLowerCase();
  const ops = insn.operands;
  if (callee && COMPILER_CALLS.has(callee)) return true;
  if (m === 'nop' || m.startsWith('nop')) return true;
  switch (arch) {
    case 'x86': case 'x86_64': {
      const d = reg(ops[0]), s = reg(ops[1]);
      if (m === 'endbr64' || m === 'endbr32' || m === 'leave' || m === 'ret' || m === 'hlt' || m === 'int3') return true;
      if ((m === 'push' || m === 'pop') && d && X86_SAVED.has(d)) return true;
      if (m === 'mov' && d && s && ((X86_FP.has(d) && X86_SP.has(s)) || (X86_SP.has(d) && X86_FP.has(s)))) return true;
      if ((m === 'sub' || m === 'add' || m === 'and') && d && X86_SP.has(d) && isImm(ops[1])) return true;
      if (m === 'lea' && d && X86_SP.has(d)) return true;
      // Stack canary: fs:0x28 (x86-64) or gs:0x14 (i386).
      if (ops.some((o) => o.kind === 'mem' && (o.segment === 'fs' || o.segment === 'gs') && (o.disp === 0x28 || o.disp === 0x14))) return true;
      // i386 PIC: add ebx, _GLOBAL_OFFSET_TABLE_ - . after the pc thunk.
      if (arch === 'x86' && m === 'add' && d === 'ebx' && isImm(ops[1])) return true;
      return false;
    }
    case 'arm': {
      const d = reg(ops[0]), s = reg(ops[1]);
      if (m === 'push' || m === 'pop' || m === 'vpush' || m === 'vpop') return true;
      if ((m === 'stmdb' || m === 'stmfd' || m === 'ldm' || m === 'ldmia' || m === 'ldmfd') && d === 'sp') return true;
      if ((m === 'add' || m === 'sub' || m === 'mov' || m === 'adds' || m === 'subs') && d && ARM_FRAME.has(d) && (s === 'sp' || d === 'sp')) return true;
      if (m === 'bx' && d === 'lr') return true;
      if (m === 'add' && (s === 'pc' || reg(ops[2]) === 'pc')) return true; // PIC: add rX, pc
      return false;
    }
    case 'aarch64': {
      const d = reg(ops[0]), s = reg(ops[1]);
      if (m === 'ret' || m === 'paciasp' || m === 'autiasp' || m === 'bti' || m === 'pacibsp' || m === 'autibsp') return true;
      if ((m === 'stp' || m === 'ldp') && (memBase(ops[2]) === 'sp' || (d && A64_FRAME.has(d)))) return true;
      if ((m === 'add' || m === 'sub' || m === 'mov') && d && (d === 'sp' || d === 'x29') && (s === 'sp' || d === 'sp')) return true;
      if ((m === 'str' || m === 'ldr') && d && (d === 'x29' || d === 'x30') && memBase(ops[1]) === 'sp') return true;
      return false;
    }
    case 'mips': case 'mipsel': {
      const d = reg(ops[0]), s = reg(ops[1]);
      if (m === 'jr' && (d === 'ra' || d === '$ra')) return true;
      if ((m === 'addiu' || m === 'addu' || m === 'move' || m === 'daddiu') && d && (MIPS_FRAME.has(d) && (s === 'sp' || s === '$sp' || s === 'fp' || s === '$fp' || s === 's8'))) return true;
      if ((m === 'sw' || m === 'lw') && (memBase(ops[1]) === 'sp' || memBase(ops[1]) === '$sp') && d && (MIPS_FRAME.has(d) || MIPS_GP.has(d) || /^\$?s[0-8]$/.test(d))) return true;
      // PIC: gp set-up (lui/addiu/addu gp) and GOT loads of call targets (lw t9, N(gp)).
      if (d && MIPS_GP.has(d) && (m === 'lui' || m === 'addiu' || m === 'addu' || m === 'lw')) return true;
      return false;
    }
    default: return assertNever(arch, 'architecture');
  }
}
