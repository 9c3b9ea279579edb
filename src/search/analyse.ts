/** Loading a binary for a similarity method: its image, identity (sha256), program and features. */
import { createHash } from 'node:crypto';
import { loadElf } from '../binfmt/elf.js';
import type { Image } from '../binfmt/image.js';
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

/** The parsed file and its identity; cheap next to building the program, so callers can skip work. */
export function openImage(file: string): { image: Image; sha256: string } {
  const image = loadElf(file);
  return { image, sha256: createHash('sha256').update(image.bytes).digest('hex') };
}

export function analysable(program: Program): FunctionInfo[] {
  return program.functions.filter((f) => f.blocks.length > 0 && !program.imports.has(f.address));
}

export async function analyseImage<F>(method: SimilarityMethod<F>, file: string, opened: { image: Image; sha256: string }): Promise<AnalysedBinary<F>> {
  const program = await buildProgram(opened.image);
  const functions = analysable(program);
  const features = await method.analyse(program, functions);
  return { file, sha256: opened.sha256, program, functions, features };
}

export async function analyseBinary<F>(method: SimilarityMethod<F>, file: string): Promise<AnalysedBinary<F>> {
  return analyseImage(method, file, openImage(file));
}
