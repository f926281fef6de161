#!/usr/bin/env python3
"""Summarises a perf profile of gregor by where the time is spent.

    perf script -i STEP.perf.data -F comm,tid,ip,sym | bench/scripts/perf_summary.py [N]

prints the share of samples per thread, per nearest gregor:: frame (the
project function that the sample's time is spent under, callees included),
per leaf symbol (where the CPU actually was: memcpy, a page fault, a CRC
loop), and per (leaf, nearest gregor:: frame) pair, N rows each (default 25).
It needs call stacks: record with --call-graph dwarf in an optimised build.
"""
import collections
import re
import sys


def clean(sym, width):
    sym = re.sub(r"\s+\(\S+\)$", "", sym)  # "(/path/to/dso)"
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    sym = sym.replace("(anonymous namespace)", "{anon}")
    return re.sub(r"\(.*", "", sym)[:width]  # drop argument lists


class Profile:
    def __init__(self):
        self.total = 0
        self.threads = collections.Counter()
        self.owners = collections.Counter()
        self.leaves = collections.Counter()
        self.pairs = collections.Counter()

    def add(self, thread, stack):
        if not stack:
            return
        self.total += 1
        leaf = clean(stack[0], 60)
        owner = next((clean(f, 90) for f in stack if "gregor::" in f), "(no gregor frame)")
        self.threads[thread] += 1
        self.owners[owner] += 1
        self.leaves[leaf] += 1
        self.pairs[(leaf, owner)] += 1


def parse(lines):
    profile = Profile()
    thread, stack = "?", []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            profile.add(thread, stack)
            stack = []
        elif not line[0].isspace():
            thread = line.split()[0]  # sample header: "comm tid"
        else:
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                stack.append(parts[1])
    profile.add(thread, stack)
    return profile


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    p = parse(sys.stdin)
    if p.total == 0:
        sys.exit("no samples with call stacks on stdin")
    pct = lambda c: f"{100.0 * c / p.total:6.2f}%"
    print(f"{p.total} samples; threads: "
          + ", ".join(f"{t} {pct(c).strip()}" for t, c in p.threads.most_common()))
    print("\n-- by nearest gregor:: frame (callees included)")
    for k, c in p.owners.most_common(rows):
        print(pct(c), k)
    print("\n-- by leaf symbol")
    for k, c in p.leaves.most_common(rows):
        print(pct(c), k)
    print("\n-- leaf <- nearest gregor:: frame")
    for (leaf, owner), c in p.pairs.most_common(rows):
        print(pct(c), leaf, "<-", owner)


if __name__ == "__main__":
    main()
