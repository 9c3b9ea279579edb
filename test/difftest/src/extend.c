/* extend.c - char and short values: sign and zero extension, narrow arithmetic. */
#include "../dt.h"

NOINLINE long dt_char_ext(long a, long b, long c, long d)
{
    signed char sc = (signed char)a;
    unsigned char uc = (unsigned char)b;
    short ss = (short)c;
    unsigned short us = (unsigned short)d;
    int32_t si = (int32_t)(a >> 5);
    uint32_t ui = (uint32_t)(b >> 7);
    return (long)sc * 1000003 + (long)uc * 7 + (long)ss * 31 - (long)us + (long)si + (long)(ulong)ui;
}

NOINLINE long dt_narrow_arith(long a, long b, long c, long d)
{
    signed char s8[8];
    unsigned short u16[8];
    for (int i = 0; i < 8; i++) {
        s8[i] = (signed char)((ulong)a >> (i * 3));
        u16[i] = (unsigned short)((ulong)b * (ulong)(i + 1));
    }
    signed char t8 = 0;
    short t16 = 0;
    unsigned short tu = 0;
    long wide = 0;
    for (int i = 0; i < 8; i++) {
        t8 = (signed char)(t8 + s8[i]);         /* wraps at 8 bits */
        t16 = (short)(t16 * 3 + u16[i]);        /* wraps at 16 bits */
        tu = (unsigned short)(tu ^ (u16[i] >> 1));
        wide += s8[i] < 0 ? -1 : 1;
    }
    return (long)t8 * 65536 * 4 + (long)t16 * 8 + (long)tu + wide * 1000000 + (signed char)c;
}
