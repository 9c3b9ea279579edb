/*
 * wide.c - 64-bit arithmetic inside long-returning functions. On the 32-bit
 * targets this exercises register pairs, carries and the libgcc helpers
 * (__muldi3, __udivdi3, __aeabi_ldivmod, ...); the result folds to a long.
 */
#include "../dt.h"

static inline long fold(ullong v)
{
    return (long)(ulong)(v ^ (v >> 29));
}

/* A 64-bit value from two longs, so 32-bit targets see full 64-bit operands. */
static inline ullong join(long hi, long lo)
{
    return ((ullong)(ulong)hi << 32) ^ (ullong)(ulong)lo;
}

NOINLINE long dt_ll_mul(long a, long b, long c, long d)
{
    ullong x = join(a, b), y = join(c, d);
    ullong p = x * y;
    ullong q = (ullong)(uint32_t)a * (uint32_t)c;   /* 32x32->64 widening */
    llong s = (llong)(int32_t)b * (int32_t)d;       /* signed widening */
    return fold(p + q + (ullong)s);
}

NOINLINE long dt_ll_udiv(long a, long b, long c, long d)
{
    ullong x = join(a, b);
    ullong y = join(c & 0xffff, d);
    if (y == 0)
        y = 1;
    ullong q = x / y, r = x % y;
    ullong z = x / 1000003u;
    return fold(q ^ (r << 7) ^ z);
}

NOINLINE long dt_ll_sdiv(long a, long b, long c, long d)
{
    llong x = (llong)join(a, b);
    llong y = (llong)c * 65537 + d;
    if (y == 0)
        y = 3;
    if (x == LLONG_MIN && y == -1)
        y = 1;
    llong q = x / y, r = x % y;
    return fold((ullong)q + (ullong)r * 11u + (ullong)(x / -10));
}

NOINLINE long dt_ll_shift(long a, long b, long c, long d)
{
    ullong x = join(a, b);
    unsigned n = (unsigned)c & 63, m = (unsigned)d & 63;
    ullong l = x << n;
    ullong r = x >> m;
    llong s = (llong)x >> n;
    ullong rot = (x << m) | (x >> (-m & 63));
    return fold(l ^ (r * 3u) ^ (ullong)s ^ (rot << 1));
}

NOINLINE long dt_ll_cmp(long a, long b, long c, long d)
{
    llong x = (llong)join(a, b), y = (llong)join(c, d);
    ullong ux = (ullong)x, uy = (ullong)y;
    long m = 0;
    m |= (x < y) << 0;
    m |= (x <= y) << 1;
    m |= (x == y) << 2;
    m |= (ux < uy) << 3;
    m |= (ux >= uy) << 4;
    m |= (x > 0) << 5;
    m |= (x < (llong)a) << 6;
    m |= ((ullong)x > 0xffffffffull) << 7;
    llong mx = x > y ? x : y;
    return m + (fold((ullong)mx) & ~255l);
}
