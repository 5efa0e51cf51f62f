/* SPDX-License-Identifier: GPL-2.0-only */
/* check.h - a minimal assertion harness for the C core's ctest programs.
 * CHECK records a failure with file:line and keeps going; main returns
 * check_finish(), non-zero if anything failed. */
#ifndef M3_CHECK_H
#define M3_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* |a - b| <= tol * max(1, |b|) */
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double check_a_ = (a), check_b_ = (b);                                                     \
        double check_s_ = fabs(check_b_) > 1 ? fabs(check_b_) : 1;                                 \
        CHECK_MSG(fabs(check_a_ - check_b_) <= (tol)*check_s_, "%.9g vs %.9g", check_a_,           \
                  check_b_);                                                                       \
    } while (0)

static int check_finish(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
