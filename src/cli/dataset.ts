/** `semblance dataset build`: the benchmark corpus (docs/CORPUS.md). */
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '../eval/dataset/build.js';
import { DEFAULT_PROJECTS } from '../eval/dataset/recipes/index.js';
import { isCompiler, isCorpusArch, isOptLevel, OPT_LEVELS } from '../eval/dataset/targets.js';
import type { Compiler, CorpusArch } from '../eval/corpus.js';
import { SemblanceError } from '../util/errors.js';
import type { ParsedArgs } from './args.js';

export const DATASET_VALUED = ['projects', 'archs', 'opts', 'compilers', 'out', 'cache', 'jobs'];
export const DEFAULT_ARCHS: readonly CorpusArch[] = ['x86_64', 'x86', 'arm', 'aarch64', 'mips'];
export const DEFAULT_COMPILERS: readonly Compiler[] = ['gcc', 'clang'];

const USAGE = 'usage: semblance dataset build [--projects P,…] [--archs A,…] [--opts O,…] [--compilers C,…] --out DIR [--cache DIR] [--jobs N] [--retry-failed]';

/** Returns the exit status: 0 when every variant built, 1 when some failed. */
export async function datasetCommand(args: ParsedArgs, err: (line: string) => void): Promise<number> {
  const [sub, ...extra] = args.positional;
  if (sub !== 'build' || extra.length > 0) throw new SemblanceError('usage', USAGE);
  const list = <T extends string>(flag: string, fallback: readonly T[], valid: (s: string) => s is T, known: string): T[] => {
    const v = args.flags.get(flag);
    if (v === undefined) return [...fallback];
    if (v === true || v === '') throw new SemblanceError('usage', `--${flag} needs a comma-separated list`);
    return v.split(',').map((s) => {
      if (!valid(s)) throw new SemblanceError('usage', `--${flag}: unknown '${s}' (one of: ${known})`);
      return s;
    });
  };
  const out = args.flags.get('out');
  if (typeof out !== 'string') throw new SemblanceError('usage', `--out DIR is required\n${USAGE}`);
  const projects = args.flags.get('projects');
  const jobs = args.flags.get('jobs');
  const cache = args.flags.get('cache');
  const summary = await buildDataset({
    projects: typeof projects === 'string' ? projects.split(',').filter(Boolean) : DEFAULT_PROJECTS,
    archs: list('archs', DEFAULT_ARCHS, isCorpusArch, 'x86, x86_64, arm, arm-a32, aarch64, mips, mipsel'),
    opts: list('opts', OPT_LEVELS, isOptLevel, OPT_LEVELS.join(', ')),
    compilers: list('compilers', DEFAULT_COMPILERS, isCompiler, 'gcc, clang'),
    out,
    cache: typeof cache === 'string' ? cache : defaultCache(),
    jobs: typeof jobs === 'string' ? positive(jobs) : availableParallelism(),
    retryFailed: args.flags.has('retry-failed'),
  }, err);
  if (summary.built + summary.failed > 0) {
    err(`built ${summary.built}, failed ${summary.failed}, up to date ${summary.upToDate} (of ${summary.total} variants) in ${out}`);
  }
  return summary.failed > 0 ? 1 : 0;
}

function positive(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new SemblanceError('usage', `--jobs: expected a positive integer, got '${s}'`);
  return n;
}

/** `$XDG_CACHE_HOME/semblance`, else `~/.cache/semblance`. */
export function defaultCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'semblance');
}
