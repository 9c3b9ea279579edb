/**
 * The benchmark corpus on disk, as `semblance dataset build` writes it and `semblance eval`
 * reads it (docs/BENCHMARKS.md §1).
 *
 *   DIR/corpus.json                        Corpus: every variant, built or failed
 *   DIR/<project>/<compiler>-<arch>-<opt>/debug/<binary>      built with -g (the answer key)
 *   DIR/<project>/<compiler>-<arch>-<opt>/stripped/<binary>   what methods analyse
 *   DIR/<project>/<compiler>-<arch>-<opt>/manifest.json       VariantManifest (ground truth)
 *
 * Paths inside the JSON files are relative to DIR.
 */
import type { Arch } from '../binfmt/image.js';

/** Corpus architectures: `arm` is Thumb-2 (the Debian default), `arm-a32` is `-marm`. */
export type CorpusArch = Exclude<Arch, 'arm'> | 'arm' | 'arm-a32';
export type OptLevel = 'O0' | 'O1' | 'O2' | 'O3' | 'Os';
export type Compiler = 'gcc' | 'clang';

export interface Corpus {
  readonly version: 1;
  readonly variants: readonly VariantEntry[];
}

export interface VariantEntry {
  /** `<project>/<compiler>-<arch>-<opt>` */
  readonly id: string;
  readonly project: string;
  readonly compiler: Compiler;
  readonly arch: CorpusArch;
  readonly opt: OptLevel;
  readonly status: 'ok' | 'failed';
  /** Why it failed (one line), when it did. */
  readonly error?: string;
  /** Relative path of the variant's manifest.json, when built. */
  readonly manifest?: string;
}

export interface VariantManifest {
  readonly id: string;
  readonly project: string;
  readonly compiler: Compiler;
  readonly arch: CorpusArch;
  readonly opt: OptLevel;
  readonly binaries: readonly BinaryManifest[];
}

export interface BinaryManifest {
  /** The same across variants (`libz.so`, `minigzip`). */
  readonly name: string;
  readonly debug: string;
  readonly stripped: string;
  readonly functions: readonly GroundTruthFunction[];
}

export interface GroundTruthFunction {
  /**
   * Identity across variants: `<project>:<binary>:<name>`, plus `@<source file>` when the name
   * repeats within the binary (static functions of the same name).
   */
  readonly key: string;
  readonly name: string;
  readonly sourceFile?: string;
  /** Start address (the same in the debug and stripped copies); Thumb functions without bit 0. */
  readonly address: number;
  readonly size: number;
  readonly blocks: number;
  readonly instructions: number;
}
