/* loops.c - counted and data-dependent loops, all with small bounds. */
#include "../dt.h"

NOINLINE long dt_sum_loop(long a, long b, long c, long d)
{
    ulong sum = 0;
    long n = c & 63;
    for (long i = 0; i < n; i++)
        sum += (ulong)i * (ulong)a + (ulong)b;
    return (long)sum;
}

NOINLINE long dt_product_loop(long a, long b, long c, long d)
{
    ulong p = 1;
    long n = b & 31;
    for (long i = 0; i < n; i++)
        p *= ((ulong)a + (ulong)i) | 1u;
    return (long)p;
}

/* Collatz steps from (a & 0xffff) + 1, at most 250 steps. */
NOINLINE long dt_collatz(long a, long b, long c, long d)
{
    ulong x = ((ulong)a & 0xffffu) + 1;
    long steps = 0;
    ulong peak = x;
    while (x != 1 && steps < 250) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        if (x > peak)
            peak = x;
        steps++;
    }
    return steps + (long)(peak & 0xffffff) * 256;
}

NOINLINE long dt_nested_loop(long a, long b, long c, long d)
{
    ulong acc = (ulong)c;
    long n = a & 7, m = b & 7;
    for (long i = 0; i <= n; i++) {
        for (long j = 0; j <= m; j++) {
            if ((i + j) % 3 == 0)
                continue;
            acc = acc * 33u + (ulong)(i * j) + (ulong)d;
            if (acc == 0)
                break;
        }
    }
    return (long)acc;
}

/* Number of decimal digits and digit sum of |a|, via a do-while loop. */
NOINLINE long dt_digits(long a, long b, long c, long d)
{
    ulong x = a < 0 ? 0ul - (ulong)a : (ulong)a;
    long n = 0, s = 0;
    do {
        s += (long)(x % 10);
        x /= 10;
        n++;
    } while (x != 0);
    return n * 1000 + s;
}

/* Integer square root, bit by bit. */
NOINLINE long dt_isqrt(long a, long b, long c, long d)
{
    ulong x = (ulong)a;
    ulong r = 0;
    ulong bit = 1ul << (WBITS - 2);
    while (bit > x)
        bit >>= 2;
    while (bit != 0) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return (long)(r * 1000u + (x & 0x3ff));
}
