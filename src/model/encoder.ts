/**
 * Trex inference in Node (DESIGN.md §6): the fine-tuned encoder exported to ONNX, run by
 * onnxruntime-node on the CPU. A function's embedding is the token-weighted mean of its chunks'
 * embeddings, L2-normalised, so cosine similarity is a dot product.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TrexFunction } from '../features/trex/microtrace.js';
import { SemblanceError } from '../util/errors.js';
import type { Sequence } from './sequences.js';
import { chunkRanges, chunkSequence } from './sequences.js';
import { Vocabulary } from './vocab.js';

/** Byte ids of the value input: 0–255 a byte, 256 no value (`##`). */
const NO_VALUE = 256n;

export interface EncoderOptions {
  /** Tokens per chunk (the window the model was trained with). */
  readonly window: number;
  /** Sequences per ONNX call. */
  readonly batch: number;
  /** ONNX Runtime intra-op threads (default: its own choice, every core). */
  readonly threads?: number;
}

export class TrexEncoder {
  private constructor(private readonly session: ort.InferenceSession, readonly vocab: Vocabulary, readonly opts: EncoderOptions) {}

  /** Loads `model.onnx` and `vocab.json` from a model directory. */
  static async load(dir: string, opts: EncoderOptions): Promise<TrexEncoder> {
    const file = join(dir, 'model.onnx');
    if (!existsSync(file)) throw new SemblanceError('not-found', `${file}: no Trex model (train one with \`semblance train\`, or set SEMBLANCE_TREX_MODEL)`);
    const vocab = Vocabulary.load(join(dir, 'vocab.json'));
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, { intraOpNumThreads: opts.threads ?? 0, graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new SemblanceError('corrupt', `${file}: cannot load the ONNX model (${(e as Error).message.split('\n')[0]})`);
    }
    return new TrexEncoder(session, vocab, opts);
  }

  /** Raw (unnormalised) embeddings of sequences, in order. */
  async embedSequences(seqs: readonly Sequence[]): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(seqs.length);
    // Similar lengths batch together, so little of each batch is padding.
    const order = seqs.map((_, i) => i).sort((a, b) => seqs[a]!.length - seqs[b]!.length);
    for (let at = 0; at < order.length; at += this.opts.batch) {
      const idx = order.slice(at, at + this.opts.batch);
      const B = idx.length, T = Math.max(1, ...idx.map((i) => seqs[i]!.length));
      const code = new BigInt64Array(B * T), ipos = new BigInt64Array(B * T), opos = new BigInt64Array(B * T), arch = new BigInt64Array(B * T);
      const value = new BigInt64Array(B * T * 8).fill(NO_VALUE);
      const mask = new Float32Array(B * T);
      idx.forEach((i, b) => {
        const s = seqs[i]!;
        for (let p = 0; p < s.length; p++) {
          const q = b * T + p;
          code[q] = BigInt(s.code[p]!); ipos[q] = BigInt(s.ipos[p]!); opos[q] = BigInt(s.opos[p]!); arch[q] = BigInt(s.arch); mask[q] = 1;
          if (s.hasValue[p]) for (let k = 0; k < 8; k++) value[q * 8 + k] = BigInt(s.value[p * 8 + k]!);
        }
      });
      const feeds = {
        code: new ort.Tensor('int64', code, [B, T]),
        value: new ort.Tensor('int64', value, [B, T, 8]),
        ipos: new ort.Tensor('int64', ipos, [B, T]),
        opos: new ort.Tensor('int64', opos, [B, T]),
        arch: new ort.Tensor('int64', arch, [B, T]),
        mask: new ort.Tensor('float32', mask, [B, T]),
      };
      const result = await this.session.run(feeds);
      const emb = result['embedding'];
      if (!emb) throw new SemblanceError('corrupt', 'the Trex model has no `embedding` output');
      const data = emb.data as Float32Array, D = emb.dims[1]!;
      idx.forEach((i, b) => { out[i] = data.slice(b * D, (b + 1) * D); });
    }
    return out;
  }

  /** Each function's embedding from its static code: chunks combined by token count, normalised. */
  async embed(fns: readonly TrexFunction[]): Promise<Float32Array[]> {
    const seqs: Sequence[] = [];
    const owner: number[] = [];
    fns.forEach((fn, f) => {
      for (const r of chunkRanges(fn, this.opts.window)) { seqs.push(chunkSequence(fn, r, fn.traces[0], this.vocab, this.opts.window)); owner.push(f); }
    });
    const raw = await this.embedSequences(seqs);
    const D = raw[0]?.length ?? 0;
    const sums = fns.map(() => new Float64Array(D));
    raw.forEach((e, i) => { const s = sums[owner[i]!]!, w = seqs[i]!.length; for (let d = 0; d < D; d++) s[d]! += w * e[d]!; });
    return sums.map((s) => {
      let n = 0;
      for (let d = 0; d < D; d++) n += s[d]! * s[d]!;
      const k = n > 0 ? 1 / Math.sqrt(n) : 0;
      return Float32Array.from(s, (x) => x * k);
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
