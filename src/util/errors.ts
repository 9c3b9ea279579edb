/**
 * Errors that reach a user. Every failure the core can foresee (bad input, unsupported
 * architecture, unknown function) is a SemblanceError with a one-line message; anything else
 * is a bug. The CLI prints `message` and exits; nothing below the CLI prints or exits.
 */
export type ErrorCode =
  | 'not-found'
  | 'io'
  | 'empty'
  | 'not-elf'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'no-such-function'
  | 'usage';

export class SemblanceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SemblanceError';
  }
}

/** A malformed or unsupported file: the message always starts with the file's name. */
export function fileError(code: ErrorCode, file: string, problem: string): SemblanceError {
  return new SemblanceError(code, `${file}: ${problem}`);
}

/** Ends every exhaustive switch: a new kind is a compile error until it is handled. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
