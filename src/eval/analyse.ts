/**
 * Analysis of a corpus for evaluation: every binary's stripped copy is loaded and built once per
 * run (with the ground truth's start addresses as hints, never its names), and each method
 * analyses the functions that take part. The debug copy is never read here.
 */
import { join } from 'node:path';
import { loadElf } from '../binfmt/elf.js';
import type { AnyMethod } from '../search/methods.js';
import { buildProgram } from '../program/build.js';
import type { FunctionInfo, Program } from '../program/program.js';
import type { BinaryManifest, GroundTruthFunction, VariantManifest } from './corpus.js';
import type { LoadedCorpus } from './load.js';

/** One ground-truth function that takes part in the evaluation. */
export interface EvalFunction {
  /** Index into `AnalysedCorpus.functions` and into each method's feature list. */
  readonly id: number;
  readonly key: string;
  readonly variant: VariantManifest;
  readonly binary: string;
  readonly address: number;
  readonly blocks: number;
}

export interface AnalysedCorpus {
  /** Functions found in their stripped binary, with at least `minBlocks` blocks (per the debug copy). */
  readonly functions: readonly EvalFunction[];
  /** Per method (in the order given), features parallel to `functions`. */
  readonly features: readonly (readonly unknown[])[];
  readonly counts: {
    readonly binaries: number;
    /** Ground-truth functions of the variants analysed. */
    readonly groundTruth: number;
    /** Of those, with at least `minBlocks` blocks. */
    readonly eligible: number;
    /** Eligible functions discovery missed and the start hints supplied. */
    readonly seeded: number;
    /** Eligible functions not found in the stripped copy at all (left out). */
    readonly missing: number;
  };
  readonly timings: { readonly buildSeconds: number; readonly analyseSeconds: readonly number[] };
}

export type Progress = (message: string) => void;

export async function analyseCorpus(
  corpus: LoadedCorpus,
  variants: readonly VariantManifest[],
  methods: readonly AnyMethod[],
  minBlocks: number,
  progress: Progress = () => {},
): Promise<AnalysedCorpus> {
  const functions: EvalFunction[] = [];
  const features: unknown[][] = methods.map(() => []);
  const analyseSeconds = methods.map(() => 0);
  let buildSeconds = 0, groundTruth = 0, eligible = 0, seeded = 0, missing = 0, binaries = 0;
  const total = variants.reduce((n, v) => n + v.binaries.length, 0);
  for await (const cb of corpusBinaries(corpus.dir, variants, minBlocks)) {
    const { variant: v, binary: b } = cb;
    binaries++;
    groundTruth += b.functions.length;
    eligible += cb.eligible;
    if (!cb.program) continue;
    buildSeconds += cb.buildSeconds;
    missing += cb.eligible - cb.found.length;
    const found: FunctionInfo[] = [];
    for (const { truth: f, info } of cb.found) {
      if (info.source === 'known') seeded++;
      found.push(info);
      functions.push({ id: functions.length, key: f.key, variant: v, binary: b.name, address: f.address, blocks: f.blocks });
    }
    for (let m = 0; m < methods.length; m++) {
      const t = performance.now();
      const out = await methods[m]!.analyse(cb.program, found);
      if (out.length !== found.length) throw new Error(`method ${methods[m]!.name} returned ${out.length} features for ${found.length} functions`);
      analyseSeconds[m]! += (performance.now() - t) / 1000;
      features[m]!.push(...out);
    }
    progress(`[${binaries}/${total}] ${v.id} ${b.name}: ${found.length} functions`);
  }
  return { functions, features, counts: { binaries, groundTruth, eligible, seeded, missing }, timings: { buildSeconds, analyseSeconds } };
}

/** One binary of a corpus, loaded for analysis. */
export interface CorpusBinary {
  readonly variant: VariantManifest;
  readonly binary: BinaryManifest;
  /** Ground-truth functions with at least `minBlocks` blocks. */
  readonly eligible: number;
  /** The stripped copy's program; undefined (not built) when no function is eligible. */
  readonly program: Program | undefined;
  /** Eligible functions found in the stripped copy, in ground-truth order. */
  readonly found: readonly { readonly truth: GroundTruthFunction; readonly info: FunctionInfo }[];
  readonly buildSeconds: number;
}

/**
 * Every binary of the variants, in order: the stripped copy built with the ground truth's start
 * addresses as hints (never its names), and its eligible functions matched by address. Shared by
 * evaluation and by the making of Trex training data, so both see the same functions.
 */
export async function* corpusBinaries(dir: string, variants: readonly VariantManifest[], minBlocks: number): AsyncGenerator<CorpusBinary> {
  for (const variant of variants) {
    for (const binary of variant.binaries) {
      const wanted = binary.functions.filter((f) => f.blocks >= minBlocks);
      if (wanted.length === 0) { yield { variant, binary, eligible: 0, program: undefined, found: [], buildSeconds: 0 }; continue; }
      const t = performance.now();
      const program = await buildProgram(loadElf(join(dir, binary.stripped)), { starts: binary.functions.map((f) => f.address) });
      const buildSeconds = (performance.now() - t) / 1000;
      const byAddress = new Map(program.functions.map((f) => [f.address, f]));
      const found = wanted.flatMap((truth) => { const info = byAddress.get(truth.address); return info ? [{ truth, info }] : []; });
      yield { variant, binary, eligible: wanted.length, program, found, buildSeconds };
    }
  }
}
