#!/usr/bin/env python3
"""A stand-in for the fanout binary, for `tests/cluster/slurm.sh --selftest`.

It lets the Slurm test exercise the cluster, scripts/slurm/submit.sh,
sweep.sbatch and merge.sbatch without building fanout. It answers only what
those scripts call, the way fanout does:

  sweep SCENARIO --vary KEY=V1,V2.. [--vary ..] [--seeds N] [--list]
        [--partition K/N] [--csv PATH] [other flags ignored]
  merge PART.csv... -o OUT.csv
  check SCENARIO        prints fanout's `memory estimate` line

A sweep's grid is the cartesian product of the --vary lists times the seeds,
three strategies per point; slice K of N holds the points whose index is
K-1 modulo N. Rows carry a random wall_seconds, as fanout's do, so the test's
comparison has to ignore it. Sliced runs insist on being Slurm array task K
(or Kubernetes Indexed Job pod K-1, for tests/cluster/k8s.sh), so the test
proves the array really ran each slice. STANDIN_FAIL_SLICE=K
makes slice K fail and STANDIN_SLEEP=S makes every slice take S seconds, to
try the test's failure and timeout paths by hand.
"""

import csv
import itertools
import os
import random
import sys
import time

STRATEGIES = ["fanout-on-read", "fanout-on-write", "hybrid"]


def die(msg):
    print(f"fanout-standin: {msg}", file=sys.stderr)
    sys.exit(2)


def expand(values):
    """V1,V2,... or A..B:lin:N / A..B:log:N, as fanout's --vary takes them."""
    if ".." not in values:
        return values.split(",")
    span, _, rest = values.partition(":")
    scale, _, count = rest.partition(":")
    a, b = (float(x) for x in span.split(".."))
    n = int(count)
    if n < 2 or scale not in ("lin", "log"):
        die(f"--vary {values}: expected A..B:lin:N or A..B:log:N with N >= 2")
    if scale == "lin":
        return [f"{a + (b - a) * i / (n - 1):g}" for i in range(n)]
    return [f"{a * (b / a) ** (i / (n - 1)):g}" for i in range(n)]


def parse_sweep(args):
    if not args or args[0].startswith("-"):
        die("sweep: no scenario")
    opts = {"scenario": args[0], "vary": [], "seeds": 1, "list": False,
            "partition": None, "csv": None}
    i = 1
    while i < len(args):
        flag = args[i]
        if flag == "--list":
            opts["list"] = True
            i += 1
            continue
        if flag == "--resume":
            # The stand-in always writes its whole slice: same final file.
            i += 1
            continue
        if i + 1 >= len(args):
            die(f"sweep: {flag} needs a value")
        value = args[i + 1]
        if flag == "--vary":
            key, _, values = value.partition("=")
            if not values:
                die(f"--vary {value}: expected KEY=V1,V2,...")
            opts["vary"].append((key, expand(values)))
        elif flag == "--seeds":
            opts["seeds"] = int(value)
        elif flag == "--partition":
            k, _, n = value.partition("/")
            opts["partition"] = (int(k), int(n))
            if not 1 <= opts["partition"][0] <= opts["partition"][1]:
                die(f"--partition {value}: K must be in 1..N")
        elif flag == "--csv":
            opts["csv"] = value
        i += 2
    if not opts["vary"]:
        die("sweep: no --vary")
    return opts


def sweep(args):
    opts = parse_sweep(args)
    keys = [k for k, _ in opts["vary"]]
    grid = list(itertools.product(*[v for _, v in opts["vary"]]))
    points = [(g, seed) for g in grid for seed in range(1, opts["seeds"] + 1)]
    if opts["list"]:
        for i, (g, seed) in enumerate(points):
            print(f"point {i + 1}: seed {seed} " + " ".join(f"{k}={v}" for k, v in zip(keys, g)))
        return
    chosen = range(len(points))
    if opts["partition"]:
        k, n = opts["partition"]
        slurm = os.environ.get("SLURM_ARRAY_TASK_ID") == str(k) and "SLURM_JOB_ID" in os.environ
        k8s = os.environ.get("JOB_COMPLETION_INDEX") == str(k - 1)
        if not (slurm or k8s):
            die(f"--partition {k}/{n} outside Slurm array task {k} or Kubernetes completion index {k - 1}")
        chosen = [i for i in chosen if i % n == k - 1]
        time.sleep(float(os.environ.get("STANDIN_SLEEP", "0")))
        if os.environ.get("STANDIN_FAIL_SLICE") == str(k):
            die(f"slice {k} fails on purpose (STANDIN_FAIL_SLICE={k})")
    header = ["scenario", "strategy", "seed", "point", "value", "wall_seconds"] + keys
    rows = []
    for i in chosen:
        g, seed = points[i]
        for s in STRATEGIES:
            value = sum(len(x) for x in g) * 1000 + seed * 10 + STRATEGIES.index(s)
            rows.append([os.path.basename(opts["scenario"]), s, seed, i, value,
                         f"{random.random():.3f}", *g])
    out = opts["csv"] or "-"
    if out == "-":
        csv.writer(sys.stdout).writerows([header] + rows)
        return
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as f:
        csv.writer(f).writerows([header] + rows)
    os.rename(tmp, out)


def merge(args):
    if "-o" not in args:
        die("merge: no -o OUT.csv")
    at = args.index("-o")
    out, parts = args[at + 1], args[:at] + args[at + 2:]
    header, rows, seen = None, [], set()
    for part in parts:
        with open(part, newline="") as f:
            got = list(csv.reader(f))
        if header is None:
            header = got[0]
        elif got[0] != header:
            die(f"merge: {part} is from another sweep")
        for row in got[1:]:
            key = (row[1], row[3])
            if key in seen:
                die(f"merge: {part} repeats point {row[3]}")
            seen.add(key)
            rows.append(row)
    rows.sort(key=lambda r: (int(r[3]), STRATEGIES.index(r[1])))
    with open(out, "w", newline="") as f:
        csv.writer(f).writerows([header] + rows)


def main():
    if len(sys.argv) < 2:
        die("no command")
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sweep":
        sweep(args)
    elif cmd == "merge":
        merge(args)
    elif cmd == "check" and "--json" in args:
        # The shape of `fanout check --json` that scripts/slurm/submit.sh reads.
        print('{"graph": "stored", "memory_estimate": {"bytes": 17616077, '
              '"stored_bytes": 17616077, "sampled_bytes": 18140364, '
              '"per_simulation_bytes": 1048576}}')
    else:
        die(f"unknown command or flag: {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
