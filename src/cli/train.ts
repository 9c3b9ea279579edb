/**
 * `semblance train pretrain|finetune`: Trex training driven from TypeScript (DESIGN.md §6).
 * TypeScript micro-traces or tokenises the corpus into RUN/data (docs/TREX_DATA.md) once, then
 * runs python/trex/train.py, which checkpoints in RUN and resumes when the same command is run
 * again. `finetune` then exports ONNX and writes a model directory (`--export`, default
 * RUN/model) that `--method trex` loads: model.onnx, vocab.json, model.json and both runs' logs.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../eval/load.js';
import { writeTrexData } from '../eval/trexdata.js';
import type { DataKind } from '../model/data.js';
import { runTrainer } from '../model/trainer.js';
import { Vocabulary } from '../model/vocab.js';
import { SemblanceError } from '../util/errors.js';
import type { ParsedArgs } from './args.js';

/** Options handed to the Python trainer unchanged (python/trex/train.py --help). */
const PASS = ['steps', 'stop-after', 'decay', 'weight-decay', 'max-chunks', 'batch', 'lr', 'warmup', 'layers', 'width', 'heads', 'ffn', 'dim', 'dropout', 'threads', 'save-every', 'log-every', 'val-every', 'val-pairs', 'loss', 'temperature', 'values'];
export const TRAIN_VALUED = ['corpus', 'out', 'projects', 'exclude', 'window', 'seed', 'min-blocks', 'init', 'export', 'validation', 'fraction', ...PASS];

const USAGE = `usage: semblance train pretrain --corpus DIR[,DIR…] --out RUN [--projects P,…] [--exclude P,…] [--fraction F] [--values on|off] [--prepare-only] [trainer options]
       semblance train finetune --corpus DIR[,DIR…] --out RUN --init PRETRAIN_RUN|none [--loss cosine|contrastive] [--export DIR] [trainer options]
trainer options: ${PASS.filter((p) => p !== 'loss' && p !== 'values').map((p) => `--${p}`).join(' ')}`;

export async function trainCommand(args: ParsedArgs, err: (line: string) => void): Promise<number> {
  const [sub, ...extra] = args.positional;
  if ((sub !== 'pretrain' && sub !== 'finetune') || extra.length > 0) throw new SemblanceError('usage', USAGE);
  const str = (k: string): string | undefined => {
    const v = args.flags.get(k);
    if (v === true) throw new SemblanceError('usage', `--${k} needs a value`);
    return v;
  };
  const num = (k: string, fallback: number): number => {
    const v = str(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new SemblanceError('usage', `--${k}: expected a number, got '${v}'`);
    return n;
  };
  const list = (k: string) => (str(k) ?? '').split(',').filter(Boolean);
  const out = str('out');
  const corpusDirs = list('corpus');
  if (!out || corpusDirs.length === 0) throw new SemblanceError('usage', `--corpus and --out are required\n${USAGE}`);
  const kind: DataKind = sub;
  const window = num('window', 256), seed = num('seed', 1);
  const init = str('init');
  if (kind === 'finetune' && init === undefined) throw new SemblanceError('usage', `finetune needs --init PRETRAIN_RUN (or none, for no pretraining)\n${USAGE}`);
  const prepareOnly = args.flags.has('prepare-only');
  const initModel = init && init !== 'none' ? join(init, 'model.pt') : undefined;
  if (initModel && !prepareOnly && !existsSync(initModel)) throw new SemblanceError('not-found', `${initModel}: no pretrained model (run \`semblance train pretrain --out ${init}\` first)`);

  mkdirSync(out, { recursive: true });
  const data = join(out, 'data');
  if (existsSync(join(data, 'meta.json'))) err(`${data}: data already prepared, reusing it`);
  else {
    const vocab = initModel ? Vocabulary.load(join(init!, 'data', 'vocab.json')) : new Vocabulary();
    if (kind === 'finetune' && initModel) vocab.freeze();
    const t = performance.now();
    const meta = await writeTrexData(corpusDirs.map(loadCorpus), vocab, data, {
      kind, window, seed,
      projects: list('projects'), exclude: list('exclude'),
      minBlocks: num('min-blocks', kind === 'pretrain' ? 1 : 5),
      validation: num('validation', 0.1),
      fraction: num('fraction', 1),
      // Pretraining keeps a long function's first chunks; fine-tuning keeps all (the trainer samples them).
      maxChunks: kind === 'pretrain' ? 8 : Infinity,
    }, err);
    err(`${data}: ${meta.functions} functions, ${meta.sequences} sequences, ${meta.tokens} tokens, vocabulary ${meta.vocab} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    if (meta.functions === 0) {
      // An empty data directory would be reused by the next run: leave none behind.
      rmSync(data, { recursive: true, force: true });
      throw new SemblanceError('empty', `no functions in ${corpusDirs.join(', ')} for the chosen projects`);
    }
  }

  // Data prepared here can be trained elsewhere (a machine with a GPU) with the same command.
  if (prepareOnly) return 0;
  const pass = PASS.flatMap((k) => { const v = str(k); return v === undefined ? [] : [`--${k}`, v]; });
  const trainerArgs = [kind, '--data', data, '--out', out, '--seed', String(seed), ...(kind === 'finetune' ? ['--init', initModel ?? 'none'] : []), ...pass];
  writeFileSync(join(out, 'command.txt'), `semblance train ${process.argv.slice(3).join(' ')}\n`);
  await runTrainer(trainerArgs, err);
  if (kind === 'pretrain') return 0;

  const target = str('export') ?? join(out, 'model');
  mkdirSync(target, { recursive: true });
  await runTrainer(['export', '--model', join(out, 'model.pt'), '--out', join(target, 'model.onnx')], err);
  copyFileSync(join(data, 'vocab.json'), join(target, 'vocab.json'));
  const meta = JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8')) as { window: number };
  const logs: string[] = [];
  for (const [name, dir] of [['pretrain', initModel ? init! : undefined], ['finetune', out]] as const) {
    if (dir && existsSync(join(dir, 'log.jsonl'))) { copyFileSync(join(dir, 'log.jsonl'), join(target, `${name}.log.jsonl`)); logs.push(`${name}.log.jsonl`); }
    if (dir && existsSync(join(dir, 'command.txt'))) logs.push(`${name}: ${readFileSync(join(dir, 'command.txt'), 'utf8').trim()}`);
  }
  writeFileSync(join(target, 'model.json'), JSON.stringify({ window: meta.window, init: init ?? 'none', commands: logs }, null, 1) + '\n');
  err(`model written to ${target}`);
  return 0;
}
