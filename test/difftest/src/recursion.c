/* recursion.c - direct and mutual recursion with bounded depth. */
#include "../dt.h"

NOINLINE long dt_fib_rec(long n)
{
    return n < 2 ? n : dt_fib_rec(n - 1) + dt_fib_rec(n - 2);
}

NOINLINE long dt_fib(long a, long b, long c, long d)
{
    long n = a & 15;
    if (n > 12)
        n = 12;                     /* fib(12): 465 calls */
    return dt_fib_rec(n) * 10 + (b & 7);
}

NOINLINE ulong dt_gcd_rec(ulong x, ulong y)
{
    return y == 0 ? x : dt_gcd_rec(y, x % y);
}

NOINLINE long dt_gcd(long a, long b, long c, long d)
{
    ulong x = a < 0 ? 0ul - (ulong)a : (ulong)a;
    ulong y = b < 0 ? 0ul - (ulong)b : (ulong)b;
    return (long)dt_gcd_rec(x, y) + (long)dt_gcd_rec((ulong)c & 0xffff, 360);
}

NOINLINE long dt_ack(long m, long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return dt_ack(m - 1, 1);
    return dt_ack(m - 1, dt_ack(m, n - 1));
}

/* At most ack(3, 2) = 29: about 540 calls, recursion depth 30. */
NOINLINE long dt_ackermann(long a, long b, long c, long d)
{
    long m = a & 3, n = b & 3;
    return dt_ack(m, m == 3 && n == 3 ? 2 : n);
}

NOINLINE long dt_is_odd(ulong n);

NOINLINE long dt_is_even(ulong n)
{
    return n == 0 ? 1 : dt_is_odd(n - 1);
}

NOINLINE long dt_is_odd(ulong n)
{
    return n == 0 ? 0 : dt_is_even(n - 1);
}

/* Hofstadter's female and male sequences. */
NOINLINE long dt_hof_m(long n);

NOINLINE long dt_hof_f(long n)
{
    return n == 0 ? 1 : n - dt_hof_m(dt_hof_f(n - 1));
}

NOINLINE long dt_hof_m(long n)
{
    return n == 0 ? 0 : n - dt_hof_f(dt_hof_m(n - 1));
}

NOINLINE long dt_mutual(long a, long b, long c, long d)
{
    return dt_is_even((ulong)a & 63) * 1000 + dt_hof_f(b & 15) * 10 + dt_hof_m(c & 7);
}

NOINLINE ulong dt_pow_rec(ulong x, unsigned e)
{
    if (e == 0)
        return 1;
    ulong h = dt_pow_rec(x, e / 2);
    return (e & 1) ? h * h * x : h * h;
}

NOINLINE long dt_power(long a, long b, long c, long d)
{
    return (long)(dt_pow_rec((ulong)a, (unsigned)b & 63) + dt_pow_rec((ulong)c & 7, 5));
}
