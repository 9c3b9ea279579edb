/**
 * The corpus's compile targets: one row per corpus architecture, with the Debian toolchain that
 * builds for it. gcc is Debian's native or cross gcc (`<triple>-gcc`); clang is Debian's clang 14
 * driven with `--target=<triple>`, which finds the same cross binutils, libc and crt files under
 * /usr/<triple> and /usr/lib/gcc-cross. Strip is the matching cross binutils' `strip`, so the
 * stripped copy keeps every code address.
 */
import type { Compiler, CorpusArch, OptLevel } from '../corpus.js';

export const CORPUS_ARCHES: readonly CorpusArch[] = ['x86', 'x86_64', 'arm', 'arm-a32', 'aarch64', 'mips', 'mipsel'];
export const OPT_LEVELS: readonly OptLevel[] = ['O0', 'O1', 'O2', 'O3', 'Os'];
export const COMPILERS: readonly Compiler[] = ['gcc', 'clang'];

export interface Target {
  readonly arch: CorpusArch;
  /** GNU triple of the cross toolchain (and of `--target` for clang). */
  readonly triple: string;
  /** Flags that pick the instruction set where the triple leaves a choice, per compiler. */
  readonly flags: { readonly [C in Compiler]: readonly string[] };
}

const NONE = { gcc: [], clang: [] };
const ARMV7 = ['-march=armv7-a', '-mfpu=vfpv3-d16'];

const TARGETS: { readonly [A in CorpusArch]: Target } = {
  x86: { arch: 'x86', triple: 'i686-linux-gnu', flags: NONE },
  x86_64: { arch: 'x86_64', triple: 'x86_64-linux-gnu', flags: NONE },
  // Debian's armhf gcc targets armv7-a+fp in Thumb-2; clang is given the same CPU and FPU.
  arm: { arch: 'arm', triple: 'arm-linux-gnueabihf', flags: { gcc: ['-mthumb'], clang: [...ARMV7, '-mthumb'] } },
  'arm-a32': { arch: 'arm-a32', triple: 'arm-linux-gnueabihf', flags: { gcc: ['-marm'], clang: [...ARMV7, '-marm'] } },
  aarch64: { arch: 'aarch64', triple: 'aarch64-linux-gnu', flags: NONE },
  mips: { arch: 'mips', triple: 'mips-linux-gnu', flags: NONE },
  mipsel: { arch: 'mipsel', triple: 'mipsel-linux-gnu', flags: NONE },
};

export function target(arch: CorpusArch): Target {
  return TARGETS[arch];
}

export function isCorpusArch(s: string): s is CorpusArch {
  return (CORPUS_ARCHES as readonly string[]).includes(s);
}
export function isOptLevel(s: string): s is OptLevel {
  return (OPT_LEVELS as readonly string[]).includes(s);
}
export function isCompiler(s: string): s is Compiler {
  return (COMPILERS as readonly string[]).includes(s);
}

/** A compiler invocation for one target: the program and the flags that select the target. */
export interface Toolchain {
  readonly triple: string;
  readonly cc: string;
  readonly targetFlags: readonly string[];
  readonly strip: string;
}

/**
 * Resolves the commands for a compiler and target. `which` tells whether a program is on the
 * PATH (injected so tests and callers decide how to look).
 */
export function toolchain(compiler: Compiler, arch: CorpusArch, which: (program: string) => boolean): Toolchain {
  const t = TARGETS[arch];
  const strip = which(`${t.triple}-strip`) ? `${t.triple}-strip` : 'strip';
  switch (compiler) {
    case 'gcc': {
      // The native compiler serves x86_64 where no triple-named one is installed.
      const cc = !which(`${t.triple}-gcc`) && arch === 'x86_64' ? 'gcc' : `${t.triple}-gcc`;
      return { triple: t.triple, cc, targetFlags: t.flags.gcc, strip };
    }
    case 'clang': {
      const cc = which('clang-14') ? 'clang-14' : 'clang';
      return { triple: t.triple, cc, targetFlags: [`--target=${t.triple}`, ...t.flags.clang], strip };
    }
  }
}

/** `<compiler>-<arch>-<opt>`, the variant's folder name. */
export function variantName(compiler: Compiler, arch: CorpusArch, opt: OptLevel): string {
  return `${compiler}-${arch}-${opt}`;
}
