/** Loading a binary for a similarity method: its program, identity (sha256) and features. */
import { createHash } from 'node:crypto';
import { loadElf } from '../binfmt/elf.js';
import type { SimilarityMethod } from '../features/method.js';
import { buildProgram } from '../program/build.js';
import type { FunctionInfo, Program } from '../program/program.js';

export interface AnalysedBinary<F> {
  readonly file: string;
  readonly sha256: string;
  readonly program: Program;
  /** Functions with code (import stubs and empty symbols left out), by address. */
  readonly functions: readonly FunctionInfo[];
  readonly features: readonly F[];
}

export async function openProgram(file: string): Promise<{ program: Program; sha256: string }> {
  const image = loadElf(file);
  const sha256 = createHash('sha256').update(image.bytes).digest('hex');
  return { program: await buildProgram(image), sha256 };
}

export function analysable(program: Program): FunctionInfo[] {
  return program.functions.filter((f) => f.blocks.length > 0 && !program.imports.has(f.address));
}

export async function analyseBinary<F>(method: SimilarityMethod<F>, file: string, only?: (f: FunctionInfo) => boolean): Promise<AnalysedBinary<F>> {
  const { program, sha256 } = await openProgram(file);
  const functions = analysable(program).filter((f) => !only || only(f));
  const features = await method.analyse(program, functions);
  return { file, sha256, program, functions, features };
}
