#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that the waf build lists the same files as the CMake build.

CMakeLists.txt is the source of truth; wscript and examples/wscript repeat
its lists for waf-era ns-3 (<= 3.35). This compares them list by list and
fails, naming the file and the entries, when they differ.

    check-wscript.py [ROOT]              # compare (ROOT: the project root)
    check-wscript.py --self-test [ROOT]  # prove the check can fail

Standard library only; any python3 runs it.
"""
import ast
import os
import re
import shutil
import sys
import tempfile

# (variable, file that must hold it for waf) - the same names in both builds.
LISTS = [
    ("M3_CORE_SOURCES", "wscript"),
    ("M3_CORE_HEADERS", "wscript"),
    ("M3_CORE_TESTS", "wscript"),
    ("M3_TOOLS", "wscript"),
    ("M3_INFER_SOURCES", "wscript"),
    ("M3_INFER_DL_SOURCES", "wscript"),
    ("M3_INFER_NONE_SOURCES", "wscript"),
    ("M3_INFER_HEADERS", "wscript"),
    ("M3_NS3_SOURCES", "wscript"),
    ("M3_NS3_HEADERS", "wscript"),
    ("M3_NS3_TEST_SOURCES", "wscript"),
    ("M3_EXAMPLES", "examples/wscript"),
]


class CheckError(Exception):
    pass


def read(root, rel):
    path = os.path.join(root, rel)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise CheckError("%s: cannot read: %s" % (rel, e.strerror))


def cmake_lists(text):
    """set(NAME a b c) blocks of CMakeLists.txt -> {NAME: [a, b, c]}."""
    text = re.sub(r"#[^\n]*", "", text)  # comments; no '#' in our paths
    found = {}
    for m in re.finditer(r"\bset\(\s*(M3_\w+)\s+([^)]*)\)", text):
        found[m.group(1)] = m.group(2).split()
    return found


def waf_lists(text, rel):
    """Top-level NAME = ['a', 'b'] assignments of a wscript (parsed, not run)."""
    try:
        tree = ast.parse(text, filename=rel)
    except SyntaxError as e:
        raise CheckError("%s:%s: syntax error: %s" % (rel, e.lineno, e.msg))
    found = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id.startswith("M3_")):
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            raise CheckError("%s:%d: %s is not a plain list of strings"
                             % (rel, node.lineno, target.id))
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise CheckError("%s:%d: %s is not a plain list of strings"
                             % (rel, node.lineno, target.id))
        found[target.id] = value
    return found


def compare(root, check_exists=True):
    """Returns a list of problems, each naming the file at fault."""
    cmake = cmake_lists(read(root, "CMakeLists.txt"))
    waf = {}
    for rel in sorted({f for _, f in LISTS}):
        waf[rel] = waf_lists(read(root, rel), rel)
    problems = []
    for name, rel in LISTS:
        if name not in cmake:
            problems.append("CMakeLists.txt: no set(%s ...)" % name)
            continue
        if name not in waf[rel]:
            problems.append("%s: no %s = [...] (CMakeLists.txt has it)" % (rel, name))
            continue
        want, have = cmake[name], waf[rel][name]
        for entry in want:
            if entry not in have:
                problems.append("%s: %s lacks '%s' (listed in CMakeLists.txt)" % (rel, name, entry))
        for entry in have:
            if entry not in want:
                problems.append("%s: %s has '%s', which CMakeLists.txt does not list"
                                % (rel, name, entry))
        for entry in sorted(set(want)) if check_exists else []:
            if not os.path.exists(os.path.join(root, "examples", entry + ".cc")
                                  if name == "M3_EXAMPLES" else os.path.join(root, entry)):
                problems.append("CMakeLists.txt: %s lists '%s', which does not exist"
                                % (name, entry))
    return problems


def self_test(root):
    """Drops one entry from a copy of wscript and expects the check to fail."""
    with tempfile.TemporaryDirectory() as tmp:
        for rel in ["CMakeLists.txt", "wscript", "examples/wscript"]:
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            shutil.copy(os.path.join(root, rel), os.path.join(tmp, rel))
        if compare(tmp, check_exists=False):
            raise CheckError("self-test: the unmodified copy already fails")
        path = os.path.join(tmp, "wscript")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        victim = "'model/m3-scenario.cc',\n"
        if victim not in text:
            raise CheckError("self-test: wscript has no line %r to remove" % victim.strip())
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(victim, "", 1))
        problems = compare(tmp, check_exists=False)
        expected = "wscript: M3_NS3_SOURCES lacks 'model/m3-scenario.cc'"
        if not any(expected in p for p in problems):
            raise CheckError("self-test: removing a source from wscript went unnoticed: %s"
                             % problems)
    print("self-test: a source removed from wscript is reported: ok")


def main(argv):
    args = [a for a in argv[1:] if a != "--self-test"]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    try:
        if "--self-test" in argv:
            self_test(root)
            return 0
        problems = compare(root)
    except CheckError as e:
        print("check-wscript: %s" % e, file=sys.stderr)
        return 1
    for p in problems:
        print("check-wscript: %s" % p, file=sys.stderr)
    if problems:
        print("check-wscript: the waf files differ from CMakeLists.txt (see above)",
              file=sys.stderr)
        return 1
    print("check-wscript: wscript and examples/wscript match CMakeLists.txt (%d lists)"
          % len(LISTS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
