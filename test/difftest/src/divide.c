/* divide.c - signed and unsigned division and remainder. */
#include "../dt.h"

NOINLINE long dt_sdiv(long a, long b, long c, long d)
{
    long den = b == 0 ? 1 : b;
    if (a == LONG_MIN && den == -1)
        den = 1;
    long q = a / den;
    long r = a % den;
    long den2 = (c & 255) + 1;
    return (long)((ulong)q * 31u + (ulong)r + (ulong)(d / den2) + (ulong)(d % den2));
}

NOINLINE long dt_udiv(long a, long b, long c, long d)
{
    ulong den = (ulong)b == 0 ? 1 : (ulong)b;
    ulong den2 = (ulong)d == 0 ? 7 : (ulong)d;
    return (long)((ulong)a / den + ((ulong)c % den2) * 3u);
}

/* Division by constants: compiled to multiply-high sequences. */
NOINLINE long dt_div_const(long a, long b, long c, long d)
{
    long s = a / 7 + a % 10 - b / -3;
    ulong u = (ulong)c / 3u + (ulong)c % 1000u + (ulong)d / 100000u;
    return (long)((ulong)s ^ u);
}

/* Signed division by powers of two rounds towards zero. */
NOINLINE long dt_div_pow2(long a, long b, long c, long d)
{
    long s = a / 8 - a % 16 + b / 2 + b % 2;
    ulong u = (ulong)c / 32u + (ulong)c % 64u;
    return (long)((ulong)s + u * 5u);
}
