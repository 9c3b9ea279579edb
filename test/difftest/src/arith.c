/* arith.c - wrapping integer arithmetic (signed ops done in unsigned). */
#include "../dt.h"

NOINLINE long dt_add_wrap(long a, long b, long c, long d)
{
    ulong s = (ulong)a + (ulong)b;
    ulong t = (ulong)c - (ulong)d;
    /* carry and borrow as values */
    ulong carry = s < (ulong)a;
    ulong borrow = (ulong)c < (ulong)d;
    return (long)(s ^ (t << 1) ^ (carry << 2) ^ (borrow << 3));
}

NOINLINE long dt_mul_wrap(long a, long b, long c, long d)
{
    ulong p = (ulong)a * (ulong)b;
    ulong q = (ulong)c * 12345u + (ulong)d * (ulong)d;
    return (long)(p - q);
}

NOINLINE long dt_neg_sub(long a, long b, long c, long d)
{
    ulong n = 0ul - (ulong)a;
    ulong m = ~(ulong)b + 1u;
    long sum = (long)(n + m);
    return sum - (long)((ulong)c - (ulong)(d >> 1));
}

static const long poly_coeff[6] = { 3, -7, 11, 0, -2, 1 };

/* Horner's rule with coefficients from read-only data. */
NOINLINE long dt_poly(long a, long b, long c, long d)
{
    ulong x = (ulong)a;
    ulong r = 0;
    for (int i = 0; i < 6; i++)
        r = r * x + (ulong)poly_coeff[i];
    return (long)(r + (ulong)b);
}
