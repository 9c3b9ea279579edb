/*
 * dt.h - shared definitions of the differential test suite.
 *
 * Every suite function has the shape  long NAME(long a, long b, long c, long d)
 * and is listed once in funcs.h. The functions are pure integer code: no
 * floating point, no libc calls, no writable globals, so Semblance's
 * interpreter can run one of them on its own and must agree with qemu-user
 * running the same machine code (see scripts/difftest.ts).
 *
 * Undefined behaviour is avoided on purpose: signed overflow is computed in
 * unsigned arithmetic and cast back (GCC defines the conversion as modulo),
 * shift amounts are masked to the width, divisors are guarded.
 */
#ifndef DT_H
#define DT_H

#include <limits.h>
#include <stdint.h>

#define NOINLINE __attribute__((noinline))
/* Bits in a long: 32 on i686/ARM/MIPS, 64 on x86-64/AArch64. */
#define WBITS ((int)(sizeof(long) * CHAR_BIT))
#define WMASK (WBITS - 1)

typedef unsigned long ulong;
typedef long long llong;
typedef unsigned long long ullong;

#include "funcs.h"

#define DT_DECLARE(name) long name(long a, long b, long c, long d);
DIFFTEST_FUNCS(DT_DECLARE)
#undef DT_DECLARE

#endif
