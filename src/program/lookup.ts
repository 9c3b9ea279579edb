import { existsSync } from 'node:fs';
import { SemblanceError } from '../util/errors.js';
import type { FunctionInfo, Program } from './program.js';

/** Splits `BIN:FUNC` (FUNC a name or 0x… address); a path that exists as given has no FUNC. */
export function splitTarget(arg: string): { file: string; func?: string } {
  if (existsSync(arg)) return { file: arg };
  const i = arg.lastIndexOf(':');
  if (i <= 0) return { file: arg };
  return { file: arg.slice(0, i), func: arg.slice(i + 1) };
}

/** The function named `func` (a symbol name, alias, `sub_…` name or `0x…` address). */
export function findFunction(program: Program, func: string): FunctionInfo {
  const fs = program.functions;
  if (/^0x[0-9a-f]+$/i.test(func)) {
    const a = parseInt(func, 16);
    const f = fs.find((x) => x.address === a) ?? fs.find((x) => a >= x.address && a < x.address + x.size);
    if (f) return f;
  } else {
    const f = fs.find((x) => x.name === func) ?? fs.find((x) => x.aliases.includes(func));
    if (f) return f;
  }
  throw new SemblanceError('no-such-function', `${program.image.file}: no function ${func}`);
}
