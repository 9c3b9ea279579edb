import { readFileSync } from 'node:fs';
import type { Arch } from '../../src/binfmt/image.js';

export interface Fixture {
  readonly target: string;
  readonly opt: string;
  readonly program: string;
  readonly path: string;
  readonly stripped: string;
  readonly arch: Arch;
  /** A statically linked copy (libc included), where the build made one. */
  readonly static?: string;
}

/** The fixtures built by scripts/build-fixtures.sh (run by `npm test` before the tests). */
export function fixtures(): Fixture[] {
  return JSON.parse(readFileSync('build/fixtures/manifest.json', 'utf8')) as Fixture[];
}

export function fixture(target: string, opt: string, program: string): Fixture {
  const f = fixtures().find((x) => x.target === target && x.opt === opt && x.program === program);
  if (!f) throw new Error(`no fixture ${target}-${opt}/${program}`);
  return f;
}
