/*
 * strings.c - strings built on the stack from the arguments; length, reverse,
 * count, hash and compare written by hand (no libc).
 */
#include "../dt.h"

/* Writes the decimal form of v (with '-' when negative) at s; returns the length. */
NOINLINE int dt_format_long(char *s, long v)
{
    char tmp[24];
    ulong u = v < 0 ? 0ul - (ulong)v : (ulong)v;
    int n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        s[len++] = '-';
    while (n > 0)
        s[len++] = tmp[--n];
    s[len] = '\0';
    return len;
}

NOINLINE long dt_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return p - s;
}

NOINLINE long dt_str_len(long a, long b, long c, long d)
{
    char buf[64];
    int n = dt_format_long(buf, a);
    buf[n++] = ',';
    n += dt_format_long(buf + n, b);
    /* pad with (c & 7) letters */
    for (long i = 0; i < (c & 7); i++)
        buf[n++] = (char)('a' + i);
    buf[n] = '\0';
    return dt_strlen(buf) * 100 + (unsigned char)buf[n - 1];
}

NOINLINE long dt_str_reverse_hash(long a, long b, long c, long d)
{
    char buf[56];
    int n = dt_format_long(buf, a);
    n += dt_format_long(buf + n, (long)((ulong)b ^ (ulong)c));
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        char t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
    }
    uint32_t h = 2166136261u;       /* FNV-1a */
    for (const char *p = buf; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    return (long)(h & 0x7fffffff) + n;
}

NOINLINE long dt_str_count(long a, long b, long c, long d)
{
    char buf[56];
    int n = dt_format_long(buf, a);
    buf[n++] = ' ';
    dt_format_long(buf + n, b);
    char want = (char)('0' + (c & 7));
    long count = 0, spaces = 0, minus = 0;
    for (const char *p = buf; *p; p++) {
        count += *p == want;
        spaces += *p == ' ';
        minus += *p == '-';
    }
    return count * 10000 + spaces * 100 + minus;
}

NOINLINE int dt_strcmp(const char *s, const char *t)
{
    while (*s && *s == *t) {
        s++;
        t++;
    }
    return (unsigned char)*s - (unsigned char)*t;
}

NOINLINE long dt_str_cmp(long a, long b, long c, long d)
{
    char x[32], y[32];
    dt_format_long(x, a);
    dt_format_long(y, b);
    int r = dt_strcmp(x, y);
    int s = dt_strcmp(y, x);
    /* upper-case copy compared with itself from an offset */
    char z[32];
    int i = 0;
    for (; x[i]; i++)
        z[i] = (char)(x[i] ^ (c & 1 ? 0x20 : 0));
    z[i] = '\0';
    return (long)(r * 1000 + s) * 4 + (dt_strcmp(x, z) != 0) * 2 + (x[0] == y[0]);
}
