/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * m3-infer-refusal.h - the one way the checkpoint checks say no, shared by
 * the metadata checks (m3-infer-meta.cc) and the libtorch plugin
 * (m3-infer.cc): a check throws Refusal with "FILE: why", and the C entry
 * point catches it and copies the text into the m3_error. Private to
 * model/infer/; header-only.
 */
#ifndef M3_INFER_REFUSAL_H
#define M3_INFER_REFUSAL_H

#include <cstdarg>
#include <cstdio>
#include <string>

namespace m3infer
{

/** A refusal of the checkpoint; msg names the file and the problem. */
struct Refusal
{
    std::string msg;
};

inline std::string
VFormat(const char* fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return buf;
}

/** printf into a std::string (at most 511 characters). */
inline std::string
Str(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::string s = VFormat(fmt, ap);
    va_end(ap);
    return s;
}

/** Throws Refusal{"FILE: " + the formatted reason}. */
[[noreturn]] inline void
Refuse(const std::string& file, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::string msg = file + ": " + VFormat(fmt, ap);
    va_end(ap);
    throw Refusal{msg};
}

} // namespace m3infer

#endif /* M3_INFER_REFUSAL_H */
