/* minmax.c - min, max, abs, clamp and saturating arithmetic. */
#include "../dt.h"

NOINLINE long dt_minmax(long a, long b, long c, long d)
{
    long mn = a < b ? a : b;
    long mx = a < b ? b : a;
    long lo4 = mn < c ? mn : c;
    lo4 = lo4 < d ? lo4 : d;
    ulong absa = a < 0 ? 0ul - (ulong)a : (ulong)a;   /* defined for LONG_MIN */
    long clamped = c < mn ? mn : c > mx ? mx : c;
    ulong umax = (ulong)c > (ulong)d ? (ulong)c : (ulong)d;
    return (long)((ulong)mn ^ ((ulong)mx << 1) ^ (ulong)lo4 ^ absa ^ ((ulong)clamped << 2) ^ umax);
}

static long sat_add(long x, long y)
{
    long s = (long)((ulong)x + (ulong)y);
    /* overflow when x and y have the same sign and s has the other */
    if (((x ^ s) & (y ^ s)) < 0)
        return x < 0 ? LONG_MIN : LONG_MAX;
    return s;
}

static long sat_sub(long x, long y)
{
    long s = (long)((ulong)x - (ulong)y);
    if (((x ^ y) & (x ^ s)) < 0)
        return x < 0 ? LONG_MIN : LONG_MAX;
    return s;
}

NOINLINE long dt_sat_add(long a, long b, long c, long d)
{
    long s = sat_add(a, b);
    long t = sat_sub(c, d);
    ulong us = (ulong)a + (ulong)c;
    if (us < (ulong)a)
        us = ULONG_MAX;             /* unsigned saturation */
    return (long)((ulong)s ^ ((ulong)t >> 1) ^ (us << 3));
}

/* Saturates four lanes to 0..255 and packs them, like packuswb. */
NOINLINE long dt_sat_u8(long a, long b, long c, long d)
{
    long in[4] = { a, b, c, d };
    ulong packed = 0;
    for (int i = 0; i < 4; i++) {
        long v = in[i] < 0 ? 0 : in[i] > 255 ? 255 : in[i];
        packed |= (ulong)v << (i * 8);
    }
    return (long)packed;
}

NOINLINE long dt_overflow_builtins(long a, long b, long c, long d)
{
    long s, p, q;
    ulong u;
    int o1 = __builtin_add_overflow(a, b, &s);
    int o2 = __builtin_mul_overflow(a, c, &p);
    int o3 = __builtin_sub_overflow(b, d, &q);
    int o4 = __builtin_add_overflow((ulong)c, (ulong)d, &u);
    int o5 = __builtin_mul_overflow((int32_t)a, (int32_t)d, &(int32_t){0});
    return (long)((ulong)s ^ ((ulong)p << 1) ^ ((ulong)q << 2) ^ (u << 3))
        + o1 + o2 * 2 + o3 * 4 + o4 * 8 + o5 * 16;
}
