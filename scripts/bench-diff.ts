/**
 * Cross-binary accuracy on real libraries (a script, not a timed test): diff A against B with a
 * method and count, among A's functions whose exported name also names a function of B, how often
 * that function is ranked first and in the top 3. Names are used only for this scoring. GNU
 * indirect functions are left out of it: their symbol marks a resolver, not the code the name
 * stands for (libm's `sin` on x86-64, libatomic's functions on AArch64).
 *   node dist/scripts/bench-diff.js [--method bingo] [A B]…   (default: Debian's x86-64 libraries against their AArch64 builds)
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { methodByName, closeMethods } from '../src/search/methods.js';
import { analyseBinary } from '../src/search/analyse.js';
import { diffBinaries } from '../src/search/diff.js';
import { needsRoomyHeap, rerunWithRoomyHeap } from '../src/cli/heap.js';

if (needsRoomyHeap()) process.exit(await rerunWithRoomyHeap());

const argv = process.argv.slice(2);
const mi = argv.indexOf('--method');
const methodName = mi >= 0 ? argv.splice(mi, 2)[1]! : 'bingo';
const DEFAULT_PAIRS = ['libresolv.so.2', 'libthread_db.so.1', 'libanl.so.1', 'libnss_files.so.2', 'libatomic.so.1', 'libgomp.so.1', 'libm.so.6']
  .flatMap((l) => [`/lib/x86_64-linux-gnu/${l}`, `/usr/aarch64-linux-gnu/lib/${l}`]);
const files = argv.length ? argv : DEFAULT_PAIRS.filter(existsSync);
if (files.length % 2) throw new Error('give binaries in pairs: A B [A B]…');

const method = methodByName(methodName);
let all = 0, allFirst = 0, allTop3 = 0;
for (let p = 0; p < files.length; p += 2) {
  const [fa, fb] = [files[p]!, files[p + 1]!];
  const t0 = performance.now();
  const a = await analyseBinary(method, fa);
  const b = await analyseBinary(method, fb);
  const matches = diffBinaries(method, a, b, 3);
  const ms = performance.now() - t0;
  // Aliases share an address: a candidate is right when it sits where B's function of that name does.
  const where = new Map(b.functions.filter((f) => !f.name.startsWith('sub_') && !f.resolver).map((f) => [f.name, f.address]));
  const resolvers = new Set(a.functions.filter((f) => f.resolver).map((f) => f.address));
  let named = 0, first = 0, top3 = 0;
  for (const m of matches) {
    const truth = resolvers.has(m.a.address) ? undefined : where.get(m.a.name);
    if (truth === undefined) continue;
    named++;
    if (m.candidates[0]?.address === truth) first++;
    if (m.candidates.slice(0, 3).some((c) => c.address === truth)) top3++;
  }
  all += named; allFirst += first; allTop3 += top3;
  const name = fa.split('/').pop();
  console.log(`${methodName} ${name}: ${a.functions.length} × ${b.functions.length} functions in ${(ms / 1000).toFixed(1)} s; of ${named} named on both sides, first ${first} (${(100 * first / Math.max(named, 1)).toFixed(0)}%), top 3 ${top3}`);
}
console.log(`${methodName} all: of ${all} named, first ${allFirst} (${(100 * allFirst / Math.max(all, 1)).toFixed(1)}%), top 3 ${allTop3} (${(100 * allTop3 / Math.max(all, 1)).toFixed(1)}%)`);
await closeMethods();
