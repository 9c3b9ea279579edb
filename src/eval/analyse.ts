/**
 * Analysis of a corpus for evaluation: every binary's stripped copy is loaded and built once per
 * run (with the ground truth's start addresses as hints, never its names), and each method
 * analyses the functions that take part. The debug copy is never read here.
 */
import { join } from 'node:path';
import { loadElf } from '../binfmt/elf.js';
import type { AnyMethod } from '../search/methods.js';
import { buildProgram } from '../program/build.js';
import type { FunctionInfo } from '../program/program.js';
import type { VariantManifest } from './corpus.js';
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
  for (const v of variants) {
    for (const b of v.binaries) {
      binaries++;
      groundTruth += b.functions.length;
      const wanted = b.functions.filter((f) => f.blocks >= minBlocks);
      eligible += wanted.length;
      if (wanted.length === 0) continue;
      let t = performance.now();
      const program = await buildProgram(loadElf(join(corpus.dir, b.stripped)), { starts: b.functions.map((f) => f.address) });
      buildSeconds += (performance.now() - t) / 1000;
      const byAddress = new Map(program.functions.map((f) => [f.address, f]));
      const found: FunctionInfo[] = [];
      for (const f of wanted) {
        const info = byAddress.get(f.address);
        if (!info) { missing++; continue; }
        if (info.source === 'known') seeded++;
        found.push(info);
        functions.push({ id: functions.length, key: f.key, variant: v, binary: b.name, address: f.address, blocks: f.blocks });
      }
      for (let m = 0; m < methods.length; m++) {
        t = performance.now();
        const out = await methods[m]!.analyse(program, found);
        if (out.length !== found.length) throw new Error(`method ${methods[m]!.name} returned ${out.length} features for ${found.length} functions`);
        analyseSeconds[m]! += (performance.now() - t) / 1000;
        features[m]!.push(...out);
      }
      progress(`[${binaries}/${total}] ${v.id} ${b.name}: ${found.length} functions`);
    }
  }
  return { functions, features, counts: { binaries, groundTruth, eligible, seeded, missing }, timings: { buildSeconds, analyseSeconds } };
}
