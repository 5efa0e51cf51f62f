#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The malformed-input suite: every tool fed the mistakes a user makes.

    run.py BUILD_DIR [--list] [--only SUBSTRING] [--no-torch] [-j N]

Each case of cases.py runs one program of BUILD_DIR in a fresh temporary
directory holding the case's input files, and must end with the expected
exit code (0, 1 input or failure, 2 usage error) and print the expected
message fragment (stderr, or stdout where the case says so), within its
time limit (a hang fails), without a signal or a sanitizer report; files
the case lists as absent must not exist afterwards (nothing half-written)
and files listed as present must (nothing of the user's destroyed).
Cases that need the libtorch plugin are skipped with --no-torch, and
those of programs the build lacks (no ns-3) are skipped and counted.
Exit status: 0 when every case passes, 1 otherwise, 2 usage error.
Standard library only.
"""
import concurrent.futures
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402  (the case table, beside this file)

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "terminate called", "Aborted")


def run_case(case, build, src):
    """Runs one case; returns None when it passes, else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="m3-malformed-") as tmp:
        for name, content in case.get("files", {}).items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(path, mode) as f:
                f.write(content)
        for d in case.get("dirs", []):
            os.makedirs(os.path.join(tmp, d), exist_ok=True)
        subst = {"tmp": tmp, "src": src, "build": build}
        argv = [a.format(**subst) for a in case["cmd"]]
        argv[0] = os.path.join(build, argv[0])
        env = dict(os.environ)
        env.update({k: v.format(**subst) for k, v in case.get("env", {}).items()})
        try:
            p = subprocess.run(argv, cwd=tmp, env=env, capture_output=True, text=True,
                               errors="replace", timeout=case.get("timeout", 60))
        except subprocess.TimeoutExpired:
            return "timed out after %s s (a hang)" % case.get("timeout", 60)
        out = p.stdout if case.get("stream") == "stdout" else p.stderr
        problems = []
        if p.returncode < 0:
            problems.append("killed by signal %d" % -p.returncode)
        elif p.returncode != case["exit"]:
            problems.append("exit %d, expected %d" % (p.returncode, case["exit"]))
        if case["msg"] not in out:
            problems.append("message lacks %r" % case["msg"])
        for mark in SANITIZER_MARKS:
            if mark in p.stderr:
                problems.append("stderr has %r" % mark)
        for rel in case.get("absent", []):
            path = os.path.join(tmp, rel)
            if os.path.exists(path):
                problems.append("%s exists (should not)" % rel)
        # every output temporary the writers make is NAME.tmp.XXXXXX
        for rel in case.get("absent", []):
            d, base = os.path.split(os.path.join(tmp, rel))
            if os.path.isdir(d):
                left = [n for n in os.listdir(d) if n.startswith(base + ".tmp.")]
                if left:
                    problems.append("temporary %s left behind" % left[0])
        for rel in case.get("present", []):
            if not os.path.exists(os.path.join(tmp, rel)):
                problems.append("%s is gone (should exist)" % rel)
        if not problems:
            return None
        tail = out.strip().splitlines()[-3:] if out.strip() else ["(no output)"]
        return "; ".join(problems) + "\n      got: " + "\n           ".join(tail)


def main(argv):
    args = argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    build = os.path.abspath(args.pop(0))
    only, listing, torch, jobs = None, False, True, 2
    while args:
        a = args.pop(0)
        if a == "--list":
            listing = True
        elif a == "--no-torch":
            torch = False
        elif a == "--only" and args:
            only = args.pop(0)
        elif a == "-j" and args and args[0].isdigit():
            jobs = max(1, int(args.pop(0)))
        else:
            print("run.py: %s: unknown option (see --help)" % a, file=sys.stderr)
            return 2
    src = os.path.dirname(os.path.dirname(HERE))
    table = cases.cases(src)
    names = [c["name"] for c in table]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        print("run.py: duplicate case names: %s" % ", ".join(sorted(dup)), file=sys.stderr)
        return 1
    selected = [c for c in table if only is None or only in c["name"]]
    if listing:
        for c in selected:
            print("%-40s exit %d  %s" % (c["name"], c["exit"], c["msg"]))
        print("%d cases" % len(selected))
        return 0
    run = [c for c in selected if torch or not c.get("torch")]
    skipped = len(selected) - len(run)
    # a build without ns-3 has only the C tools: their cases still run
    missing = sorted({c["cmd"][0] for c in run if not os.path.exists(os.path.join(build,
                                                                               c["cmd"][0]))})
    if missing:
        print("malformed: not built, skipped: %s" % ", ".join(missing))
        run = [c for c in run if c["cmd"][0] not in missing]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda c: run_case(c, build, src), run))
    for c, why in zip(run, results):
        if why:
            failed += 1
            print("FAIL %s: %s\n      cmd: %s" % (c["name"], why, " ".join(c["cmd"])))
    tools = sorted({c["cmd"][0] for c in run})
    kinds = sorted({c["kind"] for c in run})
    print("malformed: %d cases, %d passed, %d failed; skipped %d (no libtorch), %d (program "
          "not built)" % (len(run), len(run) - failed, failed, skipped,
                          len(selected) - skipped - len(run)))
    print("  tools: %s" % ", ".join(tools))
    print("  input kinds: %s" % ", ".join(kinds))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
