/**
 * I/O samples (BinGo §2.4, Multi-MH's scheme): every trace's outputs are evaluated under one
 * fixed, seeded table of input assignments shared by every signature ever computed, so
 * signatures compare across binaries and databases. Inputs are put in an order-free canonical
 * order (structure decides, register names do not), all outputs and the path constraint are
 * evaluated jointly per assignment, and each output's values on the rows where the path holds
 * are hashed. Where the constraint leaves too few rows, a satisfying assignment found by
 * propagation (exec/satisfy.ts) or else by Z3 seeds at most 3 rows; Z3 may also prove the trace
 * infeasible.
 */
import type { Concrete } from '../../exec/concrete.js';
import { satisfy } from '../../exec/satisfy.js';
import type { PathSolver } from '../../exec/solver.js';
import type { Sym } from '../../exec/symbolic.js';
import { SymEvaluator, argsOf, forEachNode, isCommutative, truncate } from '../../exec/symbolic.js';
import { assertNever } from '../../util/errors.js';
import { Hasher, hashString, mix32 } from '../../util/hash.js';
import type { PartialTrace } from './traces.js';

export const SAMPLE_ROWS = 16;
export const SAMPLE_COLUMNS = 16;
/** Fewer satisfying rows than this (none: random inputs are useless) and the solver is asked. */
const MIN_ROWS = 1;
/** Solver models per trace (BinGo's N). */
const MAX_MODELS = 3;

/**
 * The fixed input table, as signed values: small numbers and boundaries are favoured because
 * code branches on them (0, 1, -1, sizes, sign bits), plus some wide random values.
 */
export const SAMPLE_TABLE: readonly (readonly bigint[])[] = (() => {
  const BOUNDARY = [0n, 1n, -1n, 2n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, -0x80000000n, 0x10000n, -2n, 4n];
  let seed = 0x5eed;
  const next = () => { seed = (seed + 0x6d2b79f5) | 0; return mix32(seed); };
  const rows: bigint[][] = [];
  for (let r = 0; r < SAMPLE_ROWS; r++) {
    const row: bigint[] = [];
    for (let c = 0; c < SAMPLE_COLUMNS; c++) {
      const x = next(), pick = x % 8;
      if (pick < 4) row.push(BigInt((next() % 21) - 4)); // -4..16
      else if (pick < 6) row.push(BOUNDARY[next() % BOUNDARY.length]!);
      else row.push(BigInt(next() | 0));
    }
    rows.push(row);
  }
  return rows;
})();

const tableCache = new Map<number, Concrete[][]>();
/** The table truncated to one input width (cached: widths are few). */
function tableAt(width: number): Concrete[][] {
  let t = tableCache.get(width);
  if (!t) { t = SAMPLE_TABLE.map((row) => row.map((v) => truncate(v, width))); tableCache.set(width, t); }
  return t;
}

/** One output's behaviour on a few rows, for evidence: input values (signed 32-bit) and the output. */
export interface IoSample { readonly inputs: readonly number[]; readonly output: number }

export interface IoSignature {
  /** 52-bit hash of the output's values on the rows used (the row ids included). */
  readonly hash: number;
  readonly where: string;
  readonly samples: readonly IoSample[];
}

/** Where a trace's rows came from: the fixed table, rows built from its constants, propagation, Z3. */
export type SampleSource = 'table' | 'guided' | 'satisfied' | 'solver';

export type TraceVerdict =
  | { readonly status: 'ok'; readonly signatures: readonly IoSignature[]; readonly source: SampleSource }
  | { readonly status: 'infeasible' };

const low32 = (v: Concrete): number => (typeof v === 'number' ? (v % 0x100000000) | 0 : Number(BigInt.asIntN(32, v)));

/** Signatures of one trace's outputs (and its library calls as named effects). */
export async function signTrace(trace: PartialTrace, solver: PathSolver | undefined): Promise<TraceVerdict> {
  const roots = [trace.constraint, ...trace.outputs.map((o) => o.value)];
  const inputs = canonicalInputs(trace.outputs.map((o) => o.value), trace.constraint);
  const ev = new SymEvaluator(roots, inputs);
  const assignment: Concrete[] = new Array(inputs.length);
  const rowValues = (r: number) => {
    for (let j = 0; j < inputs.length; j++) {
      const x = inputs[j]!;
      assignment[j] = j < SAMPLE_COLUMNS ? tableAt(x.width)[r]![j]! : truncate(BigInt(mix32(r * 977 + j) | 0), x.width);
    }
    return assignment;
  };
  const constant = trace.constraint.kind === 'const';
  if (trace.constraint.kind === 'const' && trace.constraint.value === 0n) return { status: 'infeasible' };
  // Rows of the fixed table on which the path holds.
  let rows: { id: number; values: Concrete[] }[] = [];
  for (let r = 0; r < SAMPLE_ROWS; r++) {
    const a = rowValues(r);
    if (!constant) { ev.run(a); if (ev.value(trace.constraint) === 0) continue; }
    rows.push({ id: r, values: [...a] });
  }
  // The constraint's own constants and their neighbours (c, -c, c ± 1), for the two fallbacks below.
  const near = rows.length < MIN_ROWS && !constant ? nearConstants(trace.constraint) : [];
  if (rows.length < MIN_ROWS && !constant) {
    // Rows built from the constraint's own constants (x == 10, x <u 4) satisfy most paths
    // without a solver; they depend only on the constraint's values, so they compare across binaries.
    const guided = guidedRows(near, inputs);
    for (let r = 0; r < guided.length; r++) {
      ev.run(guided[r]!);
      if (ev.value(trace.constraint) !== 0) rows.push({ id: 200 + r, values: guided[r]! });
    }
  }
  let source: SampleSource = rows.length > 0 && rows[0]!.id >= 200 ? 'guided' : 'table';
  if (rows.length < MIN_ROWS && !constant) {
    // Propagation satisfies most constraints the rows miss, deterministically and in microseconds;
    // Z3 is asked only where it fails (and then counts against the function's solver budget).
    let seed = satisfy(trace.constraint, inputs);
    if (seed) source = 'satisfied';
    else if (solver) {
      const res = await solver.solve(trace.constraint, inputs, 1);
      if (res.status === 'unsat') return { status: 'infeasible' };
      if (res.status === 'sat') { source = 'solver'; seed = res.models[0]!.map((v, j) => truncate(v, inputs[j]!.width)); }
    }
    if (seed) {
      // The seed only starts the rows: it is moved to a canonical model (every input, in canonical
      // order, takes the first preferred value that keeps the constraint true), and up to N = 3
      // rows are derived from that by starting the preferences further along. Either seed is a
      // pure function of the constraint (satisfy.ts; solver.ts asks each question in a fresh Z3
      // context), so the rows are too, whatever was analysed before.
      const seen = new Set<string>();
      rows = [];
      const prefs = [...PREFERRED, ...[...near].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
      const base = canonicalModel(ev, trace.constraint, inputs, canonicalModel(ev, trace.constraint, inputs, seed, prefs), prefs);
      for (let k = 0; k < MAX_MODELS; k++) {
        const values = k === 0 ? base : canonicalModel(ev, trace.constraint, inputs, base, prefs.slice(k));
        const key = values.join(',');
        if (!seen.has(key)) { seen.add(key); rows.push({ id: 100 + rows.length, values }); }
      }
    }
  }
  if (rows.length === 0) rows = Array.from({ length: SAMPLE_ROWS }, (_, r) => ({ id: r, values: [...rowValues(r)] }));

  const outs = trace.outputs;
  const values: number[][] = outs.map(() => []);
  for (const row of rows) {
    ev.run(row.values);
    outs.forEach((o, i) => values[i]!.push(low32(ev.value(o.value))));
  }
  const column = new Map(inputs.map((x, j) => [x.id, j]));
  const signatures: IoSignature[] = outs.map((o, i) => {
    const h = new Hasher().int(0x10);
    rows.forEach((row, k) => h.int(row.id).int(values[i]![k]!));
    const support = supportOf(o.value, column);
    const samples = rows.slice(0, 2).map((row, k) => ({ inputs: support.map((j) => low32(row.values[j]!)), output: values[i]![k]! }));
    return { hash: h.value(), where: o.where, samples };
  });
  for (const c of trace.calls) signatures.push({ hash: hashString(`call:${c}`), where: `call:${c}`, samples: [] });
  for (const f of fieldReads(outs.map((o) => o.value))) signatures.push({ hash: hashString(f), where: f, samples: [] });
  return { status: 'ok', signatures, source };
}

/** Registers that address the frame or globals (stack, frame, global and GOT pointers), by input name. */
const FRAME_INPUTS = new Set(['r:rsp', 'r:esp', 'r:rbp', 'r:ebp', 'r:sp', 'r:x29', 'r:fp', 'r:r11', 'r:r7', 'r:s8', 'r:gp', 'r:ebx']);

/**
 * The fields read by outputs that are a field's value (`return p->b`, an extension of it): loads
 * at `p + c` (or `p`) through a pointer that is not a frame or global register, as
 * `field:WIDTH:c`. A load is a fresh input, so without these every getter has one signature,
 * whichever field it returns. Offsets agree across architectures of one pointer size, not
 * always across pointer sizes: so only such outputs, where the values alone cannot tell.
 */
function fieldReads(outputs: readonly Sym[]): string[] {
  const found = new Set<string>();
  for (let x of outputs) {
    while (x.kind === 'zext' || x.kind === 'sext' || (x.kind === 'extract' && x.lo === 0)) x = x.args[0];
    if (x.kind !== 'input' || !x.name.startsWith('mem') || x.args.length !== 1) continue;
    const a = x.args[0]!;
    const [base, off] = a.kind === 'binop' && a.op === 'add' && a.args[1].kind === 'const' ? [a.args[0], BigInt.asIntN(a.width, a.args[1].value)] : [a, 0n];
    if (base.kind === 'input' && !FRAME_INPUTS.has(base.name) && off >= 0n && off < 0x10000n) found.add(`field:${x.width}:${off}`);
  }
  return [...found].sort();
}

const GUIDED_ROWS = 16;
const PREFERRED = [0n, 1n, -1n, 2n, 4n, 8n, 16n, 0x7fn, 0x80n, 0xffn, 0x7fffffffn, -0x80000000n];

/** A satisfying assignment moved, input by input, to the first preferred value that keeps the constraint true. */
function canonicalModel(ev: SymEvaluator, constraint: Sym, inputs: readonly Sym[], model: readonly Concrete[], prefs: readonly bigint[]): Concrete[] {
  const values = [...model];
  for (let j = 0; j < inputs.length; j++) {
    const keep = values[j]!;
    for (const p of prefs) {
      const v = truncate(p, inputs[j]!.width);
      if (v === keep) break;
      values[j] = v;
      ev.run(values);
      if (ev.value(constraint) !== 0) break;
      values[j] = keep;
    }
  }
  return values;
}

/** The constants a constraint compares with and their neighbours (c, -c, c ± 1), first seen first. */
function nearConstants(constraint: Sym): bigint[] {
  const out = new Set<bigint>();
  let found = 0;
  forEachNode(constraint, (x) => {
    if (x.kind === 'const' && x.width > 1) {
      const c = BigInt.asIntN(x.width, x.value);
      for (const v of [c, -c, c + 1n, c - 1n]) out.add(v);
      if (++found >= 16) return false;
    }
    return true;
  });
  return [...out];
}

/** Assignments drawn from the constraint's constants (and 0). */
function guidedRows(near: readonly bigint[], inputs: readonly Sym[]): Concrete[][] {
  const ks = [...new Set([0n, ...near])];
  const rows: Concrete[][] = [];
  // Rows where every input is the same value satisfy x == y, x - y == 0 and x == 0 alike.
  for (const v of [0n, 1n, -1n, 2n, ...ks.slice(1, 5)]) rows.push(inputs.map((x) => truncate(v, x.width)));
  for (let r = 0; r < GUIDED_ROWS; r++) {
    rows.push(inputs.map((x, j) => truncate(ks[(r + j * 7 + ((r * j) >> 1)) % ks.length]!, x.width)));
  }
  return rows;
}

/** Columns (input index by id) of the inputs an expression reads. */
function supportOf(root: Sym, column: ReadonlyMap<number, number>): number[] {
  const found: number[] = [];
  forEachNode(root, (s) => { const i = column.get(s.id); if (i !== undefined) found.push(i); });
  return found.sort((a, b) => a - b);
}

/**
 * Inputs in an order decided by structure alone: outputs sorted by a shape hash that ignores
 * register names, widths and extensions, then a depth-first walk visiting commutative operands
 * in shape order; an input's position is where the walk first meets it.
 */
export function canonicalInputs(outputs: readonly Sym[], constraint: Sym): Sym[] {
  const shape = new Map<number, number>();
  const shapeOf = (s: Sym): number => {
    const hit = shape.get(s.id);
    if (hit !== undefined) return hit;
    let h: number;
    switch (s.kind) {
      case 'const': h = new Hasher().int(1).int(Number(s.value & 0xffffffffn)).value(); break;
      case 'input': h = new Hasher().int(2).str(inputClass(s.name)).value(); break;
      case 'zext': case 'sext': h = shapeOf(s.args[0]); break;
      case 'extract': h = s.lo === 0 ? shapeOf(s.args[0]) : new Hasher().int(3).int(s.lo).int(shapeOf(s.args[0])).value(); break;
      case 'unop': h = new Hasher().int(4).str(s.op).int(shapeOf(s.args[0])).value(); break;
      case 'binop': case 'cmp': {
        const a = shapeOf(s.args[0]), b = shapeOf(s.args[1]);
        const [x, y] = isCommutative(s) && a > b ? [b, a] : [a, b];
        h = new Hasher().int(5).str(s.op).int(x).int(y).value();
        break;
      }
      case 'concat': h = new Hasher().int(6).int(shapeOf(s.args[0])).int(shapeOf(s.args[1])).value(); break;
      case 'ite': h = new Hasher().int(7).int(shapeOf(s.args[0])).int(shapeOf(s.args[1])).int(shapeOf(s.args[2])).value(); break;
      case 'opaque': h = new Hasher().int(8).str(s.name).int(s.args.length).value(); break;
      default: return assertNever(s, 'expression');
    }
    shape.set(s.id, h);
    return h;
  };
  const order: Sym[] = [];
  const seen = new Set<number>();
  const walk = (s: Sym): void => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    if (s.kind === 'input') { order.push(s); return; }
    // Commutative operands in shape order (two of them: compared, not sorted, to spare an array per node).
    if ((s.kind === 'binop' || s.kind === 'cmp') && isCommutative(s) && shapeOf(s.args[1]) < shapeOf(s.args[0])) { walk(s.args[1]); walk(s.args[0]); return; }
    for (const a of argsOf(s)) walk(a);
  };
  const roots = [...outputs].sort((a, b) => shapeOf(a) - shapeOf(b));
  for (const r of roots) walk(r);
  walk(constraint);
  return order;
}

/** What kind of input a name denotes, without the register's name: `r`, `f`, `mem`, `call:memcpy`. */
function inputClass(name: string): string {
  if (name.startsWith('call:')) return name.replace(/#\d+$/, '');
  if (name.startsWith('mem')) return 'mem';
  return name.slice(0, 1);
}
