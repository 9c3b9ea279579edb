/**
 * Writes a training data directory (docs/TREX_DATA.md) one function at a time, so a corpus of
 * any size streams to disk instead of being held in memory: raw little-endian arrays, padded
 * to the window, and `meta.json` last (a directory without it is incomplete).
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrexFunction } from '../features/trex/microtrace.js';
import { TREX_ARCHS } from '../features/trex/tokens.js';
import type { Sequence } from './sequences.js';
import { chunkRanges, chunkSequence } from './sequences.js';
import type { Vocabulary } from './vocab.js';

export type DataKind = 'pretrain' | 'finetune';

export interface DataMeta {
  readonly format: 1;
  readonly kind: DataKind;
  readonly window: number;
  readonly sequences: number;
  readonly functions: number;
  readonly vocab: number;
  readonly archs: readonly string[];
  /** Real (non-padding) tokens over all sequences. */
  readonly tokens: number;
}

const FILES = ['code.u16', 'value.u8', 'hasvalue.u8', 'ipos.u8', 'opos.u8', 'arch.u8', 'length.u16', 'function.i32'] as const;

export class DataWriter {
  private readonly fds: Record<(typeof FILES)[number], number>;
  private readonly groups: number[] = [];
  private readonly splits: number[] = [];
  private sequences = 0;
  private tokens = 0;

  constructor(private readonly dir: string, readonly kind: DataKind, private readonly vocab: Vocabulary, readonly window: number, private readonly maxChunks = Infinity) {
    mkdirSync(dir, { recursive: true });
    this.fds = Object.fromEntries(FILES.map((f) => [f, openSync(join(dir, f), 'w')])) as DataWriter['fds'];
  }

  get functions(): number {
    return this.groups.length;
  }

  /**
   * Adds a function: for pretraining every micro-trace of each chunk plus one dummy sequence;
   * for fine-tuning its static form (`fn.traces[0]`) with its group (−1: none) and split.
   */
  add(fn: TrexFunction, group = -1, validation = false): void {
    const id = this.groups.length;
    this.groups.push(group);
    this.splits.push(validation ? 1 : 0);
    for (const range of chunkRanges(fn, this.window).slice(0, this.maxChunks)) {
      if (this.kind === 'pretrain') {
        for (const trace of fn.traces) this.write(chunkSequence(fn, range, trace, this.vocab, this.window), id);
        this.write(chunkSequence(fn, range, undefined, this.vocab, this.window), id);
      } else this.write(chunkSequence(fn, range, fn.traces[0], this.vocab, this.window), id);
    }
  }

  /** Finishes the files and writes meta.json (and vocab.json, the vocabulary as it now stands). */
  close(): DataMeta {
    for (const fd of Object.values(this.fds)) closeSync(fd);
    if (this.kind === 'finetune') {
      writeFileSync(join(this.dir, 'group.i32'), new Uint8Array(Int32Array.from(this.groups).buffer));
      writeFileSync(join(this.dir, 'split.u8'), Uint8Array.from(this.splits));
    }
    this.vocab.save(join(this.dir, 'vocab.json'));
    const meta: DataMeta = { format: 1, kind: this.kind, window: this.window, sequences: this.sequences, functions: this.groups.length, vocab: this.vocab.size, archs: TREX_ARCHS, tokens: this.tokens };
    writeFileSync(join(this.dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
    return meta;
  }

  private write(s: Sequence, fn: number): void {
    const W = this.window, n = s.length;
    const pad = <T extends Uint8Array | Uint16Array>(a: T, per: number, make: (len: number) => T): Uint8Array => {
      const out = make(W * per);
      out.set(a.subarray(0, n * per));
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    };
    writeSync(this.fds['code.u16'], pad(s.code, 1, (l) => new Uint16Array(l)));
    writeSync(this.fds['value.u8'], pad(s.value, 8, (l) => new Uint8Array(l)));
    writeSync(this.fds['hasvalue.u8'], pad(s.hasValue, 1, (l) => new Uint8Array(l)));
    writeSync(this.fds['ipos.u8'], pad(s.ipos, 1, (l) => new Uint8Array(l)));
    writeSync(this.fds['opos.u8'], pad(s.opos, 1, (l) => new Uint8Array(l)));
    writeSync(this.fds['arch.u8'], Uint8Array.of(s.arch));
    writeSync(this.fds['length.u16'], new Uint8Array(Uint16Array.of(n).buffer));
    writeSync(this.fds['function.i32'], new Uint8Array(Int32Array.of(fn).buffer));
    this.sequences++;
    this.tokens += n;
  }
}

/** Reads a data directory back as sequences (tests and benchmarks compare the two runtimes on it). */
export function readSequences(dir: string): { meta: DataMeta; sequences: Sequence[]; functions: Int32Array } {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as DataMeta;
  const W = meta.window;
  const bytes = (f: string) => { const b = readFileSync(join(dir, f)); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); };
  const code = new Uint16Array(bytes('code.u16').slice().buffer), length = new Uint16Array(bytes('length.u16').slice().buffer);
  const value = bytes('value.u8'), has = bytes('hasvalue.u8'), ipos = bytes('ipos.u8'), opos = bytes('opos.u8'), arch = bytes('arch.u8');
  const functions = new Int32Array(bytes('function.i32').slice().buffer);
  const sequences: Sequence[] = [];
  for (let s = 0; s < meta.sequences; s++) {
    const n = length[s]!, o = s * W;
    sequences.push({ length: n, code: code.slice(o, o + n), value: value.slice(o * 8, (o + n) * 8), hasValue: has.slice(o, o + n), ipos: ipos.slice(o, o + n), opos: opos.slice(o, o + n), arch: arch[s]! });
  }
  return { meta, sequences, functions };
}
