/**
 * A loaded binary as a program: its functions (from symbols, or discovered in stripped code),
 * their basic blocks and edges, the call graph, and imports named through PLT/GOT.
 */
import type { Arch, Image } from '../binfmt/image.js';
import type { Decoder, Instruction } from '../arch/instruction.js';
import type { ArchSpec, JumpTable } from '../arch/spec.js';

export interface BasicBlock {
  readonly address: number;
  readonly instructions: readonly Instruction[];
  /** Addresses of successor blocks inside the function, in order (taken target first for branches). */
  readonly successors: readonly number[];
}

export interface CallSite {
  /** Address of the call (or tail-jump) instruction. */
  readonly address: number;
  /** Direct or resolved target address; undefined for unresolved indirect calls. */
  readonly target?: number;
  /** Callee name: an import (`memcpy`), a function of this binary, or undefined if unknown. */
  readonly name?: string;
  readonly import: boolean;
  readonly tail: boolean;
}

/** Where a function start came from; `known`: given by the caller (`BuildOptions.starts`). */
export type FunctionSource = 'symtab' | 'dynsym' | 'entry' | 'call' | 'pointer' | 'prologue' | 'known';

export interface FunctionInfo {
  readonly name: string;
  /** Other symbol names at the same address. */
  readonly aliases: readonly string[];
  readonly address: number;
  /** Symbol size when known, else the extent of the decoded code. */
  readonly size: number;
  readonly thumb: boolean;
  readonly source: FunctionSource;
  readonly blocks: readonly BasicBlock[];
  readonly calls: readonly CallSite[];
  readonly jumpTables: readonly JumpTable[];
  /** Indirect jumps that are neither returns nor resolved tables (addresses). */
  readonly unresolvedJumps: readonly number[];
  readonly instructionCount: number;
  /**
   * Set when a symbol marks this code as a GNU indirect function's resolver: the name belongs to
   * the implementation it picks at load time (libm's `sin` on x86-64), not to this code.
   */
  readonly resolver?: true;
}

export interface Program {
  readonly image: Image;
  readonly arch: Arch;
  readonly spec: ArchSpec;
  readonly decoder: Decoder;
  /** Sorted by address. */
  readonly functions: readonly FunctionInfo[];
  /** Import stub address → imported name. */
  readonly imports: ReadonlyMap<number, string>;
}
