/*
 * harness.c - runs one suite function natively (under qemu-user) for the
 * differential test against Semblance's interpreter.
 *
 * Usage: suite NAME VECTOR...     prints NAME(VECTOR) for each vector
 *        suite --list             prints the function names
 *
 * A VECTOR is up to four comma-separated integers, e.g. 3,-7,0,12; missing
 * arguments are 0. Each integer is read with strtoll (negative) or strtoull
 * (otherwise) in base 0, so the full 64-bit range works; on 32-bit targets it
 * is then taken modulo 2^32. Each result is printed as a signed decimal long
 * on its own line. Exit status 2 on a usage error or malformed vector.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt.h"

typedef long (*dt_fn)(long, long, long, long);

struct dt_entry {
    const char *name;
    dt_fn fn;
};

#define DT_ENTRY(name) { #name, name },
static const struct dt_entry dt_table[] = { DIFFTEST_FUNCS(DT_ENTRY) };
#undef DT_ENTRY

#define DT_COUNT (sizeof dt_table / sizeof dt_table[0])

static int parse_vector(const char *text, long args[4])
{
    const char *p = text;
    for (int i = 0; i < 4; i++)
        args[i] = 0;
    for (int i = 0; *p; i++) {
        if (i == 4)
            return -1;
        char *end;
        unsigned long long v;
        errno = 0;
        if (*p == '-')
            v = (unsigned long long)strtoll(p, &end, 0);
        else
            v = strtoull(p, &end, 0);
        if (end == p || errno != 0 || (*end != ',' && *end != '\0'))
            return -1;
        args[i] = (long)(unsigned long)v;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < DT_COUNT; i++)
            printf("%s\n", dt_table[i].name);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s NAME A,B,C,D ... | --list\n", argv[0]);
        return 2;
    }
    dt_fn fn = 0;
    for (size_t i = 0; i < DT_COUNT; i++)
        if (strcmp(argv[1], dt_table[i].name) == 0)
            fn = dt_table[i].fn;
    if (!fn) {
        fprintf(stderr, "%s: no function '%s'\n", argv[0], argv[1]);
        return 2;
    }
    for (int k = 2; k < argc; k++) {
        long args[4];
        if (parse_vector(argv[k], args) != 0) {
            fprintf(stderr, "%s: malformed vector '%s'\n", argv[0], argv[k]);
            return 2;
        }
        printf("%ld\n", fn(args[0], args[1], args[2], args[3]));
    }
    return 0;
}
