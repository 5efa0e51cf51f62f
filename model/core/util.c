/* SPDX-License-Identifier: GPL-2.0-only */
/* util.c - errors, checked allocation, strict number parsing, line reading,
 * atomic file output, output-path and memory checks, and the wall clock
 * and peak memory shared by the core's files. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "m3-internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double m3_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double m3_peak_rss_mb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (fp) {
        char line[256];
        double mb = -1;
        while (fgets(line, sizeof line, fp))
            if (!strncmp(line, "VmHWM:", 6))
                mb = (double)atol(line + 6) / 1024.0; /* kB */
        fclose(fp);
        if (mb >= 0)
            return mb;
    }
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u))
        return -1;
    return (double)u.ru_maxrss / 1024.0; /* kB on Linux and the BSDs */
}

int m3_peak_rss_reset(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (!fp)
        return -1;
    int ok = fputs("5", fp) >= 0;
    return fclose(fp) == 0 && ok ? 0 : -1;
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

/* Length of the number at the start of s in the one syntax of m3.h: sign,
 * digits with an optional fraction (at least one digit in all), optional
 * exponent. 0 when s does not start with such a number. */
static size_t number_prefix(const char *s)
{
    const char *p = s;
    size_t digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    while (isdigit((unsigned char)*p))
        p++, digits++;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits++;
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q))
                q++;
            p = q;
        }
    }
    return (size_t)(p - s);
}

/* strtod over a prefix already checked by number_prefix; -1 on overflow,
 * underflow to zero or a subnormal result. */
static int to_double(const char *s, size_t len, double *out)
{
    char buf[128];
    const char *text = s;
    if (s[len] != '\0') {
        if (len >= sizeof buf)
            return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        text = buf;
    }
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno || (size_t)(end - text) != len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

char *m3_format_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* printf's "%.*f" for finite v whose magnitude is below 2^73: with v =
 * M x 2^e (M the 53-bit significand), v x 10^d is M x 10^d (below 2^83)
 * shifted by e, so the 128-bit integer arithmetic is exact and rounds the
 * exact value to nearest, ties to even, as glibc's printf does. */
char *m3_format_fixed(char *p, double v, int decimals)
{
    static const uint64_t pow10[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)(bits >> 52 & 0x7ff);
    if (decimals < 0 || decimals > 9 || bexp == 0x7ff || bexp > 1075 + 20) {
        char buf[M3_FORMAT_FIXED_MAX + 8];
        int n = snprintf(buf, sizeof buf, "%.*f",
                         decimals < 0   ? 0
                         : decimals > 9 ? 9
                                        : decimals,
                         v);
        n = n < 0 ? 0 : n > M3_FORMAT_FIXED_MAX ? M3_FORMAT_FIXED_MAX : n;
        memcpy(p, buf, (size_t)n);
        return p + n;
    }
    if (bits >> 63)
        *p++ = '-';
    uint64_t m = bits & (((uint64_t)1 << 52) - 1);
    int e;
    if (bexp) {
        m |= (uint64_t)1 << 52;
        e = bexp - 1075;
    } else {
        e = -1074; /* subnormal */
    }
    unsigned __int128 q, P = pow10[decimals];
    if (e >= 0) {
        q = ((unsigned __int128)m << e) * P; /* below 2^73 x 10^9 < 2^103 */
    } else {
        unsigned __int128 n = (unsigned __int128)m * P;
        int sh = -e;
        if (sh >= 127) {
            q = 0; /* below 2^83 / 2^127: rounds to 0 */
        } else {
            q = n >> sh;
            unsigned __int128 r = n & (((unsigned __int128)1 << sh) - 1);
            unsigned __int128 half = (unsigned __int128)1 << (sh - 1);
            if (r > half || (r == half && (q & 1)))
                q++;
        }
    }
    unsigned __int128 ip = q / P;
    uint64_t fp = (uint64_t)(q % P);
    /* the integer part: below 2^103, in decimal */
    char tmp[40];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip);
    while (n)
        *p++ = tmp[--n];
    if (decimals) {
        *p++ = '.';
        for (int i = decimals - 1; i >= 0; i--) {
            p[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        p += decimals;
    }
    return p;
}

int m3_out_open(m3_out *o, FILE *fp, m3_error *err)
{
    o->fp = fp;
    o->len = 0;
    o->buf = m3_realloc_array(NULL, M3_OUT_BLOCK, 1, err);
    return o->buf ? 0 : -1;
}

char *m3_out_room(m3_out *o, size_t need)
{
    if (o->len + need > M3_OUT_BLOCK) {
        /* a short write sets the stream's error flag, which the atomic
         * writer's commit reports */
        fwrite(o->buf, 1, o->len, o->fp);
        o->len = 0;
    }
    return o->buf + o->len;
}

void m3_out_close(m3_out *o)
{
    if (o->len)
        fwrite(o->buf, 1, o->len, o->fp);
    free(o->buf);
    o->buf = NULL;
    o->len = 0;
}

int m3_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = (unsigned)((unsigned char)*s - '0');
        if (d > 9)
            return -1;
        /* v * 10 + d > UINT64_MAX, without a division per digit */
        if (v >= UINT64_MAX / 10 && (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int m3_parse_double(const char *s, double *out)
{
    if (!s)
        return -1;
    size_t len = number_prefix(s);
    if (!len || s[len])
        return -1;
    return to_double(s, len, out);
}

int m3_parse_count(const char *s, uint64_t max, uint64_t *out)
{
    if (!s)
        return -1;
    size_t len = number_prefix(s);
    if (!len || s[len] || *s == '-')
        return -1;
    /* The value from the digits, exactly: mantissa digits m (leading and
     * trailing zeros dropped) times 10^e. */
    const char *p = s + (*s == '+');
    char digits[64];
    size_t nd = 0;
    long e = 0;
    int seen_point = 0, leading = 1;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            seen_point = 1;
            continue;
        }
        if (leading && *p == '0') {
            if (seen_point)
                e--; /* 0.05: the zeros after the point shift the scale */
            continue;
        }
        leading = 0;
        if (nd == sizeof digits)
            return -2; /* more than 64 significant digits: far above any max */
        digits[nd++] = *p;
        if (seen_point)
            e--;
    }
    if (*p == 'e' || *p == 'E') {
        errno = 0;
        long x = strtol(p + 1, NULL, 10);
        if (errno || x > 1000 || x < -1000)
            return x > 0 ? -2 : -1;
        e += x;
    }
    while (nd > 0 && digits[nd - 1] == '0') {
        nd--;
        e++;
    }
    if (nd == 0) {
        *out = 0;
        return 0;
    }
    if (e < 0)
        return -1; /* a fraction remains: not a whole number */
    uint64_t v = 0;
    for (size_t i = 0; i < nd; i++) {
        unsigned d = (unsigned)(digits[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    for (long i = 0; i < e; i++) {
        if (v > UINT64_MAX / 10)
            return -2;
        v *= 10;
    }
    if (v > max)
        return -2;
    *out = v;
    return 0;
}

/* Splits "12.5Gbps" into number and unit suffix. */
static int split_unit(const char *s, double *num, const char **unit)
{
    if (!s)
        return -1;
    size_t len = number_prefix(s);
    if (!len || to_double(s, len, num))
        return -1;
    *unit = s + len;
    return 0;
}

int m3_parse_rate(const char *s, double *bps)
{
    static const struct {
        const char *u;
        double mul;
    } units[] = {
        {"", 1},       {"bps", 1},    {"Kbps", 1e3},  {"kbps", 1e3},
        {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12},
    };
    double v;
    const char *u;
    if (split_unit(s, &v, &u))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) {
            double x = v * units[i].mul;
            if (!(x >= M3_RATE_MIN_BPS && x <= M3_RATE_MAX_BPS))
                return -2;
            *bps = x;
            return 0;
        }
    return -1;
}

int m3_parse_delay(const char *s, uint64_t *ns)
{
    static const struct {
        const char *u;
        double mul;
    } units[] = {
        {"s", 1e9},
        {"ms", 1e6},
        {"us", 1e3},
        {"ns", 1},
    };
    double v;
    const char *u;
    if (split_unit(s, &v, &u))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(u, units[i].u)) {
            double x = v * units[i].mul;
            if (!(x >= 0) || x > (double)M3_DELAY_MAX_NS)
                return -2;
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

/* The longest line a reader takes, without its newline: 16 MB - 1 (as the
 * byte-by-byte reader this one replaced took it). */
#define M3_LINE_MAX (((size_t)1 << 24) - 1)

/* The error of a line of more than M3_LINE_MAX bytes at p: a NUL among its
 * first M3_LINE_MAX + 1 bytes is reported as binary data (the byte-by-byte
 * reader met it before the length), else the line is too long. */
static int line_too_long(const m3_line_reader *lr, const char *p, m3_error *err)
{
    if (memchr(p, '\0', M3_LINE_MAX + 1))
        return m3_fail(err, "%s:%zu: binary data (NUL byte)", lr->path, lr->lineno + 1);
    return m3_fail(err, "%s:%zu: line too long", lr->path, lr->lineno + 1);
}

/* Makes buf[pos .. len) hold at least one whole line, or the rest of the
 * file: moves the unread bytes to the front and reads more. 0, or -1 on a
 * read error or a line too long. */
static int line_fill(m3_line_reader *lr, m3_error *err)
{
    for (;;) {
        if (lr->len > lr->pos && memchr(lr->buf + lr->pos, '\n', lr->len - lr->pos))
            return 0;
        if (lr->eof)
            return 0;
        size_t keep = lr->len - lr->pos;
        if (keep > M3_LINE_MAX)
            return line_too_long(lr, lr->buf + lr->pos, err);
        if (lr->pos) {
            memmove(lr->buf, lr->buf + lr->pos, keep);
            lr->pos = 0;
            lr->len = keep;
        }
        if (lr->cap - lr->len < M3_LINE_BLOCK / 2 + 1) {
            size_t nc = lr->cap ? lr->cap * 2 : M3_LINE_BLOCK + 1;
            char *nb = m3_realloc_array(lr->buf, nc, 1, err);
            if (!nb)
                return -1;
            lr->buf = nb;
            lr->cap = nc;
        }
        size_t want = lr->cap - lr->len - 1; /* room for the terminating NUL */
        size_t got = fread(lr->buf + lr->len, 1, want, lr->fp);
        lr->len += got;
        if (got < want) {
            if (ferror(lr->fp))
                return m3_fail(err, "%s:%zu: read error", lr->path, lr->lineno);
            lr->eof = 1;
        }
    }
}

int m3_line_reader_next(m3_line_reader *lr, char **line, m3_error *err)
{
    for (;;) {
        if (line_fill(lr, err))
            return -1;
        if (lr->pos == lr->len)
            return 0; /* end of file */
        char *p = lr->buf + lr->pos;
        char *nl = memchr(p, '\n', lr->len - lr->pos);
        size_t len = nl ? (size_t)(nl - p) : lr->len - lr->pos;
        if (len > M3_LINE_MAX)
            return line_too_long(lr, p, err);
        if (memchr(p, '\0', len))
            return m3_fail(err, "%s:%zu: binary data (NUL byte)", lr->path, lr->lineno + 1);
        lr->pos += len + (nl != NULL);
        lr->lineno++;
        p[len] = '\0'; /* the newline's place, or the byte kept free after the data */
        char *hash = memchr(p, '#', len);
        if (hash) {
            *hash = '\0';
            len = (size_t)(hash - p);
        }
        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        if (!len)
            continue;
        char *e = p + len;
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
    if (!path || !*path)
        return m3_fail(err, "no output file name given");
    size_t n = strlen(path);
    af->path = m3_calloc(n + 1, 1, err);
    af->tmp = m3_calloc(n + 16, 1, err);
    if (!af->path || !af->tmp) {
        m3_atomic_abort(af);
        return -1;
    }
    memcpy(af->path, path, n + 1);
    snprintf(af->tmp, n + 16, "%s.tmp.XXXXXX", path);
    /* mkstemp creates a name no file has (O_EXCL): nothing the user owns is
     * truncated, and abort removes only this file. */
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL; /* nothing of ours to remove */
        m3_atomic_abort(af);
        return m3_fail(err, "%s: cannot write: %s", path, strerror(e));
    }
    /* mkstemp's 0600 -> the mode fopen would give (0666 less the umask) */
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0 || !(af->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        m3_atomic_abort(af);
        return m3_fail(err, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

int m3_atomic_commit(m3_atomic_file *af, m3_error *err)
{
    int bad = ferror(af->fp);
    int e = bad ? EIO : 0;
    if (fclose(af->fp)) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (!bad && rename(af->tmp, af->path)) {
        bad = 1;
        e = errno;
    }
    if (bad) {
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
        unlink(af->tmp); /* our own regular file; never a directory */
    free(af->path);
    free(af->tmp);
    af->path = af->tmp = NULL;
}

int m3_check_output_path(const char *path, const char *flag, m3_error *err)
{
    const char *pre = flag && *flag ? flag : "", *sep = flag && *flag ? ": " : "";
    if (!path || !*path)
        return m3_fail(err, "%s%sno file name given", pre, sep);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return m3_fail(err, "%s%s%s is a directory, not a file", pre, sep, path);
    size_t n = strlen(path);
    char *dir = m3_calloc(n + 2, 1, err);
    if (!dir)
        return -1;
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else
        memcpy(dir, path, (size_t)(slash - path));
    int rc = 0;
    if (stat(dir, &st) != 0)
        rc = m3_fail(err, "%s%s%s: directory %s: %s", pre, sep, path, dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = m3_fail(err, "%s%s%s: %s is not a directory", pre, sep, path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        rc = m3_fail(err, "%s%s%s: directory %s is not writable: %s", pre, sep, path, dir,
                     strerror(errno));
    free(dir);
    return rc;
}

/* ------------------------------------------------------------ memory */

/* M3_MEMORY_LIMIT: 1 and *bytes when it holds a positive number of bytes
 * (the core's number syntax, 8e9), 0 when unset or empty, -1 when it holds
 * anything else (which m3_memory_check refuses rather than ignore). */
static int memory_limit_env(double *bytes)
{
    const char *env = getenv("M3_MEMORY_LIMIT");
    if (!env || !*env)
        return 0;
    return m3_parse_double(env, bytes) == 0 && *bytes > 0 ? 1 : -1;
}

double m3_memory_limit_bytes(void)
{
    double v;
    if (memory_limit_env(&v) == 1)
        return v;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

const char *m3_format_bytes(double bytes, char *buf, size_t size)
{
    static const char *const unit[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1000 && u < 6) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
    return buf;
}

int m3_memory_check(double need_bytes, const char *what, const char *detail, m3_error *err)
{
    double v;
    int env = memory_limit_env(&v);
    if (env < 0)
        return m3_fail(err,
                       "M3_MEMORY_LIMIT: '%.40s' is not a positive number of bytes (e.g. 8e9); "
                       "unset it to use the memory of this machine",
                       getenv("M3_MEMORY_LIMIT"));
    double have = m3_memory_limit_bytes();
    if (!(have > 0) || need_bytes <= have)
        return 0;
    char a[32], b[32];
    return m3_fail(err, "%s needs about %s%s%s%s, more than the %s of memory of this machine%s",
                   what ? what : "this", m3_format_bytes(need_bytes, a, sizeof a),
                   detail && *detail ? " (" : "", detail && *detail ? detail : "",
                   detail && *detail ? ")" : "", m3_format_bytes(have, b, sizeof b),
                   env ? " (M3_MEMORY_LIMIT)" : "");
}
