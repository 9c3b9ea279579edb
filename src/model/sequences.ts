/**
 * A function's tokens as the model's five aligned sequences (SEEDS.md §1.2, docs/TREX_DATA.md):
 * code ids, 8 value bytes (big-endian) with a has-value flag, instruction position, operand
 * position, and architecture. A function longer than the window is cut at instruction
 * boundaries into chunks whose embeddings the caller combines, so no function is dropped.
 */
import type { TrexFunction } from '../features/trex/microtrace.js';
import { TREX_ARCHS } from '../features/trex/tokens.js';
import type { Vocabulary } from './vocab.js';

export interface Sequence {
  readonly length: number;
  readonly code: Uint16Array;
  /** length × 8 bytes, most significant first. */
  readonly value: Uint8Array;
  readonly hasValue: Uint8Array;
  readonly ipos: Uint8Array;
  readonly opos: Uint8Array;
  readonly arch: number;
}

export const MAX_IPOS = 255, MAX_OPOS = 15;

/** Instruction ranges [from, to) of the chunks of a function, each at most `window` tokens. */
export function chunkRanges(fn: TrexFunction, window: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0, tokens = 0;
  fn.instructions.forEach((ts, k) => {
    const n = Math.min(ts.length, window);
    if (tokens + n > window && k > from) { out.push([from, k]); from = k; tokens = 0; }
    tokens += n;
  });
  if (fn.instructions.length > from) out.push([from, fn.instructions.length]);
  return out;
}

/**
 * The sequences of one chunk: `values` is one trace of the function (per instruction, per token),
 * or undefined for the all-`##` dummy.
 */
export function chunkSequence(fn: TrexFunction, [from, to]: [number, number], values: TrexFunction['traces'][number] | undefined, vocab: Vocabulary, window: number): Sequence {
  let length = 0;
  for (let k = from; k < to; k++) length += Math.min(fn.instructions[k]!.length, window);
  length = Math.min(length, window);
  const code = new Uint16Array(length), value = new Uint8Array(length * 8), hasValue = new Uint8Array(length);
  const ipos = new Uint8Array(length), opos = new Uint8Array(length);
  let p = 0;
  for (let k = from; k < to && p < length; k++) {
    const ts = fn.instructions[k]!, vs = values?.[k];
    for (let j = 0; j < ts.length && p < length; j++, p++) {
      code[p] = vocab.id(ts[j]!.text);
      ipos[p] = Math.min(k - from, MAX_IPOS);
      opos[p] = Math.min(j, MAX_OPOS);
      const v = vs?.[j];
      if (v !== undefined) {
        hasValue[p] = 1;
        const hi = Number(v >> 32n) >>> 0, lo = Number(v & 0xffffffffn) >>> 0;
        for (let b = 0; b < 4; b++) { value[p * 8 + b] = (hi >>> (24 - 8 * b)) & 0xff; value[p * 8 + 4 + b] = (lo >>> (24 - 8 * b)) & 0xff; }
      }
    }
  }
  return { length, code, value, hasValue, ipos, opos, arch: TREX_ARCHS.indexOf(fn.arch) };
}
