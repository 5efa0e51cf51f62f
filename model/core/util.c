/* util.c - errors, checked allocation, strict number parsing, line reading,
 * atomic file output and the wall clock shared by the core's files. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "m3-internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double m3_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int m3_fail(m3_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void *m3_calloc(size_t n, size_t size, m3_error *err)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        m3_fail(err, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *m3_realloc_array(void *p, size_t n, size_t size, m3_error *err)
{
    if (size && n > SIZE_MAX / size) {
        m3_fail(err, "allocation too large");
        return NULL;
    }
    size_t bytes = n * size;
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q)
        m3_fail(err, "out of memory (%zu x %zu bytes)", n, size);
    return q;
}

int m3_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int m3_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Splits "12.5Gbps" into number and unit suffix. */
static int split_unit(const char *s, double *num, const char **unit)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v))
        return -1;
    *num = v;
    *unit = end;
    return 0;
}

int m3_parse_rate(const char *s, double *bps)
{
    static const struct { const char *u; double mul; } units[] = {
        {"", 1}, {"bps", 1}, {"Kbps", 1e3}, {"kbps", 1e3}, {"Mbps", 1e6},
        {"Gbps", 1e9}, {"Tbps", 1e12},
    };
    double v;
    const char *u;
    if (split_unit(s, &v, &u))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) {
            *bps = v * units[i].mul;
            return *bps > 0 ? 0 : -1;
        }
    return -1;
}

int m3_parse_delay(const char *s, uint64_t *ns)
{
    static const struct { const char *u; double mul; } units[] = {
        {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1},
    };
    double v;
    const char *u;
    if (split_unit(s, &v, &u) || v < 0)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) {
            double x = v * units[i].mul;
            if (x > 1e18)
                return -1;
            *ns = (uint64_t)llround(x);
            return 0;
        }
    return -1;
}

int m3_line_reader_open(m3_line_reader *lr, const char *path, m3_error *err)
{
    memset(lr, 0, sizeof *lr);
    lr->path = path;
    lr->fp = fopen(path, "r");
    if (!lr->fp)
        return m3_fail(err, "%s: cannot open: %s", path, strerror(errno));
    return 0;
}

int m3_line_reader_next(m3_line_reader *lr, char **line, m3_error *err)
{
    for (;;) {
        size_t len = 0;
        int c;
        while ((c = fgetc(lr->fp)) != EOF && c != '\n') {
            if (c == '\0')
                return m3_fail(err, "%s:%zu: binary data (NUL byte)", lr->path, lr->lineno + 1);
            if (len + 2 > lr->cap) {
                size_t nc = lr->cap ? lr->cap * 2 : 256;
                if (nc > ((size_t)1 << 24))
                    return m3_fail(err, "%s:%zu: line too long", lr->path, lr->lineno + 1);
                char *nb = m3_realloc_array(lr->buf, nc, 1, err);
                if (!nb)
                    return -1;
                lr->buf = nb;
                lr->cap = nc;
            }
            lr->buf[len++] = (char)c;
        }
        if (c == EOF && len == 0) {
            if (ferror(lr->fp))
                return m3_fail(err, "%s:%zu: read error", lr->path, lr->lineno);
            return 0;
        }
        lr->lineno++;
        if (!lr->buf) {
            lr->buf = m3_calloc(256, 1, err);
            if (!lr->buf)
                return -1;
            lr->cap = 256;
        }
        lr->buf[len] = '\0';
        char *hash = strchr(lr->buf, '#');
        if (hash)
            *hash = '\0';
        char *p = lr->buf;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            continue;
        char *e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        *line = p;
        return 1;
    }
}

void m3_line_reader_close(m3_line_reader *lr)
{
    if (lr->fp)
        fclose(lr->fp);
    free(lr->buf);
    memset(lr, 0, sizeof *lr);
}

char *m3_next_token(char **cursor)
{
    char *p = *cursor;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p) {
        *cursor = p;
        return NULL;
    }
    char *tok = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    if (*p)
        *p++ = '\0';
    *cursor = p;
    return tok;
}

int m3_split_ws(char *line, char **tok, int max)
{
    int n = 0;
    char *t;
    while ((t = m3_next_token(&line))) {
        if (n == max)
            return max + 1; /* too many */
        tok[n++] = t;
    }
    return n;
}

int m3_atomic_open(m3_atomic_file *af, const char *path, m3_error *err)
{
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = m3_calloc(n + 1, 1, err);
    af->tmp = m3_calloc(n + 16, 1, err);
    if (!af->path || !af->tmp) {
        m3_atomic_abort(af);
        return -1;
    }
    memcpy(af->path, path, n + 1);
    snprintf(af->tmp, n + 16, "%s.tmp", path);
    af->fp = fopen(af->tmp, "w");
    if (!af->fp) {
        int e = errno;
        m3_atomic_abort(af);
        return m3_fail(err, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

int m3_atomic_commit(m3_atomic_file *af, m3_error *err)
{
    int bad = ferror(af->fp);
    if (fclose(af->fp))
        bad = 1;
    af->fp = NULL;
    if (bad || rename(af->tmp, af->path)) {
        int e = errno;
        remove(af->tmp);
        m3_fail(err, "%s: write failed: %s", af->path, strerror(e));
        free(af->path);
        free(af->tmp);
        af->path = af->tmp = NULL;
        return -1;
    }
    free(af->path);
    free(af->tmp);
    af->path = af->tmp = NULL;
    return 0;
}

void m3_atomic_abort(m3_atomic_file *af)
{
    if (af->fp) {
        fclose(af->fp);
        af->fp = NULL;
    }
    if (af->tmp)
        remove(af->tmp);
    free(af->path);
    free(af->tmp);
    af->path = af->tmp = NULL;
}
