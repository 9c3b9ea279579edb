/* structs.c - structs on the stack, passed by pointer, copied and returned. */
#include "../dt.h"

struct point {
    long x;
    long y;
    int tag;
    short weight;
    signed char flag;
};

struct pair {
    long lo;
    long hi;
};

NOINLINE void dt_point_scale(struct point *p, long k)
{
    p->x = (long)((ulong)p->x * (ulong)k);
    p->y = (long)((ulong)p->y + (ulong)k);
    p->tag ^= (int)k;
    p->weight = (short)(p->weight + 3);
    p->flag = (signed char)-p->flag;
}

NOINLINE long dt_point_dist(const struct point *p, const struct point *q)
{
    ulong dx = (ulong)p->x - (ulong)q->x;
    ulong dy = (ulong)p->y - (ulong)q->y;
    return (long)(dx * dx + dy * dy) + p->tag - q->tag + p->weight * q->flag;
}

NOINLINE struct pair dt_make_pair(long a, long b)
{
    struct pair r;
    r.lo = (long)((ulong)a + (ulong)b);
    r.hi = (long)((ulong)a ^ ((ulong)b << 1));
    return r;
}

NOINLINE long dt_struct_ptr(long a, long b, long c, long d)
{
    struct point p;
    p.x = a;
    p.y = b;
    p.tag = (int)c;
    p.weight = (short)d;
    p.flag = (signed char)(c >> 8);
    dt_point_scale(&p, d | 1);
    return (long)((ulong)p.x ^ (ulong)p.y ^ (ulong)(long)p.tag ^ (ulong)(long)p.weight ^ (ulong)(long)p.flag);
}

NOINLINE long dt_struct_copy(long a, long b, long c, long d)
{
    struct point p = { a, b, (int)c, (short)d, (signed char)(d >> 3) };
    struct point q = p;             /* struct copy */
    dt_point_scale(&q, c);
    struct point r;
    r = q;                          /* assignment copy */
    r.x ^= 0x55;
    return dt_point_dist(&p, &r) + dt_point_dist(&q, &p);
}

NOINLINE long dt_struct_return(long a, long b, long c, long d)
{
    struct pair p = dt_make_pair(a, b);
    struct pair q = dt_make_pair(c, p.hi);
    return (long)((ulong)p.lo * 3u + (ulong)q.lo - (ulong)q.hi);
}

NOINLINE long dt_struct_array(long a, long b, long c, long d)
{
    struct pair v[4];
    for (int i = 0; i < 4; i++) {
        v[i].lo = (long)((ulong)a + (ulong)i * (ulong)b);
        v[i].hi = (long)((ulong)c >> i);
    }
    long best = 0;
    for (int i = 1; i < 4; i++)
        if (v[i].lo > v[best].lo || (v[i].lo == v[best].lo && v[i].hi < v[best].hi))
            best = i;
    return (long)((ulong)v[best].lo ^ (ulong)v[best].hi ^ (ulong)best ^ (ulong)v[d & 3].hi);
}
