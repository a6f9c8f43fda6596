#!/usr/bin/env bash
# Regenerates the golden results that tests/it/golden.rs compares against.
#
#   scripts/regenerate-golden.sh            # every scenarios/*.toml
#   scripts/regenerate-golden.sh peak       # only scenarios/peak.toml
#
# For each shipped scenario NAME it runs the release binary for a short
# measured window (warm-up as shipped) and writes
#
#   results/golden/NAME.args   the arguments after `fanout run`, one per line
#                              (tests/it/golden.rs replays exactly these)
#   results/golden/NAME.csv    the summary CSV of that run
#
# Run it only when a change of the model's output is deliberate, and say in
# the commit why the numbers moved (git diff results/golden shows which).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=2s
OUT=results/golden

# Scenario-specific arguments, so that every scenario runs in the short
# window: scheduled events must fall before warm-up + duration.
extra_args() {
  case "$1" in
    # The celebrity's tweets (20 s and 40 s as shipped) are moved into the
    # measured window [5 s, 7 s), so the 1M-follower fan-out is covered.
    celebrity) printf '%s\n' --set 'workload.events[0].at=5500ms' --set 'workload.events[1].at=6s' ;;
    # 150M users take 30 s and 10 GB to build: the golden run pins scale
    # mode on 1M users (the same code path, the rest of the file as shipped).
    twitter-2012-full) printf '%s\n' --set population.users=1_000_000 --set population.followers.max=200_000 ;;
    # The 1M-follower tweet (10 s as shipped) is moved into the measured
    # window [5 s, 7 s), so the calibrated delivery is covered.
    twitter-2012-production) printf '%s\n' --set 'workload.events[0].at=5500ms' ;;
    # Faults are moved into the measured window [2 s, 4 s).
    retry-storm) printf '%s\n' --set 'faults[0].at=2500ms' --set 'faults[0].duration=1s' ;;
    replica-crash) printf '%s\n' --set 'faults[0].at=2200ms' --set 'faults[0].duration=1s' ;;
    duplicate-fanout) printf '%s\n' \
      --set 'workload.events[0].at=2400ms' --set 'faults[0].at=2500ms' --set 'faults[0].duration=200ms' \
      --set 'workload.events[1].at=3000ms' --set 'faults[1].at=3100ms' --set 'faults[1].duration=200ms' \
      --set 'workload.events[2].at=3400ms' --set 'faults[2].at=3500ms' --set 'faults[2].duration=200ms' ;;
    # Its faults span the run already; hedging on pins the hedge path
    # (the other fault scenarios pin timeouts, retries, failover, rebuilds).
    tail-at-scale) printf '%s\n' --set 'policy.store.hedge=p95' --set 'policy.cache.hedge=p95' ;;
    *) ;;
  esac
}

echo "building the release binary (cargo build --release --locked)"
cargo build --release --locked --quiet
BIN=target/release/fanout

mkdir -p "$OUT"
if [ "$#" -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in scenarios/*.toml; do
    names+=("$(basename "$f" .toml)")
  done
  # Golden files of scenarios that no longer exist go too.
  for f in "$OUT"/*.csv; do
    [ -e "$f" ] || continue
    n="$(basename "$f" .csv)"
    if [ ! -e "scenarios/$n.toml" ]; then
      echo "removing $OUT/$n.{csv,args}: scenarios/$n.toml is gone"
      rm -f "$OUT/$n.csv" "$OUT/$n.args"
    fi
  done
fi

for name in "${names[@]}"; do
  scenario="scenarios/$name.toml"
  if [ ! -f "$scenario" ]; then
    echo "error: $scenario does not exist" >&2
    exit 2
  fi
  args=("$scenario" --duration "$DURATION" --quiet)
  while IFS= read -r a; do
    args+=("$a")
  done < <(extra_args "$name")
  printf '%s\n' "${args[@]}" > "$OUT/$name.args.tmp"
  start=$(date +%s%N)
  # The table on stdout is not needed; stderr is shown only on failure
  # (a 2 s window always draws the "warm-up longer than duration" warning).
  if ! "$BIN" run "${args[@]}" --csv "$OUT/$name.csv.tmp" >/dev/null 2>"$OUT/$name.err"; then
    cat "$OUT/$name.err" >&2
    rm -f "$OUT/$name.err" "$OUT/$name.csv.tmp" "$OUT/$name.args.tmp"
    echo "error: fanout run ${args[*]} failed; golden files of $name left unchanged" >&2
    exit 1
  fi
  rm -f "$OUT/$name.err"
  mv "$OUT/$name.csv.tmp" "$OUT/$name.csv"
  mv "$OUT/$name.args.tmp" "$OUT/$name.args"
  ms=$((($(date +%s%N) - start) / 1000000))
  printf 'wrote %s and %s: fanout run %s --csv %s (%d.%d s, %d rows)\n' \
    "$OUT/$name.csv" "$OUT/$name.args" "${args[*]}" "$OUT/$name.csv" $((ms / 1000)) $((ms % 1000 / 100)) \
    "$(($(wc -l < "$OUT/$name.csv") - 1))"
done

echo
if git rev-parse --git-dir >/dev/null 2>&1; then
  echo "changes against the last commit (git diff --stat $OUT):"
  git diff --stat -- "$OUT" || true
  git status --short -- "$OUT" | grep '^??' || true
fi
echo "commit $OUT with the reason the numbers changed; cargo test --release --test it golden checks them."
