/**
 * The `trex` similarity method: each function's static code through the fine-tuned encoder
 * (ONNX, src/model/encoder.ts), compared by cosine. The model is the one shipped in
 * models/trex/ unless SEMBLANCE_TREX_MODEL names another directory; its hash is part of the
 * method's version, so embeddings of different models are never compared.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimilarityMethod, Scorer } from '../features/method.js';
import { staticFunction } from '../features/trex/microtrace.js';
import { TrexEncoder } from '../model/encoder.js';
import { SHIPPED_MODEL } from '../model/trainer.js';
import type { FunctionInfo, Program } from '../program/program.js';
import { SemblanceError } from '../util/errors.js';

export type Embedding = Float32Array;

/** What a model directory says about the model besides its weights (written by `semblance train finetune`). */
export interface ModelCard {
  /** Tokens per chunk the model was trained with. */
  readonly window: number;
}

export function modelDir(): string {
  return process.env['SEMBLANCE_TREX_MODEL'] || SHIPPED_MODEL;
}

export function readModelCard(dir: string): ModelCard {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) return { window: 256 };
  return JSON.parse(readFileSync(file, 'utf8')) as ModelCard;
}

export class TrexMethod implements SimilarityMethod<Embedding> {
  readonly name = 'trex';
  private encoder: Promise<TrexEncoder> | undefined;
  private cachedVersion: string | undefined;

  constructor(private readonly dir?: string) {}

  private get path(): string {
    return this.dir ?? modelDir();
  }

  get version(): string {
    if (this.cachedVersion === undefined) {
      const file = join(this.path, 'model.onnx');
      const hash = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12) : 'none';
      this.cachedVersion = `trex-1+${hash}`;
    }
    return this.cachedVersion;
  }

  async analyse(program: Program, functions: readonly FunctionInfo[]): Promise<Embedding[]> {
    const encoder = await (this.encoder ??= TrexEncoder.load(this.path, { window: readModelCard(this.path).window, batch: 16 }));
    return encoder.embed(functions.map((f) => staticFunction(program, f)));
  }

  /** No index: callers score every member (search/rank.ts), a dot product each. */
  scorer(): Scorer<Embedding> {
    return { score: cosine };
  }

  encode(e: Embedding): unknown {
    return Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64');
  }

  decode(json: unknown): Embedding {
    if (typeof json !== 'string') throw new SemblanceError('corrupt', 'a stored Trex embedding is not a base64 string');
    const b = Buffer.from(json, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  explain(query: Embedding, target: Embedding): unknown[] {
    return [{ cosine: round(cosine(query, target)), dimensions: query.length }];
  }

  async close(): Promise<void> {
    const e = this.encoder;
    this.encoder = undefined;
    if (e) await (await e.catch(() => undefined))?.close();
  }
}

/** Embeddings are unit vectors, so cosine is their dot product. */
function cosine(a: Embedding, b: Embedding): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
