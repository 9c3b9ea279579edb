/**
 * Trex training data from benchmark corpora (docs/TREX_DATA.md): every ground-truth function of
 * the chosen projects' stripped binaries, micro-traced for pretraining or in static form for
 * fine-tuning, streamed to a data directory. Groups for fine-tuning come from the ground-truth
 * keys (same source function = same group); the validation split is by key, so a function's
 * variants never straddle train and validation.
 */
import { MicroTracer, staticFunction } from '../features/trex/microtrace.js';
import type { DataKind, DataMeta } from '../model/data.js';
import { DataWriter } from '../model/data.js';
import type { Vocabulary } from '../model/vocab.js';
import { fnv1a32 } from '../util/hash.js';
import { corpusBinaries } from './analyse.js';
import type { VariantManifest } from './corpus.js';
import type { LoadedCorpus } from './load.js';

export interface TrexDataOptions {
  readonly kind: DataKind;
  readonly window: number;
  /** Projects to take (all when empty) and to leave out (those used for evaluation). */
  readonly projects: readonly string[];
  readonly exclude: readonly string[];
  /** Functions with fewer basic blocks are left out. */
  readonly minBlocks: number;
  readonly seed: number;
  /** Fine-tuning: share of keys held out for validation. */
  readonly validation: number;
  /** Share of functions kept (by a hash of variant and key, so reruns keep the same ones). */
  readonly fraction: number;
  /** Chunks per function kept for training (long functions are rare and slow a batch). */
  readonly maxChunks: number;
}

export async function writeTrexData(corpora: readonly LoadedCorpus[], vocab: Vocabulary, out: string, opts: TrexDataOptions, progress: (line: string) => void = () => {}): Promise<DataMeta> {
  const writer = new DataWriter(out, opts.kind, vocab, opts.window, opts.maxChunks);
  const groups = new Map<string, number>();
  const chosen = (v: VariantManifest) => (opts.projects.length === 0 || opts.projects.includes(v.project)) && !opts.exclude.includes(v.project);
  const total = corpora.reduce((n, c) => n + c.variants.filter(chosen).reduce((m, v) => m + v.binaries.length, 0), 0);
  let n = 0;
  for (const c of corpora) {
    for await (const { variant: v, binary: b, program, found } of corpusBinaries(c.dir, c.variants.filter(chosen), opts.minBlocks)) {
      n++;
      if (!program) continue;
      const tracer = opts.kind === 'pretrain' ? new MicroTracer(program) : undefined;
      let added = 0;
      for (const { truth: f, info } of found) {
        if (opts.fraction < 1 && (fnv1a32(`${v.id}:${f.key}`) % 10000) / 10000 >= opts.fraction) continue;
        if (info.blocks.length === 0) continue;
        const fn = tracer ? tracer.trace(info, opts.seed) : staticFunction(program, info);
        let group = groups.get(f.key);
        if (group === undefined) groups.set(f.key, (group = groups.size));
        writer.add(fn, group, (fnv1a32(`${opts.seed}:${f.key}`) % 1000) / 1000 < opts.validation);
        added++;
      }
      progress(`[${n}/${total}] ${v.id} ${b.name}: ${added} functions`);
    }
  }
  return writer.close();
}
