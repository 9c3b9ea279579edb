/** `semblance diff`, `index` and `search`: the daily commands over a similarity method. */
import { existsSync } from 'node:fs';
import { methodByName } from '../search/methods.js';
import { analyseBinary } from '../search/analyse.js';
import { diffBinaries } from '../search/diff.js';
import { indexFile, searchFunction } from '../search/query.js';
import { SqliteStore } from '../store/sqlite.js';
import { splitTarget } from '../program/lookup.js';
import { SemblanceError } from '../util/errors.js';
import type { Output } from './show.js';

export interface SimilarityOptions {
  readonly json: boolean;
  readonly method: string;
  readonly top: number;
  readonly db: string;
}

const hex = (a: number) => '0x' + a.toString(16);

export function parseTop(v: string | true | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1) throw new SemblanceError('usage', `--top must be a positive integer, not ${String(v)}`);
  return n;
}

// main.ts closes every method (and with it Z3's threads) when a command ends.
export async function diffCommand(args: string[], o: SimilarityOptions, io: Output): Promise<number> {
  if (args.length !== 2) throw new SemblanceError('usage', 'usage: semblance diff A B [--method M] [--top K] [--json]');
  const m = methodByName(o.method);
  const a = await analyseBinary(m, args[0]!);
  const b = await analyseBinary(m, args[1]!);
  const matches = diffBinaries(m, a, b, o.top);
  if (o.json) {
    io.out(JSON.stringify({ a: a.file, b: b.file, method: m.name, matches }));
  } else {
    io.out(`${a.file} → ${b.file}  (${m.name}; ${a.functions.length} → ${b.functions.length} functions)`);
    for (const x of matches) {
      const best = x.b ? `${x.b.name} ${hex(x.b.address)}` : '(no match)';
      io.out(`${x.a.name.padEnd(28)} ${hex(x.a.address).padEnd(10)} → ${best.padEnd(40)} ${x.score.toFixed(3)}`);
    }
  }
  return 0;
}

export async function indexCommand(args: string[], o: SimilarityOptions, io: Output, progress: (line: string) => void): Promise<number> {
  if (args.length === 0) throw new SemblanceError('usage', 'usage: semblance index BIN… [--db FILE] [--method M] [--json]');
  const m = methodByName(o.method); // an unknown method fails before any database is created
  const store = new SqliteStore(o.db);
  try {
    const outcomes = [];
    for (const [i, file] of args.entries()) {
      progress(`[${i + 1}/${args.length}] ${file}`);
      const r = existsSync(file) ? await indexFile(m, store, file) : { file, status: 'error' as const, error: `${file}: not found` };
      outcomes.push(r);
      if (!o.json) {
        if (r.status === 'indexed') io.out(`${file}: ${r.functions} functions indexed (${(r.ms / 1000).toFixed(1)} s)`);
        else if (r.status === 'unchanged') io.out(`${file}: already indexed`);
        else io.out(`${file}: skipped: ${r.error}`);
      }
    }
    const totals = store.counts();
    if (o.json) io.out(JSON.stringify({ db: o.db, method: m.name, files: outcomes, totals }));
    else io.out(`${o.db}: ${totals.files} files, ${totals.functions} function records`);
    return outcomes.some((r) => r.status === 'error') ? 1 : 0;
  } finally { store.close(); }
}

export async function searchCommand(args: string[], o: SimilarityOptions, io: Output): Promise<number> {
  const target = args[0];
  if (args.length !== 1 || !target) throw new SemblanceError('usage', 'usage: semblance search BIN:FUNC [--db FILE] [--method M] [--top K] [--json]');
  const { file, func } = splitTarget(target);
  if (!func) throw new SemblanceError('usage', 'usage: semblance search BIN:FUNC (no function given)');
  if (!existsSync(o.db)) throw new SemblanceError('not-found', `${o.db}: no database (create one with semblance index)`);
  const m = methodByName(o.method);
  const store = new SqliteStore(o.db);
  try {
    const r = await searchFunction(m, store, file, func, o.top);
    if (o.json) io.out(JSON.stringify({ query: r.query, method: m.name, candidates: r.candidates, results: r.results }));
    else {
      io.out(`${r.query.file}:${r.query.name} (${hex(r.query.address)}) against ${r.candidates} functions (${m.name})`);
      // Evidence is method-specific (BinGo: shared behaviours; Trex: the cosine), so only its size is shown here.
      for (const x of r.results) io.out(`${x.score.toFixed(3)}  ${x.file}:${x.name} ${hex(x.address)}  (${x.evidence.length} evidence item${x.evidence.length === 1 ? '' : 's'}; --json shows them)`);
    }
    return 0;
  } finally { store.close(); }
}
