/**
 * Compiles one variant of a project from its recipe: every binary with `-g` into `debug/`, and a
 * copy stripped with the target's binutils `strip --strip-all` into `stripped/` (stripping drops
 * sections, never moves code, so addresses agree). Commands run one at a time; the builder runs
 * variants side by side.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { loadElf } from '../../binfmt/elf.js';
import { promisify } from 'node:util';
import type { OptLevel } from '../corpus.js';
import type { BinaryRecipe, ProjectRecipe } from './recipe.js';
import type { Toolchain } from './targets.js';

const run = promisify(execFile);

/** A compile or link step that failed, with a one-line reason. */
export class BuildStepError extends Error {
  constructor(readonly step: string, readonly detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'BuildStepError';
  }
}

export interface CompiledBinary {
  readonly recipe: BinaryRecipe;
  /** Absolute paths. */
  readonly debug: string;
  readonly stripped: string;
  /** Object files, with the source path (relative to the tree) each was compiled from. */
  readonly objects: readonly { readonly source: string; readonly object: string }[];
}

export interface CompileJob {
  readonly recipe: ProjectRecipe;
  readonly sourceRoot: string;
  readonly toolchain: Toolchain;
  readonly opt: OptLevel;
  /** The variant folder: receives obj/, gen/, debug/, stripped/. */
  readonly dir: string;
  /** Called before each binary. */
  readonly onStep?: (what: string) => void;
}

/** The source files a recipe's patterns name, sorted, relative to the tree. */
export function expandSources(root: string, patterns: readonly string[]): string[] {
  const taken = new Set<string>();
  for (const p of patterns) {
    if (p.startsWith('!')) { taken.delete(p.slice(1)); continue; }
    const m = /^(.*?)\/?(\*\*\/)?\*(\.\w+)$/.exec(p);
    if (!m) { taken.add(p); continue; }
    const [, dir = '', deep, ext = ''] = m;
    for (const f of walk(join(root, dir), deep !== undefined)) if (f.endsWith(ext)) taken.add(relative(root, f));
  }
  return [...taken].sort();
}

function walk(dir: string, deep: boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (deep) out.push(...walk(p, deep)); } else out.push(p);
  }
  return out;
}

export async function compileVariant(job: CompileJob): Promise<CompiledBinary[]> {
  if (job.recipe.configure) return configureVariant(job);
  const { recipe, sourceRoot, toolchain, opt, dir } = job;
  const gen = join(dir, 'gen');
  mkdirSync(gen, { recursive: true });
  for (const [name, text] of Object.entries(recipe.generated ?? {})) writeFileSync(join(gen, name), text);
  const subst = (s: string) => s.replaceAll('{src}', sourceRoot).replaceAll('{gen}', gen);
  const common = [...toolchain.targetFlags, `-${opt}`, '-g', '-w', ...prefixMaps(recipe, sourceRoot, gen), `-I${gen}`];
  const out: CompiledBinary[] = [];
  for (const bin of recipe.binaries) {
    job.onStep?.(bin.name);
    const objDir = join(dir, 'obj', bin.name);
    mkdirSync(objDir, { recursive: true });
    const pic = bin.kind === 'shared' ? ['-fPIC'] : [];
    const flags = [...common, ...pic, ...recipe.cflags.map(subst), ...(bin.cflags ?? []).map(subst)];
    const objects: { source: string; object: string }[] = [];
    for (const source of expandSources(sourceRoot, bin.sources)) {
      const object = join(objDir, source.replaceAll('/', '__').replace(/\.\w+$/, '.o'));
      await step(`compile ${source}`, toolchain.cc, [...flags, '-c', join(sourceRoot, source), '-o', object], sourceRoot);
      objects.push({ source, object });
    }
    const debug = join(dir, 'debug', bin.name);
    const stripped = join(dir, 'stripped', bin.name);
    mkdirSync(join(dir, 'debug'), { recursive: true });
    mkdirSync(join(dir, 'stripped'), { recursive: true });
    const libs = (bin.linkWith ?? []).map((l) => {
      const lib = out.find((b) => b.recipe.name === l);
      if (!lib) throw new BuildStepError(`link ${bin.name}`, `recipe links ${l}, which is not built before it`);
      return lib.debug;
    });
    const shared = bin.kind === 'shared' ? ['-shared', `-Wl,-soname,${bin.name}`] : [];
    await step(`link ${bin.name}`, toolchain.cc,
      [...toolchain.targetFlags, `-${opt}`, '-g', ...shared, '-o', debug, ...objects.map((o) => o.object), ...libs, ...(bin.ldflags ?? []).map(subst)], dir);
    await step(`strip ${bin.name}`, toolchain.strip, ['--strip-all', '-o', stripped, debug], dir);
    out.push({ recipe: bin, debug, stripped, objects });
  }
  return out;
}

/** Debug info names the tree as /usr/src/<package>, wherever the cache is: builds agree byte for byte. */
function prefixMaps(recipe: ProjectRecipe, sourceRoot: string, other: string): string[] {
  return [`-ffile-prefix-map=${sourceRoot}=/usr/src/${recipe.sourcePackage}`, `-ffile-prefix-map=${other}=/usr/src/${recipe.sourcePackage}/semblance-build`];
}

/**
 * The project's own build: `configure --host=<triple> CC=… CFLAGS=…` in a build folder outside
 * the (shared, untouched) source tree, then `make`. Every object file make leaves is a project
 * object; its source path is its folder in the build tree plus the STT_FILE name it records.
 */
async function configureVariant(job: CompileJob): Promise<CompiledBinary[]> {
  const { recipe, sourceRoot, toolchain, opt, dir } = job;
  const cfg = recipe.configure!;
  const build = join(dir, 'obj');
  mkdirSync(build, { recursive: true });
  const cflags = [`-${opt}`, '-g', '-w', ...prefixMaps(recipe, sourceRoot, build), ...recipe.cflags];
  job.onStep?.('configure');
  // coreutils' configure refuses root unless told; it says so only where it is not cross-compiling.
  await step('configure', join(sourceRoot, 'configure'), [
    `--host=${toolchain.triple}`, `CC=${[toolchain.cc, ...toolchain.targetFlags].join(' ')}`, `CFLAGS=${cflags.join(' ')}`, ...cfg.args,
  ], build, { FORCE_UNSAFE_CONFIGURE: '1' }, 'last');
  for (const args of cfg.make) {
    job.onStep?.(`make ${args.join(' ')}`);
    await step(`make ${args.join(' ')}`, 'make', [...args], build);
  }
  const objects = findObjects(build).map((object) => {
    const file = loadElf(object).symbols.find((s) => s.type === 'file')?.name;
    const source = relative(build, join(dirname(object), file ?? basename(object).replace(/\.o$/, '.c')));
    return { source, object };
  });
  mkdirSync(join(dir, 'debug'), { recursive: true });
  mkdirSync(join(dir, 'stripped'), { recursive: true });
  const out: CompiledBinary[] = [];
  for (const bin of recipe.binaries) {
    if (!bin.built) throw new BuildStepError(bin.name, 'a configure recipe must say where make leaves the binary (built)');
    const debug = join(dir, 'debug', bin.name);
    const stripped = join(dir, 'stripped', bin.name);
    try {
      copyFileSync(join(build, bin.built), debug);
    } catch {
      throw new BuildStepError(`make ${bin.name}`, `make left no ${bin.built}`);
    }
    await step(`strip ${bin.name}`, toolchain.strip, ['--strip-all', '-o', stripped, debug], dir);
    out.push({ recipe: bin, debug, stripped, objects });
  }
  return out;
}

function findObjects(dir: string): string[] {
  return walk(dir, true).filter((f) => f.endsWith('.o'));
}

/**
 * Runs one command; a failure becomes a BuildStepError with the line that says why: a compiler's
 * first error (what follows are consequences), configure's last (the ones before are context).
 */
async function step(what: string, program: string, args: string[], cwd: string, env: Record<string, string> = {}, which: 'first' | 'last' = 'first'): Promise<void> {
  try {
    await run(program, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0', ...env } });
  } catch (e) {
    throw new BuildStepError(what, errorLine(e, program, which));
  }
}

function errorLine(e: unknown, program: string, which: 'first' | 'last'): string {
  const err = e as { stderr?: string; code?: unknown; message?: string };
  if (err.code === 'ENOENT') return `${program} is not installed (see scripts/install-deps.sh)`;
  const lines = (err.stderr ?? err.message ?? String(e)).split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\berror\b/i.test(l));
  return ((which === 'first' ? errors[0] : errors[errors.length - 1]) ?? lines[0] ?? 'failed').slice(0, 300);
}
