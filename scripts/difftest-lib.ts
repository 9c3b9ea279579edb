/**
 * The differential test of Semblance's interpreter against qemu-user: each suite function
 * (test/difftest) runs natively under qemu-user and in our interpreter on the same argument
 * vectors, and the returned words must be equal. Used by scripts/difftest.ts (which prints)
 * and test/difftest.test.ts (which asserts); nothing here prints or exits.
 *
 * Values are BigInts throughout. On a target with W-bit words an argument or result is the
 * signed W-bit value (`BigInt.asIntN(W, v)`); the harness prints results as signed `long`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch as hostArch } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as dist/scripts/difftest-lib.js). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIFFTEST_DIR = join(ROOT, 'build', 'difftest');
export const BUILD_SCRIPT = join(ROOT, 'scripts', 'build-difftest.sh');
const FUNCS_HEADER = join(ROOT, 'test', 'difftest', 'funcs.h');

export interface DifftestTarget {
  /** As in scripts/build-difftest.sh and build-fixtures.sh. */
  readonly name: string;
  /** The qemu-user binary that runs it (unless the host is `nativeOn`). */
  readonly qemu: string;
  /** Node's `os.arch()` on which the binary runs without qemu. */
  readonly nativeOn: string;
  readonly wordBits: 32 | 64;
}

export const TARGETS: readonly DifftestTarget[] = [
  { name: 'x86', qemu: 'qemu-i386', nativeOn: '', wordBits: 32 },
  { name: 'x86_64', qemu: 'qemu-x86_64', nativeOn: 'x64', wordBits: 64 },
  { name: 'arm-thumb', qemu: 'qemu-arm', nativeOn: '', wordBits: 32 },
  { name: 'arm-a32', qemu: 'qemu-arm', nativeOn: '', wordBits: 32 },
  { name: 'aarch64', qemu: 'qemu-aarch64', nativeOn: 'arm64', wordBits: 64 },
  { name: 'mips', qemu: 'qemu-mips', nativeOn: '', wordBits: 32 },
  { name: 'mipsel', qemu: 'qemu-mipsel', nativeOn: '', wordBits: 32 },
];
export const OPTS: readonly string[] = ['O0', 'O1', 'O2', 'O3', 'Os'];
const TARGET_ALIASES: Readonly<Record<string, string>> = { i686: 'x86', i386: 'x86', amd64: 'x86_64', arm64: 'aarch64' };

export function targetNamed(name: string): DifftestTarget {
  const t = TARGETS.find((x) => x.name === (TARGET_ALIASES[name] ?? name));
  if (!t) throw new Error(`unknown target '${name}' (${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}

export function suitePath(target: string, opt: string): string {
  return join(DIFFTEST_DIR, `${target}-${opt}`, 'suite');
}

/** The suite's function names, in the order of the X-macro list in test/difftest/funcs.h. */
export function suiteFunctions(): string[] {
  const text = readFileSync(FUNCS_HEADER, 'utf8');
  return [...text.matchAll(/^\s*X\((\w+)\)/gm)].map((m) => m[1]!);
}

/** Runs scripts/build-difftest.sh for the given targets and levels (all when omitted). */
export function buildSuite(targets?: readonly string[], opts?: readonly string[]): void {
  const args = [BUILD_SCRIPT, targets?.length ? targets.join(',') : 'all', opts?.length ? opts.join(',') : 'all'];
  execFileSync('bash', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

// ---- argument vectors -------------------------------------------------------------------

const MASK64 = (1n << 64n) - 1n;

/** splitmix64: a tiny, well-mixed, seedable generator. */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
  /** Uniform in [0, n) for small n (the modulo bias is negligible for a test generator). */
  below(n: number): number {
    return Number(this.next() % BigInt(n));
  }
}

/** FNV-1a over the name, so every function gets its own stream for a given seed. */
function nameSeed(name: string, seed: bigint): bigint {
  let h = 0xcbf29ce484222325n;
  for (const ch of Buffer.from(name, 'utf8')) h = ((h ^ BigInt(ch)) * 0x100000001b3n) & MASK64;
  return h ^ BigInt.asUintN(64, seed);
}

/** Values that make edge cases: zero, ±1, the 8/16/32/word-size limits. */
function boundaries(bits: number): bigint[] {
  const v = [0n, 1n, -1n, 2n, -2n, 0x7fn, -0x80n, 0xffn, 0x7fffn, -0x8000n, 0xffffn, 0x7fffffffn, -0x80000000n, 0xffffffffn];
  if (bits === 64) v.push((1n << 63n) - 1n, -(1n << 63n), (1n << 32n), (1n << 32n) + 1n);
  return v;
}

function randomValue(rng: SplitMix64, bits: number): bigint {
  const r = rng.below(100);
  let v: bigint;
  if (r < 40) v = BigInt(rng.below(80) - 16); // small: -16..63
  else if (r < 65) { const b = boundaries(bits); v = b[rng.below(b.length)]!; }
  else if (r < 80) v = (1n << BigInt(rng.below(bits))) + BigInt(rng.below(3) - 1); // 2^k - 1, 2^k, 2^k + 1
  else v = rng.next(); // full width
  if (r >= 65 && r < 80 && rng.below(2)) v = -v;
  return BigInt.asIntN(bits, v);
}

/**
 * `count` argument vectors of four signed `bits`-wide values for function `name`. Depends only
 * on (name, seed, count, bits): a subset of functions gets the same vectors as a full run. The
 * first quarter are fixed corner cases, the rest random.
 */
export function argumentVectors(name: string, seed: bigint, count: number, bits: number): bigint[][] {
  const min = -(1n << BigInt(bits - 1)), max = (1n << BigInt(bits - 1)) - 1n;
  const fixed: bigint[][] = [
    [0n, 0n, 0n, 0n], [1n, 2n, 3n, 4n], [-1n, -1n, -1n, -1n], [min, -1n, max, 1n],
    [max, max, min, min], [15n, 15n, 15n, 15n], [-7n, 3n, -100n, 9n],
  ];
  const rng = new SplitMix64(nameSeed(name, seed));
  const out = fixed.slice(0, Math.min(fixed.length, Math.floor(count / 4)));
  while (out.length < count) out.push([0, 1, 2, 3].map(() => randomValue(rng, bits)));
  return out;
}

/** How a vector is written on the harness's command line. */
export function vectorText(args: readonly bigint[]): string {
  return args.join(',');
}

// ---- the native side ----------------------------------------------------------------------

/** The command that runs the suite natively: [program, ...leading args]. */
export function nativeCommand(target: DifftestTarget, suite: string): string[] {
  return target.nativeOn === hostArch() ? [suite] : [target.qemu, suite];
}

/** Runs `name` on every vector in one process; throws with the harness's stderr on failure. */
export function runNative(target: DifftestTarget, suite: string, name: string, vectors: readonly (readonly bigint[])[], timeoutMs = 20_000): bigint[] {
  const [cmd, ...pre] = nativeCommand(target, suite);
  let out: string;
  try {
    out = execFileSync(cmd!, [...pre, name, ...vectors.map(vectorText)], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
  } catch (e) {
    const err = e as { status?: number | null; signal?: string | null; stderr?: string | Buffer; message: string };
    const why = err.signal ? `killed by ${err.signal}` : err.status != null ? `exit ${err.status}` : err.message;
    throw new Error(`native run failed (${why}): ${String(err.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  const lines = out.split('\n').filter((l) => l !== '');
  if (lines.length !== vectors.length) throw new Error(`native run printed ${lines.length} results for ${vectors.length} vectors`);
  return lines.map((l) => BigInt.asIntN(target.wordBits, BigInt(l)));
}

// ---- the interpreter side -------------------------------------------------------------------

/** The part of src/exec/call.ts this test uses (declared here so the script compiles without it). */
export interface CallResult {
  args: bigint[];
  returns?: bigint;
  error?: string;
  steps: number;
}
export interface Interpreter {
  openExecutable(path: string): Promise<unknown>;
  callFunction(exe: unknown, nameOrAddress: string | number, args: readonly bigint[], opts?: { maxSteps?: number }): CallResult;
}

/**
 * Loads src/exec/call.js. Resolves to a string saying why not when the module is not built
 * yet; a module that exists but fails to load is an error (thrown).
 */
export async function loadInterpreter(): Promise<Interpreter | string> {
  const file = join(ROOT, 'dist', 'src', 'exec', 'call.js');
  if (!existsSync(file)) return `interpreter not available (${file} does not exist)`;
  // A computed specifier: tsc must not resolve a module that may not exist yet.
  const spec = '../src/exec/call.js';
  const mod = (await import(spec)) as Partial<Interpreter>;
  if (typeof mod.openExecutable !== 'function' || typeof mod.callFunction !== 'function') {
    throw new Error(`${file} does not export openExecutable and callFunction`);
  }
  return mod as Interpreter;
}

// ---- comparison -----------------------------------------------------------------------------

export interface VectorOutcome {
  readonly args: readonly bigint[];
  readonly native: bigint;
  /** Our signed word-size result; undefined when the interpreter failed. */
  readonly ours?: bigint;
  readonly error?: string;
  readonly steps: number;
  readonly agree: boolean;
}

export interface FunctionOutcome {
  readonly name: string;
  readonly vectors: readonly VectorOutcome[];
  readonly agree: number;
  /** Set when the function could not be compared at all (native run failed, …). */
  readonly failure?: string;
}

export interface ConfigOutcome {
  readonly target: string;
  readonly opt: string;
  readonly suite: string;
  readonly functions: readonly FunctionOutcome[];
  readonly agree: number;
  readonly total: number;
  readonly seconds: number;
  /** Set when the configuration could not run (no binary, interpreter missing, …). */
  readonly failure?: string;
}

export interface CompareOptions {
  readonly funcs: readonly string[];
  readonly vectors: number;
  readonly seed: bigint;
  readonly maxSteps: number;
  readonly nativeTimeoutMs?: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Compares one built suite (target × opt) function by function. `interp` may be the reason
 * string from loadInterpreter: the native half still runs, and every function fails with it.
 */
export async function compareConfig(targetName: string, opt: string, interp: Interpreter | string, o: CompareOptions): Promise<ConfigOutcome> {
  const t0 = performance.now();
  const target = targetNamed(targetName);
  const suite = suitePath(target.name, opt);
  // Every function gets o.vectors vectors, so one whose native run failed still counts in full.
  const total = o.funcs.length * o.vectors;
  const done = (functions: FunctionOutcome[], failure?: string): ConfigOutcome => {
    const agree = functions.reduce((n, f) => n + f.agree, 0);
    return { target: target.name, opt, suite, functions, agree, total, seconds: (performance.now() - t0) / 1000, ...(failure ? { failure } : {}) };
  };
  if (!existsSync(suite)) return done([], `${suite} is not built (scripts/build-difftest.sh ${target.name} ${opt})`);
  let exe: unknown;
  let interpFailure: string | undefined = typeof interp === 'string' ? interp : undefined;
  if (typeof interp !== 'string') {
    try {
      exe = await interp.openExecutable(suite);
    } catch (e) {
      interpFailure = `openExecutable failed: ${message(e)}`;
    }
  }
  const functions: FunctionOutcome[] = [];
  for (const name of o.funcs) {
    const vectors = argumentVectors(name, o.seed, o.vectors, target.wordBits);
    let native: bigint[];
    try {
      native = runNative(target, suite, name, vectors, o.nativeTimeoutMs);
    } catch (e) {
      functions.push({ name, vectors: [], agree: 0, failure: message(e) });
      continue;
    }
    const outcomes: VectorOutcome[] = vectors.map((args, i) => {
      const want = native[i]!;
      if (interpFailure !== undefined || typeof interp === 'string') return { args, native: want, error: interpFailure, steps: 0, agree: false };
      // Registers hold bit patterns: pass each argument as the unsigned word.
      const words = args.map((a) => BigInt.asUintN(target.wordBits, a));
      let r: CallResult;
      try {
        r = interp.callFunction(exe, name, words, { maxSteps: o.maxSteps });
      } catch (e) {
        return { args, native: want, error: `threw: ${message(e)}`, steps: 0, agree: false };
      }
      if (r.error !== undefined || r.returns === undefined) {
        return { args, native: want, error: r.error ?? 'no return value', steps: r.steps, agree: false };
      }
      const ours = BigInt.asIntN(target.wordBits, r.returns);
      return { args, native: want, ours, steps: r.steps, agree: ours === want };
    });
    functions.push({ name, vectors: outcomes, agree: outcomes.filter((v) => v.agree).length });
  }
  return done(functions, interpFailure);
}

// ---- reports --------------------------------------------------------------------------------

/** Error texts with addresses and numbers blanked, so the same failure counts once. */
function errorKind(error: string): string {
  return error.replace(/0x[0-9a-f]+/gi, '0x…').replace(/\b\d{3,}\b/g, 'N').slice(0, 120);
}

function describeFunction(c: ConfigOutcome, f: FunctionOutcome, cap: number): string[] {
  const t = targetNamed(c.target);
  const bits = t.wordBits;
  if (f.failure) return [`  ${f.name}  ${f.failure}`];
  const bad = f.vectors.filter((v) => !v.agree);
  const repro = [...nativeCommand(t, relative(ROOT, c.suite)), f.name, vectorText(bad[0]!.args)].join(' ');
  const out = [`  ${f.name}  ${f.agree}/${f.vectors.length}   repro: ${repro}`];
  const errors = new Set(bad.map((v) => v.error));
  if (bad.length > 1 && errors.size === 1 && bad[0]!.error !== undefined) {
    out.push(`    all ${bad.length}: error: ${bad[0]!.error}`);
    return out;
  }
  for (const v of bad.slice(0, cap)) {
    const native = `native ${v.native} ${hexWord(v.native, bits)}`;
    const ours = v.ours !== undefined ? `ours ${v.ours} ${hexWord(v.ours, bits)}` : `ours error: ${v.error}`;
    out.push(`    (${vectorText(v.args)})  ${native}  ${ours}  [${v.steps} steps]`);
  }
  if (bad.length > cap) out.push(`    … ${bad.length - cap} more`);
  return out;
}

/**
 * The report of one configuration as text lines: a summary line, then for each function that
 * disagrees its tally, a command that reproduces the native side, and up to `cap` vectors
 * (args, native, ours or error, steps); then the most frequent interpreter errors.
 * `interpAvailable` false: the native half only (which functions ran).
 */
export function describeConfig(c: ConfigOutcome, cap: number, interpAvailable: boolean): string[] {
  const name = `${c.target}-${c.opt}`.padEnd(14);
  if (!interpAvailable) {
    const ran = c.functions.filter((f) => !f.failure);
    const lines = [`${name} native only: ${ran.length}/${c.functions.length} functions ran, ${ran.reduce((n, f) => n + f.vectors.length, 0)} results  ${c.seconds.toFixed(1)}s`];
    if (!c.functions.length && c.failure) lines.push(`  ${c.failure}`);
    for (const f of c.functions.filter((x) => x.failure)) lines.push(`  ${f.name}  ${f.failure}`);
    return lines;
  }
  const fnAgree = c.functions.filter((f) => !f.failure && f.agree === f.vectors.length).length;
  const pct = c.total ? ((100 * c.agree) / c.total).toFixed(1) : '0.0';
  const lines = [`${name} ${String(c.agree).padStart(5)}/${c.total} vectors (${pct}%)  ${fnAgree}/${c.functions.length} functions  ${c.seconds.toFixed(1)}s`];
  // A failure of the whole configuration (no lifter yet, …) is said once; only native failures
  // are then worth listing per function.
  if (c.failure) lines.push(`  ${c.failure}`);
  for (const f of c.functions) if (f.failure || (!c.failure && f.agree < f.vectors.length)) lines.push(...describeFunction(c, f, cap));
  const kinds = new Map<string, number>();
  if (!c.failure) for (const f of c.functions) for (const v of f.vectors) if (v.error !== undefined) kinds.set(errorKind(v.error), (kinds.get(errorKind(v.error)) ?? 0) + 1);
  const top = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5);
  if (top.length > 1) lines.push(`  top errors: ${top.map(([k, n]) => `${k} ×${n}`).join('; ')}`);
  return lines;
}

export function hexWord(v: bigint, bits: number): string {
  return '0x' + BigInt.asUintN(bits, v).toString(16).padStart(bits / 4, '0');
}

/** The JSON-friendly form of a result (BigInts as decimal strings). */
export function toJson(configs: readonly ConfigOutcome[], o: CompareOptions): unknown {
  return {
    seed: o.seed.toString(),
    vectors: o.vectors,
    maxSteps: o.maxSteps,
    agree: configs.reduce((n, c) => n + c.agree, 0),
    total: configs.reduce((n, c) => n + c.total, 0),
    configs: configs.map((c) => ({
      target: c.target,
      opt: c.opt,
      agree: c.agree,
      total: c.total,
      seconds: Number(c.seconds.toFixed(2)),
      ...(c.failure ? { failure: c.failure } : {}),
      disagreements: c.functions
        .filter((f) => f.failure || f.agree < f.vectors.length)
        .map((f) => ({
          function: f.name,
          agree: f.agree,
          total: o.vectors,
          ...(f.failure ? { failure: f.failure } : {}),
          vectors: f.vectors.filter((v) => !v.agree).map((v) => ({
            args: v.args.map(String),
            native: v.native.toString(),
            ...(v.ours !== undefined ? { ours: v.ours.toString() } : {}),
            ...(v.error !== undefined ? { error: v.error } : {}),
            steps: v.steps,
          })),
        })),
    })),
  };
}

/** A markdown table: one row per target, one column per level, cells agreeing/total vectors. */
export function toMarkdown(configs: readonly ConfigOutcome[], o: CompareOptions): string {
  const targets = [...new Set(configs.map((c) => c.target))];
  const opts = OPTS.filter((x) => configs.some((c) => c.opt === x));
  const cell = (t: string, x: string): string => {
    const c = configs.find((k) => k.target === t && k.opt === x);
    if (!c) return '';
    const mark = c.agree === c.total && !c.failure ? ' ✓' : '';
    return `${c.agree}/${c.total}${mark}`;
  };
  const agree = configs.reduce((n, c) => n + c.agree, 0), total = configs.reduce((n, c) => n + c.total, 0);
  const lines = [
    '# Interpreter vs qemu-user',
    '',
    `Agreeing/total argument vectors (seed ${o.seed}, ${o.vectors} vectors per function, ${new Set(configs.flatMap((c) => c.functions.map((f) => f.name))).size} functions). Overall ${agree}/${total}.`,
    '',
    `| target | ${opts.join(' | ')} |`,
    `|---|${opts.map(() => '---:').join('|')}|`,
    ...targets.map((t) => `| ${t} | ${opts.map((x) => cell(t, x)).join(' | ')} |`),
    '',
  ];
  const bad = configs.flatMap((c) => c.functions.filter((f) => f.failure || f.agree < f.vectors.length).map((f) => `${c.target}-${c.opt} ${f.name}`));
  if (bad.length) lines.push(`Functions with disagreements: ${bad.join(', ')}`, '');
  return lines.join('\n');
}
