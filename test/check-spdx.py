#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that every source file of the project carries its licence.

    check-spdx.py [ROOT]          # list the files without the line, exit 1 if any
    check-spdx.py --add [ROOT]    # insert it where it is missing (first line,
                                  # after a #! line)

The line is "SPDX-License-Identifier: GPL-2.0-only" (LICENSE, as ns-3), in
the comment syntax of the file, within its first five lines. Source files
are the tracked C, C++, Python, shell and CMake/waf files; data (test
inputs, fuzz corpora, checkpoints) and documents are not. Standard library
only.
"""
import os
import subprocess
import sys

TAG = "SPDX-License-Identifier: GPL-2.0-only"
C_LIKE = (".c", ".h", ".cc")
HASH = (".py", ".sh", ".cmake")
HASH_NAMES = ("CMakeLists.txt", "wscript", "m3.sh", "run", ".gitignore")
SKIP_DIRS = ("test/fuzz/corpus/", "test/fuzz/dict/", "test/core/data/", "test/data/",
             "ckpts/", "doc/")


def is_source(path):
    if path.startswith(SKIP_DIRS):
        return False
    base = os.path.basename(path)
    return path.endswith(C_LIKE + HASH) or base in HASH_NAMES


def comment(path):
    if path.endswith(".c") or path.endswith(".h"):
        return "/* %s */" % TAG
    if path.endswith(".cc"):
        return "// %s" % TAG
    return "# %s" % TAG


def tracked(root):
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                         check=True).stdout
    return [p for p in out.splitlines() if is_source(p)]


def has_tag(text):
    return TAG in "\n".join(text.splitlines()[:5])


def add(root, path):
    full = os.path.join(root, path)
    with open(full) as f:
        text = f.read()
    if has_tag(text):
        return False
    lines = text.splitlines(keepends=True)
    at = 1 if lines and lines[0].startswith("#!") else 0
    lines.insert(at, comment(path) + "\n")
    with open(full, "w") as f:
        f.write("".join(lines))
    return True


def main(argv):
    args = argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    adding = bool(args) and args[0] == "--add"
    if adding:
        args = args[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("check-spdx.py: usage: check-spdx.py [--add] [ROOT]", file=sys.stderr)
        return 2
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    missing = []
    for p in tracked(root):
        with open(os.path.join(root, p), errors="replace") as f:
            if not has_tag(f.read(4096)):
                missing.append(p)
    if adding:
        for p in missing:
            add(root, p)
        print("check-spdx: added the line to %d files" % len(missing))
        return 0
    for p in missing:
        print("%s: no \"%s\" in its first five lines" % (p, TAG))
    print("check-spdx: %d source files, %d without the licence line"
          % (len(tracked(root)), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
