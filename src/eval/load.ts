/** Reads a corpus directory (./corpus.ts) with one-line errors for anything missing or malformed. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SemblanceError } from '../util/errors.js';
import type { Corpus, VariantEntry, VariantManifest } from './corpus.js';

export interface LoadedCorpus {
  readonly dir: string;
  /** Built variants with their manifests, in corpus.json order. */
  readonly variants: readonly VariantManifest[];
  /** Variants the builder could not build. */
  readonly failed: readonly VariantEntry[];
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) throw new SemblanceError('not-found', `${file}: no such file (${what})`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new SemblanceError('corrupt', `${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

export function loadCorpus(dir: string): LoadedCorpus {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SemblanceError('not-found', `${dir}: no such corpus directory`);
  const file = join(dir, 'corpus.json');
  const corpus = readJson(file, 'the corpus index; build one with `semblance dataset build`') as Corpus;
  if (corpus?.version !== 1 || !Array.isArray(corpus.variants)) throw new SemblanceError('corrupt', `${file}: not a version 1 corpus`);
  const variants: VariantManifest[] = [];
  const failed: VariantEntry[] = [];
  for (const v of corpus.variants) {
    if (v.status !== 'ok' || !v.manifest) { failed.push(v); continue; }
    const mfile = join(dir, v.manifest);
    const m = readJson(mfile, `manifest of ${v.id}`) as VariantManifest;
    if (!m || !Array.isArray(m.binaries)) throw new SemblanceError('corrupt', `${mfile}: not a variant manifest`);
    for (const b of m.binaries) {
      if (typeof b.stripped !== 'string' || !Array.isArray(b.functions)) throw new SemblanceError('corrupt', `${mfile}: binary ${String(b.name)} lacks stripped/functions`);
    }
    variants.push(m);
  }
  if (variants.length === 0) throw new SemblanceError('empty', `${file}: no built variants`);
  return { dir, variants, failed };
}
