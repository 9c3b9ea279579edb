/**
 * Every similarity method, keyed by its command-line name. The only place that knows them all:
 * adding a method is one line here, and nothing in `eval`, `search` or the CLI changes.
 */
import { SemblanceError } from '../util/errors.js';
import { TrexMethod } from './trex.js';
import { baseline } from '../features/baseline/index.js';
import { BingoMethod, DEFAULT_BINGO } from '../features/bingo/method.js';
import type { SimilarityMethod } from '../features/method.js';

/** A method of any feature type (each method has its own). */
export type AnyMethod = SimilarityMethod<any>;

const METHODS: readonly AnyMethod[] = [baseline, new BingoMethod(DEFAULT_BINGO), new BingoMethod({ ...DEFAULT_BINGO, idf: true }), new TrexMethod()];

export function methodNames(): string[] {
  return METHODS.map((m) => m.name);
}

/** The method called `name`; a usage error naming the known ones otherwise. */
export function methodByName(name: string): AnyMethod {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new SemblanceError('usage', `unknown method '${name}' (known: ${methodNames().join(', ')})`);
  return m;
}

/** Releases what every method holds (a solver's threads), so the process can exit. */
export async function closeMethods(): Promise<void> {
  await Promise.all(METHODS.map((m) => m.close?.()));
}
