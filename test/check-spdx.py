#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that every source file of the project carries its licence.

    check-spdx.py [ROOT]          # list the files without the line, exit 1 if any
    check-spdx.py --add [ROOT]    # insert it where it is missing (first line,
                                  # after a #! line)
    check-spdx.py --self-test     # prove the check can fail (a scratch git repo)

The line is "SPDX-License-Identifier: GPL-2.0-only" (LICENSE, as ns-3), in
the comment syntax of the file, within its first five lines. Source files
are the tracked C, C++, Python, shell and CMake/waf files anywhere in the
tree (the core, the module, tools, tests, bench/, bindings/, gen/, eval/,
CI), the .clang-format and .gitignore files; data (test inputs, fuzz
corpora and dictionaries, checkpoints, gen/data/, eval/cache/) and
documents (README.md, doc/) are not. ctest runs the check and its
self-test (house/spdx, house/spdx-selftest). Exit status: 0 every file has
the line, 1 some do not, 2 usage error. Standard library only.
"""
import os
import subprocess
import sys
import tempfile

TAG = "SPDX-License-Identifier: GPL-2.0-only"
C_LIKE = (".c", ".h", ".cc")
HASH = (".py", ".sh", ".cmake")
HASH_NAMES = ("CMakeLists.txt", "wscript", "m3.sh", "run", ".gitignore", ".clang-format")
SKIP_DIRS = ("test/fuzz/corpus/", "test/fuzz/dict/", "test/core/data/", "test/data/",
             "ckpts/", "doc/", "gen/data/", "eval/cache/", "eval/tm/")


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


def missing_in(root):
    """The tracked source files of root without the line."""
    missing = []
    for p in tracked(root):
        with open(os.path.join(root, p), errors="replace") as f:
            if not has_tag(f.read(4096)):
                missing.append(p)
    return missing


def self_test():
    """A scratch repository with one file of each comment syntax, the line
    missing from all but one, and a data file: the check must name exactly
    the unlicensed sources, and --add must make it pass."""
    files = {
        "a.c": "int a;\n",
        "b.cc": "int b;\n",
        "c.py": "#!/usr/bin/env python3\nprint(1)\n",
        "tools/d.sh": "#!/bin/sh\necho d\n",
        "CMakeLists.txt": "project(x)\n",
        "e.h": "/* %s */\nint e;\n" % TAG,
        "test/data/f.c": "data, not a source\n",
        "doc/g.rst": "a document\n",
    }
    with tempfile.TemporaryDirectory(prefix="m3-spdx-") as root:
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w") as f:
                f.write(text)
        subprocess.run(["git", "init", "-q", root], check=True)
        subprocess.run(["git", "add", "."], cwd=root, check=True)
        want = ["CMakeLists.txt", "a.c", "b.cc", "c.py", "tools/d.sh"]
        got = sorted(missing_in(root))
        if got != want:
            print("self-test: expected %s without the line, the check found %s" % (want, got),
                  file=sys.stderr)
            return 1
        for p in got:
            add(root, p)
        if missing_in(root):
            print("self-test: still missing after --add: %s" % missing_in(root), file=sys.stderr)
            return 1
        with open(os.path.join(root, "c.py")) as f:
            if not f.read().startswith("#!/usr/bin/env python3\n# " + TAG):
                print("self-test: --add did not keep the #! line first", file=sys.stderr)
                return 1
    print("self-test: five unlicensed sources reported, data and documents not, --add fixes: ok")
    return 0


def main(argv):
    args = argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args == ["--self-test"]:
        return self_test()
    adding = bool(args) and args[0] == "--add"
    if adding:
        args = args[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("check-spdx.py: usage: check-spdx.py [--add] [ROOT]", file=sys.stderr)
        return 2
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    missing = missing_in(root)
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
