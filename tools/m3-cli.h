/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-cli.h - the command-line convention of the C tools (m3-flowsim,
 * m3-workload), the same as the ns-3 programs' (M3CommandLine):
 *
 *   --key=value or --key value; -h and --help print the usage on stdout and
 *   exit 0; an unknown option, a stray positional argument, a missing or
 *   malformed value, an option given twice or a missing required option is
 *   a usage error: one line "TOOL: --key: what is wrong" on stderr, exit 2.
 *   Input that fails later (a file's content, memory) exits 1. Numbers
 *   follow the core's one syntax (m3.h, "numbers in text"): no trailing
 *   text, exponents only where the value stays exact.
 *
 * Header-only (static functions) so that each tool stays one source file.
 */
#ifndef M3_CLI_H
#define M3_CLI_H

#include "m3.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M3_CLI_USAGE 2

#if defined(__GNUC__)
#define M3_CLI_FN static __attribute__((unused))
#else
#define M3_CLI_FN static
#endif

/* One option of a tool. `takes_value` 0 is a flag. */
typedef struct m3_cli_option {
    const char *name; /* with the leading "--" */
    int takes_value;
    const char *value; /* filled by m3_cli_parse: the value, "" for a flag, NULL if absent */
} m3_cli_option;

static const char *m3_cli_tool __attribute__((unused)) = "m3";

/* Prints "TOOL: FLAG: message" and returns the usage exit code. */
static int m3_cli_bad(const char *flag, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
M3_CLI_FN int m3_cli_bad(const char *flag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: %s%s", m3_cli_tool, flag ? flag : "", flag ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return M3_CLI_USAGE;
}

/* Parses argv into `opts` (NULL-name terminated). Returns 0, or the exit
 * code to leave with: 0 after printing `usage` for -h/--help is signalled
 * as -1, a usage error as M3_CLI_USAGE (message printed). */
M3_CLI_FN int m3_cli_parse(int argc, char **argv, m3_cli_option *opts, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return -1;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
            return m3_cli_bad(NULL,
                              "'%s': unexpected argument (options are --key=value; see "
                              "--help)",
                              a);
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        m3_cli_option *o = opts;
        while (o->name && (strlen(o->name) != len || strncmp(o->name, a, len) != 0))
            o++;
        if (!o->name)
            return m3_cli_bad(NULL, "%.*s: unknown option (see --help)", (int)len, a);
        if (o->value)
            return m3_cli_bad(o->name, "given twice");
        if (!o->takes_value) {
            if (eq)
                return m3_cli_bad(o->name, "takes no value");
            o->value = "";
            continue;
        }
        if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            return m3_cli_bad(o->name, "missing value");
        }
        if (!*o->value)
            return m3_cli_bad(o->name, "empty value");
    }
    return 0;
}

/* The option named `name` (which must exist). */
M3_CLI_FN m3_cli_option *m3_cli_get(m3_cli_option *opts, const char *name)
{
    while (opts->name && strcmp(opts->name, name))
        opts++;
    return opts;
}

/* A whole number in lo..hi (m3_parse_count); usage error naming the flag. */
M3_CLI_FN int m3_cli_count(const m3_cli_option *o, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v;
    int rc = m3_parse_count(o->value, hi, &v);
    if (rc == -1)
        return m3_cli_bad(o->name, "'%s' is not a whole number", o->value);
    if (rc || v < lo)
        return m3_cli_bad(o->name, "%s is out of range (%llu..%llu)", o->value,
                          (unsigned long long)lo, (unsigned long long)hi);
    *out = v;
    return 0;
}

/* A finite number in [lo, hi] (lo excluded when lo_open). */
M3_CLI_FN int m3_cli_real(const m3_cli_option *o, double lo, int lo_open, double hi,
                          const char *range, double *out)
{
    double v;
    if (m3_parse_double(o->value, &v))
        return m3_cli_bad(o->name, "'%s' is not a number", o->value);
    if ((lo_open ? !(v > lo) : !(v >= lo)) || !(v <= hi))
        return m3_cli_bad(o->name, "%s is out of range (%s)", o->value, range);
    *out = v;
    return 0;
}

/* A rate with its unit (m3_parse_rate). */
M3_CLI_FN int m3_cli_rate(const m3_cli_option *o, double *bps)
{
    int rc = m3_parse_rate(o->value, bps);
    if (rc == -2)
        return m3_cli_bad(o->name, "%s is outside 1Mbps..1000Tbps", o->value);
    if (rc)
        return m3_cli_bad(o->name, "'%s' is not a rate (e.g. 10Gbps)", o->value);
    return 0;
}

/* An output file: checked before any work (m3_check_output_path); a
 * directory that is missing or not writable exits 1, as input errors do. */
M3_CLI_FN int m3_cli_output(const m3_cli_option *o)
{
    m3_error err;
    if (m3_check_output_path(o->value, o->name, &err)) {
        fprintf(stderr, "%s: %s\n", m3_cli_tool, err.msg);
        return 1;
    }
    return 0;
}

#endif /* M3_CLI_H */
