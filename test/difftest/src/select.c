/* select.c - conditional selects (cmov, csel, movn/movz, IT blocks). */
#include "../dt.h"

NOINLINE long dt_select(long a, long b, long c, long d)
{
    long x = a < b ? c : d;
    long y = (ulong)a < (ulong)b ? b : a;
    long z = c == 0 ? d : 7;
    long w = d & 1 ? -c : c;
    return (long)((ulong)x + (ulong)y * 3u + (ulong)z * 5u + (ulong)w * 7u);
}

NOINLINE long dt_select_flags(long a, long b, long c, long d)
{
    long r = 0;
    r += a > 0;
    r += (b < 0) * 2;
    r += (a == c) * 4;
    r += (a != d) * 8;
    r += ((ulong)b >= (ulong)c) * 16;
    r += (c <= d) * 32;
    r += (a >= -5 && a <= 5) * 64;
    r += ((a ^ b) < 0) * 128;               /* signs differ */
    return r | ((c > d ? c - (d >> 1) : d - (c >> 1)) & ~255l);
}
