#!/bin/bash
# Submits a fanout sweep to Slurm: a job array of N slices
# (scripts/slurm/sweep.sbatch) and a merge job that runs once every slice has
# succeeded (scripts/slurm/merge.sbatch, --dependency=afterok on the array).
#
#   scripts/slurm/submit.sh [OPTIONS] SCENARIO SWEEP-FLAG...
#
#   scripts/slurm/submit.sh -n 8 -o "$PWD/hybrid" scenarios/twitter-2012.toml \
#       --vary 'strategy.hybrid.celebrity_threshold=1e3..1e6:log:7' --seeds 2 --duration 10s
#
# SCENARIO and every SWEEP-FLAG are passed to `fanout sweep` as they are; the
# result is OUT/sweep.csv, the same file `fanout sweep ... --csv sweep.csv`
# writes on one machine (apart from wall_seconds).
#
# Options:
#   -n, --slices N   number of slices = array tasks (default 4). More slices
#                    than grid points leaves some slices empty, which is fine.
#   -o, --out DIR    output directory on a filesystem every node shares
#                    (default ./sweep-out); gets part-K.csv, sweep.csv, grid.txt
#                    and the jobs' logs under logs/
#   --cpus C         CPUs per slice (default 1); a slice's points run in parallel
#   --mem MEM        memory per slice, as sbatch --mem takes it (default: from
#                    fanout's memory estimate for SCENARIO, see below)
#   --time T         time limit per slice, as sbatch --time takes it
#   --sbatch ARG     one extra sbatch argument for both jobs, repeatable
#                    (--sbatch --partition=long --sbatch --account=me)
#   --force          start over in an OUT that already holds parts or a sweep.csv
#   --no-check       skip checking the grid with `fanout sweep --list` first
#
# Environment: FANOUT, the fanout binary (default `fanout` on PATH); it must be
# reachable at the same path from the compute nodes.
#
# The grid is checked on this machine before anything is queued, so a typo in
# a --vary fails here in a second instead of in N jobs. The memory per slice is
# fanout's own estimate (`fanout check --json`: graph build peak + --cpus
# simulations at once) for SCENARIO as written, plus half again and 128 MiB;
# if --vary raises population.users or the follower counts, give --mem yourself.
#
# Prints the two job ids; the last line is `submitted: array=ID merge=ID out=DIR`.
# Follow with `squeue -j ID`; the merged CSV is OUT/sweep.csv.

set -euo pipefail

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

die() {
    echo "submit.sh: $*" >&2
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
slices=4
out=sweep-out
cpus=1
mem=
time_limit=
force=0
check=1
extra=()

while [ "$#" -gt 0 ]; do
    case $1 in
    -n | --slices) slices=${2:?$1 needs a value}; shift 2 ;;
    -o | --out) out=${2:?$1 needs a value}; shift 2 ;;
    --cpus) cpus=${2:?$1 needs a value}; shift 2 ;;
    --mem) mem=${2:?$1 needs a value}; shift 2 ;;
    --time) time_limit=${2:?$1 needs a value}; shift 2 ;;
    --sbatch) extra+=("${2:?$1 needs a value}"); shift 2 ;;
    --force) force=1; shift ;;
    --no-check) check=0; shift ;;
    -h | --help) usage ;;
    --) shift; break ;;
    -*) die "unknown option $1 (before SCENARIO, allowed: -n, -o, --cpus, --mem, --time, --sbatch, --force, --no-check)" ;;
    *) break ;;
    esac
done
[ "$#" -ge 1 ] || die "no SCENARIO given (usage: submit.sh [OPTIONS] SCENARIO --vary KEY=VALUES ...)"
[[ $slices =~ ^[1-9][0-9]*$ ]] || die "--slices $slices: must be a whole number of at least 1"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus $cpus: must be a whole number of at least 1"
[ -f "$1" ] || die "scenario $1: no such file"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

# Absolute paths: the jobs may start in another directory on another node.
fanout=$(command -v "${FANOUT:-fanout}") || die "FANOUT=${FANOUT:-fanout}: no such executable (build with cargo build --release, then FANOUT=\$PWD/target/release/fanout)"
fanout=$(realpath "$fanout")
out=$(realpath -m "$out")

mkdir -p "$out/logs"
if compgen -G "$out/part-*.csv" >/dev/null || [ -e "$out/sweep.csv" ]; then
    [ "$force" = 1 ] || die "$out already holds a sweep's parts or sweep.csv (use another --out, or --force to start over)"
    rm -f "$out"/part-*.csv "$out/sweep.csv"
fi

# The grid, checked and listed without simulating anything.
if [ "$check" = 1 ]; then
    if ! "$fanout" sweep "$@" --list >"$out/grid.txt"; then
        die "fanout sweep $* --list failed (message above); nothing submitted"
    fi
    echo "grid: $(grep -c . "$out/grid.txt" || true) line(s) listed in $out/grid.txt"
fi

# Memory per slice from fanout's own estimate for the scenario, in MiB:
# `fanout check --json` prints it without building the graph, as bytes for
# the graph build peak plus one simulation (memory_estimate.bytes) and what
# each further simulation at once adds (memory_estimate.per_simulation_bytes);
# a slice runs --cpus simulations at once.
estimate_mib() {
    local scenario=$1 cpus=$2 json
    json=$("$fanout" check --json "$scenario") || return 1
    python3 -c '
import json, sys
m = json.loads(sys.stdin.read())["memory_estimate"]
cpus = int(sys.argv[1])
need = m["bytes"] + (cpus - 1) * m["per_simulation_bytes"]
print(need // 2**20 + 1)
' "$cpus" <<<"$json"
}

if [ -z "$mem" ]; then
    est=$(estimate_mib "$1" "$cpus" || true)
    if [[ $est =~ ^[0-9]+$ ]]; then
        mem_mib=$((est * 3 / 2 + 128))
        [ "$mem_mib" -ge 256 ] || mem_mib=256
        mem=${mem_mib}M
        echo "memory per slice: ${mem} (fanout estimates ${est} MiB for $cpus simulation(s) at once of $1)"
    else
        mem=2G
        echo "memory per slice: ${mem} (no estimate from fanout check --json; pass --mem to change it)"
    fi
fi

export FANOUT=$fanout FANOUT_OUT=$out FANOUT_SLICES=$slices
common=(--parsable --chdir="$PWD" "${extra[@]}")
array_args=(--array="1-$slices" --cpus-per-task="$cpus" --mem="$mem"
    --output="$out/logs/%x-%A_%a.out")
[ -z "$time_limit" ] || array_args+=(--time="$time_limit")

array_id=$(sbatch "${common[@]}" "${array_args[@]}" "$here/sweep.sbatch" "$@")
array_id=${array_id%%;*} # --parsable prints "ID" or "ID;CLUSTER"
merge_id=$(sbatch "${common[@]}" --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --output="$out/logs/%x-%j.out" "$here/merge.sbatch")
merge_id=${merge_id%%;*}

echo "array job $array_id: $slices slice(s) of fanout sweep $*"
echo "merge job $merge_id: runs after every slice succeeded, writes $out/sweep.csv"
echo "submitted: array=$array_id merge=$merge_id out=$out"
