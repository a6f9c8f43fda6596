#!/usr/bin/env python3
"""Checks that two CSVs hold the same rows in the same order, ignoring the
wall_seconds column (the only one that is not a pure function of scenario and
seed), found by its header name.

    python3 tests/cluster/same_csv.py EXPECTED.csv GOT.csv

Exit 0 and one line when they agree; exit 1 naming the first difference.
"""

import csv
import sys

IGNORED = "wall_seconds"


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        sys.exit(f"same_csv: {path} is empty")
    if IGNORED not in rows[0]:
        sys.exit(f"same_csv: {path} has no {IGNORED} column (header: {','.join(rows[0])})")
    keep = [i for i, name in enumerate(rows[0]) if name != IGNORED]
    return [[row[i] if i < len(row) else None for i in keep] for row in rows]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: same_csv.py EXPECTED.csv GOT.csv")
    expected, got = load(sys.argv[1]), load(sys.argv[2])
    for line, (a, b) in enumerate(zip(expected, got), start=1):
        if a != b:
            print(f"same_csv: line {line} differs:\n  expected {a}\n  got      {b}", file=sys.stderr)
            sys.exit(1)
    if len(expected) != len(got):
        print(f"same_csv: {sys.argv[1]} has {len(expected)} lines, {sys.argv[2]} has {len(got)}",
              file=sys.stderr)
        sys.exit(1)
    print(f"same rows apart from {IGNORED}: {len(got) - 1} rows, {len(got[0])} other columns")


if __name__ == "__main__":
    main()
