/* shifts.c - shifts by a variable amount (masked to the width) and rotates. */
#include "../dt.h"

NOINLINE long dt_shl_var(long a, long b, long c, long d)
{
    ulong x = (ulong)a << (b & WMASK);
    ulong y = (ulong)c << (d & 7);
    return (long)(x ^ y);
}

NOINLINE long dt_sar_var(long a, long b, long c, long d)
{
    /* GCC defines >> of a negative value as an arithmetic shift. */
    long x = a >> (b & WMASK);
    long y = c >> (d & 3);
    return (long)((ulong)x + (ulong)y);
}

NOINLINE long dt_shr_var(long a, long b, long c, long d)
{
    ulong x = (ulong)a >> (b & WMASK);
    unsigned int y = (unsigned int)c >> (d & 31);
    return (long)(x - y);
}

/* Rotate left written in C; the compiler recognises the idiom. */
NOINLINE long dt_rotl(long a, long b, long c, long d)
{
    ulong x = (ulong)a;
    unsigned n = (unsigned)b & WMASK;
    ulong r = (x << n) | (x >> (-n & WMASK));
    /* and a rotate by a constant */
    ulong s = ((ulong)c << 13) | ((ulong)c >> (WBITS - 13));
    return (long)(r ^ s);
}

NOINLINE long dt_rotr32(long a, long b, long c, long d)
{
    uint32_t x = (uint32_t)a;
    unsigned n = (unsigned)b & 31;
    uint32_t r = (x >> n) | (x << (-n & 31));
    uint16_t h = (uint16_t)c;
    uint16_t hr = (uint16_t)((h >> 3) | (h << 13));
    return (long)(int32_t)(r ^ hr);
}
