/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz-input.h - what the file-reading harnesses share: the fuzzer's bytes
 * as a file the core's readers open by path. The file is a memfd (no disk
 * I/O); its /proc/self/fd path opens a fresh description at offset 0.
 * Output round trips write into a private directory under $TMPDIR.
 */
#ifndef M3_FUZZ_INPUT_H
#define M3_FUZZ_INPUT_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file holding exactly data[0..size). */
static const char *fuzz_input_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("m3-fuzz-input", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
        perror("fuzz input");
        abort();
    }
    return path;
}

static char fuzz_dir[256];
static char fuzz_file[300];

/* Removes the output file and its directory at exit. */
static void fuzz_cleanup(void)
{
    if (fuzz_file[0])
        unlink(fuzz_file);
    if (fuzz_dir[0])
        rmdir(fuzz_dir);
}

/* The path of this process's one output file, in a private directory
 * under $TMPDIR (created once, removed at exit). */
static const char *fuzz_out_path(void)
{
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/m3-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir)) {
            perror("mkdtemp");
            abort();
        }
        snprintf(fuzz_file, sizeof fuzz_file, "%s/out", fuzz_dir);
        atexit(fuzz_cleanup);
    }
    return fuzz_file;
}

/* Stops the run with a message: libFuzzer reports it as a crash and keeps
 * the input. For broken properties (a round trip that differs). */
#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz property failed: %s: ", #cond);                                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif /* M3_FUZZ_INPUT_H */
