/** `semblance exec BIN:FUNC ARGS…`: call a function in the concrete interpreter. */
import { callFunction, openExecutable, parseArgs } from '../exec/call.js';
import { splitTarget } from '../program/lookup.js';
import { SemblanceError } from '../util/errors.js';
import type { Output } from './show.js';

const USAGE = 'usage: semblance exec BIN:FUNC ARGS [ARGS…] [--json] [--max-steps N]   (ARGS: comma-separated integers, e.g. 3,-7,0,12)';

/** JSON numbers lose precision past 2^53: such values are written as decimal strings. */
const jsonInt = (v: bigint) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

export async function execCommand(args: string[], json: boolean, maxSteps: string | undefined, io: Output): Promise<number> {
  if (args.length < 2) throw new SemblanceError('usage', USAGE);
  const { file, func } = splitTarget(args[0]!);
  if (!func) throw new SemblanceError('usage', `${USAGE}\n(no function given: write BIN:FUNC)`);
  const vectors = args.slice(1).map(parseArgs);
  const steps = maxSteps === undefined ? undefined : Number(maxSteps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new SemblanceError('usage', `--max-steps must be a positive integer, not ${maxSteps}`);
  const exe = await openExecutable(file);
  const results = vectors.map((v) => callFunction(exe, func, v, steps ? { maxSteps: steps } : {}));
  if (json) {
    io.out(JSON.stringify({
      file, function: func, arch: exe.image.arch,
      results: results.map((r) => ({ args: r.args.map(jsonInt), ...(r.error !== undefined ? { error: r.error } : { returns: jsonInt(r.returns!) }), steps: r.steps })),
    }));
  } else {
    for (const r of results) io.out(`${func}(${r.args.join(', ')}) = ${r.error !== undefined ? `error: ${r.error}` : r.returns!.toString()}  [${r.steps} steps]`);
  }
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}
