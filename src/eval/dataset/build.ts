/**
 * `semblance dataset build`: the benchmark corpus, built from Debian source packages for every
 * project × compiler × architecture × optimisation level (docs/BENCHMARKS.md §1, docs/CORPUS.md).
 *
 * Each variant folder ends with `build.json` ({stamp, status}), written last: a variant whose
 * stamp (a hash of the recipe, the toolchain's commands and versions, and this builder's version)
 * matches is up to date and is not touched, so a second run does nothing and an interrupted run
 * continues where it stopped. A variant that fails is recorded as failed, with its one-line
 * error, and is not tried again with the same stamp unless asked (`retryFailed`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { SemblanceError } from '../../util/errors.js';
import type { Compiler, Corpus, CorpusArch, OptLevel, VariantEntry, VariantManifest } from '../corpus.js';
import { BuildStepError, compileVariant } from './compile.js';
import { binaryManifest } from './manifest.js';
import type { ProjectRecipe } from './recipe.js';
import { RECIPES, recipe as findRecipe } from './recipes/index.js';
import { prepareTree, SourceCache } from './sources.js';
import { toolchain, variantName, type Toolchain } from './targets.js';

const run = promisify(execFile);

/** Bump when the builder's output changes for the same inputs: every variant is rebuilt. */
const BUILDER_VERSION = 1;

export interface DatasetOptions {
  readonly projects: readonly string[];
  readonly archs: readonly CorpusArch[];
  readonly opts: readonly OptLevel[];
  readonly compilers: readonly Compiler[];
  /** The corpus folder. */
  readonly out: string;
  /** Where source packages and the private apt lists are kept. */
  readonly cache: string;
  /** Variants built at once. */
  readonly jobs: number;
  /** Build again the variants that failed with the same stamp. */
  readonly retryFailed?: boolean;
}

export interface DatasetSummary {
  readonly total: number;
  readonly built: number;
  readonly failed: number;
  readonly upToDate: number;
  /** Of the up-to-date variants, how many are recorded failures. */
  readonly upToDateFailed: number;
}

interface Variant {
  readonly id: string;
  readonly project: ProjectRecipe;
  readonly compiler: Compiler;
  readonly arch: CorpusArch;
  readonly opt: OptLevel;
  readonly dir: string;
  readonly toolchain: Toolchain;
  readonly stamp: string;
}

interface BuildRecord {
  readonly stamp: string;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
}

/** Builds what is missing; `progress` receives one line per event (the CLI prints them on stderr). */
export async function buildDataset(options: DatasetOptions, progress: (line: string) => void): Promise<DatasetSummary> {
  const projects = options.projects.map((name) => {
    const r = findRecipe(name);
    if (!r) throw new SemblanceError('usage', `unknown project '${name}' (known: ${RECIPES.map((x) => x.name).join(', ')})`);
    return r;
  });
  const versions = new Map<string, Promise<string>>();
  const version = (cc: string) => {
    if (!versions.has(cc)) versions.set(cc, run(cc, ['--version']).then((r) => r.stdout.split('\n')[0]!.trim(), () => 'missing'));
    return versions.get(cc)!;
  };

  const variants: Variant[] = [];
  for (const project of projects) {
    for (const compiler of options.compilers) {
      for (const arch of options.archs) {
        for (const opt of options.opts) {
          const tc = toolchain(compiler, arch, onPath);
          const stamp = createHash('sha256').update(JSON.stringify({
            BUILDER_VERSION, project, compiler, arch, opt, tc, cc: await version(tc.cc), strip: await version(tc.strip),
          })).digest('hex');
          const name = variantName(compiler, arch, opt);
          variants.push({ id: `${project.name}/${name}`, project, compiler, arch, opt, dir: join(options.out, project.name, name), toolchain: tc, stamp });
        }
      }
    }
  }

  mkdirSync(options.out, { recursive: true });
  const corpusPath = join(options.out, 'corpus.json');
  const entries = new Map<string, VariantEntry>(readCorpus(corpusPath).variants.map((v) => [v.id, v]));
  const writeCorpus = () => {
    const corpus: Corpus = { version: 1, variants: [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    const text = JSON.stringify(corpus, null, 1) + '\n';
    if (existsSync(corpusPath) && readFileSync(corpusPath, 'utf8') === text) return;
    writeAtomic(corpusPath, text);
  };
  const entryOf = (v: Variant, rec: BuildRecord): VariantEntry => ({
    id: v.id, project: v.project.name, compiler: v.compiler, arch: v.arch, opt: v.opt, status: rec.status,
    ...(rec.error ? { error: rec.error } : {}),
    ...(rec.status === 'ok' ? { manifest: relative(options.out, join(v.dir, 'manifest.json')) } : {}),
  });

  const todo: Variant[] = [];
  let upToDateFailed = 0;
  for (const v of variants) {
    const rec = readRecord(v);
    if (rec && (rec.status === 'ok' || !options.retryFailed)) {
      entries.set(v.id, entryOf(v, rec));
      if (rec.status === 'failed') upToDateFailed++;
    } else todo.push(v);
  }
  writeCorpus();
  if (todo.length === 0) {
    progress(`all ${variants.length} variants are up to date${upToDateFailed ? ` (${upToDateFailed} failed; --retry-failed builds them again)` : ''}`);
    return { total: variants.length, built: 0, failed: 0, upToDate: variants.length, upToDateFailed };
  }
  progress(`${todo.length} of ${variants.length} variants to build (${variants.length - todo.length} up to date), ${Math.max(1, options.jobs)} at a time`);

  // Sources, one project at a time; a project whose source cannot be fetched fails all its variants.
  const cache = new SourceCache(options.cache);
  const trees = new Map<string, string | Error>();
  for (const p of new Set(todo.map((v) => v.project))) {
    if (!cache.cached(p.sourcePackage, p.version)) progress(`fetching ${p.sourcePackage} ${p.version} (apt-get source)`);
    const tree = await cache.fetch(p.sourcePackage, p.version).then(async (t) => {
      await prepareTree(t, p.prepare ?? [], () => progress(`preparing ${p.name}: ${(p.prepare ?? []).map((c) => c.join(' ')).join('; ')}`));
      return t;
    }, (e: unknown) => e);
    trees.set(p.name, tree instanceof Error || typeof tree === 'string' ? tree : new Error(String(tree)));
  }

  let built = 0, failed = 0, next = 0;
  const n = todo.length;
  const worker = async () => {
    while (next < todo.length) {
      const i = next++;
      const v = todo[i]!;
      const tag = `[${i + 1}/${n}] ${v.id}`;
      const tree = trees.get(v.project.name)!;
      const started = Date.now();
      let rec: BuildRecord;
      if (tree instanceof Error) {
        rec = { stamp: v.stamp, status: 'failed', error: oneLine(tree.message) };
      } else {
        try {
          const count = await buildVariant(v, tree, options.out, (what) => progress(`${tag}: building ${what}`));
          rec = { stamp: v.stamp, status: 'ok' };
          progress(`${tag}: ok, ${count} functions (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (e) {
          if (!(e instanceof BuildStepError) && !(e instanceof SemblanceError)) throw e;
          rec = { stamp: v.stamp, status: 'failed', error: oneLine(e.message) };
        }
      }
      if (rec.status === 'failed') {
        failed++;
        progress(`${tag}: FAILED: ${rec.error}`);
      } else built++;
      // A fetch failure is not recorded in the variant: the next run tries again.
      if (!(tree instanceof Error)) writeAtomic(join(v.dir, 'build.json'), JSON.stringify(rec) + '\n');
      entries.set(v.id, entryOf(v, rec));
      writeCorpus();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, todo.length)) }, worker));
  return { total: variants.length, built, failed, upToDate: variants.length - todo.length, upToDateFailed };
}

/** Compiles, strips and writes the manifest of one variant; returns how many functions it lists. */
async function buildVariant(v: Variant, tree: string, out: string, step: (what: string) => void): Promise<number> {
  rmSync(v.dir, { recursive: true, force: true });
  mkdirSync(v.dir, { recursive: true });
  const binaries = await compileVariant({ recipe: v.project, sourceRoot: tree, toolchain: v.toolchain, opt: v.opt, dir: v.dir, onStep: step });
  const manifest: VariantManifest = {
    id: v.id, project: v.project.name, compiler: v.compiler, arch: v.arch, opt: v.opt,
    binaries: await Promise.all(binaries.map((b) => binaryManifest(v.project.name, b, { debug: relative(out, b.debug), stripped: relative(out, b.stripped) }))),
  };
  writeAtomic(join(v.dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  rmSync(join(v.dir, 'obj'), { recursive: true, force: true });
  rmSync(join(v.dir, 'gen'), { recursive: true, force: true });
  return manifest.binaries.reduce((s, b) => s + b.functions.length, 0);
}

function readRecord(v: Variant): BuildRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(join(v.dir, 'build.json'), 'utf8')) as BuildRecord;
    if (rec.stamp !== v.stamp) return undefined;
    if (rec.status === 'ok' && !existsSync(join(v.dir, 'manifest.json'))) return undefined;
    return rec;
  } catch {
    return undefined;
  }
}

function readCorpus(path: string): Corpus {
  if (!existsSync(path)) return { version: 1, variants: [] };
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Corpus;
    if (c.version === 1 && Array.isArray(c.variants)) return c;
  } catch { /* rewritten below */ }
  throw new SemblanceError('corrupt', `${path}: not a corpus.json of version 1; move it away or choose another --out`);
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, program)));
}
