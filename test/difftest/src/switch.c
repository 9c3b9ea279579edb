/* switch.c - dense switches (jump tables) and sparse ones (compare trees). */
#include "../dt.h"

NOINLINE long dt_switch_dense(long a, long b, long c, long d)
{
    switch (a & 15) {
    case 0: return b + 1;
    case 1: return (long)((ulong)b * 3u);
    case 2: return b ^ c;
    case 3: return (long)((ulong)b - (ulong)c);
    case 4: return c >> 2;
    case 5: return (long)((ulong)c << 3);
    case 6: return ~b;
    case 7: return b & c;
    case 8: return b | d;
    case 9: return (long)((ulong)d + 100u);
    case 10: return -(long)(b & 0xff);
    case 11: return b < c;
    case 13: return (long)((ulong)b * (ulong)d);
    default: return 42;
    }
}

NOINLINE long dt_switch_sparse(long a, long b, long c, long d)
{
    long r;
    switch (a) {
    case -7: r = b; break;
    case 3: r = c; break;
    case 100: r = (long)((ulong)b + (ulong)c); break;
    case 1000: r = d; break;
    case 4096: r = b ^ d; break;
    case 65536: r = -1; break;
    case 123456789: r = (long)((ulong)c * 7u); break;
    default: r = a & 0xfff; break;
    }
    switch ((ulong)b % 1024u) {
    case 1: case 2: case 3: r += 10; break;
    case 500: r += 20; break;
    case 1000: r += 30; break;
    default: break;
    }
    return r;
}

/* A small stack machine: a dense switch inside a loop over read-only code. */
static const unsigned char dt_program[] = {
    1, 2, 0, 3, 4, 1, 5, 6, 7, 2, 0, 8, 3, 1, 9, 4, 6, 0, 2, 5,
};

NOINLINE long dt_switch_loop(long a, long b, long c, long d)
{
    ulong acc = (ulong)a, x = (ulong)b;
    int n = (int)(c & 15) + 5;
    for (int pc = 0; pc < n; pc++) {
        switch (dt_program[pc % (int)sizeof dt_program]) {
        case 0: acc += x; break;
        case 1: acc ^= acc >> 3; break;
        case 2: acc *= 5u; break;
        case 3: x = acc - x; break;
        case 4: acc = ~acc; break;
        case 5: x += (ulong)d; break;
        case 6: acc = (acc << 1) | (acc >> WMASK); break;
        case 7: x ^= 0xa5a5u; break;
        case 8: acc -= (ulong)pc; break;
        case 9: acc = acc & 0xffffu ? acc : acc + 1; break;
        }
    }
    return (long)(acc ^ x);
}
