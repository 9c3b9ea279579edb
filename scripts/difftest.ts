/**
 * `node dist/scripts/difftest.js [options]` (or `npm run difftest -- [options]`): runs every suite
 * function of test/difftest natively under qemu-user and in Semblance's interpreter on the same
 * seeded argument vectors and reports every disagreement. Exit status 0 when everything agrees,
 * 1 on any disagreement, 2 on a usage error or when the interpreter is not available.
 *
 *   --targets a,b   targets (x86 x86_64 arm-thumb arm-a32 aarch64 mips mipsel; i686 = x86)
 *   --opts O0,O2    optimisation levels (O0 O1 O2 O3 Os)
 *   --funcs f,g     suite functions (default: all in test/difftest/funcs.h)
 *   --vectors N     argument vectors per function (default 20)
 *   --seed S        PRNG seed (default 1)
 *   --max-steps N   interpreter step limit per call (default 1000000)
 *   --lines N       disagreement lines shown per function (default 4)
 *   --no-build      do not run scripts/build-difftest.sh first
 *   --json          print the result as JSON instead of text
 *
 * Always writes build/difftest/result.json and build/difftest/result.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSuite, compareConfig, type CompareOptions, type ConfigOutcome, describeConfig, DIFFTEST_DIR, loadInterpreter, OPTS,
  suiteFunctions, targetNamed, TARGETS, toJson, toMarkdown,
} from './difftest-lib.js';

interface Cli {
  targets: string[];
  opts: string[];
  compare: CompareOptions;
  lines: number;
  build: boolean;
  json: boolean;
}

function usage(problem: string): never {
  console.error(`difftest: ${problem}`);
  console.error('usage: difftest [--targets a,b] [--opts O0,O2] [--funcs f,g] [--vectors N] [--seed S] [--max-steps N] [--lines N] [--no-build] [--json]');
  process.exit(2);
}

function parseCli(argv: readonly string[]): Cli {
  const all = suiteFunctions();
  let targets = TARGETS.map((t) => t.name), opts = [...OPTS], funcs = all;
  let vectors = 20, seed = 1n, maxSteps = 1_000_000, lines = 4, build = true, json = false;
  const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);
  const int = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) usage(`${flag} wants an integer ≥ ${min}, not '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--no-build') { build = false; continue; }
    if (flag === '--json') { json = true; continue; }
    const value = argv[++i];
    if (value === undefined) usage(`${flag} needs a value`);
    switch (flag) {
      case '--targets':
        try { targets = list(value).map((t) => targetNamed(t).name); } catch (e) { usage((e as Error).message); }
        break;
      case '--opts':
        opts = list(value);
        for (const o of opts) if (!OPTS.includes(o)) usage(`unknown level '${o}' (${OPTS.join(', ')})`);
        break;
      case '--funcs':
        funcs = list(value);
        for (const f of funcs) if (!all.includes(f)) usage(`unknown function '${f}' (see test/difftest/funcs.h)`);
        break;
      case '--vectors': vectors = int(flag, value, 1); break;
      case '--seed':
        try { seed = BigInt(value); } catch { usage(`--seed wants an integer, not '${value}'`); }
        break;
      case '--max-steps': maxSteps = int(flag, value, 1); break;
      case '--lines': lines = int(flag, value, 0); break;
      default: usage(`unknown option '${flag}'`);
    }
  }
  return { targets, opts, compare: { funcs, vectors, seed, maxSteps }, lines, build, json };
}

const cli = parseCli(process.argv.slice(2));
if (cli.build) {
  try {
    buildSuite(cli.targets, cli.opts);
  } catch (e) {
    const err = e as { stderr?: Buffer | string; message: string };
    console.error(String(err.stderr ?? err.message).trimEnd());
    process.exit(2);
  }
}
const interp = await loadInterpreter();
const available = typeof interp !== 'string';
if (!cli.json) {
  console.log(`difftest: ${cli.compare.funcs.length} functions × ${cli.compare.vectors} vectors, seed ${cli.compare.seed}, ${cli.targets.length} targets × ${cli.opts.length} levels`);
  if (!available) console.log(`difftest: ${interp}; running the native half only`);
}
const configs: ConfigOutcome[] = [];
for (const target of cli.targets) {
  for (const opt of cli.opts) {
    const c = await compareConfig(target, opt, interp, cli.compare);
    configs.push(c);
    if (!cli.json) for (const line of describeConfig(c, cli.lines, available)) console.log(line);
  }
}
const result = toJson(configs, cli.compare);
mkdirSync(DIFFTEST_DIR, { recursive: true });
writeFileSync(join(DIFFTEST_DIR, 'result.json'), JSON.stringify(result, null, 1) + '\n');
writeFileSync(join(DIFFTEST_DIR, 'result.md'), toMarkdown(configs, cli.compare));
const agree = configs.reduce((n, c) => n + c.agree, 0), total = configs.reduce((n, c) => n + c.total, 0);
if (cli.json) console.log(JSON.stringify(result, null, 1));
else if (available) console.log(`difftest: ${agree}/${total} vectors agree (${total ? ((100 * agree) / total).toFixed(2) : '0'}%); wrote build/difftest/result.{json,md}`);
const nativeFailed = configs.some((c) => (c.failure && !c.functions.length) || c.functions.some((f) => f.failure));
process.exitCode = !available ? 2 : agree === total && !nativeFailed ? 0 : 1;
