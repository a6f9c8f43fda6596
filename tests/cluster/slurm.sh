#!/usr/bin/env bash
# Runs a sweep on a real one-node Slurm cluster started just for this test,
# and checks that the array of slices plus the merge job gives the same CSV as
# the unpartitioned sweep on this machine (the wall_seconds column aside).
#
#   tests/cluster/slurm.sh              the full check (needs fanout's sweep
#                                       --partition/--list and merge)
#   tests/cluster/slurm.sh --selftest   the same cluster and the same
#                                       scripts/slurm/ scripts, with a stand-in
#                                       for fanout (no build needed)
#
# Needs root: it installs Slurm and munge from Debian's packages if missing
# (apt-get), starts munged (unless one already answers), slurmctld and slurmd
# with a throwaway configuration in a temporary directory, and stops what it
# started on exit, whatever happens. Not root: a SKIP line and exit 0 for a
# developer, a failure when CI=true. Any other failure exits 1.
#
# Environment:
#   FANOUT       the fanout binary (default target/release/fanout)
#   SCENARIO     the scenario swept (default tests/data/tiny.toml)
#   SWEEP_ARGS   the sweep's flags, split on spaces (default below)
#   SLICES       number of array tasks (default 4)
#   JOB_TIMEOUT  seconds to wait for the jobs (default 600)
#   KEEP=1       keep the temporary directory (configuration, logs, CSVs)
#   TMPDIR       where that directory goes (default /tmp)
#
# Prints how long each phase took: install, start, job, compare, stop.

set -euo pipefail
export PATH=/usr/sbin:/sbin:$PATH LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=full
case ${1:-} in
--selftest) mode=selftest ;;
"") ;;
*) echo "usage: tests/cluster/slurm.sh [--selftest]" >&2; exit 2 ;;
esac

FANOUT=${FANOUT:-$root/target/release/fanout}
SCENARIO=${SCENARIO:-$root/tests/data/tiny.toml}
SWEEP_ARGS=${SWEEP_ARGS:---vary strategy.hybrid.celebrity_threshold=100,1000 --vary workload.tweets_per_sec=200,400 --seeds 2 --duration 1s}
SLICES=${SLICES:-4}
JOB_TIMEOUT=${JOB_TIMEOUT:-600}

say() { echo "slurm.sh: $*" >&2; }
fail() {
    say "FAIL: $*"
    exit 1
}
# Cannot run here at all: a failure in CI, a skip for a developer.
cannot() {
    say "cannot run the Slurm test: $*"
    if [ "${CI:-}" = true ]; then exit 1; fi
    echo "SKIP: tests/cluster/slurm.sh: $*"
    exit 0
}

phase_name=
phase_t0=
timings=()
phase() {
    local now
    now=$(date +%s.%N)
    if [ -n "$phase_name" ]; then
        local took
        took=$(awk -v a="$phase_t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
        timings+=("$phase_name ${took}s")
        echo "phase $phase_name: ${took} s"
    fi
    phase_name=${1:-}
    phase_t0=$now
}

[ "$(id -u)" = 0 ] || cannot "needs root to install and start slurmctld, slurmd and munged (run it as root, or in a container)"

tmp=
started_munged=0
made_run_munge=0
policy_added=0

# Stops, by pid file, only what this script started, then removes its state.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    set +e
    [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ -n "$tmp" ] && [ -f "$tmp/slurm.conf" ]; then
        [ "$phase_name" = stop ] || phase stop
        if [ -f "$tmp/run/slurmctld.pid" ]; then
            # Jobs still queued or running (a timeout, a failure) go first, so
            # no slurmstepd outlives the daemons.
            scancel --quiet --full --user=root 2>/dev/null
            for _ in $(seq 1 20); do
                [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
                sleep 0.5
            done
        fi
        # Each takes a couple of seconds to exit: stop both at once.
        stop_pidfile "$tmp/run/slurmd.pid" slurmd &
        stop_pidfile "$tmp/run/slurmctld.pid" slurmctld &
        wait
        kill_leftover_steps
    fi
    if [ "$started_munged" = 1 ]; then
        stop_pidfile /run/munge/munged.pid munged
        [ "$made_run_munge" = 0 ] || rmdir /run/munge 2>/dev/null
    fi
    if [ -n "$phase_name" ]; then phase; fi
    if [ -n "$tmp" ]; then
        if [ "${KEEP:-0}" = 1 ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
    fi
    [ "${#timings[@]}" -eq 0 ] || echo "timings: ${timings[*]}"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'say "FAIL: line $LINENO: $BASH_COMMAND exited with status $?"' ERR

# Sends TERM to the pid in FILE, waits up to 10 s, then KILL.
stop_pidfile() {
    local file=$1 name=$2 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file" 2>/dev/null) || return 0
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }
        sleep 0.25
    done
    say "$name (pid $pid) ignored TERM for 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null
}

# Any process still carrying this test's SLURM_CONF (a job step that outlived
# slurmd) is ours: kill it by pid.
kill_leftover_steps() {
    local env pid
    for env in /proc/[0-9]*/environ; do
        pid=${env#/proc/}
        pid=${pid%/environ}
        [ "$pid" != $$ ] || continue
        if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qxF "SLURM_CONF=$tmp/slurm.conf"; then
            say "killing leftover job process $pid"
            kill -KILL "$pid" 2>/dev/null
        fi
    done
}

# --- install ------------------------------------------------------------------
phase install
missing=0
for bin in slurmctld slurmd sbatch squeue sinfo scontrol munged munge; do
    command -v "$bin" >/dev/null || missing=1
done
if [ "$missing" = 1 ]; then
    command -v apt-get >/dev/null || cannot "Slurm is not installed and there is no apt-get to install it"
    # Packages must not start their own daemons (systemd or init scripts)
    # behind this test's back: Debian's policy-rc.d refuses them for the
    # duration of the install.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    echo "installing slurm-wlm and munge from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge; } \
        >/tmp/slurm-test-apt.log 2>&1 </dev/null; then
        tail -n 20 /tmp/slurm-test-apt.log >&2
        rm -f /tmp/slurm-test-apt.log
        cannot "apt-get install slurm-wlm munge failed (log above)"
    fi
    rm -f /tmp/slurm-test-apt.log
    if [ "$policy_added" = 1 ]; then rm -f /usr/sbin/policy-rc.d; policy_added=0; fi
fi
echo "$(slurmctld -V), $(munged --version 2>&1 | awk '{ print $1; exit }')"

# --- start --------------------------------------------------------------------
phase start
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fanout-slurm.XXXXXX")
chmod 755 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/run" "$tmp/log" "$tmp/out"

# munge: the key, then munged as the munge user on its default socket, unless
# a munged (systemd's, say) already answers there.
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    echo "munged already running: using it"
else
    if [ ! -s /etc/munge/munge.key ]; then
        install -d -m 0700 -o munge -g munge /etc/munge
        if command -v mungekey >/dev/null; then
            mungekey --create --force --keyfile=/etc/munge/munge.key
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        fi
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
    [ -d /run/munge ] || made_run_munge=1
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    runuser -u munge -- munged || cannot "munged would not start (see /var/log/munge/munged.log)"
    started_munged=1
    for _ in $(seq 1 20); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.25
    done
    munge -n | unmunge >/dev/null || fail "munged started but does not answer"
    echo "started munged (pid $(cat /run/munge/munged.pid))"
fi

node=$(hostname -s)
cpus=$(nproc)
mem_total_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
# Headroom for the OS and the daemons: a tenth, at least 512 MiB.
headroom=$((mem_total_mib / 10 > 512 ? mem_total_mib / 10 : 512))
real_mem=$((mem_total_mib - headroom))
[ "$real_mem" -ge 512 ] || cannot "only ${mem_total_mib} MiB of memory"

# A one-node cluster, every file under $tmp. Ports: Slurm's defaults.
cat >"$tmp/slurm.conf" <<EOF
ClusterName=fanout-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
DefMemPerCPU=$((real_mem / cpus))
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
# Start queued work as soon as resources free up, not on the next pass
# (keeps the test short; irrelevant to what it checks).
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

slurmctld -f "$SLURM_CONF" || { cat "$tmp/log/slurmctld.log" >&2; fail "slurmctld would not start"; }
slurmd -f "$SLURM_CONF" -N "$node" || { cat "$tmp/log/slurmd.log" >&2; fail "slurmd would not start"; }

state=
for _ in $(seq 1 120); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
if [ "$state" != idle ]; then
    tail -n 30 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" >&2
    fail "node $node not idle after 60 s (state '${state:-none}')"
fi
echo "cluster up: node $node idle, $cpus CPUs, $real_mem MiB"

# --- job ----------------------------------------------------------------------
phase job
if [ "$mode" = selftest ]; then
    # The stand-in for fanout; the jobs run on this machine, so they reach it.
    FANOUT=$root/tests/cluster/fanout-standin.py
else
    [ -x "$FANOUT" ] || fail "FANOUT=$FANOUT: no such executable (cargo build --release first, or set FANOUT)"
    FANOUT=$(realpath "$FANOUT")
fi
[ -f "$SCENARIO" ] || fail "SCENARIO=$SCENARIO: no such file"
SCENARIO=$(realpath "$SCENARIO")
read -r -a sweep_args <<<"$SWEEP_ARGS"

submitted=$(cd "$tmp" && FANOUT=$FANOUT "$root/scripts/slurm/submit.sh" -n "$SLICES" -o "$tmp/out" \
    "$SCENARIO" "${sweep_args[@]}") || fail "scripts/slurm/submit.sh failed"
echo "$submitted"
ids=$(sed -n 's/^submitted: array=\([0-9]*\) merge=\([0-9]*\) .*/\1 \2/p' <<<"$submitted")
read -r array_id merge_id <<<"$ids"
[ -n "${merge_id:-}" ] || fail "no job ids in submit.sh's output"

deadline=$((SECONDS + JOB_TIMEOUT))
while [ -n "$(squeue -h -j "$array_id,$merge_id" -o %i 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "jobs $array_id and $merge_id still queued after ${JOB_TIMEOUT} s"
    sleep 1
done

# Every array task and the merge must have COMPLETED (no accounting storage:
# slurmctld keeps finished jobs for MinJobAge seconds). This cluster runs
# nothing else, so every job it knows is one of ours.
states=$(scontrol -o show job 2>/dev/null | awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    id = ("ArrayTaskId" in f) ? f["ArrayJobId"] "_" f["ArrayTaskId"] : f["JobId"]
    print id, f["JobState"], f["JobName"]; delete f
}') || true
bad=$(awk '$2 != "COMPLETED"' <<<"$states")
completed=$(grep -c COMPLETED <<<"$states" || true)
if [ -n "$bad" ] || [ "$completed" -ne $((SLICES + 1)) ]; then
    echo "$states" >&2
    tail -n +1 "$tmp/out/logs/"* >&2 2>/dev/null || true
    fail "not every job completed (above: job states and logs)"
fi
echo "jobs done: $SLICES array tasks and the merge completed"

# --- compare ------------------------------------------------------------------
phase compare
[ -s "$tmp/out/sweep.csv" ] || fail "the merge job wrote no $tmp/out/sweep.csv"
if ! "$FANOUT" sweep "$SCENARIO" "${sweep_args[@]}" --csv "$tmp/local.csv" >"$tmp/local.txt" 2>"$tmp/local.err"; then
    cat "$tmp/local.err" >&2
    fail "the local unpartitioned sweep failed (message above)"
fi
python3 "$root/tests/cluster/same_csv.py" "$tmp/local.csv" "$tmp/out/sweep.csv" ||
    fail "the merged CSV differs from the unpartitioned sweep's"
echo "PASS ($mode): $SLICES slices merged on Slurm == unpartitioned sweep"
