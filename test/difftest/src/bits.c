/* bits.c - bit tricks: popcount, clz/ctz, byte swap, masks, bit fields. */
#include "../dt.h"

NOINLINE long dt_popcount_loop(long a, long b, long c, long d)
{
    ulong x = (ulong)a;
    long n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    /* and the shift-and-test form */
    ulong y = (ulong)b;
    for (int i = 0; i < WBITS; i++)
        n += (long)((y >> i) & 1) * 100;
    return n;
}

NOINLINE long dt_popcount_builtin(long a, long b, long c, long d)
{
    return __builtin_popcountl((ulong)a) + __builtin_popcountl((ulong)b) * 100
        + __builtin_popcount((unsigned)c & 0xffffu) * 10000;
}

NOINLINE long dt_clz_ctz(long a, long b, long c, long d)
{
    long lz = a == 0 ? WBITS : __builtin_clzl((ulong)a);
    long tz = b == 0 ? WBITS : __builtin_ctzl((ulong)b);
    ullong w = (ullong)(ulong)c << 32 | (uint32_t)d;
    long lzll = w == 0 ? 64 : __builtin_clzll(w);
    long tzll = w == 0 ? 64 : __builtin_ctzll(w);
    return lz * 1000000 + tz * 10000 + lzll * 100 + tzll;
}

NOINLINE long dt_bswap(long a, long b, long c, long d)
{
    uint32_t x = __builtin_bswap32((uint32_t)a);
    uint64_t y = __builtin_bswap64((uint64_t)(ulong)b);
    uint16_t z = __builtin_bswap16((uint16_t)c);
    return (long)((ulong)x ^ (ulong)(y >> 16) ^ (ulong)y ^ z);
}

NOINLINE long dt_bit_tricks(long a, long b, long c, long d)
{
    ulong x = (ulong)a;
    ulong lowest = x & (0ul - x);       /* isolate lowest set bit */
    ulong cleared = x & (x - 1);        /* clear lowest set bit */
    long pow2 = x != 0 && cleared == 0;
    ulong p = (ulong)b;                 /* parity by xor folding */
    for (int s = WBITS / 2; s > 0; s >>= 1)
        p ^= p >> s;
    /* sign-extend the low (c & 31) + 1 bits of d */
    unsigned bits = ((unsigned)c & 31) + 1;
    ulong m = 1ul << (bits - 1);
    ulong field = (ulong)d & ((m << 1) - 1);
    long sext = (long)((field ^ m) - m);
    return (long)(lowest ^ (cleared << 1) ^ (ulong)pow2 ^ ((p & 1) << 5)) + sext;
}

NOINLINE long dt_bitfield(long a, long b, long c, long d)
{
    unsigned pos = (unsigned)b & 15;
    unsigned len = ((unsigned)c & 15) + 1;
    ulong mask = (1ul << len) - 1;
    ulong field = ((ulong)a >> pos) & mask;
    /* insert the field into d at position (pos + 3) */
    ulong dst = ((ulong)d & ~(mask << (pos + 3))) | (field << (pos + 3));
    return (long)(dst ^ field);
}
