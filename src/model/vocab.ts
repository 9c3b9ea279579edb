/**
 * The one code-token vocabulary shared by every architecture (SEEDS.md §1.2). Pretraining grows
 * it as it meets tokens; fine-tuning and inference use it frozen, mapping unknown tokens to
 * `<unk>`. Saved as `vocab.json` beside the data and the model (docs/TREX_DATA.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TREX_ARCHS } from '../features/trex/tokens.js';
import { SemblanceError } from '../util/errors.js';

export const PAD = 0, MASK = 1, UNK = 2, SEP = 3;
const SPECIALS = ['<pad>', '<mask>', '<unk>', '<sep>'];
/** uint16 token ids in the data files. */
const MAX_TOKENS = 65535;

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly tokens: string[] = [];

  constructor(tokens: readonly string[] = SPECIALS, private frozen = false) {
    for (const t of tokens) this.add(t);
  }

  static load(file: string): Vocabulary {
    let json: { tokens?: unknown; archs?: unknown };
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
    } catch (e) {
      throw new SemblanceError('corrupt', `${file}: cannot read the vocabulary (${(e as Error).message.split('\n')[0]})`);
    }
    if (!Array.isArray(json.tokens) || json.tokens.slice(0, 4).join() !== SPECIALS.join()) throw new SemblanceError('corrupt', `${file}: not a Trex vocabulary`);
    if (JSON.stringify(json.archs) !== JSON.stringify(TREX_ARCHS)) throw new SemblanceError('corrupt', `${file}: architectures ${JSON.stringify(json.archs)} differ from ${JSON.stringify(TREX_ARCHS)}`);
    return new Vocabulary(json.tokens as string[], true);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Stops growing: unknown tokens become `<unk>` from now on. */
  freeze(): void {
    this.frozen = true;
  }

  id(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    return this.frozen || this.tokens.length >= MAX_TOKENS ? UNK : this.add(token);
  }

  save(file: string): void {
    writeFileSync(file, JSON.stringify({ tokens: this.tokens, archs: TREX_ARCHS }) + '\n');
  }

  private add(token: string): number {
    const id = this.tokens.length;
    this.tokens.push(token);
    this.ids.set(token, id);
    return id;
  }
}
