/* fnptr.c - indirect calls through a read-only table and through arguments. */
#include "../dt.h"

typedef long (*dt_binop)(long, long);

NOINLINE long dt_op_add(long x, long y) { return (long)((ulong)x + (ulong)y); }
NOINLINE long dt_op_sub(long x, long y) { return (long)((ulong)x - (ulong)y); }
NOINLINE long dt_op_mul(long x, long y) { return (long)((ulong)x * (ulong)y); }
NOINLINE long dt_op_xor(long x, long y) { return x ^ y; }
NOINLINE long dt_op_min(long x, long y) { return x < y ? x : y; }
NOINLINE long dt_op_shl(long x, long y) { return (long)((ulong)x << (y & 7)); }

static dt_binop const dt_ops[6] = {
    dt_op_add, dt_op_sub, dt_op_mul, dt_op_xor, dt_op_min, dt_op_shl,
};

NOINLINE long dt_fnptr_table(long a, long b, long c, long d)
{
    long acc = c;
    ulong sel = (ulong)a;
    for (int i = 0; i < 6; i++) {
        acc = dt_ops[sel % 6](acc, b + i);
        sel = sel / 6 + (ulong)d;
    }
    return acc;
}

NOINLINE long dt_apply_n(dt_binop f, long x, long y, int n)
{
    for (int i = 0; i < n; i++)
        x = f(x, y);
    return x;
}

NOINLINE long dt_fnptr_apply(long a, long b, long c, long d)
{
    dt_binop f = (c & 1) ? dt_op_add : dt_op_xor;
    dt_binop g = dt_ops[(ulong)d % 6];
    return dt_apply_n(f, a, b, (int)(c & 7)) ^ dt_apply_n(g, b, a, 3);
}
