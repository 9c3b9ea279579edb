/**
 * A project recipe: which Debian source package to fetch, and which libraries and programs to
 * compile from which of its files, with which defines. Recipes replace each project's own build
 * system (autotools, CMake): running `configure` once per variant would cost more than the
 * compiles, and a short explicit list compiles the same code identically for every toolchain.
 * Where a project needs a `config.h`, the recipe carries a hand-written one that asks the
 * compiler for target facts (`__SIZEOF_LONG__`, `__BYTE_ORDER__`) instead of hard-coding them.
 */

export interface ProjectRecipe {
  /** Name in the corpus and on the command line (`zlib`). */
  readonly name: string;
  /** Debian source package and the exact version the file lists were written for. */
  readonly sourcePackage: string;
  readonly version: string;
  /** Flags for every compile: defines and include folders. `{src}` is the source tree, `{gen}` the generated files. */
  readonly cflags: readonly string[];
  /** Files written into `{gen}` before compiling (a hand-written config.h), by name. */
  readonly generated?: Readonly<Record<string, string>>;
  /** In build order: a program may link a library listed before it. */
  readonly binaries: readonly BinaryRecipe[];
}

export interface BinaryRecipe {
  /** File name, the same in every variant (`libz.so`, `minigzip`). */
  readonly name: string;
  readonly kind: 'shared' | 'program';
  /**
   * Source files relative to the source tree. `dir/**\/*.c` takes every .c file below dir,
   * `dir/*.c` those directly in it; `!path` drops a file the patterns took.
   */
  readonly sources: readonly string[];
  readonly cflags?: readonly string[];
  /** Libraries of this project (earlier binaries) the binary links against. */
  readonly linkWith?: readonly string[];
  /** System libraries and other link flags (`-lpthread`, `-Wl,--version-script,{src}/zlib.map`). */
  readonly ldflags?: readonly string[];
}
