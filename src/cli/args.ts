import { SemblanceError } from '../util/errors.js';

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** `--flag`, `--key value` and `--key=value`; everything else is positional. */
export function parseArgs(argv: readonly string[], valued: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) flags.set(key, a.slice(eq + 1));
    else if (valued.includes(key)) {
      const v = argv[++i];
      if (v === undefined) throw new SemblanceError('usage', `--${key} needs a value`);
      flags.set(key, v);
    } else flags.set(key, true);
  }
  return { positional, flags };
}
