#!/usr/bin/env python3
"""The shape of the code, kept rather than described.

  check-layers.py BUILDDIR

1. Domains depend only downward: core < output < vectors < text < train < image <
   clip < viz < pg < ui. A file may include another domain's header only from a
   domain below its own, and a domain's internal.h only from inside it; no
   engine includes a terminal library (readline, curses) or anything of ui/.
2. The same holds for what the objects really call: every undefined symbol
   of an object in BUILDDIR is looked up in the object that defines it.
3. No two files depend on each other, directly or through others (the file
   graph of (2) has no cycle), except the command table, whose entries are
   its handlers.
4. No build output is tracked by git.
Prints what it finds; exits 1 if anything.
"""
import os, re, subprocess, sys

ORDER = ["core", "output", "vectors", "text", "train", "image", "clip", "viz", "pg", "ui"]
RANK = {d: i for i, d in enumerate(ORDER)}
TERMINAL = re.compile(r'#include\s*<(readline/|n?curses|term\.h|panel\.h)')
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = os.path.join(top, "src")
problems = []


def domain(path):
    rel = os.path.relpath(path, src).split(os.sep)
    return rel[0]


def check_includes():
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            d = domain(path)
            if d not in RANK:
                problems.append("%s: not in a known domain (%s)" % (path, ", ".join(ORDER)))
                continue
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                where = "%s:%d" % (os.path.relpath(path, top), n)
                if d != "ui" and TERMINAL.search(line):
                    problems.append("%s: an engine includes a terminal library: %s" % (where, line.strip()))
                m = re.match(r'\s*#include\s+"([a-z]+)/([^"]+)"', line)
                if not m:
                    continue
                to, hdr = m.group(1), m.group(2)
                if to not in RANK:
                    continue
                if RANK[to] > RANK[d]:
                    problems.append("%s: %s/ includes %s/%s, a domain above it" % (where, d, to, hdr))
                if hdr == "internal.h" and to != d:
                    problems.append("%s: %s/ includes the private header of %s/" % (where, d, to))


def check_public_header():
    """include/vecsh.h is the library's: the engines, never the terminal layer."""
    inc = os.path.join(top, "include")
    for root, _, files in os.walk(inc):
        for f in files:
            path = os.path.join(root, f)
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                if TERMINAL.search(line) or re.match(r'\s*#include\s+"ui/', line):
                    problems.append("%s:%d: the public header includes the terminal layer" % (os.path.relpath(path, top), n))


def objects(build):
    out = []
    for root, dirs, files in os.walk(build):
        dirs[:] = [x for x in dirs if x not in ("asan", "unit")]
        for f in files:
            if f.endswith(".o"):
                p = os.path.join(root, f)
                rel = os.path.relpath(p, build)
                if rel.split(os.sep)[0] in RANK:
                    out.append(p)
    return out


def check_symbols(build):
    objs = objects(build)
    if not objs:
        problems.append("%s: no objects to check (build first)" % build)
        return
    defs, undefs = {}, {}
    for o in objs:
        text = subprocess.run(["nm", o], capture_output=True, text=True).stdout
        undefs[o] = set()
        for line in text.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBC":
                defs[p[2]] = o
            elif len(p) == 2 and p[0] == "U":
                undefs[o].add(p[1])
    graph = {o: set() for o in objs}
    for o, us in undefs.items():
        for s in us:
            t = defs.get(s)
            if t and t != o:
                graph[o].add(t)
                dom_o, dom_t = domain(src + "/" + os.path.relpath(o, build)), domain(src + "/" + os.path.relpath(t, build))
                if RANK[dom_t] > RANK[dom_o]:
                    problems.append("%s calls %s of %s, a domain above it" % (os.path.relpath(o, build), s, os.path.relpath(t, build)))
    table = [o for o in objs if o.endswith("cmd-table.o")]
    for t in table:  # the table names every handler; handlers never name the table
        graph[t] = set()
    # cycles: Tarjan's strongly connected components
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in objs:
        if v not in index:
            visit(v)
    for comp in sccs:
        problems.append("files depend on each other: " + " <-> ".join(sorted(os.path.relpath(c, build) for c in comp)))


def check_tracked():
    try:
        files = subprocess.run(["git", "-C", top, "ls-files"], capture_output=True, text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return
    for f in files:
        if f.startswith("build/") or f.endswith((".o", ".a", ".so")) or f == "vecsh":
            problems.append("%s: a build output is tracked by git" % f)


check_includes()
check_public_header()
check_symbols(sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build"))
check_tracked()
for p in problems:
    print("layers: " + p)
if problems:
    sys.exit(1)
print("layers: %d domains in order (%s), no file cycles, no tracked build outputs" % (len(ORDER), " < ".join(ORDER)))
