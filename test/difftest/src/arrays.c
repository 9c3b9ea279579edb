/* arrays.c - arrays on the stack: sorting, prefix sums, histograms. */
#include "../dt.h"

/* Insertion sort of eight longs derived from the arguments. */
NOINLINE long dt_sort_small(long a, long b, long c, long d)
{
    long v[8];
    v[0] = a; v[1] = b; v[2] = c; v[3] = d;
    v[4] = (long)((ulong)a - (ulong)b);
    v[5] = (long)((ulong)c ^ (ulong)d);
    v[6] = a >> 3;
    v[7] = (long)((ulong)d * 3u);
    for (int i = 1; i < 8; i++) {
        long key = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > key) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = key;
    }
    ulong h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 31u + (ulong)v[i];
    return (long)h;
}

NOINLINE long dt_prefix_sums(long a, long b, long c, long d)
{
    long v[16];
    ulong x = (ulong)a;
    for (int i = 0; i < 16; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (long)((x >> 8) & 0xffff) - 0x8000 + b;
    }
    for (int i = 1; i < 16; i++)
        v[i] = (long)((ulong)v[i] + (ulong)v[i - 1]);
    return (long)((ulong)v[c & 15] ^ ((ulong)v[15] << 4) ^ (ulong)v[d & 7]);
}

NOINLINE long dt_histogram(long a, long b, long c, long d)
{
    int hist[16];
    for (int i = 0; i < 16; i++)
        hist[i] = 0;
    ulong x = (ulong)a ^ ((ulong)b << 7);
    int n = (int)(c & 31) + 16;
    for (int i = 0; i < n; i++) {
        x ^= x << 7;
        x ^= x >> 9;
        x += 0x9e37u;
        hist[(x >> 3) & 15]++;
    }
    long best = 0;
    ulong sig = 0;
    for (int i = 0; i < 16; i++) {
        if (hist[i] > hist[best])
            best = i;
        sig = sig * 3u + (ulong)hist[i];
    }
    return (long)(sig ^ (ulong)best << 24);
}

/* Bubble sort of the bytes of a and b; the result packs the sorted bytes. */
NOINLINE long dt_sort_bytes(long a, long b, long c, long d)
{
    unsigned char buf[12];
    for (int i = 0; i < 6; i++) {
        buf[i] = (unsigned char)((ulong)a >> (i * 5));
        buf[6 + i] = (unsigned char)((ulong)b >> (i * 3));
    }
    for (int i = 0; i < 11; i++)
        for (int j = 0; j < 11 - i; j++)
            if (buf[j] > buf[j + 1]) {
                unsigned char t = buf[j];
                buf[j] = buf[j + 1];
                buf[j + 1] = t;
            }
    ulong r = 0;
    for (int i = 0; i < 12; i += 2)
        r = (r << 5) ^ buf[i] ^ ((ulong)buf[i + 1] << 2);
    return (long)r;
}
