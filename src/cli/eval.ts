/** `semblance eval`: accuracy of similarity methods on a corpus (docs/BENCHMARKS.md §2–3). */
import { loadCorpus } from '../eval/load.js';
import { taskTable, byTask, writeReport } from '../eval/report.js';
import { DEFAULTS, runEval } from '../eval/run.js';
import { parseTask } from '../eval/tasks.js';
import { methodByName, methodNames } from '../search/methods.js';
import { SemblanceError } from '../util/errors.js';
import { parseArgs } from './args.js';
import type { Output } from './show.js';

export const EVAL_USAGE = `usage: semblance eval --corpus DIR [--task XO|XC|XA|XA+XO|XM|O2-O3|O0-O3[,…]] [--method M[,…]]
                     [--json] [--report DIR] [--seed N] [--min-blocks N] [--queries N]`;

const VALUED = ['corpus', 'task', 'method', 'seed', 'min-blocks', 'queries', 'report'];
const KNOWN = new Set([...VALUED, 'json']);

function integer(flags: Map<string, string | true>, name: string, fallback: number, min: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isSafeInteger(n) || n < min) throw new SemblanceError('usage', `--${name} must be an integer ≥ ${min}, not ${String(v)}`);
  return n;
}

function list(flags: Map<string, string | true>, name: string, fallback: string[]): string[] {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (v === true || v.trim() === '') throw new SemblanceError('usage', `--${name} needs a value`);
  return [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
}

export async function evalCommand(argv: readonly string[], io: Output, progress: (line: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv, VALUED);
  for (const k of flags.keys()) if (!KNOWN.has(k)) throw new SemblanceError('usage', `unknown option --${k} (try: semblance help)`);
  if (positional.length > 0) throw new SemblanceError('usage', `unexpected argument '${positional[0]}' (try: semblance help)`);
  const dir = flags.get('corpus');
  if (typeof dir !== 'string') throw new SemblanceError('usage', `--corpus DIR is required (try: semblance help)`);
  const tasks = list(flags, 'task', ['XM']).map(parseTask);
  const methods = list(flags, 'method', methodNames()).map(methodByName);
  const seed = integer(flags, 'seed', DEFAULTS.seed, 0);
  const minBlocks = integer(flags, 'min-blocks', DEFAULTS.minBlocks, 0);
  const maxQueries = integer(flags, 'queries', DEFAULTS.maxQueries, 1);
  const report = flags.get('report');
  if (report === true) throw new SemblanceError('usage', '--report needs a directory');
  const corpus = loadCorpus(dir);
  const options = { ...DEFAULTS, tasks, methods, seed, minBlocks, maxQueries, progress };
  const results = await runEval(corpus, options);
  if (report !== undefined) {
    const describe = new Map(tasks.map((t) => [t.name, t.describe]));
    const meta = { corpus: dir, variants: corpus.variants.length, failedVariants: corpus.failed.length, seed, minBlocks, pool: options.pool, bigPool: options.bigPool };
    const files = writeReport(report, results, meta, describe);
    progress(`report: ${files.length} files in ${report} (open ${report}/index.html)`);
  }
  const summaries = results.map((r) => r.summary);
  if (flags.has('json')) {
    io.out(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries));
    return 0;
  }
  const c = summaries[0]!.functions;
  io.out(`corpus ${dir}: ${corpus.variants.length} variants${corpus.failed.length ? ` (${corpus.failed.length} failed, left out)` : ''}, ` +
    `${c.eligible} functions with ≥ ${minBlocks} blocks (${c.seeded} found through start hints, ${c.missing} missing); seed ${seed}`);
  for (const [task, rs] of byTask(results)) {
    const t = taskTable(rs.map((r) => r.summary));
    io.out('');
    io.out(`${task}: ${tasks.find((x) => x.name === task)!.describe}`);
    const width = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
    for (const row of [t.header, ...t.rows]) io.out(row.map((cell, i) => (i === 0 ? cell.padEnd(width[i]!) : cell.padStart(width[i]!))).join('  ').trimEnd());
    const s = rs[0]!.summary;
    if (s.kind === 'ranking' && s.recall1At10kSkipped) io.out(`Recall@1 (10k) skipped: ${s.recall1At10kSkipped}`);
    if (s.kind === 'binary' && s.skipped) io.out(`skipped: ${s.skipped}`);
  }
  io.out('');
  io.out(`Recall@1, MRR@10: true match + ${DEFAULTS.pool} negatives, pessimistic ties; AUC: balanced pairs, ties half.`);
  return 0;
}
