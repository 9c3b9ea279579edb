#!/usr/bin/env node
/** The `semblance` command. The only layer (with the server) that prints or exits. */
import { SemblanceError } from '../util/errors.js';
import { parseArgs } from './args.js';
import { datasetCommand, DATASET_VALUED } from './dataset.js';
import { evalCommand } from './eval.js';
import { execCommand } from './exec.js';
import { showCommand } from './show.js';
import { statsCommand } from './stats.js';
import { trainCommand, TRAIN_VALUED } from './train.js';
import { closeMethods } from '../search/methods.js';
import { diffCommand, indexCommand, parseTop, searchCommand } from './similarity.js';
import { needsRoomyHeap, rerunWithRoomyHeap } from './heap.js';

const USAGE = `usage: semblance <command> [options]

commands:
  show BIN [--json]         list the functions of a binary
  show BIN:FUNC [--json]    disassembly of one function (FUNC: name or 0x address) by basic block
  show BIN:FUNC --ir        the function's IR, instruction by instruction
  stats BIN… [--json]       how many instructions lift with full semantics, opaque, unsupported
  exec BIN:FUNC ARGS…       call FUNC in the interpreter once per ARGS (comma-separated integers,
       [--json] [--max-steps N]   e.g. 3,-7,0,12) and print the return values
  diff A B [--method M] [--top K] [--json]
                            every function of A with its best matches in B (default method: bingo)
  index BIN… [--db FILE] [--method M] [--json]
                            analyse binaries into a function database (default ./semblance.db)
  search BIN:FUNC [--db FILE] [--method M] [--top K] [--json]
                            rank the database's functions against one function, with evidence
  eval --corpus DIR         accuracy of similarity methods on a corpus (docs/BENCHMARKS.md):
       [--task XO|XC|XA|XA+XO|XM|O2-O3|O0-O3[,…]] [--method baseline[,…]] [--json]
       [--report DIR] [--seed N] [--min-blocks N] [--queries N]
  dataset build --out DIR   build the benchmark corpus from Debian sources (docs/CORPUS.md)
       [--projects P,…] [--archs A,…] [--opts O,…] [--compilers C,…] [--cache DIR] [--jobs N]
  train pretrain --corpus DIR --out RUN     pretrain the Trex model on micro-traces (PyTorch)
  train finetune --corpus DIR --out RUN --init RUN|none [--loss cosine|contrastive] [--export DIR]
                            fine-tune it for similarity and export ONNX (docs/TREX_DATA.md)`;

// A closed pipe (`semblance show BIN | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { out: (line: string) => process.stdout.write(line + '\n') };
  const args = parseArgs(rest, ['max-steps', 'method', 'top', 'db', ...DATASET_VALUED, ...TRAIN_VALUED]);
  const json = args.flags.has('json');
  switch (command) {
    case 'show':
      await showCommand(args.positional, json, io, args.flags.has('ir'));
      return 0;
    case 'stats':
      await statsCommand(args.positional, json, io);
      return 0;
    case 'exec': {
      const ms = args.flags.get('max-steps');
      return execCommand(args.positional, json, typeof ms === 'string' ? ms : undefined, io);
    }
    case 'diff': case 'index': case 'search': {
      const method = args.flags.get('method');
      const db = args.flags.get('db');
      const o = { json, method: typeof method === 'string' ? method : 'bingo', top: parseTop(args.flags.get('top'), command === 'diff' ? 3 : 10), db: typeof db === 'string' ? db : 'semblance.db' };
      const progress = (line: string) => { if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`); };
      if (command === 'diff') return diffCommand(args.positional, o, io);
      if (command === 'search') return searchCommand(args.positional, o, io);
      const code = await indexCommand(args.positional, o, io, progress);
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      return code;
    }
    case 'eval':
      return evalCommand(rest, io, (line) => process.stderr.write(line + '\n'));
    case 'dataset':
      return datasetCommand(args, (line) => process.stderr.write(line + '\n'));
    case 'train':
      return trainCommand(args, (line) => process.stderr.write(line + '\n'));
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new SemblanceError('usage', `unknown command '${command}' (try: semblance help)`);
  }
}

/** Commands that analyse functions (BinGo, Trex) run with a roomier young generation (heap.ts). */
const ANALYSING = new Set(['diff', 'index', 'search', 'eval']);
const argv = process.argv.slice(2);
// Methods may hold worker threads (Z3's) that would keep the process alive.
const finished = ANALYSING.has(argv[0] ?? '') && needsRoomyHeap() ? rerunWithRoomyHeap() : main(argv).finally(() => closeMethods());
finished.then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof SemblanceError) {
      process.stderr.write(`semblance: ${e.message}\n`);
      process.exitCode = e.code === 'usage' ? 2 : 1;
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`semblance: internal error: ${msg.split('\n')[0]}\n`);
      if (process.env.SEMBLANCE_DEBUG && e instanceof Error) process.stderr.write(String(e.stack) + '\n');
      process.exitCode = 1;
    }
  },
);
